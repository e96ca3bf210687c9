import { ruleTester } from '../helpers/rule-tester.js';
import { docs, namespace, pool, service } from '../helpers/services.js';

const teamA = pool('team-a', ['192.168.10.0/24'], '  serviceAllocation:\n    namespaces: [team-a]\n');
const manual = pool('manual', ['192.168.20.0/24'], '  autoAssign: false\n');

ruleTester('service-no-eligible-pool', {
  valid: [
    { name: 'the Service is in the pool\'s namespace', files: { 'p.yaml': teamA, 's.yaml': service('web', { ns: 'team-a' }) } },
    { name: 'an open pool is the fallback', files: { 'p.yaml': docs(teamA, pool('open', ['10.0.0.0/24'])), 's.yaml': service('web') } },
    { name: 'autoAssign false, but the Service asks for the pool', files: { 'p.yaml': manual, 's.yaml': service('web', { annotations: { 'metallb.io/address-pool': 'manual' } }) } },
    { name: 'Services not in the input', files: { 'p.yaml': teamA } },
  ],
  invalid: [
    {
      name: 'serviceAllocation excludes the namespace',
      files: { 'p.yaml': teamA, 's.yaml': service('web') },
      errors: [{ file: 's.yaml', line: 1, column: 1, message: /^Service shop\/web can get an address from no pool: the pools with autoAssign \("team-a"\) .*excludes its namespace "shop".*"Failed to allocate IP for "shop\/web": no available IPs"/ }],
    },
    {
      name: 'every pool has autoAssign: false',
      files: { 'p.yaml': manual, 's.yaml': service('web'), 'n.yaml': namespace('shop') },
      errors: [{ file: 's.yaml', line: 1, column: 1, message: /every pool has autoAssign: false/ }],
    },
    {
      name: 'the requested pool excludes the Service',
      files: { 'p.yaml': teamA, 's.yaml': service('web', { annotations: { 'metallb.io/address-pool': 'team-a' } }) },
      errors: [{ file: 's.yaml', line: 7, column: 30, message: /the pool it asks for, "team-a".*pool team-a not compatible for ip assignment/ }],
    },
  ],
});
