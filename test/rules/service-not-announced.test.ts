import { ruleTester } from '../helpers/rule-tester.js';
import { ALL_KINDS, bgpAdvertisement, bgpPeer, bundleJson, endpointSlice, l2Advertisement, node, threeNodes } from '../helpers/cluster.js';
import { docs, pool, service } from '../helpers/services.js';

/** The line of the first object of `kind` named `name` in a joined text (its apiVersion line). */
function objLine(text: string, kind: string, name: string): number {
  const i = text.indexOf(`kind: ${kind}\nmetadata:\n  name: ${name}\n`);
  if (i < 0) throw new Error(`no ${kind} ${name}`);
  return text.slice(0, i).split('\n').length - 1;
}

const withLabels = (svc: string, labels: string) => svc.replace('  annotations:', `  labels: ${labels}\n  annotations:`);
const web = (o: { labels?: string; annotations?: Record<string, string>; status?: string } = {}) => {
  const s = service('web', { spec: { clusterIPs: '[10.96.0.10]' }, status: [o.status ?? '10.0.0.0'], ...(o.annotations ? { annotations: o.annotations } : {}) });
  return o.labels ? withLabels(s, o.labels) : s;
};
/** The speaker of a MetalLB release with L2Advertisement.serviceSelectors and the shared-IP refusal (after v0.16.1). */
const recent = (text: string) => text.replaceAll('speaker:v0.15.2', 'speaker:v0.16.2');
const lan = pool('lan', ['10.0.0.0/24']);
const eps = endpointSlice('web', [{ node: 'node-a' }, { node: 'node-b' }]);
const bundle = (...parts: string[]) => ({ 'bundle.json': bundleJson(), 'resources/c.yaml': docs(...parts) });
const without = (kind: string) => bundleJson(ALL_KINDS.filter((k) => k !== kind));

const selectorMismatchOld = docs(threeNodes(), lan, l2Advertisement('lan', { pools: ['lan'], serviceSelectors: '[{ matchLabels: { app: api } }]' }), web({ labels: '{ app: web }' }), eps);
const selectorMismatch = recent(selectorMismatchOld);
const nodeSelectorNone = docs(threeNodes(), lan, l2Advertisement('lan', { pools: ['lan'], nodeSelectors: '[{ matchLabels: { metallb: "yes" } }]' }), web(), eps);
const otherPool = docs(threeNodes(), lan, pool('dmz', ['10.1.0.0/24']), l2Advertisement('dmz-only', { pools: ['dmz'] }), web(), eps);
// the Service holds an address in no pool: MetalLB's allocator moves it to 10.0.0.0, which nothing announces either
const movedAddress = docs(threeNodes(), lan, l2Advertisement('lan', { nodeSelectors: '[{ matchLabels: { zone: z1 } }]' }), web({ status: '10.9.9.9' }), eps);
const sharedIP = recent(docs(
  threeNodes(),
  lan,
  l2Advertisement('lan', { pools: ['lan'], serviceSelectors: '[{ matchLabels: { app: web } }]' }),
  web({ labels: '{ app: web }', annotations: { 'metallb.io/allow-shared-ip': 'web' } }),
  eps,
));
const bgpMismatchOld = docs(
  threeNodes(),
  lan,
  bgpPeer('router'),
  bgpAdvertisement('lan-bgp', { pools: ['lan'], serviceSelectors: '[{ matchLabels: { exposed: "true" } }]' }),
  web({ labels: '{ app: web }' }),
  eps,
);
const bgpMismatch = recent(bgpMismatchOld);

