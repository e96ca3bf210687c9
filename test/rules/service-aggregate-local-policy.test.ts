import { ruleTester } from '../helpers/rule-tester.js';
import { bgpAdvertisement, bgpPeer, bundleJson, endpointSlice, threeNodes } from '../helpers/cluster.js';
import { docs, pool, service } from '../helpers/services.js';

const wan = pool('wan', ['10.0.0.0/24']);
const aggregated = bgpAdvertisement('agg', { extra: '  aggregationLength: 24\n' });
const local = service('api', { spec: { clusterIPs: '[10.96.0.10]', externalTrafficPolicy: 'Local' }, status: ['10.0.0.5'] });
const cluster = service('web', { spec: { clusterIPs: '[10.96.0.11]' }, status: ['10.0.0.6'] });
const localOnA = endpointSlice('api', [{ node: 'node-a' }]);
const webEverywhere = endpointSlice('web', [{ node: 'node-b' }]);
const bundle = (...parts: string[]) => ({ 'bundle.json': bundleJson(), 'resources/c.yaml': docs(...parts) });

/** The line of the Service named `name` (its apiVersion line) in the joined text. */
const line = (text: string, name: string) => text.slice(0, text.indexOf(`kind: Service\nmetadata:\n  name: ${name}\n`)).split('\n').length - 1;
const leaking = docs(threeNodes(), wan, bgpPeer('tor'), aggregated, local, cluster, localOnA, webEverywhere);

ruleTester('service-aggregate-local-policy', {
  valid: [
    { name: 'host routes (no aggregationLength): each Service has its own prefix', files: bundle(threeNodes(), wan, bgpPeer('tor'), bgpAdvertisement('host'), local, cluster, localOnA, webEverywhere) },
    { name: 'the Local Service alone in its aggregate', files: bundle(threeNodes(), wan, bgpPeer('tor'), aggregated, local, localOnA) },
    {
      name: 'two Local Services whose pods run on the same nodes',
      files: bundle(
        threeNodes(),
        wan,
        bgpPeer('tor'),
        aggregated,
        local,
        service('api2', { spec: { clusterIPs: '[10.96.0.12]', externalTrafficPolicy: 'Local' }, status: ['10.0.0.7'] }),
        localOnA,
        endpointSlice('api2', [{ node: 'node-a' }]),
      ),
    },
    { name: 'EndpointSlices not captured: absent is not none', files: { 'bundle.json': bundleJson(['IPAddressPool', 'BGPAdvertisement', 'BGPPeer', 'Service', 'Node', 'Pod', 'DaemonSet']), 'resources/c.yaml': leaking } },
  ],
  invalid: [
    {
      name: 'a Cluster Service makes every node announce the aggregate of a Local Service whose pods run on node-a',
      files: bundle(leaking),
      errors: [
        {
          file: 'resources/c.yaml',
          line: line(leaking, 'api'),
          column: 1,
          severity: 'warning',
          message:
            /^Service shop\/api \(externalTrafficPolicy Local\) is announced inside the BGP aggregate 10\.0\.0\.0\/24, which 2 node\(s\) without a serving endpoint of it also announce for shop\/web: .*kube-proxy on those nodes drops them/,
        },
      ],
    },
  ],
});
