import { ruleTester } from '../helpers/rule-tester.js';

const ad = (kind: string, spec: string) => `apiVersion: metallb.io/v1beta1
kind: ${kind}
metadata:
  name: lan
  namespace: metallb-system
spec:
${spec}`;

ruleTester('advertisement-selector-invalid', {
  valid: [
    { name: 'valid selectors of every kind', files: { 'a.yaml': ad('L2Advertisement', '  nodeSelectors:\n  - matchLabels: { rack: a }\n  ipAddressPoolSelectors:\n  - matchExpressions: [{ key: tier, operator: In, values: [lan] }]\n') } },
    { name: 'no selector at all', files: { 'a.yaml': ad('BGPAdvertisement', '  ipAddressPools: [lan]\n') } },
  ],
  invalid: [
    {
      name: 'a label value with a space in nodeSelectors',
      files: { 'a.yaml': ad('L2Advertisement', '  nodeSelectors:\n  - matchLabels:\n      rack: "rack a"\n') },
      errors: [{ file: 'a.yaml', line: 8, column: 5, severity: 'error', message: /failed to parse node selector for lan/ }],
    },
    {
      name: 'In without values in serviceSelectors, Exists with values in ipAddressPoolSelectors',
      files: { 'a.yaml': ad('BGPAdvertisement', '  serviceSelectors:\n  - matchExpressions: [{ key: app, operator: In, values: [] }]\n  ipAddressPoolSelectors:\n  - matchExpressions: [{ key: tier, operator: Exists, values: [x] }]\n') },
      errors: [
        { file: 'a.yaml', line: 8, column: 5, message: /failed to parse service selector for lan/ },
        { file: 'a.yaml', line: 10, column: 5, message: /./ },
      ],
    },
  ],
});
