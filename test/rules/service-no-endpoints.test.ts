import { ruleTester } from '../helpers/rule-tester.js';
import { ALL_KINDS, bgpAdvertisement, bgpPeer, bundleJson, endpointSlice, l2Advertisement, threeNodes } from '../helpers/cluster.js';
import { docs, pool, service } from '../helpers/services.js';

/** Line on which part i starts once the parts are joined with docs(). */
const startLine = (parts: string[], i: number) => 1 + parts.slice(0, i).reduce((n, p) => n + (p.match(/\n/g) ?? []).length + 1, 0);

const base = [threeNodes(), pool('lan', ['10.0.0.0/24']), l2Advertisement('lan')];
const web = (o: { selector?: boolean; etp?: string; status?: boolean } = {}) =>
  service('web', {
    spec: { clusterIPs: '[10.96.0.10]', ...(o.selector === false ? {} : { selector: '{app: web}' }), ...(o.etp ? { externalTrafficPolicy: o.etp } : {}) },
    ...(o.status === false ? {} : { status: ['10.0.0.1'] }),
  });

/** A bundle of the base objects plus more; the Service is the first extra part. */
function bundle(extra: string[], b = base, captured?: string[]) {
  const parts = [...b, ...extra];
  return { files: { 'bundle.json': bundleJson(captured), 'resources/c.yaml': docs(...parts) }, svcLine: startLine(parts, b.length) };
}
const at = (b: ReturnType<typeof bundle>, message: RegExp) => ({ file: 'resources/c.yaml', line: b.svcLine, column: 1, message });

const readyUnset = `apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: web-x
  namespace: shop
  labels: { kubernetes.io/service-name: web }
addressType: IPv4
endpoints:
- addresses: ["10.244.0.9"]
  nodeName: node-a
`;

const noSlice = bundle([web()]);
const noSelector = bundle([web({ selector: false })]);
const empty = bundle([web(), endpointSlice('web', [])]);
const notReady = bundle([web(), endpointSlice('web', [{ node: 'node-a', ready: false }, { node: 'node-b', ready: false, serving: false }])]);
const bgpBase = [threeNodes(), pool('lan', ['10.0.0.0/24']), bgpAdvertisement('lan'), bgpPeer('tor')];
const bgpLocal = bundle([web({ etp: 'Local' }), endpointSlice('web', [{ node: 'node-a', ready: false }])], bgpBase);
// the same pod address in two slices (two port sets), listed as not ready in one of them
const twoListings = [endpointSlice('web', [{ node: 'node-a', ip: '10.244.0.10' }], 'shop', 'web-http'), endpointSlice('web', [{ node: 'node-a', ip: '10.244.0.10', ready: false }], 'shop', 'web-metrics')];
const vetoed = bundle([web(), ...twoListings], bgpBase);
const at0161 = (parts: string[]) => parts.map((p) => p.replace('speaker:v0.15.2', 'speaker:v0.16.1'));
const unannounced = bundle([web({ status: false }), endpointSlice('web', [])], [threeNodes(), pool('lan', ['10.0.0.0/24'])]);

ruleTester('service-no-endpoints', {
  valid: [
    { name: 'healthy: a ready endpoint', files: bundle([web(), endpointSlice('web', [{ node: 'node-a' }])]).files },
    { name: 'one ready endpoint among not ready ones', files: bundle([web(), endpointSlice('web', [{ node: 'node-a', ready: false }, { node: 'node-b' }])]).files },
    { name: 'terminating but serving counts', files: bundle([web(), endpointSlice('web', [{ node: 'node-a', ready: false, serving: true }])]).files },
    { name: 'ready unset counts', files: bundle([web(), readyUnset]).files },
    {
      name: 'EndpointSlices not captured: absent is not none',
      files: bundle([web()], base, ALL_KINDS.filter((k) => k !== 'EndpointSlice')).files,
    },
    { name: 'not a LoadBalancer Service', files: bundle([web().replace('type: LoadBalancer', 'type: ClusterIP').replace(/status:[\s\S]*$/, '')]).files },
    { name: 'another load balancer class', files: bundle([web().replace('  clusterIPs:', '  loadBalancerClass: other.io/lb\n  clusterIPs:')]).files },
    { name: 'BGP from v0.16.0: a not-ready listing of the same address vetoes nothing', files: bundle([web(), ...twoListings], at0161(bgpBase)).files },
    { name: 'layer 2 before v0.16.0: no address veto there', files: bundle([web(), ...twoListings]).files },
    { name: 'the slice of another Service', files: bundle([web(), endpointSlice('api', [{ node: 'node-a' }]), endpointSlice('web', [{ node: 'node-b' }], 'shop', 'web-2')]).files },
  ],
  invalid: [
    {
      name: 'no EndpointSlice, selector set',
      files: noSlice.files,
      errors: [at(noSlice, /^Service shop\/web has address 10\.0\.0\.1 but no endpoint that can serve: no EndpointSlice belongs to it: no pod matching its selector app=web backs it .*in layer 2 every speaker withdraws \(notOwner: the election needs one serving endpoint somewhere\).*10\.0\.0\.1 answers nothing$/)],
    },
    {
      name: 'no selector and no manual slice',
      files: noSelector.files,
      errors: [at(noSelector, /it has no selector and no EndpointSlice was created for it by hand/)],
    },
    {
      name: 'a slice with zero endpoints',
      files: empty.files,
      errors: [at(empty, /its 1 EndpointSlice list no endpoint: no running pod matches its selector app=web/)],
    },
    {
      name: 'every endpoint not ready',
      files: notReady.files,
      errors: [at(notReady, /all 2 endpoints are not ready and not serving/)],
    },
    {
      name: 'BGP with externalTrafficPolicy Local: noLocalEndpoints',
      files: bgpLocal.files,
      errors: [at(bgpLocal, /every speaker withdraws its BGP routes \(noLocalEndpoints\)\. 10\.0\.0\.1 answers nothing$/)],
    },
    {
      name: 'BGP before v0.16.0: each serving address is listed as not ready in another slice',
      files: vetoed.files,
      errors: [at(vetoed, /^Service shop\/web has endpoints that can serve, but each of their addresses is also listed as not serving in another EndpointSlice: MetalLB before v0\.16\.0 .*withdraws its BGP routes \(noEndpoints\)/)],
    },
    {
      name: 'the allocator gives it an address; no advertisement: both protocols named',
      files: unannounced.files,
      errors: [at(unannounced, /^Service shop\/web has no address yet \(MetalLB's allocation gives it 10\.0\.0\.0\) but no endpoint .*BGP routes \(noEndpoints\); in layer 2 every speaker withdraws/)],
    },
  ],
});
