import { ruleTester } from '../helpers/rule-tester.js';
import { ALL_KINDS, bgpAdvertisement, bgpPeer, bundleJson, endpointSlice, l2Advertisement, threeNodes } from '../helpers/cluster.js';
import { docs, pool, service } from '../helpers/services.js';

/** Line on which part i starts once the parts are joined with docs(). */
const startLine = (parts: string[], i: number) => 1 + parts.slice(0, i).reduce((n, p) => n + (p.match(/\n/g) ?? []).length + 1, 0);

const base = [threeNodes(), pool('lan', ['10.0.0.0/24']), l2Advertisement('lan')];
// a selector-less Service whose endpoints someone maintains by hand
const ext = (etp = 'Local') => service('ext', { spec: { clusterIPs: '[10.96.0.10]', externalTrafficPolicy: etp }, status: ['10.0.0.1'] });

function bundle(extra: string[], b = base, captured?: string[]) {
  const parts = [...b, ...extra];
  return { files: { 'bundle.json': bundleJson(captured), 'resources/c.yaml': docs(...parts) }, svcLine: startLine(parts, b.length) };
}
const at = (b: ReturnType<typeof bundle>, message: RegExp, severity: 'error' | 'warning' = 'error') => ({ file: 'resources/c.yaml', line: b.svcLine, column: 1, message, severity });

const endpoints = `apiVersion: v1
kind: Endpoints
metadata:
  name: ext
  namespace: shop
subsets:
- addresses: [{ ip: 192.168.5.10 }]
  ports: [{ port: 8080 }]
`;

const allNodeless = bundle([ext(), endpointSlice('ext', [{ ip: '192.168.5.10' }, { ip: '192.168.5.11' }])]);
const bgpNodeless = bundle([ext(), endpointSlice('ext', [{ ip: '192.168.5.10' }])], [threeNodes(), pool('lan', ['10.0.0.0/24']), bgpAdvertisement('lan'), bgpPeer('tor')]);
const someNodeless = bundle([ext(), endpointSlice('ext', [{ node: 'node-a' }, { ip: '192.168.5.11' }])]);
const terminatingNodeless = bundle([ext(), endpointSlice('ext', [{ node: 'node-a' }, { ip: '192.168.5.11', ready: false, serving: true }])]);
const mirrored = bundle([ext(), endpoints, endpointSlice('ext', [{ ip: '192.168.5.10' }], 'shop', 'ext-mirrored')]);

ruleTester('service-endpoints-without-node', {
  valid: [
    { name: 'healthy: Local with endpoints on nodes', files: bundle([ext(), endpointSlice('ext', [{ node: 'node-a' }, { node: 'node-b' }])]).files },
    { name: 'Cluster policy: where the endpoints are does not matter', files: bundle([ext('Cluster'), endpointSlice('ext', [{ ip: '192.168.5.10' }])]).files },
    { name: 'Local, but the nodeless endpoint cannot serve (and another can)', files: bundle([ext(), endpointSlice('ext', [{ node: 'node-a' }, { ip: '192.168.5.11', ready: false }])]).files },
    {
      name: 'before v0.14.0 a terminating nodeless endpoint does not count (ready only)',
      files: bundle([ext(), endpointSlice('ext', [{ node: 'node-a' }, { ip: '192.168.5.11', ready: false, serving: true }])], [threeNodes().replaceAll('speaker:v0.15.2', 'speaker:v0.13.12'), pool('lan', ['10.0.0.0/24']), l2Advertisement('lan')]).files,
    },
    { name: 'no serving endpoint at all: service-no-endpoints says so', files: bundle([ext(), endpointSlice('ext', [{ ip: '192.168.5.10', ready: false }])]).files },
    {
      name: 'EndpointSlices not captured: absent is not none',
      files: bundle([ext()], base, ALL_KINDS.filter((k) => k !== 'EndpointSlice')).files,
    },
    { name: 'not a LoadBalancer Service', files: bundle([ext().replace('type: LoadBalancer', 'type: ClusterIP').replace(/status:[\s\S]*$/, ''), endpointSlice('ext', [{}])]).files },
  ],
  invalid: [
    {
      name: 'from v0.14.0 a terminating nodeless endpoint still serves',
      files: terminatingNodeless.files,
      errors: [at(terminatingNodeless, /1 of its 2 serving endpoints carries no nodeName/, 'warning')],
    },
    {
      name: 'Local, no serving endpoint carries nodeName',
      files: allNodeless.files,
      errors: [
        at(
          allNodeless,
          /^Service shop\/ext \(10\.0\.0\.1\) has externalTrafficPolicy Local, but none of its 2 serving endpoint\(s\) carries nodeName: no node holds a local endpoint, so MetalLB never announces it \(the layer 2 election has no candidate \(every node notOwner\), so no node answers ARP\/NDP\)$/,
        ),
      ],
    },
    {
      name: 'BGP: every speaker withdraws with noLocalEndpoints',
      files: bgpNodeless.files,
      errors: [at(bgpNodeless, /never announces it \(every BGP speaker withdraws \(noLocalEndpoints\)\)$/)],
    },
    {
      name: 'Local, one of two serving endpoints without nodeName: warning',
      files: someNodeless.files,
      errors: [at(someNodeless, /1 of its 2 serving endpoints carries no nodeName: MetalLB announces it only from the nodes with a local endpoint \(node-a\).*never receives traffic entering through MetalLB$/, 'warning')],
    },
    {
      name: 'endpoints mirrored from a manual Endpoints object',
      files: mirrored.files,
      errors: [at(mirrored, /none of its 1 serving endpoint\(s\) carries nodeName/)],
    },
  ],
});
