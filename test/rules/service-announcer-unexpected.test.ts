import { ruleTester } from '../helpers/rule-tester.js';
import { bgpAdvertisement, bgpPeer, bundleJson, endpointSlice, l2Advertisement, node, speakerDaemonSet, speakerPod, threeNodes } from '../helpers/cluster.js';
import { docs, pool, service } from '../helpers/services.js';

// The election for 10.0.0.0 over node-a, node-b, node-c orders them node-c, node-b, node-a.
const web = service('web', { spec: { clusterIPs: '[10.96.0.10]' }, status: ['10.0.0.0'] });
const status = (kind: 'ServiceL2Status' | 'ServiceBGPStatus', nodeName: string, suffix = nodeName) => `apiVersion: metallb.io/v1beta1
kind: ${kind}
metadata:
  name: ${kind === 'ServiceL2Status' ? 'l2' : 'bgp'}-${suffix}
  namespace: metallb-system
  labels: { metallb.io/node: ${nodeName}, metallb.io/service-name: web, metallb.io/service-namespace: shop }
status:
  node: ${nodeName}
  serviceName: web
  serviceNamespace: shop
`;
const l2 = (...extra: string[]) => ({
  'bundle.json': bundleJson(),
  'resources/c.yaml': docs(web, threeNodes(), pool('lan', ['10.0.0.0/24']), l2Advertisement('lan'), endpointSlice('web', [{ node: 'node-a' }]), ...extra),
});
const bgp = (...extra: string[]) => ({
  'bundle.json': bundleJson(),
  'resources/c.yaml': docs(web, threeNodes(), pool('lan', ['10.0.0.0/24']), bgpAdvertisement('lan'), bgpPeer('tor'), endpointSlice('web', [{ node: 'node-a' }]), ...extra),
});
const olderSpeaker = (tag: string) => ({
  'bundle.json': bundleJson(),
  'resources/c.yaml': docs(web, node('node-a'), node('node-b'), node('node-c'), speakerDaemonSet({ tag }), speakerPod('node-a'), speakerPod('node-b'), speakerPod('node-c'), pool('lan', ['10.0.0.0/24']), l2Advertisement('lan'), endpointSlice('web', [{ node: 'node-a' }])),
});

ruleTester('service-announcer-unexpected', {
  valid: [
    { name: 'the status names the elected node', files: l2(status('ServiceL2Status', 'node-c')) },
    { name: 'BGP: one status per announcing node', files: bgp(status('ServiceBGPStatus', 'node-a'), status('ServiceBGPStatus', 'node-b'), status('ServiceBGPStatus', 'node-c')) },
    { name: 'two layer 2 claimants: a split brain, service-multiple-announcers reports it', files: l2(status('ServiceL2Status', 'node-a'), status('ServiceL2Status', 'node-c')) },
    { name: 'MetalLB v0.14.5 writes no ServiceL2Status: none is expected', files: olderSpeaker('v0.14.5') },
    {
      name: 'ServiceL2Status not captured: nothing to compare',
      files: { 'bundle.json': bundleJson(['IPAddressPool', 'L2Advertisement', 'BGPAdvertisement', 'BGPPeer', 'BFDProfile', 'Community', 'Service', 'Node', 'Pod', 'EndpointSlice', 'DaemonSet']), 'resources/c.yaml': l2()['resources/c.yaml'] },
    },
    {
      name: 'L2Advertisements not captured: who should announce is unknown, not "no node"',
      files: {
        'bundle.json': bundleJson(['IPAddressPool', 'BGPAdvertisement', 'BGPPeer', 'BFDProfile', 'Community', 'ServiceL2Status', 'ServiceBGPStatus', 'Service', 'Node', 'Pod', 'EndpointSlice', 'DaemonSet']),
        'resources/c.yaml': docs(web, threeNodes(), pool('lan', ['10.0.0.0/24']), endpointSlice('web', [{ node: 'node-a' }]), status('ServiceL2Status', 'node-c')),
      },
    },
    { name: 'no Nodes in the input (manifests): the model cannot say', files: { 's.yaml': docs(web, pool('lan', ['10.0.0.0/24']), l2Advertisement('lan'), status('ServiceL2Status', 'node-a')) } },
  ],
  invalid: [
    {
      name: 'the status names another node than the election',
      files: l2(status('ServiceL2Status', 'node-a')),
      errors: [{ file: 'resources/c.yaml', line: 1, column: 1, message: /^Service shop\/web \(10\.0\.0\.0\) in layer 2: MetalLB's ServiceL2Status names node-a, while the election picks node-c for this input \(not expected: node-a\) \(not reported: node-c\)\. Likely: the speakers count other memberlist members/ }],
    },
    {
      name: 'no status although a node should announce (another Service has one)',
      files: l2(status('ServiceL2Status', 'node-b', 'other').replace(/serviceName: web/, 'serviceName: other').replace('metallb.io/service-name: web', 'metallb.io/service-name: other')),
      errors: [{ file: 'resources/c.yaml', line: 1, column: 1, message: /no ServiceL2Status for it: no speaker reports announcing it, while the election picks node-c .*Likely: the elected speaker on node-c is not announcing/ }],
    },
    {
      name: 'no status object at all: one info finding, the speakers write none',
      files: l2(),
      errors: [{ file: 'resources/c.yaml', line: 1, column: 1, severity: 'info', message: /^No ServiceL2Status exists, yet 1 Service\(s\) should be announced in layer 2 \(shop\/web\): MetalLB v0\.15\.2 speakers write one for each Service they announce/ }],
    },
    {
      name: 'BGP: a node that should announce reports nothing',
      files: bgp(status('ServiceBGPStatus', 'node-a'), status('ServiceBGPStatus', 'node-b')),
      errors: [{ file: 'resources/c.yaml', line: 1, column: 1, message: /in BGP: MetalLB's ServiceBGPStatus names node-a, node-b, while the BGP checks let node-a, node-b, node-c .*\(not reported: node-c\)/ }],
    },
    { name: 'MetalLB v0.14.6 writes ServiceL2Status: its absence counts', files: olderSpeaker('v0.14.6'), errors: [{ file: 'resources/c.yaml', line: 1, column: 1, severity: 'info', message: /No ServiceL2Status exists/ }] },
  ],
});
