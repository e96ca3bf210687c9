import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ruleTester, runCase } from '../helpers/rule-tester.js';
import { ALL_KINDS, bgpPeer, bundleJson, node } from '../helpers/cluster.js';
import { docs } from '../helpers/services.js';
import { at, calicoPeer, metallbPeer, netNode } from '../helpers/network.js';

const nodes = docs(node('node-a', { labels: { rack: 'r1' } }), node('node-b', { labels: { rack: 'r1' } }), node('node-c', { labels: { rack: 'r2' } }));
const tor = bgpPeer('tor', { peerAddress: '192.168.1.1' });
const bundle = (text: string, captured = ALL_KINDS) => ({ 'bundle.json': bundleJson(captured), 'resources/c.yaml': text });

const calicoConfig = (extra = '') => `apiVersion: crd.projectcalico.org/v1
kind: BGPConfiguration
metadata:
  name: default
spec:
  asNumber: 64600
  nodeToNodeMeshEnabled: false
${extra}`;
const calicoNode = (backend: string) => `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: calico-node
  namespace: kube-system
spec:
  selector: { matchLabels: { k8s-app: calico-node } }
  template:
    metadata:
      labels: { k8s-app: calico-node }
    spec:
      containers:
      - name: calico-node
        image: docker.io/calico/node:v3.28.1
        env:
        - { name: CALICO_NETWORKING_BACKEND, value: ${backend} }
`;
const ciliumPolicy = (peer: string, selector = '') => `apiVersion: cilium.io/v2alpha1
kind: CiliumBGPPeeringPolicy
metadata:
  name: rack1
spec:
${selector}  virtualRouters:
  - localASN: 64600
    exportPodCIDR: true
    neighbors:
    - peerAddress: ${peer}
      peerASN: 64513
`;
const ciliumCluster = `apiVersion: cilium.io/v2
kind: CiliumBGPClusterConfig
metadata:
  name: cilium-bgp
spec:
  nodeSelector:
    matchLabels:
      rack: r2
  bgpInstances:
  - name: instance-64600
    localASN: 64600
    peers:
    - name: tor
      peerASN: 64513
      peerAddress: 192.168.1.1
`;
const ciliumConfig = (enabled: string) => `apiVersion: v1
kind: ConfigMap
metadata:
  name: cilium-config
  namespace: kube-system
data:
  enable-bgp-control-plane: "${enabled}"
`;
const kubeRouter = (args: string) => `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: kube-router
  namespace: kube-system
spec:
  selector: { matchLabels: { k8s-app: kube-router } }
  template:
    metadata:
      labels: { k8s-app: kube-router }
    spec:
      containers:
      - name: kube-router
        image: docker.io/cloudnativelabs/kube-router:v2.2.1
        args:
        - --run-router=true
${args}`;

const calicoGlobal = docs(nodes, tor, calicoPeer('tor', { peerIP: '192.168.1.1', asNumber: 64513 }), calicoConfig());
const calicoPerNode = docs(nodes, tor, calicoPeer('tor-node-a', { node: 'node-a', peerIP: '192.168.1.1:179', asNumber: 64513 }), calicoPeer('tor-node-b', { node: 'node-b', peerIP: '192.168.1.1', asNumber: 64513 }));
const calicoSelected = docs(nodes, tor, calicoPeer('rack1', { nodeSelector: "rack == 'r1'", peerIP: '192.168.1.1' }));
const cilium = docs(nodes, tor, ciliumPolicy('192.168.1.1/32'));
const ciliumV2 = docs(nodes, tor, ciliumCluster, ciliumConfig('true'));
const routerGlobal = docs(nodes, tor, kubeRouter('        - --peer-router-ips=192.168.1.1,192.168.1.2\n        - --peer-router-asns=64513,64513\n'));
const routerNode = docs(netNode('node-a', { annotations: { 'kube-router.io/peer.ips': '192.168.1.1', 'kube-router.io/peer.asns': '64513' } }), tor);
const v6 = docs(nodes, bgpPeer('tor6', { peerAddress: 'fd00::1' }), calicoPeer('tor6', { peerIP: '[fd00::1]:179' }));

