import { ruleTester } from '../helpers/rule-tester.js';
import { docs, pool, service } from '../helpers/services.js';

const v4 = pool('v4', ['192.168.10.0/24']);
const dual = { ipFamilyPolicy: 'RequireDualStack', ipFamilies: '[IPv4, IPv6]' };

ruleTester('service-ip-family-unsatisfiable', {
  valid: [
    { name: 'one pool with both families', files: { 'p.yaml': pool('d', ['192.168.10.0/24', 'fc00::/120']), 's.yaml': service('web', { spec: dual }) } },
    { name: 'PreferDualStack falls back to IPv4', files: { 'p.yaml': v4, 's.yaml': service('web', { spec: { ipFamilyPolicy: 'PreferDualStack', ipFamilies: '[IPv4, IPv6]' } }) } },
    { name: 'Services not in the input', files: { 'p.yaml': v4 } },
  ],
  invalid: [
    {
      name: 'RequireDualStack with IPv4-only pools',
      files: { 'p.yaml': v4, 's.yaml': service('web', { spec: dual }) },
      errors: [{ file: 's.yaml', line: 9, column: 19, message: /needs dual-stack addresses \(RequireDualStack\).*pools it may use: "v4".*no available IPs"/ }],
    },
    {
      name: 'two single-family pools do not make a dual-stack one',
      files: { 'p.yaml': docs(v4, pool('v6', ['fc00::/120'])), 's.yaml': service('web', { spec: dual }) },
      errors: [{ file: 's.yaml', line: 9, column: 19, message: /pools it may use: "v4", "v6"/ }],
    },
    {
      name: 'an IPv6 Service asking for an IPv4-only pool',
      files: { 'p.yaml': v4, 's.yaml': service('web', { annotations: { 'metallb.io/address-pool': 'v4' }, spec: { ipFamilies: '[IPv6]' } }) },
      errors: [{ file: 's.yaml', line: 10, column: 15, message: /needs IPv6 addresses.*pools it may use: "v4".*\["<nil>"\] is not allowed in config/ }],
    },
  ],
});
