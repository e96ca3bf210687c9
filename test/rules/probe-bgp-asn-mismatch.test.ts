import { ruleTester } from '../helpers/rule-tester.js';
import { bgp, open } from '../helpers/probes.js';
import { bgpPeer } from '../helpers/cluster.js';

const tor = bgpPeer('tor', { peerAddress: '192.168.1.1' });
const expected = { peerAsn: 64513, myAsn: 64512, name: 'tor', namespace: 'metallb-system', password: false };

ruleTester('probe-bgp-asn-mismatch', {
  valid: [{ name: 'the router is the AS the BGPPeer expects', files: { 'c.yaml': tor }, probes: [bgp('192.168.1.1', 'established', { received: open(64513), expected })] }],
  invalid: [
    {
      name: "the router's OPEN carries another AS",
      files: { 'c.yaml': tor },
      probes: [bgp('192.168.1.1', 'notification', { received: open(65001), notification: { code: 2, subcode: 2, name: 'OPEN Message Error / Bad Peer AS', direction: 'sent' }, expected })],
      errors: [{ line: 8, column: 12, message: /The router at 192\.168\.1\.1:179 \(BGPPeer "tor"\) is AS 65001, but the BGPPeer expects AS 64513/ }],
    },
    {
      name: 'the router answers our OPEN with 2/2 Bad Peer AS',
      files: { 'c.yaml': tor },
      probes: [bgp('192.168.1.1', 'notification', { notification: { code: 2, subcode: 2, name: 'OPEN Message Error / Bad Peer AS', direction: 'received' }, expected })],
      errors: [{ line: 7, column: 10, message: /refused our OPEN as AS 64512 with NOTIFICATION 2\/2/ }],
    },
    {
      name: 'refused as a 4-byte AS, quoting AS_TRANS and without its OPEN: either cause is named',
      files: { 'c.yaml': tor },
      probes: [bgp('192.168.1.1', 'notification', { sent: open(4200000001), notification: { code: 2, subcode: 2, name: 'OPEN Message Error / Bad Peer AS', data: '5ba0', direction: 'received' }, expected: { ...expected, myAsn: 4200000001 } })],
      errors: [{ line: 7, column: 10, message: /refused our OPEN as AS 4200000001 .* It quoted AS 23456 \(AS_TRANS\), the 2-byte stand-in for AS 4200000001: a router without 4-octet-AS support/ }],
    },
  ],
});
