import { ruleTester } from '../helpers/rule-tester.js';
import { ALL_KINDS, bundleJson, endpointSlice, l2Advertisement, node, speakerDaemonSet, speakerPod, threeNodes } from '../helpers/cluster.js';
import { docs, pool, service } from '../helpers/services.js';

/** Line on which part i starts once the parts are joined with docs(). */
const startLine = (parts: string[], i: number) => 1 + parts.slice(0, i).reduce((n, p) => n + (p.match(/\n/g) ?? []).length + 1, 0);

const lan = pool('lan', ['10.0.0.0/24']);

/** A Service holding 10.0.0.1 (shared), labelled tier=<name>, selecting app=shop. */
const shared = (name: string, port: number, o: { etp?: string; ip?: string; share?: boolean } = {}) =>
  service(name, {
    annotations: o.share === false ? {} : { 'metallb.io/allow-shared-ip': 'shop' },
    spec: { clusterIPs: '[10.96.0.10]', selector: '{app: shop}', ...(o.etp ? { externalTrafficPolicy: o.etp } : {}) },
    status: [o.ip ?? '10.0.0.1'],
  })
    .replace('  annotations:', `  labels: { tier: ${name} }\n  annotations:`)
    .replace('- port: 80', `- port: ${port}`);

/** Three nodes with running speakers of a given release (threeNodes() runs v0.15.2). */
const nodesAt = (tag: string) =>
  [node('node-a'), node('node-b'), node('node-c'), speakerDaemonSet({ tag }), speakerPod('node-a'), speakerPod('node-b'), speakerPod('node-c')].join('---\n');

const status = (name: string, nodeName: string, svc: string) => `apiVersion: metallb.io/v1beta1
kind: ServiceL2Status
metadata:
  name: ${name}
  namespace: metallb-system
  labels: { metallb.io/node: ${nodeName}, metallb.io/service-name: ${svc}, metallb.io/service-namespace: shop }
status:
  node: ${nodeName}
  serviceName: ${svc}
  serviceNamespace: shop
`;

function bundle(parts: string[], captured?: string[]) {
  return { 'bundle.json': bundleJson(captured), 'resources/c.yaml': docs(...parts) };
}

// (a) externalTrafficPolicy Local, endpoints on different nodes: for 10.0.0.1 the order is
// [node-b, node-a, node-c], so web (endpoints on node-a) elects node-a and api (node-a, node-b) node-b
const localParts = [
  threeNodes(),
  lan,
  l2Advertisement('lan'),
  shared('web', 80, { etp: 'Local' }),
  shared('api', 443, { etp: 'Local' }),
  endpointSlice('web', [{ node: 'node-a' }]),
  endpointSlice('api', [{ node: 'node-a' }, { node: 'node-b' }]),
];

// (a) v0.16.1: advertisements picked by serviceSelectors, on different nodes
const byTier = (tier: string, host: string) =>
  l2Advertisement(`only-${tier}`, { serviceSelectors: `[{ matchLabels: { tier: ${tier} } }]`, nodeSelectors: `[{ matchLabels: { kubernetes.io/hostname: ${host} } }]` });
const selectorParts = (tag: string) => [
  nodesAt(tag),
  lan,
  byTier('web', 'node-a'),
  byTier('api', 'node-c'),
  shared('web', 80),
  shared('api', 443),
  endpointSlice('web', [{ node: 'node-b' }]),
  endpointSlice('api', [{ node: 'node-b' }]),
];

// healthy sharing: same advertisement, Cluster policy: both elect node-b
const healthyParts = [threeNodes(), lan, l2Advertisement('lan'), shared('web', 80), shared('api', 443), endpointSlice('web', [{ node: 'node-a' }]), endpointSlice('api', [{ node: 'node-a' }])];

// (b) MetalLB's own status
const statusSame = [...healthyParts, status('l2-aaaaa', 'node-b', 'web'), status('l2-bbbbb', 'node-c', 'web'), status('l2-ccccc', 'node-b', 'api')];
const separate = (name: string, port: number, ip: string) => shared(name, port, { ip, share: false });
const statusShared = [
  threeNodes(),
  lan,
  l2Advertisement('lan'),
  shared('web', 80),
  shared('api', 443),
  endpointSlice('web', [{ node: 'node-a' }]),
  endpointSlice('api', [{ node: 'node-a' }]),
  status('l2-aaaaa', 'node-b', 'web'),
  status('l2-bbbbb', 'node-a', 'api'),
];

