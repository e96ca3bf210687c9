import { defineRule } from '../types.js';
import { METALLB_CONFIG_KINDS } from '../../model/kinds.js';

export default defineRule({
  meta: {
    id: 'pool-missing',
    severity: 'critical',
    category: 'pools',
    evidence: ['api', 'files'],
    description: 'No IPAddressPool at all: MetalLB has no address to give any Service.',
    fix: 'Create an IPAddressPool in the MetalLB namespace (`metallb-doctor init l2 --addresses ...` writes one).',
  },
  check({ state, report }) {
    // Absent is not none: only conclude when pools were captured.
    if (!state.isCaptured('IPAddressPool') || state.metallbObjects('IPAddressPool').length > 0) return;
    const other = [...METALLB_CONFIG_KINDS].flatMap((k) => state.metallbObjects(k))[0];
    const ns = state.metallb.namespace;
    report({
      message: `no IPAddressPool in namespace "${ns}": every LoadBalancer Service stays <pending>`,
      subjects: other ? [{ obj: other }] : [],
      evidence: [`kubectl get ipaddresspools.metallb.io -n ${ns}`],
      ...(state.sourceKind === 'manifests'
        ? { fix: 'Create an IPAddressPool in the MetalLB namespace. If the pools are in other files, lint them together with these, or against the cluster with --from SNAPSHOT.' }
        : {}),
    });
  },
});
