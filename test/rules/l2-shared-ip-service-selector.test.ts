import { ruleTester } from '../helpers/rule-tester.js';
import { bundleJson, endpointSlice, l2Advertisement, node, speakerDaemonSet, threeNodes } from '../helpers/cluster.js';
import { docs, pool, service } from '../helpers/services.js';

// Plain manifests, as `lint` reads them: no bundle.json, no Nodes, no EndpointSlices.
const lan = pool('lan', ['10.0.0.0/24']);
const other = pool('other', ['10.1.0.0/24']);
// serviceSelectors on line 7, column 3 (no ipAddressPools: every pool)
const adSel = (sel = '[{ matchLabels: { tier: web } }]', pools?: string[]) =>
  l2Advertisement('web-only', { serviceSelectors: sel, ...(pools ? { pools } : {}) });

/**
 * A Service labelled tier=web: line 6 labels, line 7 annotations, line 8 the first annotation (column 5).
 * `port` lets two Services share an address.
 */
const svc = (name: string, annotations: Record<string, string> = { 'metallb.io/allow-shared-ip': 'shared' }, port = 80) =>
  service(name, { annotations }).replace('  annotations:', '  labels: { tier: web }\n  annotations:').replace('- port: 80', `- port: ${port}`);

const version = (tag: string) => speakerDaemonSet({ tag });

ruleTester('l2-shared-ip-service-selector', {
  valid: [
    { name: 'no allow-shared-ip', files: { 'p.yaml': lan, 'ad.yaml': adSel(), 's.yaml': svc('web', {}) } },
    { name: 'the L2Advertisement has no serviceSelectors', files: { 'p.yaml': lan, 'ad.yaml': l2Advertisement('all'), 's.yaml': svc('web') } },
    { name: 'serviceSelectors that do not match the Service', files: { 'p.yaml': lan, 'ad.yaml': adSel('[{ matchLabels: { tier: db } }]'), 's.yaml': svc('web') } },
    {
      name: 'the advertisement is attached to another pool',
      files: { 'p.yaml': docs(lan, other), 'ad.yaml': docs(adSel(undefined, ['other']), l2Advertisement('lan', { pools: ['lan'] })), 's.yaml': svc('web') },
    },
    { name: 'MetalLB v0.15.2: L2Advertisement has no serviceSelectors there', files: { 'p.yaml': lan, 'ad.yaml': adSel(), 's.yaml': svc('web'), 'd.yaml': version('v0.15.2') } },
    { name: 'another load balancer class', files: { 'p.yaml': lan, 'ad.yaml': adSel(), 's.yaml': svc('web').replace('  type: LoadBalancer', '  type: LoadBalancer\n  loadBalancerClass: other.io/lb') } },
    {
      name: 'a captured v0.15.2 cluster (threeNodes runs v0.15.2)',
      files: {
        'bundle.json': bundleJson(),
        'resources/c.yaml': docs(svc('web').replace('  ports:', '  clusterIPs: [10.96.0.10]\n  ports:'), threeNodes(), lan, adSel(), endpointSlice('web', [{ node: 'node-a' }])),
      },
    },
    { name: 'no pools: no address', files: { 'ad.yaml': adSel(), 's.yaml': svc('web') } },
  ],
  invalid: [
    {
      name: 'version unknown: both outcomes',
      files: { 'p.yaml': lan, 'ad.yaml': adSel(), 's.yaml': svc('web') },
      errors: [
        {
          file: 's.yaml',
          line: 8,
          column: 33,
          message:
            /^Service shop\/web has metallb\.io\/allow-shared-ip and the address MetalLB's allocation gives it, 10\.0\.0\.0, from pool "lan" is advertised by L2Advertisement "web-only" with serviceSelectors that match it\. The MetalLB version is not known: after v0\.16\.1 every speaker refuses to announce it in layer 2 \(reason sharedIPWithServiceSelector.*; in v0\.16\.0 and v0\.16\.1 MetalLB announces it, but .*split brain\)$/,
        },
      ],
    },
    {
      name: 'MetalLB v0.16.1: split brain',
      files: { 'p.yaml': lan, 'ad.yaml': adSel(), 's.yaml': svc('web'), 'd.yaml': version('v0.16.1') },
      errors: [{ file: 's.yaml', line: 8, column: 33, message: /With MetalLB v0\.16\.1 MetalLB announces it, but every Service sharing 10\.0\.0\.0 runs its own election.*releases after v0\.16\.1 refuse it instead$/ }],
    },
    {
      name: 'a release after v0.16.1: refused',
      files: { 'p.yaml': lan, 'ad.yaml': adSel(), 's.yaml': svc('web'), 'd.yaml': version('v0.17.0') },
      errors: [{ file: 's.yaml', line: 8, column: 33, message: /With MetalLB v0\.17\.0 every speaker refuses to announce it in layer 2 \(reason sharedIPWithServiceSelector/ }],
    },
    {
      name: 'the deprecated annotation, any value',
      files: { 'p.yaml': lan, 'ad.yaml': adSel(), 's.yaml': svc('web', { 'metallb.universe.tf/allow-shared-ip': '' }) },
      errors: [{ file: 's.yaml', line: 8, column: 42, message: /has metallb\.universe\.tf\/allow-shared-ip/ }],
    },
    {
      name: 'two Services sharing the address: one finding each',
      files: { 'p.yaml': lan, 'ad.yaml': adSel(), 's.yaml': docs(svc('web'), svc('api', undefined, 443)) },
      errors: [
        { file: 's.yaml', line: 8, column: 33, message: /^Service shop\/web .*10\.0\.0\.0 \(shared with shop\/api\), from/ },
        { file: 's.yaml', line: 21, column: 33, message: /^Service shop\/api .*10\.0\.0\.0 \(shared with shop\/web\), from/ },
      ],
    },
    {
      name: 'a captured cluster keeping its address',
      files: {
        'bundle.json': bundleJson(),
        'resources/c.yaml': docs(
          svc('web').replace('  ports:', '  clusterIPs: [10.96.0.10]\n  ports:') + 'status:\n  loadBalancer:\n    ingress:\n    - ip: 10.0.0.7\n',
          node('node-a'),
          node('node-b'),
          speakerDaemonSet({ tag: 'v0.16.1' }),
          lan,
          adSel(),
          endpointSlice('web', [{ node: 'node-a' }]),
        ),
      },
      errors: [{ file: 'resources/c.yaml', line: 8, column: 33, message: /its address 10\.0\.0\.7, from pool "lan" .*With MetalLB v0\.16\.1/ }],
    },
  ],
});
