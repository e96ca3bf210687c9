import { ruleTester } from '../helpers/rule-tester.js';
import { bgp } from '../helpers/probes.js';
import { bgpPeer } from '../helpers/cluster.js';

const tor = bgpPeer('tor', { peerAddress: '192.168.1.1' });
const expected = { peerAsn: 64513, myAsn: 64512, name: 'tor', namespace: 'metallb-system', password: false };

ruleTester('probe-bgp-notification', {
  valid: [
    { name: 'Bad Peer AS is probe-bgp-asn-mismatch', files: { 'c.yaml': tor }, probes: [bgp('192.168.1.1', 'notification', { notification: { code: 2, subcode: 2, name: 'OPEN Message Error / Bad Peer AS', direction: 'received' }, expected })] },
    { name: 'Established', files: { 'c.yaml': tor }, probes: [bgp('192.168.1.1', 'established', { expected })] },
  ],
  invalid: [
    {
      name: 'Cease / Connection Rejected',
      files: { 'c.yaml': tor },
      probes: [bgp('192.168.1.1', 'notification', { notification: { code: 6, subcode: 5, name: 'Cease / Connection Rejected', direction: 'received' }, expected })],
      errors: [{ line: 1, column: 1, message: /closed the session with NOTIFICATION 6\/5 \(Cease \/ Connection Rejected\)/ }],
    },
  ],
});
