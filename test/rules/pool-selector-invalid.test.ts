import { ruleTester } from '../helpers/rule-tester.js';

const pool = (alloc: string) => `apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata:
  name: web
  namespace: metallb-system
spec:
  addresses:
  - 192.168.10.0/24
  serviceAllocation:
${alloc}`;

ruleTester('pool-selector-invalid', {
  valid: [
    { name: 'distinct namespaces and valid selectors', files: { 'p.yaml': pool('    namespaces: [web, api]\n    serviceSelectors:\n    - matchExpressions:\n      - {key: tier, operator: In, values: [front, back]}\n    - matchLabels: {tier: db}\n') } },
    { name: 'the same selector in namespaceSelectors and serviceSelectors is no duplicate', files: { 'p.yaml': pool('    namespaceSelectors:\n    - matchLabels: {team: a}\n    serviceSelectors:\n    - matchLabels: {team: a}\n') } },
  ],
  invalid: [
    {
      name: 'a namespace listed twice',
      files: { 'p.yaml': pool('    namespaces:\n    - web\n    - api\n    - web\n') },
      errors: [{ line: 13, column: 7, message: /parsing address pool web: duplicate definition in namespaces field \("web"\): rejected when applied/ }],
    },
    {
      name: 'the same selector twice, labels in another order',
      files: { 'p.yaml': pool('    serviceSelectors:\n    - matchLabels: {a: "1", b: "2"}\n    - matchLabels: {b: "2", a: "1"}\n') },
      errors: [{ line: 12, column: 7, message: /duplicate definition of serviceSelectors/ }],
    },
    {
      name: 'an operator Kubernetes does not know',
      files: { 'p.yaml': pool('    namespaceSelectors:\n    - matchExpressions:\n      - {key: tier, operator: Equals, values: [front]}\n') },
      errors: [{ line: 11, column: 7, message: /"Equals" is not a valid label selector operator; invalid namespace label selector &LabelSelector\{.*\} in ip pool web: rejected when applied/ }],
    },
  ],
});
