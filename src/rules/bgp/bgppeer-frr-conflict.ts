import { defineRule } from '../types.js';
import type { ConfigError, ConfigErrorCode } from '../../model/config/index.js';
import { reportParseErrors } from '../parse-errors.js';
import { DISABLE_MP_NOTE } from '../../model/config/peers.js';

const FIXES: Partial<Record<ConfigError['code'], string>> = {
  'peer-frr-router-id': 'Give every BGPPeer that selects the same node the same spec.routerID (or none on all of them).',
  'peer-frr-duplicate': 'Merge the two BGPPeers, or make their nodeSelectors disjoint, or put them in different VRFs.',
  'peer-frr-my-asn': 'Use the same spec.myASN on every BGPPeer of a VRF that selects the same node (localASN changes the ASN per session under FRR).',
};
const CODES = Object.keys(FIXES) as ConfigErrorCode[];

export default defineRule({
  meta: {
    id: 'bgppeer-frr-conflict',
    severity: 'error',
    category: 'bgp',
    evidence: ['files', 'api'],
    description: 'FRR modes: two BGPPeers on a shared node with the same address (+VRF), different routerIDs, or different myASNs in the same VRF.',
    fix: 'Peers that select the same node must agree on routerID and myASN (per VRF) and must not repeat an address.',
  },
  check(ctx) {
    const assumed = ctx.state.isCaptured('Node') ? {} : { evidence: ['Nodes not captured: the peers are assumed to share a node, as MetalLB does without a node list'] };
    reportParseErrors(ctx, CODES, (e) => ({
      suffix: ` (the webhook refuses the second of the two peers applied)${e.rejectedBy === 'runtime' ? ` (${DISABLE_MP_NOTE})` : ''}`,
      fix: FIXES[e.code],
      ...assumed,
    }));
  },
});
