import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ruleTester, runCase } from '../helpers/rule-tester.js';
import { ALL_KINDS, bgpAdvertisement, bgpPeer, bundleJson, endpointSlice, l2Advertisement, node, speakerDaemonSet, speakerPod, threeNodes } from '../helpers/cluster.js';
import { docs, pool, service } from '../helpers/services.js';

/** The line of the first object of `kind` named `name` in a joined text (its apiVersion line). */
function objLine(text: string, kind: string, name: string): number {
  const i = text.indexOf(`kind: ${kind}\nmetadata:\n  name: ${name}\n`);
  if (i < 0) throw new Error(`no ${kind} ${name}`);
  return text.slice(0, i).split('\n').length - 1;
}

const EXCLUDE = { 'node.kubernetes.io/exclude-from-external-load-balancers': '' };
const CONTROL_PLANE = { 'node-role.kubernetes.io/control-plane': '', ...EXCLUDE };
const lan = pool('lan', ['10.0.0.0/24']);
const web = (spec: Record<string, string> = {}) => service('web', { spec: { clusterIPs: '[10.96.0.10]', ...spec }, status: ['10.0.0.0'] });
const without = (kind: string) => bundleJson(ALL_KINDS.filter((k) => k !== kind));
const bundle = (text: string) => ({ 'bundle.json': bundleJson(), 'resources/c.yaml': text });

// node-a labelled, node-b NetworkUnavailable, node-c without a speaker (memberlist on)
const mixed = docs(
  node('node-a', { labels: EXCLUDE }),
  node('node-b', { networkUnavailable: true }),
  node('node-c'),
  speakerDaemonSet(),
  speakerPod('node-a'),
  speakerPod('node-b'),
  lan,
  l2Advertisement('lan'),
  web(),
  endpointSlice('web', [{ node: 'node-a' }]),
);
// externalTrafficPolicy Local, the only endpoint on the (kubeadm-labelled) control-plane node
const localOnExcluded = docs(
  node('node-a', { labels: CONTROL_PLANE }),
  node('node-b'),
  node('node-c'),
  speakerDaemonSet(),
  speakerPod('node-a'),
  speakerPod('node-b'),
  speakerPod('node-c'),
  lan,
  l2Advertisement('lan'),
  web({ externalTrafficPolicy: 'Local' }),
  endpointSlice('web', [{ node: 'node-a' }]),
);
// memberlist off: node-c wins the election for 10.0.0.0 ([node-c, node-b, node-a]) but runs no speaker
const silentWinner = docs(node('node-a'), node('node-b'), node('node-c'), speakerDaemonSet({ memberlist: false }), speakerPod('node-a'), speakerPod('node-b'), lan, l2Advertisement('lan'), web(), endpointSlice('web', [{ node: 'node-a' }]));
// BGP: the speakers on every selected node are not running
const bgpNoSpeaker = docs(
  node('node-a'),
  node('node-b'),
  node('node-c'),
  speakerDaemonSet(),
  speakerPod('node-a', { running: false }),
  speakerPod('node-b', { running: false }),
  lan,
  bgpPeer('router'),
  bgpAdvertisement('lan-bgp', { nodeSelectors: '[{ matchExpressions: [{ key: kubernetes.io/hostname, operator: In, values: [node-a, node-b] }] }]' }),
  web(),
  endpointSlice('web', [{ node: 'node-c' }]),
);
// externalTrafficPolicy Local: the advertisement selects node-a, the pods run on node-c
const localElsewhere = docs(
  threeNodes(),
  lan,
  l2Advertisement('lan', { nodeSelectors: '[{ matchLabels: { kubernetes.io/hostname: node-a } }]' }),
  web({ externalTrafficPolicy: 'Local' }),
  endpointSlice('web', [{ node: 'node-c' }]),
);

