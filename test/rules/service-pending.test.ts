import { ruleTester } from '../helpers/rule-tester.js';
import { docs, pool, service } from '../helpers/services.js';

const p = pool('lan', ['192.168.10.0/24']);
const one = pool('tiny', ['192.168.10.1/32']);

ruleTester('service-pending', {
  valid: [
    { name: 'the Service has its address', files: { 'p.yaml': p, 's.yaml': service('web', { spec: { clusterIPs: '[10.96.0.10]' }, status: ['192.168.10.0'] }) } },
    { name: 'pools not in the input', files: { 's.yaml': service('web', { spec: { clusterIPs: '[10.96.0.10]' } }) } },
    { name: 'another class', files: { 'p.yaml': p, 's.yaml': service('web', { spec: { clusterIPs: '[10.96.0.10]', loadBalancerClass: 'x.io/lb' } }) } },
  ],
  invalid: [
    {
      name: "the pools' configuration does not parse (two pools overlap): the controller hands out nothing from it",
      files: { 'p.yaml': docs(p, pool('dup', ['192.168.10.0/30'])), 's.yaml': service('web', { spec: { clusterIPs: '[10.96.0.10]' } }) },
      errors: [
        {
          file: 's.yaml',
          line: 1,
          column: 1,
          message: /^Service shop\/web has no address: MetalLB's controller rejects the configuration of its pools, so it hands out nothing from them \(once fixed, it would give 192\.168\.10\.0 from pool "lan"/,
        },
      ],
    },
    {
      name: 'MetalLB would give it an address: not processed',
      files: { 'p.yaml': p, 's.yaml': service('web', { spec: { clusterIPs: '[10.96.0.10]' } }) },
      errors: [{ file: 's.yaml', line: 1, column: 1, message: /would give it 192\.168\.10\.0 from pool "lan": MetalLB's controller has not processed it/ }],
    },
    {
      name: 'pending for a named cause',
      files: { 'p.yaml': one, 's.yaml': service('a', { spec: { clusterIPs: '[10.96.0.10]' }, status: ['192.168.10.1'] }) + '---\n' + service('b', { spec: { clusterIPs: '[10.96.0.10]' } }) },
      errors: [{ file: 's.yaml', line: 17, column: 1, message: /^Service shop\/b has no address, and MetalLB cannot give it one: Failed to allocate IP for "shop\/b": no available IPs \(see service-pool-exhausted\)$/ }],
    },
  ],
});
