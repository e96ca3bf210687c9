import { defineRule } from '../types.js';
import { selectedNodes, selectedPools } from '../../model/advertisements.js';
import { validateSelector } from '../../model/selectors.js';

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
// An invalid selector makes MetalLB refuse the whole configuration: another rule's finding.
const allValid = (sels: unknown[]) => sels.every((s) => s !== null && typeof s === 'object' && validateSelector(s) === undefined);

export default defineRule({
  meta: {
    id: 'advertisement-selects-nothing',
    severity: 'warning',
    category: 'advertisements',
    evidence: ['files', 'api'],
    description:
      'An advertisement selects nothing: its `ipAddressPoolSelectors` match no pool (and it names no existing pool), or its `nodeSelectors` match no Node.',
    fix: 'Make the selectors match: label the pools (or nodes) as the selector expects, or correct the selector.',
  },
  check({ state, report }) {
    const pools = state.metallbObjects('IPAddressPool');
    const nodes = state.all('Node');
    // Absent is not none: Nodes count only when captured; with no Node at all there is nothing to say.
    const nodesKnown = state.isCaptured('Node') && nodes.length > 0;
    for (const kind of ['L2Advertisement', 'BGPAdvertisement']) {
      for (const ad of state.metallbObjects(kind)) {
        const spec = (ad.spec ?? {}) as Record<string, unknown>;
        const name = `${kind} "${ad.metadata?.name ?? ''}"`;
        const poolSels = list(spec.ipAddressPoolSelectors);
        // With no pool at all pool-missing speaks; a selector is never a fallback to all pools.
        if (state.isCaptured('IPAddressPool') && pools.length > 0 && poolSels.length > 0 && allValid(poolSels) && selectedPools(ad, pools).length === 0) {
          const named = list(spec.ipAddressPools).length > 0;
          report({
            message: `${name}: ipAddressPoolSelectors match none of the ${pools.length} IPAddressPool(s)${named ? ' and ipAddressPools names no existing pool' : ''}: MetalLB accepts it silently and the advertisement announces nothing (a selector that matches nothing does not fall back to all pools)`,
            subjects: [{ obj: ad, path: ['spec', 'ipAddressPoolSelectors'] }],
            evidence: pools.slice(0, 5).map((p) => `IPAddressPool "${p.metadata?.name ?? ''}" labels: ${JSON.stringify(p.metadata?.labels ?? {})}`),
            fix: 'Label the pool the selector should match (metadata.labels), correct the selector, or name the pool:\n  ipAddressPools:\n  - <pool name>',
          });
        }
        const nodeSels = list(spec.nodeSelectors);
        if (nodesKnown && nodeSels.length > 0 && allValid(nodeSels) && selectedNodes(ad, nodes).length === 0) {
          report({
            message: `${name}: nodeSelectors match none of the ${nodes.length} Node(s): no node announces the addresses of its pools (MetalLB accepts this silently)`,
            subjects: [{ obj: ad, path: ['spec', 'nodeSelectors'] }],
            evidence: [`kubectl get nodes --show-labels (${nodes.length} Node(s) in the input)`],
            fix: 'Correct the nodeSelectors so they match the labels of the nodes that should announce, or label those nodes (kubectl label node <node> <key>=<value>).',
          });
        }
      }
    }
  },
});
