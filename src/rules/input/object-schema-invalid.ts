import { defineRule } from '../types.js';
import { validateObject } from '../../model/schema/index.js';

export default defineRule({
  meta: {
    id: 'object-schema-invalid',
    severity: 'error',
    category: 'input',
    evidence: ['files'],
    description:
      'A known kind with a wrong type, a missing required field, an out-of-range or unknown enum value, or an unknown field.',
    fix: 'Correct the field as the message says; `kubectl apply --dry-run=server -f FILE` shows the API server rejecting it.',
  },
  check({ state, report }) {
    for (const obj of state.objects) {
      for (const v of validateObject(obj)) {
        report({ message: v.message, subjects: [{ obj, path: v.path }] });
      }
    }
  },
});
