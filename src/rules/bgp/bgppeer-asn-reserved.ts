import { defineRule } from '../types.js';
import { classifyASN, peerASNFields } from '../../model/asn.js';

export default defineRule({
  meta: {
    id: 'bgppeer-asn-reserved',
    severity: 'warning',
    // info for a public ASN: not wrong, but worth a second look
    severities: ['warning', 'info'],
    category: 'bgp',
    evidence: ['files'],
    description:
      'A BGPPeer uses a reserved ASN (23456, 65535, 4294967295, a documentation or IANA-reserved range); info for a public ASN.',
    fix: 'Use an ASN you were assigned, or a private one (64512-65534, 4200000000-4294967294), matching what the router is configured with.',
  },
  check({ state, report }) {
    for (const peer of state.metallbObjects('BGPPeer')) {
      const name = peer.metadata?.name ?? '';
      const publicSeen = new Set<number>();
      for (const f of peerASNFields(peer)) {
        const c = classifyASN(f.value);
        const whose = f.field === 'peerASN' ? "the router's" : "MetalLB's own";
        if (c.kind === 'reserved') {
          report({
            message: `BGPPeer "${name}" ${f.label} ${f.value} is ${c.reason}; MetalLB accepts it and uses it as ${whose} AS, but routers may refuse or mishandle it`,
            subjects: [{ obj: peer, path: f.path }],
            fix: `Set ${f.label} to the ASN ${f.field === 'peerASN' ? 'the router really uses' : 'you were assigned, or a private one'} (64512-65534 or 4200000000-4294967294), e.g. "${f.label}: 64512", and the same on the router.`,
          });
        } else if (c.kind === 'public' && !publicSeen.has(f.value)) {
          // one finding per public number and peer: iBGP with a public ASN names it twice
          publicSeen.add(f.value);
          report({
            severity: 'info',
            message:
              f.field === 'peerASN'
                ? `BGPPeer "${name}" peerASN ${f.value} is a public ASN: MetalLB opens the session only if the router announces exactly this ASN; make sure the router expects it`
                : `BGPPeer "${name}" ${f.label} ${f.value} is a public ASN: MetalLB announces Service addresses from it; make sure you own it, or use a private ASN (64512-65534, 4200000000-4294967294)`,
            subjects: [{ obj: peer, path: f.path }],
            fix: `Keep ${f.label}: ${f.value} only if it is your (or the router's) assigned ASN; otherwise use a private ASN such as 64512 on both sides.`,
          });
        }
      }
    }
  },
});
