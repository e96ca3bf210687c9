import { defineRule } from '../types.js';

export default defineRule({
  meta: {
    id: 'advertisement-missing',
    severity: 'critical',
    category: 'advertisements',
    evidence: ['api', 'files'],
    description: 'IPAddressPools exist but there is no L2Advertisement and no BGPAdvertisement: addresses are handed out and never announced.',
    fix: 'Create an L2Advertisement (or a BGPAdvertisement and BGPPeers) in the MetalLB namespace.',
  },
  check({ state, report }) {
    // Absent is not none: conclude only when both advertisement kinds were captured.
    if (!state.isCaptured('L2Advertisement') || !state.isCaptured('BGPAdvertisement')) return;
    const pools = state.metallbObjects('IPAddressPool');
    if (pools.length === 0) return; // pool-missing
    if (state.metallbObjects('L2Advertisement').length > 0 || state.metallbObjects('BGPAdvertisement').length > 0) return;
    const ns = state.metallb.namespace;
    const names = pools.map((p) => `"${p.metadata?.name ?? ''}"`).join(', ');
    // advertisements MetalLB cannot see (advertisement-wrong-namespace): the likely cause
    const elsewhere = [...state.all('L2Advertisement'), ...state.all('BGPAdvertisement')].filter((a) => !state.metallbObjects(a.kind).includes(a));
    const hint = elsewhere.length
      ? ` (${elsewhere.map((a) => `${a.kind} "${a.metadata?.name ?? ''}" is in namespace "${a.metadata?.namespace ?? ''}"`).join(', ')}, where MetalLB does not look)`
      : '';
    report({
      message: `${pools.length} IPAddressPool(s) (${names}) but no L2Advertisement and no BGPAdvertisement in namespace "${ns}"${hint}: MetalLB assigns their addresses to Services but no node announces them, so they are unreachable from outside the cluster`,
      subjects: pools.map((obj) => ({ obj, path: ['metadata', 'name'] })),
      evidence: [`kubectl get l2advertisements.metallb.io,bgpadvertisements.metallb.io -n ${ns}`],
      fix:
        state.sourceKind === 'manifests'
          ? `Create an advertisement for the pools (if it is in other files, lint them together):\n  apiVersion: metallb.io/v1beta1\n  kind: L2Advertisement\n  metadata:\n    name: l2\n    namespace: ${ns}`
          : `Create an advertisement for the pools:\n  apiVersion: metallb.io/v1beta1\n  kind: L2Advertisement\n  metadata:\n    name: l2\n    namespace: ${ns}`,
    });
  },
});
