import { ruleTester } from '../helpers/rule-tester.js';
import { bgp, open } from '../helpers/probes.js';
import { bgpPeer } from '../helpers/cluster.js';

const tor = bgpPeer('tor', { peerAddress: '192.168.1.1' });
const expected = (myAsn: number, peerAsn: number) => ({ peerAsn, myAsn, name: 'tor', namespace: 'metallb-system', password: false });

ruleTester('probe-bgp-no-4byte-asn', {
  valid: [
    { name: 'no AS4, but 2-byte ASNs only', files: { 'c.yaml': tor }, probes: [bgp('192.168.1.1', 'established', { received: open(64513, { fourByteAsn: false }), expected: expected(64512, 64513) })] },
    { name: 'AS4 announced, with a 4-byte ASN', files: { 'c.yaml': tor }, probes: [bgp('192.168.1.1', 'established', { sent: open(4200000001), received: open(64513), expected: expected(4200000001, 64513) })] },
  ],
  invalid: [
    {
      name: 'MetalLB speaks as AS 4200000001 and the router has no AS4',
      files: { 'c.yaml': tor },
      probes: [bgp('192.168.1.1', 'notification', { sent: open(4200000001), received: open(64513, { fourByteAsn: false }), expected: expected(4200000001, 64513) })],
      errors: [{ line: 7, column: 10, message: /does not announce the 4-octet-AS capability, but AS 4200000001 needs it/ }],
    },
  ],
});
