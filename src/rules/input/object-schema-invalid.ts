import { defineRule } from '../types.js';
import { validateObject } from '../../model/schema/index.js';
import { isMetalLBObject } from '../../model/kinds.js';

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
    const derived = new Set(state.legacy?.objects ?? []);
    for (const obj of state.objects) {
      // objects converted from a legacy ConfigMap are checked through the legacy parser below
      if (derived.size > 0 && derived.has(obj)) continue;
      // what a cluster holds passed the API server's validation: only MetalLB's kinds can still
      // hold what MetalLB fails to decode, or what an older release's CRD did not validate
      if (state.isFromCluster(obj) && !isMetalLBObject(obj)) continue;
      for (const v of validateObject(obj)) {
        report({
          message:
            v.origin === 'decode'
              ? `${v.message} (the API server stores it; MetalLB fails to read it and keeps its previous configuration)`
              : v.message,
          subjects: [{ obj, path: v.path }],
        });
      }
    }
    const legacy = state.legacy;
    if (!legacy) return;
    for (const p of legacy.problems) {
      if (p.kind === 'renamed' || p.kind === 'reinterpreted') continue; // notes for `migrate`, not mistakes
      report({
        message: `${p.message} (legacy configuration in ConfigMap "${legacy.configMap.metadata.name ?? ''}")`,
        subjects: p.position
          ? [{ file: p.position.file, line: p.position.line, column: p.position.column, kind: 'ConfigMap', name: legacy.configMap.metadata.name ?? '' }]
          : [{ obj: legacy.configMap, path: ['data', 'config'] }],
        fix: 'Correct the embedded configuration (data.config); legacy MetalLB refuses the whole configuration until then.',
      });
    }
  },
});
