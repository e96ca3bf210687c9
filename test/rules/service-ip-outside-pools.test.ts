import { ruleTester } from '../helpers/rule-tester.js';
import { pool, service } from '../helpers/services.js';

const p = pool('lan', ['192.168.10.0/24']);

ruleTester('service-ip-outside-pools', {
  valid: [
    { name: 'the address is in a pool', files: { 'p.yaml': p, 's.yaml': service('web', { spec: { clusterIPs: '[10.96.0.10]' }, status: ['192.168.10.9'] }) } },
    { name: 'pools not in the input', files: { 's.yaml': service('web', { spec: { clusterIPs: '[10.96.0.10]' }, status: ['10.9.9.9'] }) } },
  ],
  invalid: [
    {
      name: 'the address is in no pool',
      files: { 'p.yaml': p, 's.yaml': service('web', { spec: { clusterIPs: '[10.96.0.10]' }, status: ['10.9.9.9'] }) },
      errors: [{ file: 's.yaml', line: 14, column: 5, message: /holds an address that is in no IPAddressPool.*would then get 192\.168\.10\.0 from "lan"/ }],
    },
  ],
});