// BGP sessions carry their peer's own address family (MetalLB v0.15.0+)
const lan6 = pool('lan6', ['fd00:10::/120']);
const dualPool = pool('dual', ['10.0.0.0/24', 'fd00:10::/120']);
const web6 = service('web', { spec: { clusterIPs: '["fd00:96::10"]', ipFamilies: '[IPv6]' }, status: ['fd00:10::5'] });
const webDual = service('web', { spec: { clusterIPs: '[10.96.0.10, "fd00:96::10"]', ipFamilies: '[IPv4, IPv6]', ipFamilyPolicy: 'RequireDualStack' }, status: ['10.0.0.5', 'fd00:10::5'] });
const v6OverV4Peer = docs(threeNodes(), lan6, bgpPeer('tor-v4'), bgpAdvertisement('lan6'), web6, eps);
const dualOverV4Peer = docs(threeNodes(), dualPool, bgpPeer('tor-v4'), bgpAdvertisement('dual'), webDual, eps);
/** The same cluster before v0.15.0 in FRR mode: every session is multiprotocol. */
const frrBefore015 = (text: string) => text.replaceAll('speaker:v0.15.2', 'speaker:v0.14.8').replaceAll('        - { name: METALLB_NODE_NAME', '        - { name: METALLB_BGP_TYPE, value: frr }\n        - { name: METALLB_NODE_NAME');

