import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ruleTester, runCase } from '../helpers/rule-tester.js';
import { bgpPeer, bundleJson, node, speakerDaemonSet, speakerPod } from '../helpers/cluster.js';
import { docs } from '../helpers/services.js';
import { at, metallbPeer, sessionState } from '../helpers/network.js';

const frrk8s = speakerDaemonSet({ bgpType: 'frr-k8s' });
const nodes = docs(node('node-a'), node('node-b'), node('node-c'));
const tor = bgpPeer('tor', { peerAddress: '192.168.1.1' });
const bundle = (text: string) => ({ 'bundle.json': bundleJson(), 'resources/c.yaml': text });
const established = (n: string) => sessionState(n, '192.168.1.1', 'Established');
const serviceBGPStatus = (svc: string, nodeName: string, peers: string[]) => `apiVersion: metallb.io/v1beta1
kind: ServiceBGPStatus
metadata:
  name: bgp-${svc}-${nodeName}
  namespace: metallb-system
status:
  node: ${nodeName}
  serviceName: ${svc}
  serviceNamespace: shop
  peers: [${peers.join(', ')}]
`;

const oneDown = docs(frrk8s, nodes, tor, established('node-a'), sessionState('node-b', '192.168.1.1', 'Active'), established('node-c'));
const allDown = docs(
  frrk8s,
  nodes,
  tor,
  sessionState('node-a', '192.168.1.1', 'Connect'),
  sessionState('node-b', '192.168.1.1', 'Active'),
  sessionState('node-c', '192.168.1.1', 'Active'),
);
const v6 = docs(
  frrk8s,
  node('node-a'),
  bgpPeer('tor6', { peerAddress: 'fc00:f853:ccd:e793::1' }),
  sessionState('node-a', 'fc00-f853-0ccd-e793-0000-0000-0000-0001', 'OpenSent'),
);
const unnumbered = docs(
  frrk8s,
  node('node-a'),
  metallbPeer('leaf', { myASN: 64512, dynamicASN: 'external', interface: 'eth1' }),
  sessionState('node-a', 'eth1', 'Idle'),
);
const bfd = docs(frrk8s, node('node-a'), node('node-b'), tor, sessionState('node-a', '192.168.1.1', 'Established', { bfd: 'down' }), sessionState('node-b', '192.168.1.1', 'Established', { bfd: 'up' }));
const mixedBfd = docs(frrk8s, node('node-a'), node('node-b'), tor, sessionState('node-a', '192.168.1.1', 'Established', { bfd: 'down' }), sessionState('node-b', '192.168.1.1', 'Active'));

ruleTester('bgp-session-down', {
  valid: [
    { name: 'healthy: every session Established', files: bundle(docs(frrk8s, nodes, tor, established('node-a'), established('node-b'), established('node-c'))) },
    { name: 'no BGPSessionState captured: only their presence is evidence', files: bundle(docs(frrk8s, nodes, tor)) },
    {
      name: 'the native backend: frr-k8s sessions are not MetalLB\'s',
      files: bundle(docs(speakerDaemonSet(), nodes, tor, sessionState('node-a', '192.168.1.1', 'Active'))),
    },
    {
      name: 'a session of another FRRConfiguration (no MetalLB BGPPeer has that address)',
      files: bundle(docs(frrk8s, nodes, tor, established('node-a'), sessionState('node-a', '10.9.9.9', 'Active', { suffix: 'x2' }))),
    },
    {
      name: 'a session on a node the BGPPeer does not select',
      files: bundle(docs(frrk8s, nodes, bgpPeer('tor', { peerAddress: '192.168.1.1', nodeSelectors: '[{ matchLabels: { kubernetes.io/hostname: node-a } }]' }), established('node-a'), sessionState('node-b', '192.168.1.1', 'Active'))),
    },
    { name: 'a leftover for a node that no longer exists', files: bundle(docs(frrk8s, node('node-a'), tor, established('node-a'), sessionState('node-z', '192.168.1.1', 'Active'))) },
    { name: 'the same address in another VRF', files: bundle(docs(frrk8s, nodes, tor, established('node-a'), sessionState('node-a', '192.168.1.1', 'Active', { vrf: 'red', suffix: 'x2' }))) },
    { name: 'BFD not configured (N/A) with BGP Established', files: bundle(docs(frrk8s, node('node-a'), tor, established('node-a'))) },
  ],
  invalid: [
    {
      name: 'one node of three is Active',
      files: bundle(oneDown),
      errors: [
        {
          file: 'resources/c.yaml',
          ...at(oneDown, 'Active', { after: 'name: node-b-x1' }),
          severity: 'error',
          message: /^BGPPeer "tor" \(192\.168\.1\.1, AS 64513\): the BGP session from node node-b is Active, not Established: the router learns no Service routes from that node \(its other sessions are Established\)/,
        },
      ],
    },
    {
      name: 'every node: the router gets nothing',
      files: bundle(allDown),
      errors: [{ file: 'resources/c.yaml', ...at(allDown, 'Connect', { after: 'name: node-a-x1' }), message: /the BGP session from 3 nodes \(node-a, node-b, node-c\) is Connect\/Active, not Established: no node has a session with this router/ }],
    },
    {
      name: 'an IPv6 peer: frr-k8s writes the address expanded, with dashes',
      files: bundle(v6),
      errors: [{ file: 'resources/c.yaml', ...at(v6, 'OpenSent'), message: /^BGPPeer "tor6" \(fc00:f853:ccd:e793::1, AS 64513\): the BGP session from node node-a is OpenSent/ }],
    },
    {
      name: 'an unnumbered peer: the session is keyed by interface',
      files: bundle(unnumbered),
      errors: [{ file: 'resources/c.yaml', ...at(unnumbered, 'Idle'), message: /^BGPPeer "leaf" \(interface eth1, dynamicASN external\): the BGP session from node node-a is Idle/ }],
    },
    {
      name: 'BGP Established but BFD down: a warning',
      files: bundle(bfd),
      errors: [{ file: 'resources/c.yaml', ...at(bfd, 'down', { after: 'name: node-a-x1' }), severity: 'warning', message: /the BFD session from node node-a is down while BGP is Established/ }],
    },
    {
      name: 'a session down hides the BFD warning of the other (one finding per peer)',
      files: bundle(mixedBfd),
      errors: [{ file: 'resources/c.yaml', ...at(mixedBfd, 'Active', { after: 'name: node-b-x1' }), severity: 'error', message: /from node node-b is Active/ }],
    },
  ],
});

