import { ruleTester } from '../helpers/rule-tester.js';

ruleTester('yaml-ambiguous-value', {
  valid: [
    {
      name: 'true/false and quoted words',
      files: {
        'p.yaml': `apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata:
  name: p
  namespace: metallb-system
  labels:
    expose: "on"
spec:
  autoAssign: false
  avoidBuggyIPs: true
  addresses: ["10.0.0.0/24"]
`,
      },
    },
  ],
  invalid: [
    {
      name: 'yes/no/on as values, and a duplicate key',
      files: {
        'p.yaml': `apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata:
  name: p
  namespace: metallb-system
  labels:
    expose: on
spec:
  autoAssign: no
  addresses: ["10.0.0.0/24"]
  avoidBuggyIPs: Yes
  addresses: ["10.0.1.0/24"]
`,
      },
      errors: [
        { line: 7, column: 13, message: /unquoted on is read by Kubernetes as the boolean true/ },
        { line: 9, column: 15, message: /unquoted no .* boolean false/ },
        { line: 11, column: 18, message: /unquoted Yes .* boolean true/ },
        { line: 12, column: 3, message: /duplicate key "addresses"/ },
      ],
    },
  ],
});
