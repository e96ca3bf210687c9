import { ruleTester } from '../helpers/rule-tester.js';
import { ipAddressPool } from '../helpers/manifests.js';

const pool = ipAddressPool('public', 'metallb-system', '198.51.100.0/26');
// A BGPAdvertisement; its peers entries start on line 8, its name is on line 4.
const ad = (name: string, ...peers: string[]) => `apiVersion: metallb.io/v1beta1
kind: BGPAdvertisement
metadata:
  name: ${name}
  namespace: metallb-system
${peers.length ? `spec:\n  peers:\n${peers.map((p) => `  - ${p}`).join('\n')}\n` : ''}`;
const peer = (name: string, version = 'v1beta2') => `apiVersion: metallb.io/${version}
kind: BGPPeer
metadata:
  name: ${name}
  namespace: metallb-system
spec:
  myASN: 64512
  peerASN: 64513
  peerAddress: 10.0.0.1
`;

ruleTester('bgp-advertisement-without-peer', {
  valid: [
    { name: 'a peer and an advertisement to all peers', files: { 'a.yaml': ad('public') + '---\n' + peer('tor-a') + '---\n' + pool } },
    { name: 'peers names existing peers (v1beta1 and v1beta2)', files: { 'a.yaml': ad('public', 'tor-a', 'tor-b') + '---\n' + peer('tor-a') + '---\n' + peer('tor-b', 'v1beta1') + '---\n' + pool } },
    { name: 'the peer comes from the snapshot', from: { 'resources/peer.yaml': peer('tor-a') }, files: { 'a.yaml': ad('public', 'tor-a') } },
    { name: 'no BGPAdvertisement', files: { 'a.yaml': pool } },
  ],
  invalid: [
    {
      name: 'BGPAdvertisements without any BGPPeer: one finding',
      files: { 'a.yaml': ad('public') + '---\n' + ad('private') + '---\n' + pool },
      errors: [{ line: 4, column: 9, severity: 'error', message: /2 BGPAdvertisements exist but there is no BGPPeer in namespace "metallb-system"/ }],
    },
    {
      name: 'the only peer is in another namespace',
      files: { 'a.yaml': ad('public') + '---\n' + peer('tor-a').replace('namespace: metallb-system', 'namespace: default') },
      errors: [{ line: 4, column: 9, message: /BGPAdvertisement "public" exists but there is no BGPPeer/ }],
    },
    {
      name: 'a misspelled peer next to a correct one',
      files: { 'a.yaml': ad('public', 'tor-a', 'tor-bb') + '---\n' + peer('tor-a') + '---\n' + peer('tor-b') },
      errors: [{ line: 9, column: 5, message: /names BGPPeer "tor-bb" in peers, but there is no such peer.*no peer of that name; did you mean "tor-b"\?$/ }],
    },
    {
      name: 'every named peer unknown: announced to no one',
      files: { 'a.yaml': ad('public', 'spine') + '---\n' + peer('tor-a') },
      errors: [{ line: 8, column: 5, message: /"spine".*so it is announced to no one$/ }],
    },
  ],
});
