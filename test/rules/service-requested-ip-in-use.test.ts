import { ruleTester } from '../helpers/rule-tester.js';
import { docs, pool, service } from '../helpers/services.js';

const p = pool('lan', ['192.168.10.0/24']);

ruleTester('service-requested-ip-in-use', {
  valid: [
    { name: 'a free address', files: { 'p.yaml': p, 's.yaml': docs(service('a', { spec: { clusterIPs: '[10.96.0.10]' }, status: ['192.168.10.1'] }), service('b', { spec: { clusterIPs: '[10.96.0.10]', loadBalancerIP: '192.168.10.2' } })) } },
  ],
  invalid: [
    {
      name: 'the address is held by another Service',
      files: { 'p.yaml': p, 's.yaml': docs(service('a', { spec: { clusterIPs: '[10.96.0.10]' }, status: ['192.168.10.1'] }), service('b', { spec: { clusterIPs: '[10.96.0.10]', loadBalancerIP: '192.168.10.1' } })) },
      errors: [{ file: 's.yaml', line: 26, column: 19, message: /Service shop\/b requests an address another Service holds.*address also in use by shop\/a/ }],
    },
  ],
});
