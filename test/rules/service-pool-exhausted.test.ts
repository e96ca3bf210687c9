import { ruleTester } from '../helpers/rule-tester.js';
import { docs, pool, service } from '../helpers/services.js';

const one = pool('tiny', ['192.168.10.1/32']);

ruleTester('service-pool-exhausted', {
  valid: [
    { name: 'room for both', files: { 'p.yaml': pool('lan', ['192.168.10.0/30']), 's.yaml': docs(service('a', { spec: { clusterIPs: '[10.96.0.10]' } }), service('b', { spec: { clusterIPs: '[10.96.0.10]' } })) } },
    { name: 'pools not in the input', files: { 's.yaml': docs(service('a', { spec: { clusterIPs: '[10.96.0.10]' } }), service('b', { spec: { clusterIPs: '[10.96.0.10]' } })) } },
  ],
  invalid: [
    {
      name: 'the last address is taken',
      files: { 'p.yaml': one, 's.yaml': docs(service('a', { spec: { clusterIPs: '[10.96.0.10]' }, status: ['192.168.10.1'] }), service('b', { spec: { clusterIPs: '[10.96.0.10]' } })) },
      errors: [{ file: 's.yaml', line: 17, column: 1, message: /Service shop\/b gets no address: every address of "tiny" it may use is taken/ }],
    },
    {
      name: 'the requested pool is full',
      files: { 'p.yaml': docs(one, pool('big', ['10.0.0.0/24'])), 's.yaml': docs(service('a', { spec: { clusterIPs: '[10.96.0.10]' }, status: ['192.168.10.1'] }), service('b', { annotations: { 'metallb.io/address-pool': 'tiny' }, spec: { clusterIPs: '[10.96.0.10]' } })) },
      errors: [{ file: 's.yaml', line: 17, column: 1, message: /no available IPs in pool tiny/ }],
    },
  ],
});
