import { ruleTester } from '../helpers/rule-tester.js';

// spec fields start on line 7
const peer = (name: string, ...fields: string[]) => `apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata:
  name: ${name}
  namespace: metallb-system
spec:
${fields.map((f) => `  ${f}\n`).join('')}`;

ruleTester('bgppeer-invalid', {
  valid: [
    { name: 'a well-formed eBGP peer', files: { 'p.yaml': peer('a', 'myASN: 64512', 'peerASN: 64513', 'peerAddress: 10.0.0.1', 'routerID: 10.0.0.10') } },
    { name: 'dynamicASN instead of peerASN, interface instead of address', files: { 'p.yaml': peer('a', 'myASN: 64512', 'dynamicASN: external', 'interface: eth1') } },
    { name: 'dynamicASN internal with ebgpMultiHop is not caught by MetalLB', files: { 'p.yaml': peer('a', 'myASN: 64512', 'dynamicASN: internal', 'peerAddress: 10.0.0.1', 'ebgpMultiHop: true') } },
  ],
  invalid: [
    {
      name: 'missing myASN and a prefix as peerAddress: both reported',
      files: { 'p.yaml': peer('a', 'myASN: 0', 'peerASN: 64513', 'peerAddress: 10.0.0.1/32') },
      errors: [
        { line: 7, column: 10, message: /^parsing peer a missing local ASN: rejected when applied/ },
        { line: 9, column: 16, message: /invalid BGPPeer address "10\.0\.0\.1\/32"/ },
      ],
    },
    {
      name: 'ebgpMultiHop on an iBGP peer, both address and interface',
      files: { 'p.yaml': peer('a', 'myASN: 64512', 'peerASN: 64512', 'peerAddress: 10.0.0.1', 'interface: eth0', 'ebgpMultiHop: true') },
      errors: [
        { line: 10, column: 14, message: /peer has both Address and Interface specified/ },
        { line: 11, column: 17, message: /invalid ebgp-multihop parameter set for an ibgp peer/ },
      ],
    },
    {
      name: 'bad router ID under the disableMP quirk: accepted on create, fails at runtime',
      files: { 'p.yaml': peer('a', 'myASN: 64512', 'peerASN: 64513', 'peerAddress: 10.0.0.1', 'routerID: tor-1', 'disableMP: true') },
      errors: [{ line: 10, column: 13, message: /invalid router ID "tor-1": accepted when applied, then MetalLB keeps its old configuration \(the BGPPeer webhook lets a peer with disableMP: true through/ }],
    },
    {
      name: 'duplicate node selectors',
      files: { 'p.yaml': peer('a', 'myASN: 64512', 'peerASN: 64513', 'peerAddress: 10.0.0.1', 'nodeSelectors:', '- matchLabels: {rack: a}', '- matchLabels: {rack: a}') },
      errors: [{ line: 12, column: 5, message: /duplicate definition of nodeSelectors/ }],
    },
  ],
});
