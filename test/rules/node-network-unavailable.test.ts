import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ruleTester, runCase } from '../helpers/rule-tester.js';
import { ALL_KINDS, bgpAdvertisement, bgpPeer, bundleJson, endpointSlice, l2Advertisement, node, speakerDaemonSet, speakerPod } from '../helpers/cluster.js';
import { docs, pool, service } from '../helpers/services.js';

/** Line and column of the NetworkUnavailable condition item of Node `name` in a joined text. */
function conditionAt(text: string, name: string): { line: number; column: number } {
  const start = text.indexOf(`kind: Node\nmetadata:\n  name: ${name}\n`);
  const i = text.indexOf('- type: NetworkUnavailable', start);
  if (start < 0 || i < 0) throw new Error(`no condition on Node ${name}`);
  const before = text.slice(0, i).split('\n');
  return { line: before.length, column: before[before.length - 1]!.length + 3 };
}

/** A Node as the kubelet and a CNI report it, with the condition's reason and message. */
const brokenNode = (name: string) => `apiVersion: v1
kind: Node
metadata:
  name: ${name}
  labels:
    kubernetes.io/hostname: ${name}
status:
  conditions:
  - type: MemoryPressure
    status: "False"
  - type: NetworkUnavailable
    status: "True"
    reason: NoRouteCreated
    message: Node created without a route
    lastTransitionTime: "2024-05-01T10:00:00Z"
  - type: Ready
    status: "True"
`;

const lan = pool('lan', ['10.0.0.0/24']);
const web = service('web', { spec: { clusterIPs: '[10.96.0.10]' }, status: ['10.0.0.0'] });
const eps = endpointSlice('web', [{ node: 'node-a' }]);
const speakers = (...nodes: string[]) => [speakerDaemonSet(), ...nodes.map((n) => speakerPod(n))].join('---\n');
/** the same cluster with MetalLB at `tag` */
const onVersion = (text: string, tag: string) => text.replace('quay.io/metallb/speaker:v0.15.2\n        args', `quay.io/metallb/speaker:${tag}\n        args`);
const bundle = (text: string) => ({ 'bundle.json': bundleJson(), 'resources/c.yaml': text });
const without = (kind: string) => bundleJson(ALL_KINDS.filter((k) => k !== kind));

const l2All = docs(node('node-a'), brokenNode('node-b'), node('node-c'), speakers('node-a', 'node-b', 'node-c'), lan, l2Advertisement('lan'), web, eps);
const bgpScoped = docs(
  node('node-a'),
  node('node-b'),
  node('node-c', { networkUnavailable: true }),
  speakers('node-a', 'node-b', 'node-c'),
  lan,
  bgpPeer('router'),
  bgpAdvertisement('edge', { nodeSelectors: '[{ matchExpressions: [{ key: kubernetes.io/hostname, operator: In, values: [node-a, node-c] }] }]' }),
  web,
  eps,
);

ruleTester('node-network-unavailable', {
  valid: [
    { name: 'healthy: no node has the condition', files: bundle(docs(node('node-a'), node('node-b'), speakers('node-a', 'node-b'), lan, l2Advertisement('lan'), web, eps)) },
    {
      name: 'no advertisement selects the node',
      files: bundle(docs(node('node-a'), brokenNode('node-b'), speakers('node-a', 'node-b'), lan, l2Advertisement('lan', { nodeSelectors: '[{ matchLabels: { kubernetes.io/hostname: node-a } }]' }), web, eps)),
    },
    { name: 'no advertisement at all', files: bundle(docs(node('node-a'), brokenNode('node-b'), speakers('node-a', 'node-b'), lan, web, eps)) },
    { name: 'Nodes not captured', files: { 'bundle.json': without('Node'), 'resources/c.yaml': l2All } },
    { name: 'EndpointSlices not captured', files: { 'bundle.json': without('EndpointSlice'), 'resources/c.yaml': l2All } },
    { name: 'MetalLB v0.13.9 does not read the condition (from v0.13.10)', files: bundle(onVersion(l2All, 'v0.13.9')) },
  ],
  invalid: [
    {
      name: 'a node every L2Advertisement selects',
      files: bundle(l2All),
      errors: [{ file: 'resources/c.yaml', ...conditionAt(l2All, 'node-b'), severity: 'warning', message: /^Node node-b has the condition NetworkUnavailable=True \(NoRouteCreated\): MetalLB never announces from it.*L2Advertisement "lan" selects it/ }],
    },
    {
      name: 'a node a BGPAdvertisement selects by nodeSelectors',
      files: bundle(bgpScoped),
      errors: [{ file: 'resources/c.yaml', ...conditionAt(bgpScoped, 'node-c'), message: /^Node node-c has the condition NetworkUnavailable=True: .*withdraws its BGP routes.*BGPAdvertisement "edge" selects it/ }],
    },
    {
      name: 'MetalLB v0.13.10 reads the condition',
      files: bundle(onVersion(l2All, 'v0.13.10')),
      errors: [{ file: 'resources/c.yaml', ...conditionAt(l2All, 'node-b'), message: /^Node node-b has the condition NetworkUnavailable=True/ }],
    },
  ],
});

test('node-network-unavailable: the evidence quotes the condition', async () => {
  const [f] = await runCase('node-network-unavailable', { name: 'evidence', files: bundle(l2All) });
  assert.equal(f!.evidence[0], 'condition NetworkUnavailable: status True, reason NoRouteCreated, message "Node created without a route", since 2024-05-01T10:00:00Z');
  assert.match(f!.evidence[1]!, /L2Advertisement "lan" selects it \(no nodeSelectors: every node\)/);
});
