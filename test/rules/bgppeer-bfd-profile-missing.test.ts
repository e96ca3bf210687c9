import { ruleTester } from '../helpers/rule-tester.js';
import { ALL_KINDS, bundleJson } from '../helpers/cluster.js';

// spec fields start on line 7
const peer = (name: string, ...fields: string[]) => `apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata:
  name: ${name}
  namespace: metallb-system
spec:
${fields.map((f) => `  ${f}\n`).join("")}`;
const base = ["myASN: 64512", "peerASN: 64513", "peerAddress: 10.0.0.1"];
const bfd = (name: string) => `apiVersion: metallb.io/v1beta1
kind: BFDProfile
metadata:
  name: ${name}
  namespace: metallb-system
`;

ruleTester('bgppeer-bfd-profile-missing', {
  valid: [
    { name: 'the profile exists', files: { 'p.yaml': peer('a', ...base, 'bfdProfile: fast') + '---\n' + bfd('fast') } },
    { name: 'no bfdProfile', files: { 'p.yaml': peer('a', ...base) } },
    {
      name: 'BFDProfiles not captured: the profile may exist (absent is not none)',
      files: { 'bundle.json': bundleJson(ALL_KINDS.filter((k) => k !== 'BFDProfile')), 'resources/p.yaml': peer('a', ...base, 'bfdProfile: fast') },
    },
  ],
  invalid: [
    {
      name: 'BFDProfiles captured, none of that name',
      files: { 'bundle.json': bundleJson(), 'resources/p.yaml': peer('a', ...base, 'bfdProfile: fast') },
      errors: [{ file: 'resources/p.yaml', line: 10, column: 15, message: /referencing non existing bfd profile fast/ }],
    },
    {
      name: 'the profile does not exist',
      files: { 'p.yaml': peer('a', ...base, 'bfdProfile: fast') + '---\n' + bfd('slow') },
      errors: [{ line: 10, column: 15, message: /^peer a referencing non existing bfd profile fast: accepted when applied, then MetalLB keeps its old configuration until the BFDProfile exists/ }],
    },
  ],
});
