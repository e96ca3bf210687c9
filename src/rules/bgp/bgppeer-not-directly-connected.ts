import type { KubeObject } from '../../sources/types.js';
import { defineRule } from '../types.js';
import { cidrContainsIP, formatCIDR, formatIP, parseIP } from '../../model/address.js';
import {
  BGP_SESSION_STATE,
  isEBGP,
  normaliseSessionPeer,
  nodeSubnets,
  onSubnet,
  peerNodeNames,
  peerView,
  sessionPeerKey,
  subnetText,
  type NodeSubnets,
} from '../../model/network.js';
import { asArray, asRecord } from '../../state/cluster-state.js';
import { namesText } from '../../report/text.js';

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/**
 * Whether the annotations account for every IPv4 address the Node lists: an InternalIP or
 * ExternalIP outside every known subnet sits on an interface whose prefix nobody told us.
 */
function coversNodeAddresses(node: KubeObject, known: NodeSubnets): boolean {
  for (const a of asArray(asRecord(node.status).addresses)) {
    const r = asRecord(a);
    if (r.type !== 'InternalIP' && r.type !== 'ExternalIP') continue;
    const ip = parseIP(str(r.address).trim());
    if (!ip || ip.family !== 4) continue;
    if (!known.subnets.some((s) => cidrContainsIP(s.cidr, ip))) return false;
  }
  return true;
}

/** The node's subnets, or null when they do not tell all of its addresses' subnets. */
function judgeableSubnets(node: KubeObject): NodeSubnets | null {
  const known = nodeSubnets(node);
  return known.subnets.length === 0 || (!known.complete && !coversNodeAddresses(node, known)) ? null : known;
}

export default defineRule({
  meta: {
    id: 'bgppeer-not-directly-connected',
    severity: 'warning',
    category: 'bgp',
    evidence: ['api'],
    description: 'An eBGP BGPPeer without ebgpMultiHop whose address is on no subnet of the nodes that open the session: FRR never brings the session up.',
    fix: 'Set spec.ebgpMultiHop: true when the router is more than one hop away (and multihop on the router), or peer with the router\'s address on the nodes\' subnet.',
  },
  check({ state, options, report }) {
    const backend = state.metallb.bgpBackend ?? options.bgpBackend;
    // the native backend dials an ordinary TCP connection (no TTL 1, no connected check)
    if (backend === 'native') return;
    // absent is not none: without the Nodes nothing is known about their subnets
    if (!state.isCaptured('Node')) return;
    const nodes = state.all('Node');
    const established = new Set(
      state
        .all(BGP_SESSION_STATE)
        .map((s) => asRecord(s.status))
        .filter((st) => st.bgpStatus === 'Established' && !str(st.vrf))
        .map((st) => `${str(st.node)}\u0000${normaliseSessionPeer(str(st.peer))}`),
    );
    // a node's subnets are the same for every peer: read once, when a peer first asks (null:
    // nothing tells them, or not all of them)
    const subnetsByNode = new Map<KubeObject, NodeSubnets | null>();
    for (const raw of state.metallbObjects('BGPPeer')) {
      const p = peerView(raw);
      // unnumbered peers are link-local by design; IPv6 eBGP peers get disable-connected-check
      // from MetalLB; a VRF session leaves through an interface whose subnet is not known here
      if (p.iface || !p.address || p.address.family !== 4 || p.vrf) continue;
      if (p.ebgpMultiHop) continue;
      if (isEBGP(p, backend) !== true) continue;
      const opening = peerNodeNames(p, nodes);
      if (opening.size === 0) continue; // bgppeer-selects-no-node says so
      const key = sessionPeerKey(p);
      let near = false;
      const far: { node: string; known: NodeSubnets }[] = [];
      let unknown = 0;
      for (const node of nodes) {
        const name = node.metadata?.name ?? '';
        if (!opening.has(name)) continue;
        let known = subnetsByNode.get(node);
        if (known === undefined) subnetsByNode.set(node, (known = judgeableSubnets(node)));
        // nothing tells this node's subnets (or not all of them): say nothing about it
        if (known === null) {
          unknown++;
          continue;
        }
        if (onSubnet(known.subnets, p.address) || established.has(`${name}\u0000${key}`)) {
          // one node that reaches the router directly is enough for the peer: the others need no look
          near = true;
          break;
        }
        // an update-source the annotations do not show: the session leaves through another interface
        if (p.sourceAddress && !known.subnets.some((s) => formatIP(s.address) === p.sourceAddress)) {
          unknown++;
          continue;
        }
        far.push({ node: name, known });
      }
      if (near || far.length === 0) continue;
      const asns = p.dynamicASN === 'external' ? `myASN ${p.myASN}, dynamicASN external` : `myASN ${p.myASN}, peerASN ${p.peerASN}`;
      const subnets = [...new Set(far.flatMap((f) => f.known.subnets.filter((s) => s.cidr.family === 4).map((s) => formatCIDR(s.cidr))))];
      const partial = far.some((f) => !f.known.complete);
      report({
        message:
          `BGPPeer "${p.name}" is eBGP (${asns}) without ebgpMultiHop, but its address ${p.addressText} is on none of the subnets of the ${far.length === 1 ? 'node' : `${far.length} nodes`} that open the session (${namesText(subnets, 4)}): ` +
          `FRR brings a single-hop eBGP session up only toward a directly connected address, so the session stays in Active and the router gets no routes${partial ? ' (assuming the nodes reach the router through the interface their annotations describe)' : ''}`,
        subjects: [{ obj: raw, path: ['spec', 'peerAddress'] }],
        evidence: [
          ...far.slice(0, 8).map((f) => `Node ${f.node}: ${f.known.subnets.map(subnetText).join('; ')}`),
          ...(far.length > 8 ? [`and ${far.length - 8} more node(s) with no subnet holding ${p.addressText}`] : []),
          ...(unknown > 0 ? [`${unknown} other selected node(s) not judged: nothing tells all of their subnets`] : []),
          partial
            ? 'these annotations show the interface the CNI picked, not every interface: if the nodes reach the router through another one, this finding does not apply (annotate the BGPPeer metallb-doctor.io/ignore: bgppeer-not-directly-connected)'
            : 'k8s.ovn.org/host-cidrs lists every address of the host',
        ],
        fix:
          `If the router is more than one hop away from the nodes, set spec.ebgpMultiHop: true on BGPPeer "${p.name}" (and configure multihop for this neighbor on the router); ` +
          `if the router has an address on the nodes' subnet (${namesText(subnets, 2)}), use that address as spec.peerAddress. Confirm from a node: ip route get ${p.addressText} (a "via" hop means not directly connected).`,
      });
    }
  },
});
