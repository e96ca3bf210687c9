import { ruleTester } from '../helpers/rule-tester.js';

// spec fields start on line 7
const peer = (name: string, ...fields: string[]) => `apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata:
  name: ${name}
  namespace: metallb-system
spec:
${fields.map((f) => `  ${f}\n`).join("")}`;
const base = ["myASN: 64512", "peerASN: 64513", "peerAddress: 10.0.0.1"];
const bfd = (name: string, echo = false) => `apiVersion: metallb.io/v1beta1
kind: BFDProfile
metadata:
  name: ${name}
  namespace: metallb-system
spec:
  echoMode: ${echo}
`;
const extras = `apiVersion: v1
kind: ConfigMap
metadata:
  name: bgpextras
  namespace: metallb-system
data:
  extras: |
    router bgp 64512
`;

ruleTester('bgppeer-backend-unsupported', {
  valid: [
    { name: 'FRR-only fields under frr', bgpBackend: 'frr', files: { 'p.yaml': peer('a', ...base, 'vrf: red', 'keepaliveTime: 10s', 'localASN: 65000') } },
    { name: 'a plain peer under native; keepaliveTime 0s is allowed', bgpBackend: 'native', files: { 'p.yaml': peer('a', ...base, 'holdTime: 90s', 'keepaliveTime: 0s') } },
    { name: 'bgpextras under frr', bgpBackend: 'frr', files: { 'c.yaml': extras } },
  ],
  invalid: [
    {
      name: 'native: vrf and bfdProfile on a peer, and a BFDProfile',
      bgpBackend: 'native',
      files: { 'p.yaml': peer('a', ...base, 'vrf: red', 'bfdProfile: fast') + '---\n' + bfd('fast') },
      errors: [
        { line: 10, column: 8, message: /^peer 10\.0\.0\.1 has vrf set on native bgp mode: rejected when applied/ },
        { line: 11, column: 15, message: /^peer 10\.0\.0\.1 has bfd-profile set on native bgp mode: accepted when applied, then MetalLB keeps its old configuration$/ },
        { line: 13, column: 1, message: /^bfd profiles section set: accepted when applied/ },
      ],
    },
    {
      name: 'native: bgpextras',
      bgpBackend: 'native',
      files: { 'c.yaml': extras },
      errors: [{ line: 8, column: 5, message: /^bgp extra info not supported in native mode/ }],
    },
    {
      name: 'frr-k8s: localASN is silently ignored (warning)',
      bgpBackend: 'frr-k8s',
      files: { 'p.yaml': peer('a', ...base, 'localASN: 65000') },
      errors: [{ line: 10, column: 13, severity: 'warning', message: /localASN 65000, which the FRR-K8s backend silently ignores/ }],
    },
  ],
});
