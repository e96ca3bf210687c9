import { ruleTester } from '../helpers/rule-tester.js';
import { docs, pool, service } from '../helpers/services.js';

const p = pool('lan', ['192.168.10.0/24']);
const shared = (name: string, key: string, port = 80) =>
  service(name, { annotations: { 'metallb.io/allow-shared-ip': key, 'metallb.io/loadBalancerIPs': '192.168.10.5' } }).replace('port: 80', `port: ${port}`);

ruleTester('service-sharing-conflict', {
  valid: [
    { name: 'same key, different ports', files: { 'p.yaml': p, 's.yaml': docs(shared('a', 'web'), shared('b', 'web', 443)) } },
    { name: 'Services not in the input', files: { 'p.yaml': p } },
  ],
  invalid: [
    {
      name: 'same key, same port',
      files: { 'p.yaml': p, 's.yaml': docs(shared('a', 'web'), shared('b', 'web')) },
      errors: [{ file: 's.yaml', line: 20, column: 33, message: /Service shop\/b cannot share.*port TCP\/80 is already in use on "192\.168\.10\.5"/ }],
    },
    {
      name: 'different keys',
      files: { 'p.yaml': p, 's.yaml': docs(shared('a', 'web'), shared('b', 'dns', 53)) },
      errors: [{ file: 's.yaml', line: 20, column: 33, message: /can't change sharing key for "shop\/b", address also in use by shop\/a/ }],
    },
  ],
});
