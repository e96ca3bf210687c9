import { defineRule } from '../types.js';
import type { BgpProbe } from '../../model/probe.js';
import { notificationHint } from '../../model/bgp/notification.js';
import { peerOf } from '../../model/probe-subjects.js';

export default defineRule({
  meta: {
    id: 'probe-bgp-notification',
    severity: 'error',
    category: 'probes',
    evidence: ['net'],
    description: 'The BGP peer closed the probe\'s session with a NOTIFICATION other than Bad Peer AS (decoded: e.g. 2/3 Bad BGP Identifier, 2/6 Unacceptable Hold Time, 6/5 Connection Rejected).',
    fix: 'Fix what the NOTIFICATION names; a Cease / Connection Rejected or Peer De-configured from this machine may only mean the router accepts the nodes\' addresses alone: probe from a node.',
  },
  check({ state, report }) {
    for (const p of state.probes ?? []) {
      if (p.kind !== 'bgp') continue;
      const bp = p as BgpProbe;
      const n = bp.notification;
      if (!n || n.direction !== 'received' || (n.code === 2 && n.subcode === 2)) continue;
      const peer = peerOf(state, bp);
      const hint = notificationHint(n.code, n.subcode);
      report({
        message: `The router at ${bp.target}${peer ? ` (BGPPeer "${peer.metadata?.name ?? ''}")` : ''} closed the session with NOTIFICATION ${n.code}/${n.subcode} (${n.name})${hint ? `: ${hint}` : ''}.`,
        subjects: peer ? [{ obj: peer }] : [],
        evidence: [`sent OPEN: AS ${bp.sent.asn}, hold ${bp.sent.holdTime}, id ${bp.sent.routerId}, ${bp.sent.capabilities.join(', ')}`, `NOTIFICATION received: ${n.code}/${n.subcode} ${n.name}${n.data ? ` (data ${n.data})` : ''}`, ...bp.notes],
        fix: hint ?? 'Compare the BGPPeer with the router\'s neighbour configuration (AS numbers, hold time, router ID, address families).',
      });
    }
  },
});
