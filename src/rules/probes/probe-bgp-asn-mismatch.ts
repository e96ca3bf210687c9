import { defineRule } from '../types.js';
import type { BgpProbe } from '../../model/probe.js';
import { peerOf } from '../../model/probe-subjects.js';

export default defineRule({
  meta: {
    id: 'probe-bgp-asn-mismatch',
    severity: 'error',
    category: 'probes',
    evidence: ['net'],
    description: "The BGP peer's OPEN carries another ASN than the BGPPeer's peerASN, or the peer answered our OPEN (MetalLB's myASN) with NOTIFICATION 2/2 Bad Peer AS: the two sides disagree on an AS number and the session never comes up.",
    fix: "Make spec.myASN equal the router's `neighbor ... remote-as` for the nodes, and spec.peerASN the router's own AS.",
  },
  check({ state, report }) {
    for (const p of state.probes ?? []) {
      if (p.kind !== 'bgp') continue;
      const bp = p as BgpProbe;
      const theirs = bp.received && bp.expected?.peerAsn !== undefined && bp.received.asn !== bp.expected.peerAsn;
      const badAs = bp.notification?.direction === 'received' && bp.notification.code === 2 && bp.notification.subcode === 2;
      if (!theirs && !badAs) continue;
      // a router without 4-octet-AS support refuses a 4-byte AS as Bad Peer AS: probe-bgp-no-4byte-asn says why
      if (badAs && !theirs && bp.received && !bp.received.fourByteAsn && bp.sent.asn > 65535) continue;
      // Bad Peer AS quotes the 2-byte AS field of our OPEN; for a 4-byte AS that is AS_TRANS, all a
      // router without 4-octet-AS support sees. Without its OPEN we cannot tell which case this is.
      const asTrans = badAs && !bp.received && bp.sent.asn > 65535 && bp.notification?.data === '5ba0';
      const peer = peerOf(state, bp);
      const name = peer ? ` (BGPPeer "${peer.metadata?.name ?? ''}")` : '';
      report({
        message: theirs
          ? `The router at ${bp.target}${name} is AS ${bp.received!.asn}, but the BGPPeer expects AS ${bp.expected!.peerAsn} (spec.peerASN): MetalLB's speakers refuse its OPEN (FRR with NOTIFICATION 2/2 Bad Peer AS, the native speaker by closing the connection), so the session never comes up.`
          : `The router at ${bp.target}${name} refused our OPEN as AS ${bp.sent.asn} with NOTIFICATION 2/2 (OPEN Message Error / Bad Peer AS): it expects another AS from this neighbour, so spec.myASN ${bp.sent.asn} is not the router's remote-as for the nodes.${asTrans ? ` It quoted AS 23456 (AS_TRANS), the 2-byte stand-in for AS ${bp.sent.asn}: a router without 4-octet-AS support sees only that, and then refuses it unless its remote-as is 23456.` : ''}`,
        subjects: peer ? [{ obj: peer, path: ['spec', theirs ? 'peerASN' : 'myASN'] }] : [],
        evidence: [`sent OPEN: AS ${bp.sent.asn}, hold ${bp.sent.holdTime}, id ${bp.sent.routerId}`, ...(bp.received ? [`received OPEN: AS ${bp.received.asn}, hold ${bp.received.holdTime}, id ${bp.received.routerId}, ${bp.received.capabilities.join(', ')}`] : []), ...(bp.notification ? [`NOTIFICATION ${bp.notification.direction}: ${bp.notification.code}/${bp.notification.subcode} ${bp.notification.name}`] : []), ...bp.notes],
        fix: theirs ? `Set spec.peerASN to ${bp.received!.asn} (the router's AS), or fix the router's AS.` : `Set spec.myASN to the AS the router has for the nodes (its \`neighbor <node> remote-as\`), or change the router's remote-as to ${bp.sent.asn}.`,
      });
    }
  },
});
