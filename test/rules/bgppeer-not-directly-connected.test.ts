import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ruleTester, runCase } from '../helpers/rule-tester.js';
import { ALL_KINDS, bundleJson, speakerDaemonSet } from '../helpers/cluster.js';
import { docs } from '../helpers/services.js';
import { at, metallbPeer, netNode, sessionState } from '../helpers/network.js';

const frrk8s = speakerDaemonSet({ bgpType: 'frr-k8s' });
const bundle = (text: string, captured = ALL_KINDS) => ({ 'bundle.json': bundleJson(captured), 'resources/c.yaml': text });
const CALICO = 'projectcalico.org/IPv4Address';
const calicoNode = (name: string, ip: string, prefix = 24) => netNode(name, { addresses: [['InternalIP', ip]], annotations: { [CALICO]: `${ip}/${prefix}` } });
const ovnNode = (name: string, ip: string, extra: string[] = []) =>
  netNode(name, { addresses: [['InternalIP', ip]], annotations: { 'k8s.ovn.org/host-cidrs': JSON.stringify([`${ip}/24`, ...extra]) } });
const lan = docs(calicoNode('worker-1', '192.168.1.11'), calicoNode('worker-2', '192.168.1.12'));
const ebgp = (address: string, extra: Record<string, string | number | boolean> = {}) => metallbPeer('spine', { myASN: 64512, peerASN: 65000, peerAddress: address, ...extra });

const farCalico = docs(frrk8s, lan, ebgp('10.1.0.1'));
const farOvn = docs(frrk8s, ovnNode('worker-1', '192.168.1.11', ['fd00::11/64']), ovnNode('worker-2', '192.168.1.12'), ebgp('10.1.0.1'));
const dynamic = docs(frrk8s, lan, metallbPeer('spine', { myASN: 64512, dynamicASN: 'external', peerAddress: '10.1.0.1' }));
const partlyKnown = docs(frrk8s, lan, netNode('worker-3', { addresses: [['InternalIP', '192.168.1.13']], annotations: { 'flannel.alpha.coreos.com/public-ip': '192.168.1.13' } }), ebgp('10.1.0.1'));
const localAsnIgnored = docs(frrk8s, lan, ebgp('10.1.0.1', { localASN: 65000 }));

