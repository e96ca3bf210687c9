import { ruleTester } from '../helpers/rule-tester.js';
import { ipAddressPool, metallbController } from '../helpers/manifests.js';

const ad = (name: string, spec: string) => `apiVersion: metallb.io/v1beta1
kind: BGPAdvertisement
metadata:
  name: ${name}
  namespace: metallb-system
spec:
${spec}`;
const node = (name: string, zone: string) => `apiVersion: v1
kind: Node
metadata:
  name: ${name}
  labels: {zone: ${zone}}
`;
const pool = ipAddressPool('public', 'metallb-system', '10.0.0.0/24');
const zoned = (zone: string, pref: number) => `  localPref: ${pref}\n  nodeSelectors:\n  - matchLabels: {zone: ${zone}}\n`;

ruleTester('bgp-localpref-conflict', {
  valid: [
    { name: 'same localPref', files: { 'a.yaml': pool + '---\n' + ad('a', '  localPref: 100\n') + '---\n' + ad('b', '  localPref: 100\n') } },
    { name: 'different aggregation lengths on an IPv4 pool', files: { 'a.yaml': pool + '---\n' + ad('a', '  localPref: 100\n') + '---\n' + ad('b', '  localPref: 200\n  aggregationLength: 24\n') } },
    { name: 'disjoint peers', files: { 'a.yaml': pool + '---\n' + ad('a', '  localPref: 100\n  peers: [r1]\n') + '---\n' + ad('b', '  localPref: 200\n  peers: [r2]\n') } },
    {
      name: 'nodeSelectors selecting disjoint Nodes',
      files: { 'a.yaml': pool + '---\n' + ad('a', zoned('a', 100)) + '---\n' + ad('b', zoned('b', 200)), 'nodes.yaml': node('n1', 'a') + '---\n' + node('n2', 'b') },
    },
    { name: 'before v0.13.10 MetalLB checks no LOCAL_PREF at all', files: { 'a.yaml': pool + '---\n' + ad('a', '  localPref: 100\n') + '---\n' + ad('b', '  localPref: 200\n'), 'i.yaml': metallbController({ tag: 'v0.13.9' }) } },
    { name: 'one of them selects services', files: { 'a.yaml': pool + '---\n' + ad('a', '  localPref: 100\n') + '---\n' + ad('b', '  localPref: 200\n  serviceSelectors:\n  - matchLabels: {app: web}\n') } },
  ],
  invalid: [
    {
      name: 'before v0.15.0 both aggregation lengths must differ, even on an IPv4 pool',
      files: { 'a.yaml': pool + '---\n' + ad('a', '  localPref: 100\n') + '---\n' + ad('b', '  localPref: 200\n  aggregationLength: 24\n'), 'i.yaml': metallbController({ tag: 'v0.14.8' }) },
      errors: [{ file: 'a.yaml', line: 24, column: 14, message: /^invalid local preference 200: local preferernce 100 was already set/ }],
    },
    {
      name: 'every node, every peer',
      files: { 'a.yaml': pool + '---\n' + ad('a', '  localPref: 100\n') + '---\n' + ad('b', '  localPref: 200\n') },
      errors: [{ line: 24, column: 14, message: /invalid local preference 200: local preferernce 100 was already set .* \(BGPAdvertisement "b" and "a" on pool "public": .*both announce from every node \(no nodeSelectors\)\): rejected when applied/ }],
    },
    {
      name: 'nodeSelectors sharing a Node',
      files: { 'a.yaml': pool + '---\n' + ad('a', zoned('a', 100)) + '---\n' + ad('b', zoned('a', 200)), 'nodes.yaml': node('n1', 'a') },
      errors: [{ file: 'a.yaml', line: 26, column: 14, message: /at least one common node/ }],
    },
    {
      name: 'nodeSelectors and no Node captured: the assumption is said',
      files: { 'a.yaml': pool + '---\n' + ad('a', zoned('a', 100)) + '---\n' + ad('b', zoned('b', 200)) },
      errors: [{ line: 26, column: 14, message: /node sets were not known \(Nodes not captured\): assumed they share a node/ }],
    },
  ],
});
