import { defineRule } from '../types.js';
import { reportParseErrors } from '../parse-errors.js';

export default defineRule({
  meta: {
    id: 'bgp-bfd-echo-ipv6',
    severity: 'error',
    category: 'bgp',
    evidence: ['files'],
    description: 'A pool with IPv6 addresses is advertised over BGP to a peer whose BFD profile enables echo mode, which MetalLB refuses.',
    fix: 'Set `echoMode: false` in the BFDProfile, or leave the peer out of the IPv6 pool\'s BGPAdvertisement (spec.peers).',
    new: true,
  },
  check(ctx) {
    reportParseErrors(ctx, ['bfd-echo-ipv6'], () => ({ suffix: ' (no webhook sees pools, advertisements, peers and BFD profiles together)' }));
  },
});
