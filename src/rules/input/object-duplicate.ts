import { defineRule } from '../types.js';
import { positionOf } from '../../sources/types.js';

export default defineRule({
  meta: {
    id: 'object-duplicate',
    severity: 'warning',
    category: 'input',
    evidence: ['files'],
    description: 'The same object (kind, namespace, name) is defined twice in the input: applied together, the later copy silently replaces the earlier.',
    fix: 'Keep one definition of the object; if the two differ, decide which one you mean.',
    new: true,
  },
  check({ state, report }) {
    for (const { shadowed, by } of state.duplicates) {
      const m = shadowed.metadata;
      const at = positionOf(by);
      report({
        message: `${shadowed.kind} "${m.namespace ? `${m.namespace}/` : ''}${m.name ?? ''}" is defined again${at ? ` at ${at.file}:${at.line}` : ''}: applied together, that copy replaces this one`,
        subjects: [{ obj: shadowed }, { obj: by }],
      });
    }
  },
});