ruleTester('service-multiple-announcers', {
  valid: [
    { name: 'healthy: Services sharing an address elect the same node', files: bundle(healthyParts) },
    { name: 'Local with endpoints on the same nodes', files: bundle([...localParts.slice(0, 6), endpointSlice('api', [{ node: 'node-a' }])]) },
    { name: 'Nodes not captured: absent is not none', files: bundle(localParts.filter((p, i) => i !== 0), ALL_KINDS.filter((k) => k !== 'Node' && k !== 'Pod' && k !== 'DaemonSet')) },
    { name: 'EndpointSlices not captured', files: bundle(localParts.slice(0, 5), ALL_KINDS.filter((k) => k !== 'EndpointSlice')) },
    { name: 'after v0.16.1 MetalLB refuses such Services instead (l2-shared-ip-service-selector)', files: bundle(selectorParts('v0.17.0')) },
    { name: 'MetalLB v0.15.2 has no serviceSelectors on L2Advertisement', files: bundle(selectorParts('v0.15.2')) },
    {
      name: 'one ServiceL2Status per Service, different Services on different nodes',
      files: bundle([threeNodes(), lan, l2Advertisement('lan'), separate('web', 80, '10.0.0.1'), separate('api', 80, '10.0.0.2'), endpointSlice('web', [{ node: 'node-a' }]), endpointSlice('api', [{ node: 'node-a' }]), status('l2-aaaaa', 'node-b', 'web'), status('l2-bbbbb', 'node-c', 'api')]),
    },
    { name: 'ServiceL2Status not captured', files: bundle(healthyParts, ALL_KINDS.filter((k) => k !== 'ServiceL2Status')) },
  ],
  invalid: [
    {
      name: 'externalTrafficPolicy Local, endpoints on different nodes',
      files: bundle(localParts),
      errors: [
        {
          file: 'resources/c.yaml',
          line: startLine(localParts, 3),
          column: 1,
          message:
            /^Layer 2 address 10\.0\.0\.1 is announced by 2 nodes at once: node-a for shop\/web \(candidates node-a; L2Advertisements lan; externalTrafficPolicy Local\) and node-b for shop\/api \(candidates node-b, node-a; .*externalTrafficPolicy Local limits each to the nodes with a serving endpoint of its own.*node-a and node-b both answer ARP for 10\.0\.0\.1/,
        },
      ],
    },
    {
      name: 'v0.16.1: advertisements picked by serviceSelectors on different nodes',
      files: bundle(selectorParts('v0.16.1')),
      errors: [
        {
          file: 'resources/c.yaml',
          line: startLine(selectorParts('v0.16.1'), 4),
          column: 1,
          message: /node-a for shop\/web \(candidates node-a; L2Advertisements only-web; .*node-c for shop\/api .*their matching L2Advertisements differ \(serviceSelectors pick "only-web" for shop\/web and "only-api" for shop\/api\)/,
        },
      ],
    },
    {
      name: 'ServiceL2Status: two nodes announce the same Service',
      files: bundle(statusSame),
      errors: [
        {
          file: 'resources/c.yaml',
          line: startLine(statusSame, 3),
          column: 1,
          message: /^MetalLB's own status shows address 10\.0\.0\.1 announced in layer 2 by 2 nodes \(node-b and node-c\): l2-aaaaa: node node-b announces shop\/web; l2-bbbbb: node node-c announces shop\/web; l2-ccccc: node node-b announces shop\/api\. In steady state/,
        },
      ],
    },
    {
      name: 'ServiceL2Status: Services sharing an address on different nodes',
      files: bundle(statusShared),
      errors: [{ file: 'resources/c.yaml', line: startLine(statusShared, 3), column: 1, message: /address 10\.0\.0\.1 announced in layer 2 by 2 nodes \(node-b and node-a\).*elected them to different nodes/ }],
    },
  ],
});
