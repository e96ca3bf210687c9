import { ruleTester } from '../helpers/rule-tester.js';
import { pool, service } from '../helpers/services.js';

const p = pool('lan', ['192.168.10.0/24'], '  avoidBuggyIPs: true\n');

ruleTester('service-requested-ip-outside-pools', {
  valid: [
    { name: 'requested address in a pool', files: { 'p.yaml': p, 's.yaml': service('web', { spec: { loadBalancerIP: '192.168.10.7' } }) } },
    { name: 'pools not in the input', files: { 's.yaml': service('web', { spec: { loadBalancerIP: '10.9.9.9' } }) } },
  ],
  invalid: [
    {
      name: 'spec.loadBalancerIP outside every pool',
      files: { 'p.yaml': p, 's.yaml': service('web', { spec: { loadBalancerIP: '10.9.9.9' } }) },
      errors: [{ file: 's.yaml', line: 9, column: 19, message: /requests an address that no IPAddressPool hands out.*\["10\.9\.9\.9"\] is not allowed in config/ }],
    },
    {
      name: 'the annotation asks for a .0 address avoidBuggyIPs forbids',
      files: { 'p.yaml': p, 's.yaml': service('web', { annotations: { 'metallb.io/loadBalancerIPs': '192.168.10.0' } }) },
      errors: [{ file: 's.yaml', line: 7, column: 33, message: /\["192\.168\.10\.0"\] is not allowed in config/ }],
    },
  ],
});
