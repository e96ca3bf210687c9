import { ruleTester } from '../helpers/rule-tester.js';

const node = (name: string, labels: Record<string, string>) => `apiVersion: v1
kind: Node
metadata:
  name: ${name}
  labels:
${Object.entries(labels).map(([k, v]) => `    ${k}: ${v}`).join('\n')}
`;

const nodes = node('worker-1', { 'kubernetes.io/hostname': 'worker-1', rack: 'a' }) + '---\n' + node('worker-2', { 'kubernetes.io/hostname': 'worker-2', rack: 'b' });

// nodeSelectors on line 10
const peer = (selectors: string, apiVersion = 'metallb.io/v1beta2') => `apiVersion: ${apiVersion}
kind: BGPPeer
metadata:
  name: tor
  namespace: metallb-system
spec:
  myASN: 64512
  peerASN: 64513
  peerAddress: 10.0.0.1
  nodeSelectors:
${selectors}`;

const byRack = (rack: string) => `  - matchLabels:\n      rack: ${rack}\n`;
const expr = (op: string, values: string[]) =>
  `  - matchExpressions:\n    - key: rack\n      operator: ${op}\n${values.length ? `      values: [${values.join(', ')}]\n` : ''}`;

ruleTester('bgppeer-selects-no-node', {
  valid: [
    { name: 'matchLabels selects worker-1', files: { 'p.yaml': peer(byRack('a')), 'n.yaml': nodes } },
    { name: 'one of two selectors matches (ORed)', files: { 'p.yaml': peer(byRack('z') + byRack('b')), 'n.yaml': nodes } },
    { name: 'NotIn matches nodes without the value', files: { 'p.yaml': peer(expr('NotIn', ['a'])), 'n.yaml': nodes } },
    { name: 'a v1beta1 peer whose selector matches', files: { 'p.yaml': peer(expr('In', ['b']), 'metallb.io/v1beta1'), 'n.yaml': nodes } },
    { name: 'Nodes not in the input: absent is not none', files: { 'p.yaml': peer(byRack('z')) } },
    { name: 'an invalid selector is bgppeer-invalid\'s business', files: { 'p.yaml': peer(expr('In', [])), 'n.yaml': nodes } },
    {
      name: 'no nodeSelectors: every node',
      files: { 'p.yaml': peer('').replace('  nodeSelectors:\n', ''), 'n.yaml': nodes },
    },
  ],
  invalid: [
    {
      name: 'matchLabels naming a rack no node has',
      files: { 'p.yaml': peer(byRack('c')), 'n.yaml': nodes },
      errors: [{ file: 'p.yaml', line: 10, column: 3, message: /BGPPeer "tor" nodeSelectors match none of the 2 node\(s\): no speaker opens this session, so the router at 10\.0\.0\.1 receives no routes/ }],
    },
    {
      name: 'a label key misspelled in a v1beta1 peer',
      files: { 'p.yaml': peer('  - matchLabels:\n      Rack: a\n', 'metallb.io/v1beta1'), 'n.yaml': nodes },
      errors: [{ file: 'p.yaml', line: 10, column: 3 }],
    },
    {
      name: 'DoesNotExist on a label every node has',
      files: { 'p.yaml': peer(expr('DoesNotExist', [])), 'n.yaml': nodes },
      errors: [{ file: 'p.yaml', line: 10, column: 3, severity: 'warning' }],
    },
  ],
});