test('bgp-session-down: evidence quotes the states, a hint, and the Services handed to the peer', async () => {
  const text = docs(oneDown, serviceBGPStatus('web', 'node-b', ['tor']), serviceBGPStatus('db', 'node-a', ['tor']));
  const [f] = await runCase('bgp-session-down', { name: 'evidence', files: bundle(text) });
  assert.deepEqual(f!.evidence, [
    'BGPSessionState node-b-x1: node node-b, peer 192.168.1.1, bgpStatus Active, bfdStatus N/A',
    'Active: FRR waits for a TCP connection it cannot get (the router does not have this node as neighbor, the address or port is wrong, or an eBGP peer is not directly connected)',
    'Established from: node-a, node-c',
    'MetalLB hands Service shop/web to this peer on those nodes (ServiceBGPStatus: intent, not delivery)',
  ]);
  assert.match(f!.fix, /vtysh -c "show bgp neighbors 192\.168\.1\.1"/);
  assert.equal(f!.objects.at(-1)!.kind, 'BGPPeer');
});

// --metrics: metallb_bgp_session_up of the speakers (every backend), in a bundle's metrics/
const native = speakerDaemonSet();
const sessionUp = (peer: string, v: number) => `# TYPE metallb_bgp_session_up gauge\nmetallb_bgp_session_up{peer="${peer}"} ${v}\n`;
const withMetrics = (text: string, metrics: Record<string, string>) => ({
  ...bundle(text),
  ...Object.fromEntries(Object.entries(metrics).map(([node, prom]) => [`metrics/metallb-system/speaker-${node}/7472.prom`, prom])),
});
const nativeCluster = docs(native, nodes, tor, speakerPod('node-a'), speakerPod('node-b'), speakerPod('node-c'));

test('bgp-session-down from metrics: a 0 on a node the peer selects fires, with the metric as evidence and the native speaker\'s log as the way to look', async () => {
  const found = await runCase('bgp-session-down', {
    name: 'metrics',
    files: withMetrics(nativeCluster, { 'node-a': sessionUp('192.168.1.1:179', 1), 'node-b': sessionUp('192.168.1.1:179', 0), 'node-c': sessionUp('192.168.1.1:179', 1) }),
  });
  assert.equal(found.length, 1);
  const f = found[0]!;
  assert.match(f.message, /^BGPPeer "tor" \(192\.168\.1\.1, AS 64513\): the BGP session from node node-b is down, not Established/);
  assert.equal(f.evidence[0], 'metallb-system/speaker-node-b (node node-b), metrics port 7472: metallb_bgp_session_up{peer="192.168.1.1:179"} 0');
  assert.ok(f.evidence.includes('Established from: node-a, node-c'));
  assert.deepEqual([f.objects[0]!.kind, f.objects[0]!.name], ['Pod', 'speaker-node-b']);
  assert.match(f.fix, /kubectl logs -n metallb-system speaker-node-b -c speaker/);
});

test('bgp-session-down from metrics: silent when every session is up, for a peer that is not MetalLB\'s, or without metrics', async () => {
  const up = { 'node-a': sessionUp('192.168.1.1:179', 1), 'node-b': sessionUp('192.168.1.1:179', 1) };
  assert.deepEqual(await runCase('bgp-session-down', { name: 'up', files: withMetrics(nativeCluster, up) }), []);
  assert.deepEqual(await runCase('bgp-session-down', { name: 'other peer', files: withMetrics(nativeCluster, { 'node-a': sessionUp('10.9.9.9:179', 0) }) }), []);
  assert.deepEqual(await runCase('bgp-session-down', { name: 'none', files: bundle(nativeCluster) }), []);
});
