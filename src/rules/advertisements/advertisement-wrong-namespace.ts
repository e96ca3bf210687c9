import { defineRule } from '../types.js';
import { METALLB_CONFIG_KINDS } from '../../model/kinds.js';

export default defineRule({
  meta: {
    id: 'advertisement-wrong-namespace',
    severity: 'error',
    category: 'advertisements',
    evidence: ['files', 'api'],
    description:
      'A MetalLB object lives outside the MetalLB namespace, where MetalLB never looks (the webhook rejects it on create when it runs).',
    fix: 'Move the object to the MetalLB namespace: set metadata.namespace, delete it from the other namespace, apply again.',
  },
  check({ state, report }) {
    const ns = state.metallb.namespace;
    for (const kind of METALLB_CONFIG_KINDS) {
      for (const obj of state.all(kind)) {
        const own = obj.metadata?.namespace;
        if (!own || own === ns) continue;
        report({
          message: `${kind} "${obj.metadata.name ?? ''}" is in namespace "${own}", but MetalLB only reads namespace "${ns}": it is ignored`,
          subjects: [{ obj, path: ['metadata', 'namespace'] }],
          evidence: [`MetalLB namespace "${ns}" (${describeFrom(state.metallb.namespaceFrom)})`],
          fix: `Set metadata.namespace: ${ns} and apply it there; then delete the copy in "${own}".`,
        });
      }
    }
  },
});

function describeFrom(from: string): string {
  switch (from) {
    case 'flag':
      return 'from --metallb-namespace';
    case 'workloads':
      return 'where the controller and speaker run';
    case 'bundle':
      return 'recorded in the bundle';
    case 'objects':
      return 'where most MetalLB objects are';
    default:
      return 'the default; set --metallb-namespace if MetalLB runs elsewhere';
  }
}
