import { ruleTester } from '../helpers/rule-tester.js';

const ad = (kind: string, spec: string) => `apiVersion: metallb.io/v1beta1
kind: ${kind}
metadata:
  name: ad
  namespace: metallb-system
spec:
${spec}`;

ruleTester('advertisement-duplicate-entry', {
  valid: [
    { name: 'distinct entries and selectors', files: { 'a.yaml': ad('BGPAdvertisement', '  ipAddressPools: [a, b]\n  peers: [p1, p2]\n  communities: ["65000:1", "65000:2"]\n  nodeSelectors:\n  - matchLabels: {zone: a}\n  - matchLabels: {zone: b}\n') } },
    { name: 'one pool named in two advertisements', files: { 'a.yaml': ad('L2Advertisement', '  ipAddressPools: [a]\n') + '---\n' + ad('L2Advertisement', '  ipAddressPools: [a]\n').replace('name: ad', 'name: other') } },
  ],
  invalid: [
    {
      name: 'a pool named twice in an L2Advertisement',
      files: { 'a.yaml': ad('L2Advertisement', '  ipAddressPools:\n  - public\n  - public\n') },
      errors: [{ line: 9, column: 5, message: /duplicate definition of ipAddressPools "public": rejected when applied/ }],
    },
    {
      name: 'a peer and a community twice, a value twice in one expression',
      files: {
        'a.yaml': ad(
          'BGPAdvertisement',
          '  peers: [p1, p1]\n  communities: ["65000:1", "65000:1"]\n  nodeSelectors:\n  - matchExpressions:\n    - key: zone\n      operator: In\n      values: [b, a, b]\n',
        ),
      },
      errors: [
        { line: 7, column: 15, message: /duplicate definition of peers "p1"/ },
        { line: 8, column: 28, message: /duplicate definition of community "65000:1"/ },
        { line: 13, column: 22, message: /duplicate definition of match expression value in label selector "b"/ },
      ],
    },
  ],
});
