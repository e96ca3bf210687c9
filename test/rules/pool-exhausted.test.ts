import { ruleTester } from '../helpers/rule-tester.js';
import { docs, pool, service } from '../helpers/services.js';

const one = pool('tiny', ['192.168.10.1/32']);

ruleTester('pool-exhausted', {
  valid: [
    { name: 'full, but nobody waits', files: { 'p.yaml': one, 's.yaml': service('a', { spec: { clusterIPs: '[10.96.0.10]' }, status: ['192.168.10.1'] }) } },
  ],
  invalid: [
    {
      name: 'full while a Service waits',
      files: { 'p.yaml': one, 's.yaml': docs(service('a', { spec: { clusterIPs: '[10.96.0.10]' }, status: ['192.168.10.1'] }), service('b', { spec: { clusterIPs: '[10.96.0.10]' } })) },
      errors: [{ file: 'p.yaml', line: 7, column: 3, message: /"tiny" is exhausted \(IPv4 1\/1 in use\): 1 Service\(s\) waiting.*shop\/b/ }],
    },
  ],
});
