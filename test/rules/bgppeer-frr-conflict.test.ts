import { ruleTester } from '../helpers/rule-tester.js';
import { metallbController } from '../helpers/manifests.js';

// spec fields start on line 7
const peer = (name: string, ...fields: string[]) => `apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata:
  name: ${name}
  namespace: metallb-system
spec:
${fields.map((f) => `  ${f}\n`).join("")}`;
const base = ["myASN: 64512", "peerASN: 64513", "peerAddress: 10.0.0.1"];
const node = (name: string, rack: string) => `apiVersion: v1
kind: Node
metadata:
  name: ${name}
  labels:
    rack: ${rack}
`;
const rackA = ['nodeSelectors:', '- matchLabels: {rack: a}'];
const rackB = ['nodeSelectors:', '- matchLabels: {rack: b}'];

ruleTester('bgppeer-frr-conflict', {
  valid: [
    { name: 'different addresses, same routerID and myASN', files: { 'p.yaml': peer('a', ...base) + '---\n' + peer('b', 'myASN: 64512', 'peerASN: 64513', 'peerAddress: 10.0.0.2') } },
    {
      name: 'same address on disjoint nodes (Nodes captured)',
      files: { 'p.yaml': peer('a', ...base, ...rackA) + '---\n' + peer('b', ...base, ...rackB), 'n.yaml': node('n1', 'a') + '---\n' + node('n2', 'b') },
    },
    { name: 'native mode has no pair rule', bgpBackend: 'native', files: { 'p.yaml': peer('a', ...base) + '---\n' + peer('b', ...base) } },
  ],
  invalid: [
    {
      name: 'MetalLB v0.15: every pair of peers, even on disjoint nodes',
      files: {
        'p.yaml': peer('a', ...base, ...rackA) + '---\n' + peer('b', ...base, ...rackB),
        'n.yaml': node('n1', 'a') + '---\n' + node('n2', 'b'),
        'i.yaml': metallbController({ tag: 'v0.15.2' }),
      },
      errors: [{ file: 'p.yaml', line: 21, column: 16, message: /^peer 10\.0\.0\.1 already exists, .*\(MetalLB v0\.15\.2 compares every pair of BGPPeers, whichever nodes they select; v0\.16\.0 compares only peers that share a node\)/ }],
    },
    {
      name: 'same address, Nodes not captured: assumed to share, as MetalLB does',
      files: { 'p.yaml': peer('a', ...base, ...rackA) + '---\n' + peer('b', ...base, ...rackB) },
      errors: [{ line: 21, column: 16, message: /^peer 10\.0\.0\.1 already exists, FRR mode doesn't support duplicate BGPPeers selecting the same node \(Nodes not captured.*rejected when applied/ }],
    },
    {
      name: 'different routerID and myASN on a shared node (frr)',
      bgpBackend: 'frr',
      files: {
        'p.yaml': peer('a', ...base, 'routerID: 10.9.9.9') + '---\n' + peer('b', 'myASN: 64600', 'peerASN: 64513', 'peerAddress: 10.0.0.2', ...rackA),
        'n.yaml': node('n1', 'a'),
      },
      errors: [
        { file: 'p.yaml', line: 17, column: 1, message: /^peer  has RouterID different from 10\.9\.9\.9/ },
        { file: 'p.yaml', line: 18, column: 10, message: /^peer 10\.0\.0\.2 has myAsn different from 10\.0\.0\.1/ },
      ],
    },
  ],
});
