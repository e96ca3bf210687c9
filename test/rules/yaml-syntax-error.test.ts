import { ruleTester } from '../helpers/rule-tester.js';

const good = `apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata:
  name: p
  namespace: metallb-system
spec:
  addresses:
  - 10.0.0.0/24
`;

ruleTester('yaml-syntax-error', {
  valid: [
    { name: 'multi-document YAML', files: { 'a.yaml': good + '---\n' + good.replace('name: p', 'name: q').replace('10.0.0.0', '10.0.1.0') } },
    { name: 'JSON', files: { 'a.json': JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } }, null, 2) } },
    { name: 'a file that is not Kubernetes but valid YAML', files: { 'values.yml': 'speaker:\n  frr:\n    enabled: false\n' } },
  ],
  invalid: [
    {
      name: 'a tab as indentation, in the second document',
      files: { 'a.yaml': good + '---\n' + good.replace('  - 10.0.0.0/24\n', '\t- 10.0.1.0/24\n') },
      errors: [{ line: 17, column: 1, message: /tab/i }],
    },
    {
      name: 'a nested mapping on one line',
      files: { 'a.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a: b\n' },
      errors: [{ line: 4, column: 9 }],
    },
    {
      name: 'an unclosed flow sequence',
      files: { 'a.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata: { name: [x }\n' },
      errors: [{ line: 3, column: 22 }],
    },
    {
      name: 'broken JSON',
      files: { 'a.json': '{\n  "apiVersion": "v1",\n  "kind": "Namespace"\n  "metadata": {}\n}\n' },
      errors: [{ line: 4, column: 3 }],
    },
    {
      name: 'binary data',
      files: { 'blob.yaml': 'apiVersion: v1\n\u0000\u0001\u0002kind: x\n' },
      errors: [{ line: 2, column: 1, message: /binary/i }],
    },
  ],
});
