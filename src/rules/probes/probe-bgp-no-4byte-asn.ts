import { defineRule } from '../types.js';
import type { BgpProbe } from '../../model/probe.js';
import { peerOf } from '../../model/probe-subjects.js';

export default defineRule({
  meta: {
    id: 'probe-bgp-no-4byte-asn',
    severity: 'error',
    category: 'probes',
    evidence: ['net'],
    description: "The BGP peer's OPEN lacks the 4-octet-AS capability (RFC 6793) while an ASN above 65535 is configured (myASN or peerASN): the router cannot express or accept that AS, so the session cannot come up as configured.",
    fix: 'Enable 4-octet AS support on the router (every current router has it; it is off only by configuration), or use 2-byte ASNs (up to 65535; private 64512-65534).',
  },
  check({ state, report }) {
    for (const p of state.probes ?? []) {
      if (p.kind !== 'bgp') continue;
      const bp = p as BgpProbe;
      if (!bp.received || bp.received.fourByteAsn) continue;
      const big = [bp.sent.asn, bp.expected?.peerAsn].filter((a): a is number => a !== undefined && a > 65535);
      if (big.length === 0) continue;
      const peer = peerOf(state, bp);
      report({
        message: `The router at ${bp.target}${peer ? ` (BGPPeer "${peer.metadata?.name ?? ''}")` : ''} does not announce the 4-octet-AS capability, but AS ${big.join(' and ')} needs it: a router without it sees AS_TRANS (23456) in the 2-byte field and refuses the 4-byte AS (Bad Peer AS), or keys the session to 23456 instead of the configured AS.`,
        subjects: peer ? [{ obj: peer, path: ['spec', bp.sent.asn > 65535 ? 'myASN' : 'peerASN'] }] : [],
        evidence: [`received OPEN: AS ${bp.received.asn}, capabilities: ${bp.received.capabilities.join(', ') || 'none'}`],
        fix: 'Enable the 4-octet AS capability on the router (FRR: remove `dont-capability-negotiate` / `capability` restrictions; BIRD: `enable as4 on`), or use 2-byte ASNs.',
      });
    }
  },
});
