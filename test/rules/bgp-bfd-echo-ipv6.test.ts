import { ruleTester } from '../helpers/rule-tester.js';
import { ipAddressPool } from '../helpers/manifests.js';

// spec fields start on line 7
const peer = (name: string, ...fields: string[]) => `apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata:
  name: ${name}
  namespace: metallb-system
spec:
${fields.map((f) => `  ${f}\n`).join("")}`;
const base = ["myASN: 64512", "peerASN: 64513", "peerAddress: 10.0.0.1"];
const bfd = (name: string, echo: boolean) => `apiVersion: metallb.io/v1beta1
kind: BFDProfile
metadata:
  name: ${name}
  namespace: metallb-system
spec:
  echoMode: ${echo}
`;
const adv = (name: string, ...fields: string[]) => `apiVersion: metallb.io/v1beta1
kind: BGPAdvertisement
metadata:
  name: ${name}
  namespace: metallb-system
spec:
${fields.map((f) => `  ${f}\n`).join('')}`;
const pool = (name: string, ...a: string[]) => ipAddressPool(name, 'metallb-system', ...a);

ruleTester('bgp-bfd-echo-ipv6', {
  valid: [
    {
      name: 'echo on an IPv4-only pool',
      files: { 'a.yaml': pool('v4', '10.0.0.0/24'), 'b.yaml': peer('tor', ...base, 'bfdProfile: echo') + '---\n' + bfd('echo', true), 'c.yaml': adv('all', 'localPref: 100') },
    },
    {
      name: 'IPv6 pool, profile without echo',
      files: { 'a.yaml': pool('v6', 'fd00::/120'), 'b.yaml': peer('tor', ...base, 'bfdProfile: plain') + '---\n' + bfd('plain', false), 'c.yaml': adv('all', 'localPref: 100') },
    },
    {
      name: 'IPv6 pool advertised only to a peer without BFD',
      files: {
        'a.yaml': pool('v6', 'fd00::/120'),
        'b.yaml': peer('tor', ...base, 'bfdProfile: echo') + '---\n' + bfd('echo', true) + '---\n' + peer('edge', 'myASN: 64512', 'peerASN: 64513', 'peerAddress: 10.0.0.2'),
        'c.yaml': adv('v6', 'peers: [edge]'),
      },
    },
  ],
  invalid: [
    {
      name: 'IPv6 pool advertised to all peers, one with echo',
      files: { 'a.yaml': pool('v6', 'fd00::/120'), 'b.yaml': peer('tor', ...base, 'bfdProfile: echo') + '---\n' + bfd('echo', true), 'c.yaml': adv('all', 'localPref: 100') },
      errors: [{ file: 'c.yaml', line: 6, column: 1, message: /^pool v6 has bgpadvertisement all which references peer tor which has bfd echo enabled, which is not possible: accepted when applied/ }],
    },
    {
      name: 'named peer: points at the name',
      files: { 'a.yaml': pool('v6', '10.0.0.0/24', 'fd00::/120'), 'b.yaml': peer('tor', ...base, 'bfdProfile: echo') + '---\n' + bfd('echo', true), 'c.yaml': adv('v6', 'peers:', '- tor') },
      errors: [{ file: 'c.yaml', line: 8, column: 5, message: /references peer tor which has bfd echo enabled/ }],
    },
  ],
});
