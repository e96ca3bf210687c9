import { ruleTester } from '../helpers/rule-tester.js';
import { docs, pool, service } from '../helpers/services.js';

const pools = docs(pool('production', ['192.168.10.0/24']), pool('staging', ['192.168.20.0/24']));

ruleTester('service-pool-unknown', {
  valid: [
    { name: 'the annotation names an existing pool', files: { 'p.yaml': pools, 's.yaml': service('web', { annotations: { 'metallb.io/address-pool': 'production' } }) } },
    { name: 'no annotation', files: { 'p.yaml': pools, 's.yaml': service('web') } },
    { name: 'pools not in the input: absent is not none', files: { 's.yaml': service('web', { annotations: { 'metallb.io/address-pool': 'nope' } }) } },
    {
      name: 'a Service of another class is not MetalLB\'s',
      files: { 'p.yaml': pools, 's.yaml': service('web', { annotations: { 'metallb.io/address-pool': 'nope' }, spec: { loadBalancerClass: 'other.io/lb' } }) },
    },
  ],
  invalid: [
    {
      name: 'a misspelt pool: the closest name is suggested',
      files: { 'p.yaml': pools, 's.yaml': service('web', { annotations: { 'metallb.io/address-pool': 'produciton' } }) },
      errors: [{ file: 's.yaml', line: 7, column: 30, message: /asks for address pool "produciton", which does not exist: .*unknown pool "produciton".*; did you mean "production"\?$/ }],
    },
    {
      name: 'the deprecated key, no close name',
      files: { 'p.yaml': pools, 's.yaml': service('web', { annotations: { 'metallb.universe.tf/address-pool': 'gold' } }) },
      errors: [{ file: 's.yaml', line: 7, column: 39, message: /^Service shop\/web asks for address pool "gold", which does not exist: MetalLB leaves it without an address \("Failed to allocate IP for "shop\/web": unknown pool "gold""\)$/ }],
    },
  ],
});
