import { ruleTester } from '../helpers/rule-tester.js';
import { ALL_KINDS, bgpAdvertisement, bgpPeer, bundleJson, endpointSlice, l2Advertisement, node, speakerDaemonSet, speakerPod } from '../helpers/cluster.js';
import { docs, pool, service } from '../helpers/services.js';

const KEY = 'node.kubernetes.io/exclude-from-external-load-balancers';
const EXCLUDE = { [KEY]: '' };
const CONTROL_PLANE = { 'node-role.kubernetes.io/control-plane': '', ...EXCLUDE };

/** Line and column of the exclude label's value on Node `name` in a joined text. */
function labelAt(text: string, name: string): { line: number; column: number } {
  const start = text.indexOf(`kind: Node\nmetadata:\n  name: ${name}\n`);
  const i = text.indexOf(`${KEY}: `, start);
  if (start < 0 || i < 0) throw new Error(`no labelled Node ${name}`);
  const before = text.slice(0, i).split('\n');
  return { line: before.length, column: before[before.length - 1]!.length + KEY.length + 3 };
}

const lan = pool('lan', ['10.0.0.0/24']);
const web = (spec: Record<string, string> = {}) => service('web', { spec: { clusterIPs: '[10.96.0.10]', ...spec }, status: ['10.0.0.0'] });
const speakers = (...nodes: string[]) => [speakerDaemonSet(), ...nodes.map((n) => speakerPod(n))].join('---\n');
const bundle = (text: string) => ({ 'bundle.json': bundleJson(), 'resources/c.yaml': text });
const without = (kind: string) => bundleJson(ALL_KINDS.filter((k) => k !== kind));

// ETP Local: the pods run on the labelled worker node-a only; node-b (control-plane) has none
const blocking = docs(
  node('node-a', { labels: EXCLUDE }),
  node('node-b', { labels: CONTROL_PLANE }),
  node('node-c'),
  speakers('node-a', 'node-b', 'node-c'),
  lan,
  l2Advertisement('lan'),
  web({ externalTrafficPolicy: 'Local' }),
  endpointSlice('web', [{ node: 'node-a' }]),
);
// a single-node kubeadm cluster: its control-plane node carries the label
const singleNode = docs(node('cp-1', { labels: CONTROL_PLANE }), speakers('cp-1'), lan, l2Advertisement('lan'), web(), endpointSlice('web', [{ node: 'cp-1' }]));
// a labelled worker; the Service is announced from the other nodes
const worker = docs(node('node-a'), node('node-b', { labels: EXCLUDE }), node('node-c'), speakers('node-a', 'node-b', 'node-c'), lan, l2Advertisement('lan'), web(), endpointSlice('web', [{ node: 'node-a' }]));
// a labelled control-plane node that an advertisement targets by nodeSelectors
const targeted = docs(
  node('node-a', { labels: CONTROL_PLANE }),
  node('node-b'),
  speakers('node-a', 'node-b'),
  lan,
  bgpPeer('router'),
  bgpAdvertisement('edge', { nodeSelectors: '[{ matchExpressions: [{ key: kubernetes.io/hostname, operator: In, values: [node-a, node-b] }] }]' }),
  web(),
  endpointSlice('web', [{ node: 'node-b' }]),
);
// kubeadm's control-plane label, every-node advertisement, Services announced by the workers
const kubeadm = docs(node('cp-1', { labels: CONTROL_PLANE }), node('node-a'), node('node-b'), speakers('cp-1', 'node-a', 'node-b'), lan, l2Advertisement('lan'), web(), endpointSlice('web', [{ node: 'node-a' }]));

ruleTester('node-excluded-from-lb', {
  valid: [
    { name: 'healthy: no labelled node', files: bundle(docs(node('node-a'), node('node-b'), speakers('node-a', 'node-b'), lan, l2Advertisement('lan'), web(), endpointSlice('web', [{ node: 'node-a' }]))) },
    { name: 'a kubeadm control-plane node, every-node advertisement, Services announced elsewhere', files: bundle(kubeadm) },
    { name: 'the speaker runs with --ignore-exclude-lb', files: bundle(blocking.replace('args: [--port=7472]', 'args: [--port=7472, --ignore-exclude-lb]')) },
    { name: 'MetalLB v0.13: the speakers do not read the label yet', files: bundle(blocking.replaceAll('speaker:v0.15.2', 'speaker:v0.13.12')) },
    { name: 'no advertisement at all', files: bundle(docs(node('node-a', { labels: EXCLUDE }), speakers('node-a'), lan, web(), endpointSlice('web', [{ node: 'node-a' }]))) },
    {
      name: 'no advertisement selects the labelled node',
      files: bundle(docs(node('node-a', { labels: EXCLUDE }), node('node-b'), speakers('node-a', 'node-b'), lan, l2Advertisement('lan', { nodeSelectors: '[{ matchLabels: { kubernetes.io/hostname: node-b } }]' }), web(), endpointSlice('web', [{ node: 'node-b' }]))),
    },
    { name: 'Nodes not captured', files: { 'bundle.json': without('Node'), 'resources/c.yaml': worker } },
    { name: 'EndpointSlices not captured', files: { 'bundle.json': without('EndpointSlice'), 'resources/c.yaml': blocking } },
  ],
  invalid: [
    {
      name: 'the label leaves a Local-policy Service without an announcing node (the control-plane node without pods stays silent)',
      files: bundle(blocking),
      errors: [{ file: 'resources/c.yaml', ...labelAt(blocking, 'node-a'), severity: 'error', message: /^Node node-a carries .*nodeLabeledExcludeBalancers.*no node announces Service shop\/web, which this node would announce without the label/ }],
    },
    {
      name: 'a single-node kubeadm cluster: the control-plane node is the only one',
      files: bundle(singleNode),
      errors: [{ file: 'resources/c.yaml', ...labelAt(singleNode, 'cp-1'), severity: 'error', message: /^Node cp-1 carries .*no node announces Service shop\/web/ }],
    },
    {
      name: 'a labelled worker node',
      files: bundle(worker),
      errors: [{ file: 'resources/c.yaml', ...labelAt(worker, 'node-b'), severity: 'warning', message: /^Node node-b carries .*although L2Advertisement "lan" selects it; it is not a control-plane node/ }],
    },
    {
      name: 'a labelled control-plane node that an advertisement targets by nodeSelectors',
      files: bundle(targeted),
      errors: [{ file: 'resources/c.yaml', ...labelAt(targeted, 'node-a'), severity: 'warning', message: /^Node node-a carries .*although BGPAdvertisement "edge" selects it by nodeSelectors/ }],
    },
  ],
});