ruleTester('bgppeer-not-directly-connected', {
  valid: [
    { name: 'healthy: the router is on the nodes\' /24', files: bundle(docs(frrk8s, lan, ebgp('192.168.1.1'))) },
    { name: 'iBGP: TTL and connected check do not apply', files: bundle(docs(frrk8s, lan, metallbPeer('rr', { myASN: 64512, peerASN: 64512, peerAddress: '10.1.0.1' }))) },
    { name: 'ebgpMultiHop is set', files: bundle(docs(frrk8s, lan, ebgp('10.1.0.1', { ebgpMultiHop: true }))) },
    { name: 'the native backend dials plain TCP', files: bundle(docs(speakerDaemonSet(), lan, ebgp('10.1.0.1'))) },
    { name: 'Nodes not captured: absent is not none', files: bundle(docs(frrk8s, ebgp('10.1.0.1')), ALL_KINDS.filter((k) => k !== 'Node')) },
    {
      name: 'nothing tells the subnet (flannel public-ip, k3s internal-ip carry no prefix): silence, no /24 guess',
      files: bundle(docs(frrk8s, netNode('worker-1', { addresses: [['InternalIP', '192.168.1.11']], annotations: { 'flannel.alpha.coreos.com/public-ip': '192.168.1.11', 'k3s.io/internal-ip': '192.168.1.11' } }), ebgp('10.1.0.1'))),
    },
    {
      name: 'Calico describes another interface than the InternalIP: the InternalIP\'s subnet is unknown',
      files: bundle(docs(frrk8s, netNode('worker-1', { addresses: [['InternalIP', '10.1.0.5']], annotations: { [CALICO]: '192.168.1.11/24' } }), ebgp('10.1.0.1'))),
    },
    { name: 'a /32 annotation says nothing about the subnet', files: bundle(docs(frrk8s, calicoNode('worker-1', '192.168.1.11', 32), ebgp('10.1.0.1'))) },
    { name: 'the session is Established anyway (another interface reaches it)', files: bundle(docs(frrk8s, lan, ebgp('10.1.0.1'), sessionState('worker-1', '10.1.0.1', 'Established'))) },
    {
      name: 'one node of the session is on the peer\'s subnet: not "any node"',
      files: bundle(docs(frrk8s, calicoNode('worker-1', '10.1.0.11'), calicoNode('worker-2', '192.168.1.12'), ebgp('10.1.0.1'))),
    },
    {
      name: 'the node on the peer\'s subnet comes after one that is not',
      files: bundle(docs(frrk8s, calicoNode('worker-1', '192.168.1.11'), calicoNode('worker-2', '10.1.0.12'), ebgp('10.1.0.1'))),
    },
    { name: 'an IPv6 peer: MetalLB disables the connected check', files: bundle(docs(frrk8s, lan, ebgp('fd00:1::1'))) },
    { name: 'an unnumbered peer', files: bundle(docs(frrk8s, lan, metallbPeer('leaf', { myASN: 64512, dynamicASN: 'external', interface: 'eth1' }))) },
    { name: 'a VRF peer leaves through another interface', files: bundle(docs(frrk8s, lan, ebgp('10.1.0.1', { vrf: 'red' }))) },
    { name: 'an update-source the annotations do not show', files: bundle(docs(frrk8s, lan, ebgp('10.1.0.1', { sourceAddress: '10.1.0.5' }))) },
    { name: 'FRR mode: localASN equal to peerASN makes the session iBGP', files: bundle(docs(speakerDaemonSet({ bgpType: 'frr' }), lan, ebgp('10.1.0.1', { localASN: 65000 }))) },
    {
      name: 'nodeSelectors pick only the node on the peer\'s subnet',
      files: bundle(docs(frrk8s, calicoNode('worker-1', '10.1.0.11'), calicoNode('worker-2', '192.168.1.12'), ebgp('10.1.0.1', { nodeSelectors: '[{ matchLabels: { kubernetes.io/hostname: worker-1 } }]' }))),
    },
  ],
  invalid: [
    {
      name: 'Calico annotations: the spine is not on the nodes\' /24',
      files: bundle(farCalico),
      errors: [
        {
          file: 'resources/c.yaml',
          ...at(farCalico, '10.1.0.1'),
          severity: 'warning',
          message: /^BGPPeer "spine" is eBGP \(myASN 64512, peerASN 65000\) without ebgpMultiHop, but its address 10\.1\.0\.1 is on none of the subnets of the 2 nodes that open the session \(192\.168\.1\.0\/24\): FRR brings a single-hop eBGP session up only toward a directly connected address.*\(assuming the nodes reach the router through the interface their annotations describe\)$/,
        },
      ],
    },
    {
      name: 'OVN-Kubernetes host-cidrs list every host address: no assumption',
      files: bundle(farOvn),
      errors: [{ file: 'resources/c.yaml', ...at(farOvn, '10.1.0.1'), message: /on none of the subnets of the 2 nodes that open the session \(192\.168\.1\.0\/24\): .*the router gets no routes$/ }],
    },
    {
      name: 'dynamicASN external is eBGP',
      files: bundle(dynamic),
      errors: [{ file: 'resources/c.yaml', ...at(dynamic, '10.1.0.1'), message: /is eBGP \(myASN 64512, dynamicASN external\)/ }],
    },
    {
      name: 'a node whose subnet nobody tells is left out, the others still count',
      files: bundle(partlyKnown),
      errors: [{ file: 'resources/c.yaml', ...at(partlyKnown, '10.1.0.1'), message: /subnets of the 2 nodes/ }],
    },
    {
      name: 'FRR-K8s ignores localASN: the session stays eBGP',
      files: bundle(localAsnIgnored),
      errors: [{ file: 'resources/c.yaml', ...at(localAsnIgnored, '10.1.0.1'), message: /is eBGP \(myASN 64512, peerASN 65000\)/ }],
    },
  ],
});

test('bgppeer-not-directly-connected: the evidence names each node\'s subnet and its source', async () => {
  const [f] = await runCase('bgppeer-not-directly-connected', { name: 'evidence', files: bundle(partlyKnown) });
  assert.deepEqual(f!.evidence.slice(0, 3), [
    'Node worker-1: 192.168.1.11/24 (subnet 192.168.1.0/24, from projectcalico.org/IPv4Address)',
    'Node worker-2: 192.168.1.12/24 (subnet 192.168.1.0/24, from projectcalico.org/IPv4Address)',
    '1 other selected node(s) not judged: nothing tells all of their subnets',
  ]);
  assert.match(f!.evidence[3]!, /if the nodes reach the router through another one, this finding does not apply/);
  assert.match(f!.fix, /set spec\.ebgpMultiHop: true on BGPPeer "spine"/);
});
