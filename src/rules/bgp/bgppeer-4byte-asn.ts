import { defineRule } from '../types.js';
import { MAX_2BYTE_ASN, peerASNFields } from '../../model/asn.js';

export default defineRule({
  meta: {
    id: 'bgppeer-4byte-asn',
    severity: 'warning',
    category: 'bgp',
    evidence: ['files'],
    description: 'A BGPPeer uses an ASN above 65535: the session comes up only with a router that supports 4-byte ASNs (RFC 6793).',
    fix: 'Check that the router supports 4-byte ASNs (the "4-octet AS" capability); if it does not, use a 2-byte ASN such as 64512.',
  },
  check({ state, report }) {
    for (const peer of state.metallbObjects('BGPPeer')) {
      const name = peer.metadata?.name ?? '';
      for (const f of peerASNFields(peer)) {
        if (f.value <= MAX_2BYTE_ASN) continue;
        const consequence =
          f.field === 'peerASN'
            ? 'a router without 4-byte ASN support cannot present this ASN (it shows AS_TRANS 23456), so the session never establishes'
            : 'a router without 4-byte ASN support sees AS_TRANS 23456 instead, and the session fails ("peer does not support 4-byte ASNs" in the native backend)';
        report({
          message: `BGPPeer "${name}" ${f.label} ${f.value} is a 4-byte ASN (above 65535): ${consequence}; make sure the router supports 4-byte ASNs (RFC 6793)`,
          subjects: [{ obj: peer, path: f.path }],
          evidence: [`${f.label}: ${f.value}`],
        });
      }
    }
  },
});