ruleTester('service-not-announced', {
  valid: [
    { name: 'healthy: an L2Advertisement for every pool, on every node', files: bundle(threeNodes(), lan, l2Advertisement('lan'), web(), eps) },
    { name: 'MetalLB v0.15: L2Advertisement.serviceSelectors do not exist yet, so the advertisement matches', files: { 'bundle.json': bundleJson(), 'resources/c.yaml': selectorMismatchOld } },
    { name: 'MetalLB v0.15: nor do BGPAdvertisement.serviceSelectors', files: { 'bundle.json': bundleJson(), 'resources/c.yaml': bgpMismatchOld } },
    {
      name: 'the L2Advertisement does not match, but a BGPAdvertisement does',
      files: bundle(recent(threeNodes()), lan, l2Advertisement('lan', { serviceSelectors: '[{ matchLabels: { app: api } }]' }), bgpPeer('router'), bgpAdvertisement('lan-bgp'), web({ labels: '{ app: web }' }), eps),
    },
    {
      name: 'the advertisement selects nodes, all of them excluded (service-no-announcing-node owns that)',
      files: bundle(node('node-a', { networkUnavailable: true }), lan, l2Advertisement('lan', { nodeSelectors: '[{ matchLabels: { kubernetes.io/hostname: node-a } }]' }), web(), eps),
    },
    {
      name: 'a Service of another loadBalancerClass',
      files: bundle(threeNodes(), lan, l2Advertisement('lan', { nodeSelectors: '[{ matchLabels: { x: y } }]' }), service('web', { spec: { clusterIPs: '[10.96.0.10]', loadBalancerClass: 'other.io/lb' }, status: ['10.0.0.0'] }), eps),
    },
    { name: 'Nodes not captured: absent is not none', files: { 'bundle.json': without('Node'), 'resources/c.yaml': nodeSelectorNone } },
    { name: 'EndpointSlices not captured', files: { 'bundle.json': without('EndpointSlice'), 'resources/c.yaml': selectorMismatch } },
    { name: 'L2Advertisements not captured: the pool may have one (absent is not none)', files: { 'bundle.json': without('L2Advertisement'), 'resources/c.yaml': docs(threeNodes(), lan, web(), eps) } },
    { name: 'BGPAdvertisements not captured: one may announce what the L2Advertisement does not', files: { 'bundle.json': without('BGPAdvertisement'), 'resources/c.yaml': nodeSelectorNone } },
    { name: 'an IPv6 Service over an IPv6 peer', files: bundle(threeNodes(), lan6, bgpPeer('tor-v6', { peerAddress: '"fd00:ff::1"' }), bgpAdvertisement('lan6'), web6, eps) },
    { name: 'an IPv6 Service over an IPv4 peer with dualStackAddressFamily', files: bundle(threeNodes(), lan6, bgpPeer('tor-v4', { extra: 'dualStackAddressFamily: true' }), bgpAdvertisement('lan6'), web6, eps) },
    { name: 'an IPv6 Service over an IPv4 peer, FRR mode before v0.15.0 (multiprotocol sessions)', files: bundle(frrBefore015(v6OverV4Peer)) },
    { name: 'a Service that gets no address', files: bundle(threeNodes(), lan, l2Advertisement('lan', { serviceSelectors: '[{ matchLabels: { app: api } }]' }), service('web', { spec: { type: 'ClusterIP', clusterIPs: '[10.96.0.10]' } })) },
  ],
  invalid: [
    {
      name: "the L2Advertisement's serviceSelectors do not match the Service's labels",
      files: { 'bundle.json': bundleJson(), 'resources/c.yaml': selectorMismatch },
      errors: [
        {
          file: 'resources/c.yaml',
          line: objLine(selectorMismatch, 'Service', 'web'),
          column: 1,
          severity: 'error',
          message: /^Service shop\/web has 10\.0\.0\.0 from IPAddressPool "lan".*layer 2 noMatchingAdvertisement.*L2Advertisement "lan" has serviceSelectors \{app=api\} that do not match the Service's labels \(app=web\)/,
        },
      ],
    },
    {
      name: "the L2Advertisement's nodeSelectors match no node",
      files: { 'bundle.json': bundleJson(), 'resources/c.yaml': nodeSelectorNone },
      errors: [{ file: 'resources/c.yaml', line: objLine(nodeSelectorNone, 'Service', 'web'), column: 1, message: /L2Advertisement "lan" matches it, but its nodeSelectors \{metallb=yes\} match none of the 3 Node\(s\)/ }],
    },
    {
      name: 'no advertisement names the pool',
      files: { 'bundle.json': bundleJson(), 'resources/c.yaml': otherPool },
      errors: [{ file: 'resources/c.yaml', line: objLine(otherPool, 'Service', 'web'), column: 1, message: /no L2Advertisement or BGPAdvertisement selects IPAddressPool "lan" \(see pool-not-advertised\)/ }],
    },
    {
      name: 'allow-shared-ip with an L2Advertisement that has serviceSelectors',
      files: { 'bundle.json': bundleJson(), 'resources/c.yaml': sharedIP },
      errors: [{ file: 'resources/c.yaml', line: objLine(sharedIP, 'Service', 'web'), column: 1, message: /sharedIPWithServiceSelector.*see l2-shared-ip-service-selector/ }],
    },
    {
      name: 'a BGPAdvertisement whose serviceSelectors do not match',
      files: { 'bundle.json': bundleJson(), 'resources/c.yaml': bgpMismatch },
      errors: [{ file: 'resources/c.yaml', line: objLine(bgpMismatch, 'Service', 'web'), column: 1, message: /BGP noMatchingAdvertisement.*BGPAdvertisement "lan-bgp" has serviceSelectors \{exposed=true\}.*no L2Advertisement selects the pool/ }],
    },
    {
      name: 'an IPv6 Service announced over an IPv4 peer only',
      files: bundle(v6OverV4Peer),
      errors: [
        {
          file: 'resources/c.yaml',
          line: objLine(v6OverV4Peer, 'Service', 'web'),
          column: 1,
          message: /^Service shop\/web is announced by BGP, but no BGP session carries its IPv6 address fd00:10::5: MetalLB sends a peer the routes of the peer address's own family only/,
        },
      ],
    },
    {
      name: 'a dual-stack Service over an IPv4 peer: its IPv6 address reaches no router',
      files: bundle(dualOverV4Peer),
      errors: [{ file: 'resources/c.yaml', line: objLine(dualOverV4Peer, 'Service', 'web'), column: 1, message: /no BGP session carries its IPv6 address fd00:10::5:/ }],
    },
    {
      name: 'an address the allocator is about to give',
      files: { 'bundle.json': bundleJson(), 'resources/c.yaml': movedAddress },
      errors: [{ file: 'resources/c.yaml', line: objLine(movedAddress, 'Service', 'web'), column: 1, message: /^Service shop\/web gets \(from MetalLB's allocator\) 10\.0\.0\.0 from IPAddressPool "lan".*nodeSelectors \{zone=z1\}/ }],
    },
  ],
});
