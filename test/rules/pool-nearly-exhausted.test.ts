import { ruleTester } from '../helpers/rule-tester.js';
import { pool, service } from '../helpers/services.js';

ruleTester('pool-nearly-exhausted', {
  valid: [
    { name: 'half used', files: { 'p.yaml': pool('two', ['192.168.10.0/31']), 's.yaml': service('a', { spec: { clusterIPs: '[10.96.0.10]' }, status: ['192.168.10.0'] }) } },
    { name: 'Services not in the input', files: { 'p.yaml': pool('one', ['192.168.10.1/32']) } },
  ],
  invalid: [
    {
      name: 'every address in use',
      files: { 'p.yaml': pool('one', ['192.168.10.1/32']), 's.yaml': service('a', { spec: { clusterIPs: '[10.96.0.10]' }, status: ['192.168.10.1'] }) },
      errors: [{ file: 'p.yaml', line: 7, column: 3, severity: 'warning', message: /"one" has 1 of its 1 IPv4 addresses in use \(100%\)/ }],
    },
  ],
});
