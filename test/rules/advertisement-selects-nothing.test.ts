import { ruleTester } from '../helpers/rule-tester.js';

// A pool labelled exposure: <exposure>.
const pool = (name: string, exposure: string) => `apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata:
  name: ${name}
  namespace: metallb-system
  labels:
    exposure: ${exposure}
spec:
  addresses: [10.${exposure === 'public' ? 1 : 2}.0.0/24]
`;
// An advertisement; its spec fields start on line 7.
const ad = (kind: string, spec: string) => `apiVersion: metallb.io/v1beta1
kind: ${kind}
metadata:
  name: ads
  namespace: metallb-system
spec:
${spec}`;
const node = (name: string, rack: string) => `apiVersion: v1
kind: Node
metadata:
  name: ${name}
  labels:
    rack: ${rack}
`;
const pools = pool('public', 'public') + '---\n' + pool('internal', 'internal');
const bySelector = (v: string) => `  ipAddressPoolSelectors:\n  - matchLabels:\n      exposure: ${v}\n`;
const byNode = (rack: string) => `  nodeSelectors:\n  - matchLabels:\n      rack: ${rack}\n`;

ruleTester('advertisement-selects-nothing', {
  valid: [
    { name: 'the selector matches a pool', files: { 'a.yaml': ad('L2Advertisement', bySelector('public')) + '---\n' + pools } },
    { name: 'no selectors: all pools', files: { 'a.yaml': ad('BGPAdvertisement', '  aggregationLength: 32\n') + '---\n' + pools } },
    {
      name: 'the selector matches nothing but a named pool exists',
      files: { 'a.yaml': ad('L2Advertisement', bySelector('dmz') + '  ipAddressPools:\n  - internal\n') + '---\n' + pools },
    },
    { name: 'matchExpressions matching one pool', files: { 'a.yaml': ad('L2Advertisement', '  ipAddressPoolSelectors:\n  - matchExpressions:\n    - {key: exposure, operator: NotIn, values: [public]}\n') + '---\n' + pools } },
    { name: 'no pool at all: pool-missing speaks', files: { 'a.yaml': ad('L2Advertisement', bySelector('dmz')) } },
    { name: 'an invalid selector: another rule reports it', files: { 'a.yaml': ad('L2Advertisement', '  ipAddressPoolSelectors:\n  - matchExpressions:\n    - {key: exposure, operator: In}\n') + '---\n' + pools } },
    { name: 'nodeSelectors, but no Node in the input: absent is not none', files: { 'a.yaml': ad('L2Advertisement', byNode('z')) + '---\n' + pools } },
    { name: 'nodeSelectors matching a Node', files: { 'a.yaml': ad('BGPAdvertisement', byNode('b')) + '---\n' + pools + '---\n' + node('n1', 'a') + '---\n' + node('n2', 'b') } },
  ],
  invalid: [
    {
      name: 'a pool selector matching no pool',
      files: { 'a.yaml': ad('L2Advertisement', bySelector('dmz')) + '---\n' + pools },
      errors: [{ line: 7, column: 3, severity: 'warning', message: /L2Advertisement "ads": ipAddressPoolSelectors match none of the 2 IPAddressPool\(s\).*does not fall back to all pools/ }],
    },
    {
      name: 'a pool selector matching nothing and an unknown pool name',
      files: { 'a.yaml': ad('BGPAdvertisement', bySelector('dmz') + '  ipAddressPools:\n  - dmz\n') + '---\n' + pools },
      errors: [{ line: 7, column: 3, message: /and ipAddressPools names no existing pool/ }],
    },
    {
      name: 'nodeSelectors matching none of the Nodes',
      files: { 'a.yaml': ad('L2Advertisement', byNode('c')) + '---\n' + pools + '---\n' + node('n1', 'a') + '---\n' + node('n2', 'b') },
      errors: [{ line: 7, column: 3, message: /nodeSelectors match none of the 2 Node\(s\)/ }],
    },
    {
      name: 'both at once',
      files: { 'a.yaml': ad('BGPAdvertisement', bySelector('dmz') + byNode('c')) + '---\n' + pools + '---\n' + node('n1', 'a') },
      errors: [
        { line: 7, column: 3, message: /ipAddressPoolSelectors match none/ },
        { line: 10, column: 3, message: /nodeSelectors match none of the 1 Node/ },
      ],
    },
  ],
});
