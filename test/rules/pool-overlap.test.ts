import { ruleTester } from '../helpers/rule-tester.js';
import { ipAddressPool, LEGACY_CONFIGMAP } from '../helpers/manifests.js';

const pool = (name: string, ...addresses: string[]) => ipAddressPool(name, 'metallb-system', ...addresses);


ruleTester('pool-overlap', {
  valid: [
    { name: 'adjacent ranges and CIDRs', files: { 'p.yaml': pool('a', '192.168.10.0/25', '192.168.10.128-192.168.10.255') + '---\n' + pool('b', '192.168.11.0/24', 'fc00::/64') } },
    { name: 'same addresses in different families cannot overlap', files: { 'p.yaml': pool('a', '10.0.0.0/24') + '---\n' + pool('b', '::ffff:0:0/120') } },
    {
      name: 'a pool outside MetalLB\'s namespace is invisible to it (advertisement-wrong-namespace says so)',
      files: { 'p.yaml': pool('a', '10.0.0.0/24') + '---\n' + pool('b', '10.0.0.0/24').replace('namespace: metallb-system', 'namespace: other') },
      metallbNamespace: 'metallb-system',
    },
  ],
  invalid: [
    {
      name: 'a legacy (<= 0.12) ConfigMap: positions point into the embedded YAML',
      files: { 'config.yaml': LEGACY_CONFIGMAP },
      errors: [
        {
          line: 16,
          column: 9,
          message:
            /^"192\.168\.1\.100-192\.168\.1\.110" in pool "extra" overlaps with "192\.168\.1\.0\/24" in pool "default": the pool webhook refuses the apply \(CIDR "192\.168\.1\.100\/30" overlaps with already defined CIDR "192\.168\.1\.0\/24"\); where it is bypassed, MetalLB keeps its previous configuration$/,
        },
      ],
    },
    {
      name: 'within one pool',
      files: { 'p.yaml': pool('a', '192.168.10.0/24', '192.168.10.200-192.168.10.210') },
      errors: [{ line: 9, column: 5, message: /"192\.168\.10\.200-192\.168\.10\.210" in pool "a" overlaps with "192\.168\.10\.0\/24" in the same pool/ }],
    },
    {
      name: 'across pools and files',
      files: { 'a.yaml': pool('a', '10.0.0.0/16'), 'b.yaml': pool('b', '172.16.0.0/24', '10.0.5.0/24'), 'c.yaml': pool('c', 'fc00::/64') + '---\n' + pool('d', 'fc00::1000/116') },
      errors: [
        { file: 'b.yaml', line: 9, column: 5, message: /"10\.0\.5\.0\/24" in pool "b" overlaps with "10\.0\.0\.0\/16" in pool "a"/ },
        { file: 'c.yaml', line: 17, column: 5, message: /in pool "d" overlaps with "fc00::\/64" in pool "c"/ },
      ],
    },
    {
      name: 'against the pools of a snapshot (lint --from)',
      from: { 'resources/pools.yaml': pool('existing', '192.168.50.0/24') },
      files: { 'new.yaml': pool('new', '192.168.50.128/25') },
      errors: [{ file: 'new.yaml', line: 8, column: 5, message: /in pool "new" overlaps with "192\.168\.50\.0\/24" in pool "existing"/ }],
    },
  ],
});
