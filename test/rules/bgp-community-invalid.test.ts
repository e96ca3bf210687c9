import { ruleTester } from '../helpers/rule-tester.js';
import { ALL_KINDS, bundleJson } from '../helpers/cluster.js';

const ad = (communities: string) => `apiVersion: metallb.io/v1beta1
kind: BGPAdvertisement
metadata:
  name: ad
  namespace: metallb-system
spec:
  communities: ${communities}
`;
const community = (entries: string, name = 'aliases') => `apiVersion: metallb.io/v1beta1
kind: Community
metadata:
  name: ${name}
  namespace: metallb-system
spec:
  communities:
${entries}`;

ruleTester('bgp-community-invalid', {
  valid: [
    { name: 'standard and large literals', files: { 'a.yaml': ad('["65535:0", "large:4294967295:1:2"]') } },
    {
      name: 'Communities not captured: an alias may be defined (absent is not none)',
      files: { 'bundle.json': bundleJson(ALL_KINDS.filter((k) => k !== 'Community')), 'resources/a.yaml': ad('[no-export]') },
    },
    { name: 'an alias a Community defines', files: { 'a.yaml': ad('[no-advertise]') + '---\n' + community('  - {name: no-advertise, value: "65535:65282"}\n') } },
  ],
  invalid: [
    {
      name: 'Communities captured, none defines the alias',
      files: { 'bundle.json': bundleJson(), 'resources/a.yaml': ad('[no-export]') },
      errors: [{ file: 'resources/a.yaml', line: 7, column: 17, message: /no Community object defines this alias/ }],
    },
    {
      name: 'a part above 65535, and an alias nothing defines',
      files: { 'a.yaml': ad('["65000:70000", no-export]') },
      errors: [
        { line: 7, column: 17, message: /invalid section "70000" of community "65000:70000".*value out of range.*invalid community "65000:70000" in BGP advertisement: rejected when applied/ },
        { line: 7, column: 32, message: /invalid community format: no-export; invalid community "no-export" in BGP advertisement \(no Community object defines this alias.*: accepted when applied, then MetalLB keeps its old configuration/ },
      ],
    },
    {
      name: 'an alias defined twice across Community objects, and a value with an upper-case marker',
      files: { 'c.yaml': community('  - {name: x, value: "65000:1"}\n') + '---\n' + community('  - {name: x, value: "LARGE:1:2:3"}\n', 'second') },
      errors: [
        { line: 17, column: 12, message: /duplicate definition of community "x" \(first defined in Community "aliases"\): rejected when applied/ },
        { line: 17, column: 22, message: /parsing community "x": invalid community value: invalid marker for large community/ },
      ],
    },
  ],
});
