import { ruleTester } from '../helpers/rule-tester.js';
import { docs, namespace, pool, service } from '../helpers/services.js';
import { ALL_KINDS, bundleJson } from '../helpers/cluster.js';

/** A bundle that read the IPAddressPools of MetalLB's namespace only (IPAddressPool@metallb-system), every other kind in full. */
const poolsInMetallbNs = bundleJson([...ALL_KINDS.filter((k) => k !== 'IPAddressPool'), 'IPAddressPool@metallb-system']);

const manual = pool('manual', ['192.168.20.0/24'], '  autoAssign: false\n');
const teamA = pool('team-a', ['192.168.10.0/24'], '  serviceAllocation:\n    namespaces: [team-a]\n');
const bySelector = pool('labelled', ['192.168.30.0/24'], '  serviceAllocation:\n    namespaceSelectors:\n    - matchLabels: { tier: gold }\n');

ruleTester('pool-unusable', {
  valid: [
    { name: 'autoAssign false, requested by name', files: { 'p.yaml': manual, 's.yaml': service('web', { annotations: { 'metallb.io/address-pool': 'manual' } }) } },
    { name: 'autoAssign false, requested by address', files: { 'p.yaml': manual, 's.yaml': service('web', { spec: { loadBalancerIP: '192.168.20.9' } }) } },
    { name: 'autoAssign false, Services not in the input', files: { 'p.yaml': manual } },
    {
      name: "autoAssign false, requested by name; the pools captured in MetalLB's namespace only",
      files: { 'bundle.json': poolsInMetallbNs, 'resources/p.yaml': manual, 'resources/s.yaml': service('web', { annotations: { 'metallb.io/address-pool': 'manual' } }) },
    },
    { name: 'the namespace exists', files: { 'p.yaml': teamA, 'n.yaml': namespace('team-a') } },
    { name: 'Namespaces not in the input', files: { 'p.yaml': teamA } },
    { name: 'the selector matches a namespace', files: { 'p.yaml': bySelector, 'n.yaml': namespace('shop', '{ tier: gold }') } },
  ],
  invalid: [
    {
      name: "autoAssign false and nothing requests it; the pools captured in MetalLB's namespace only",
      files: { 'bundle.json': poolsInMetallbNs, 'resources/p.yaml': manual, 'resources/s.yaml': service('web', { spec: { loadBalancerIP: '10.0.0.1' } }) },
      errors: [{ file: 'resources/p.yaml', line: 9, column: 15, message: /"manual" has autoAssign: false and no Service requests it/ }],
    },
    {
      name: 'autoAssign false and nothing requests it',
      files: { 'p.yaml': manual, 's.yaml': service('web', { spec: { loadBalancerIP: '10.0.0.1' } }) },
      errors: [{ file: 'p.yaml', line: 9, column: 15, severity: 'warning', message: /"manual" has autoAssign: false and no Service requests it/ }],
    },
    {
      name: 'serviceAllocation names a namespace that does not exist',
      files: { 'p.yaml': teamA, 'n.yaml': namespace('shop') },
      errors: [{ file: 'p.yaml', line: 9, column: 3, message: /"team-a": its serviceAllocation selects no existing namespace/ }],
    },
    {
      name: 'a namespaceSelector matching no namespace',
      files: { 'p.yaml': docs(bySelector), 'n.yaml': namespace('shop', '{ tier: silver }'), 's.yaml': service('web') },
      errors: [{ file: 'p.yaml', line: 9, column: 3, message: /"labelled": its serviceAllocation selects no existing namespace.*no Service requests it/ }],
    },
  ],
});
