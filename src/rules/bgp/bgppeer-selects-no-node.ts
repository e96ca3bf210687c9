import type { KubeObject } from '../../sources/types.js';
import { defineRule } from '../types.js';
import { normalizeBGPPeer } from '../../model/bgppeer-conversion.js';
import { selectedNodes } from '../../model/advertisements.js';
import { validateSelector } from '../../model/selectors.js';
import { asRecord } from '../../state/cluster-state.js';

export default defineRule({
  meta: {
    id: 'bgppeer-selects-no-node',
    severity: 'warning',
    category: 'bgp',
    evidence: ['files', 'api'],
    description: "A BGPPeer's nodeSelectors match no Node: no speaker ever opens the session.",
    fix: 'Correct spec.nodeSelectors to match the labels of the nodes that should peer (or remove it to peer from every node).',
  },
  check({ state, report }) {
    // absent is not none: without the Nodes we cannot tell
    if (!state.isCaptured('Node')) return;
    const nodes = state.all('Node');
    for (const peer of state.metallbObjects('BGPPeer')) {
      const raw = asRecord(peer.spec).nodeSelectors;
      if (!Array.isArray(raw) || raw.length === 0) continue; // empty: every node
      // v1beta1 has its own selector type: read the v1beta2 view
      const view = normalizeBGPPeer(peer);
      const sels = asRecord(view.spec).nodeSelectors;
      // an invalid selector makes MetalLB refuse the configuration: bgppeer-invalid says so
      if (!Array.isArray(sels) || sels.some((s) => validateSelector(s) !== undefined)) continue;
      if (selectedNodes(view, nodes).length > 0) continue;
      const name = peer.metadata?.name ?? '';
      report({
        message: `BGPPeer "${name}" nodeSelectors match none of the ${nodes.length} node(s): no speaker opens this session, so the router at ${describePeer(view)} receives no routes`,
        subjects: [{ obj: peer, path: ['spec', 'nodeSelectors'] }],
        evidence: [`nodes: ${nodes.map((n) => n.metadata?.name ?? '').join(', ') || '(none)'}`],
        fix: 'Make spec.nodeSelectors match the labels of the nodes that should peer (kubectl get nodes --show-labels), or label those nodes; remove nodeSelectors to peer from every node.',
      });
    }
  },
});

function describePeer(view: KubeObject): string {
  const spec = asRecord(view.spec);
  if (typeof spec.peerAddress === 'string' && spec.peerAddress) return spec.peerAddress;
  if (typeof spec.interface === 'string' && spec.interface) return `interface ${spec.interface}`;
  return 'this peer';
}