ruleTester('other-bgp-speaker-same-peer', {
  valid: [
    { name: 'healthy: Calico peers with another router', files: bundle(docs(nodes, tor, calicoPeer('spine', { peerIP: '10.0.0.1', asNumber: 65000 }))) },
    { name: 'no other speaker\'s objects: only their presence is evidence', files: bundle(docs(nodes, tor)) },
    { name: 'Calico\'s node-to-node peerings (peerSelector) are not with a router', files: bundle(docs(nodes, tor, calicoPeer('rr', { peerSelector: 'has(route-reflector)', nodeSelector: 'all()' }))) },
    { name: 'another port on the same router (another BGP instance)', files: bundle(docs(nodes, tor, calicoPeer('tor', { peerIP: '192.168.1.1:1179' }))) },
    { name: 'calico-node runs without BIRD (VXLAN)', files: bundle(docs(nodes, tor, calicoNode('vxlan'), calicoPeer('tor', { peerIP: '192.168.1.1' }))) },
    {
      name: 'disjoint nodes: Calico on rack r2, MetalLB on rack r1',
      files: bundle(docs(nodes, bgpPeer('tor', { peerAddress: '192.168.1.1', nodeSelectors: '[{ matchLabels: { rack: r1 } }]' }), calicoPeer('r2', { nodeSelector: "rack == 'r2'", peerIP: '192.168.1.1' }))),
    },
    { name: 'a Calico selector this reader does not evaluate (||): no guess', files: bundle(docs(nodes, tor, calicoPeer('x', { nodeSelector: "rack == 'r1' || rack == 'r2'", peerIP: '192.168.1.1' }))) },
    { name: 'MetalLB nodeSelectors with Nodes not captured: not known', files: bundle(docs(bgpPeer('tor', { peerAddress: '192.168.1.1', nodeSelectors: '[{ matchLabels: { rack: r1 } }]' }), calicoPeer('tor', { peerIP: '192.168.1.1' })), ALL_KINDS.filter((k) => k !== 'Node')) },
    { name: 'MetalLB\'s session has its own source address', files: bundle(docs(nodes, metallbPeer('tor', { myASN: 64512, peerASN: 64513, peerAddress: '192.168.1.1', sourceAddress: '10.50.0.5' }), calicoPeer('tor', { peerIP: '192.168.1.1' }))) },
    { name: 'MetalLB\'s session is in a VRF', files: bundle(docs(nodes, metallbPeer('tor', { myASN: 64512, peerASN: 64513, peerAddress: '192.168.1.1', vrf: 'red' }), calicoPeer('tor', { peerIP: '192.168.1.1' }))) },
    { name: 'Cilium\'s BGP control plane is disabled in cilium-config', files: bundle(docs(nodes, tor, ciliumPolicy('192.168.1.1/32'), ciliumConfig('false'))) },
    { name: 'kube-router with --run-router=false', files: bundle(docs(nodes, tor, kubeRouter('        - --peer-router-ips=192.168.1.1\n').replace('--run-router=true', '--run-router=false'))) },
  ],
  invalid: [
    {
      name: 'a global Calico BGPPeer with the same router',
      files: bundle(calicoGlobal),
      errors: [
        {
          file: 'resources/c.yaml',
          ...at(calicoGlobal, '192.168.1.1'),
          severity: 'warning',
          message: /^BGPPeer "tor" peers with 192\.168\.1\.1, and Calico peers with the same router from every node \(3\): the router sees two BGP sessions from one node address and keeps only one/,
        },
      ],
    },
    {
      name: 'per-node Calico peers ("ip:port")',
      files: bundle(calicoPerNode),
      errors: [{ file: 'resources/c.yaml', ...at(calicoPerNode, '192.168.1.1'), message: /and Calico peers with the same router from 2 nodes \(node-a, node-b\)/ }],
    },
    {
      name: 'a Calico nodeSelector evaluated on the Nodes',
      files: bundle(calicoSelected),
      errors: [{ file: 'resources/c.yaml', ...at(calicoSelected, '192.168.1.1'), message: /from 2 nodes \(node-a, node-b\)/ }],
    },
    {
      name: 'a CiliumBGPPeeringPolicy neighbor (a /32)',
      files: bundle(cilium),
      errors: [{ file: 'resources/c.yaml', ...at(cilium, '192.168.1.1'), message: /and Cilium peers with the same router from every node \(3\)/ }],
    },
    {
      name: 'a CiliumBGPClusterConfig peer on rack r2',
      files: bundle(ciliumV2),
      errors: [{ file: 'resources/c.yaml', ...at(ciliumV2, '192.168.1.1'), message: /and Cilium peers with the same router from node node-c:/ }],
    },
    {
      name: 'kube-router\'s global peers (--peer-router-ips)',
      files: bundle(routerGlobal),
      errors: [{ file: 'resources/c.yaml', ...at(routerGlobal, '192.168.1.1'), message: /and kube-router peers with the same router from every node \(3\)/ }],
    },
    {
      name: 'kube-router\'s per-node annotation',
      files: bundle(routerNode),
      errors: [{ file: 'resources/c.yaml', ...at(routerNode, '192.168.1.1', { after: 'kind: BGPPeer' }), message: /and kube-router peers with the same router from node node-a:/ }],
    },
    {
      name: 'IPv6 ("[ip]:port")',
      files: bundle(v6),
      errors: [{ file: 'resources/c.yaml', ...at(v6, 'fd00::1'), message: /^BGPPeer "tor6" peers with fd00::1, and Calico/ }],
    },
  ],
});

test('other-bgp-speaker-same-peer: evidence and fix for Calico', async () => {
  const text = docs(calicoGlobal.replace('  nodeToNodeMeshEnabled: false\n', '  nodeToNodeMeshEnabled: false\n  serviceLoadBalancerIPs:\n  - cidr: 203.0.113.0/24\n'));
  const [f] = await runCase('other-bgp-speaker-same-peer', { name: 'evidence', files: bundle(text) });
  assert.deepEqual(f!.evidence, [
    'MetalLB BGPPeer "tor": peerAddress 192.168.1.1, myASN 64512, every node',
    'Calico BGPPeer "tor": peerIP 192.168.1.1, asNumber 64513, every node (global)',
    'Calico BGPConfiguration "default": asNumber 64600, serviceLoadBalancerIPs 203.0.113.0/24: Calico already announces LoadBalancer addresses itself',
  ]);
  assert.deepEqual(
    f!.objects.map((o) => o.kind),
    ['BGPPeer', 'BGPPeer'],
  );
  assert.match(f!.fix, /serviceLoadBalancerIPs/);
});
