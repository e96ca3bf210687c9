import { ruleTester } from '../helpers/rule-tester.js';
import { ipAddressPool } from '../helpers/manifests.js';

// pool "lan" on lines 1-8 (name on line 4), pool "dmz" on lines 10-17 (name on line 13)
const pools = ipAddressPool('lan', 'metallb-system', '192.168.10.0/24') + '---\n' + ipAddressPool('dmz', 'metallb-system', '192.168.20.10-192.168.20.20');
const l2 = (...names: string[]) => `apiVersion: metallb.io/v1beta1
kind: L2Advertisement
metadata:
  name: l2
  namespace: metallb-system
${names.length ? `spec:\n  ipAddressPools:\n${names.map((n) => `  - ${n}`).join('\n')}\n` : ''}`;
const svc = (name: string, ip: string, annotations = '') => `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: web
${annotations}spec:
  type: LoadBalancer
  ports: [{ port: 80 }]
status:
  loadBalancer:
    ingress:
    - ip: ${ip}
`;

ruleTester('pool-not-advertised', {
  valid: [
    { name: 'every pool named', files: { 'a.yaml': pools + '---\n' + l2('lan', 'dmz') } },
    { name: 'an advertisement without pool fields selects all pools', files: { 'a.yaml': pools + '---\n' + l2() } },
    {
      name: 'one pool named, the other by a BGPAdvertisement selector',
      files: {
        'a.yaml':
          pools.replace('name: dmz\n', 'name: dmz\n  labels: { zone: dmz }\n') +
          '---\n' + l2('lan') + '---\napiVersion: metallb.io/v1beta1\nkind: BGPAdvertisement\nmetadata:\n  name: b\n  namespace: metallb-system\nspec:\n  ipAddressPoolSelectors:\n  - matchLabels: { zone: dmz }\n',
      },
    },
    { name: 'no advertisement at all: advertisement-missing speaks', files: { 'a.yaml': pools } },
  ],
  invalid: [
    {
      name: 'a pool no advertisement selects, no Service holds an address from it',
      files: { 'a.yaml': pools + '---\n' + l2('lan') },
      errors: [{ line: 13, column: 9, severity: 'warning', message: /IPAddressPool "dmz" is selected by no L2Advertisement or BGPAdvertisement.*\(no Service holds one yet\)$/ }],
    },
    {
      name: 'a Service holds an address in the pool range',
      files: { 'a.yaml': pools + '---\n' + l2('lan') + '---\n' + svc('shop', '192.168.20.15') + '---\n' + svc('blog', '192.168.10.3') },
      errors: [{ line: 13, column: 9, severity: 'error', message: /IPAddressPool "dmz".*Service web\/shop holds 192\.168\.20\.15 and is unreachable/ }],
    },
    {
      name: 'the controller annotation names the pool (old key, the new one absent)',
      files: { 'a.yaml': pools + '---\n' + l2('dmz') + '---\n' + svc('api', '10.99.0.1', '  annotations:\n    metallb.universe.tf/ip-allocated-from-pool: lan\n') },
      errors: [{ line: 4, column: 9, severity: 'error', message: /IPAddressPool "lan".*Service web\/api holds an address \(metallb\.io\/ip-allocated-from-pool: lan\)/ }],
    },
    {
      name: 'the metallb.io key wins over the old one: the Service is from an advertised pool',
      files: {
        'a.yaml':
          pools + '---\n' + l2('lan') + '---\n' +
          svc('api', '10.99.0.1', '  annotations:\n    metallb.io/ip-allocated-from-pool: lan\n    metallb.universe.tf/ip-allocated-from-pool: dmz\n'),
      },
      errors: [{ line: 13, column: 9, severity: 'warning', message: /"dmz".*no Service holds one yet/ }],
    },
    {
      name: 'a selector matching nothing does not select all pools',
      files: { 'a.yaml': pools + '---\n' + l2().replace(/$/, 'spec:\n  ipAddressPoolSelectors:\n  - matchLabels: { zone: none }\n') },
      errors: [
        { line: 4, column: 9, severity: 'warning', message: /"lan"/ },
        { line: 13, column: 9, severity: 'warning', message: /"dmz"/ },
      ],
    },
  ],
});
