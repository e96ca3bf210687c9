import { ruleTester } from '../helpers/rule-tester.js';
import { bgp } from '../helpers/probes.js';
import { bgpPeer } from '../helpers/cluster.js';

const tor = bgpPeer('tor', { peerAddress: '192.168.1.1' });
const expected = { peerAsn: 64513, myAsn: 64512, name: 'tor', namespace: 'metallb-system', password: false };

ruleTester('probe-bgp-unreachable', {
  valid: [{ name: 'Established', files: { 'c.yaml': tor }, probes: [bgp('192.168.1.1', 'established', { expected })] }],
  invalid: [
    { name: 'refused', files: { 'c.yaml': tor }, probes: [bgp('192.168.1.1', 'unreachable', { reason: 'refused', expected })], errors: [{ line: 9, column: 16, message: /BGP to 192\.168\.1\.1:179 \(BGPPeer "tor"\) failed from this machine: the router refused the connection/ }] },
    { name: 'closed without a word (no neighbour for this address, or TCP-MD5)', files: { 'c.yaml': tor }, probes: [bgp('192.168.1.1', 'closed', { reason: 'closed without a word', expected })], errors: [{ line: 9, column: 16, message: /closed it without a NOTIFICATION/ }] },
  ],
});