ruleTester('service-no-announcing-node', {
  valid: [
    { name: 'healthy: an L2 candidate announces', files: bundle(docs(threeNodes(), lan, l2Advertisement('lan'), web(), endpointSlice('web', [{ node: 'node-a' }]))) },
    {
      name: 'the only endpoint is not ready: service-no-endpoints owns that',
      files: bundle(docs(node('node-a', { labels: EXCLUDE }), speakerDaemonSet(), speakerPod('node-a'), lan, l2Advertisement('lan'), web(), endpointSlice('web', [{ node: 'node-a', ready: false }]))),
    },
    { name: 'no advertisement for the pool: service-not-announced owns that', files: bundle(docs(threeNodes(), lan, pool('dmz', ['10.1.0.0/24']), l2Advertisement('dmz', { pools: ['dmz'] }), web(), endpointSlice('web', [{ node: 'node-a' }]))) },
    {
      name: 'layer 2 has no candidate, but BGP announces from node-a',
      files: bundle(docs(node('node-a'), speakerDaemonSet(), speakerPod('node-a'), node('node-b', { networkUnavailable: true }), lan, l2Advertisement('lan', { nodeSelectors: '[{ matchLabels: { kubernetes.io/hostname: node-b } }]' }), bgpPeer('router'), bgpAdvertisement('lan-bgp'), web(), endpointSlice('web', [{ node: 'node-a' }]))),
    },
    { name: 'the speaker runs with --ignore-exclude-lb', files: bundle(localOnExcluded.replace('args: [--port=7472]', 'args: [--port=7472, --ignore-exclude-lb]')) },
    { name: 'Nodes not captured', files: { 'bundle.json': without('Node'), 'resources/c.yaml': mixed } },
    { name: 'EndpointSlices not captured', files: { 'bundle.json': without('EndpointSlice'), 'resources/c.yaml': mixed } },
  ],
  invalid: [
    {
      name: 'every node excluded, each for its own reason',
      files: bundle(mixed),
      errors: [
        {
          file: 'resources/c.yaml',
          line: objLine(mixed, 'Service', 'web'),
          column: 1,
          severity: 'error',
          message:
            /^Service shop\/web \(10\.0\.0\.0, IPAddressPool "lan"\) is announced by no node .*layer 2 notOwner.*node-a: labelled node\.kubernetes\.io\/exclude-from-external-load-balancers \(the speaker does not run with --ignore-exclude-lb.*node-b: condition NetworkUnavailable=True.*node-c: no running speaker/,
        },
      ],
    },
    {
      name: 'externalTrafficPolicy Local with the endpoints only on a labelled control-plane node',
      files: bundle(localOnExcluded),
      errors: [{ file: 'resources/c.yaml', line: objLine(localOnExcluded, 'Service', 'web'), column: 1, message: /node-a: labelled .*; node-b, node-c \(2 nodes\): no serving endpoint of the Service on the node under externalTrafficPolicy: Local/ }],
    },
    {
      name: 'memberlist disabled: the elected node runs no speaker',
      files: bundle(silentWinner),
      errors: [{ file: 'resources/c.yaml', line: objLine(silentWinner, 'Service', 'web'), column: 1, message: /node-c: wins the layer 2 election but runs no speaker/ }],
    },
    {
      name: 'BGP: no selected node runs a speaker',
      files: bundle(bgpNoSpeaker),
      errors: [{ file: 'resources/c.yaml', line: objLine(bgpNoSpeaker, 'Service', 'web'), column: 1, message: /BGP \(BGPAdvertisement "lan-bgp" selects 2 node\(s\)\): node-a, node-b \(2 nodes\): no running speaker/ }],
    },
    {
      name: 'externalTrafficPolicy Local: the pods run on a node no advertisement selects',
      files: bundle(localElsewhere),
      errors: [{ file: 'resources/c.yaml', line: objLine(localElsewhere, 'Service', 'web'), column: 1, message: /node-c: hosts a serving endpoint, but no advertisement matching the Service selects it; node-a: no serving endpoint .*noLocalEndpoints/ }],
    },
  ],
});

test('service-no-announcing-node: the fix follows the dominant reason', async () => {
  const [local] = await runCase('service-no-announcing-node', { name: 'local', files: bundle(localOnExcluded) });
  assert.match(local!.fix, /move the pods .*--ignore-exclude-lb/);
  const [winner] = await runCase('service-no-announcing-node', { name: 'winner', files: bundle(silentWinner) });
  assert.match(winner!.fix, /enable memberlist/);
  const [elsewhere] = await runCase('service-no-announcing-node', { name: 'elsewhere', files: bundle(localElsewhere) });
  assert.match(elsewhere!.fix, /extend the advertisements' nodeSelectors to the nodes running them \(node-c\)/);
});

test('service-no-announcing-node: many nodes with one reason stay compact', async () => {
  const nodes = Array.from({ length: 40 }, (_, i) => node(`n${String(i).padStart(2, '0')}`, { networkUnavailable: true }));
  const [f] = await runCase('service-no-announcing-node', { name: 'many', files: bundle(docs(...nodes, speakerDaemonSet({ memberlist: false }), lan, l2Advertisement('lan'), web(), endpointSlice('web', [{ node: 'n00' }]))) });
  assert.match(f!.message, /n00, n01, .*, n09 and 30 more \(40 nodes\): condition NetworkUnavailable=True/);
});
