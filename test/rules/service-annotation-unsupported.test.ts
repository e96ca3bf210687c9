import { ruleTester } from '../helpers/rule-tester.js';
import { annotatedService, metallbController } from '../helpers/manifests.js';

// annotations start on line 7
const svc = annotatedService;

const at = (tag: string) => metallbController({ tag });

ruleTester('service-annotation-unsupported', {
  valid: [
    { name: 'v0.14.9 reads metallb.io keys', files: { 's.yaml': svc(['metallb.io/address-pool: public']), 'c.yaml': at('v0.14.9') } },
    { name: 'an unknown release is taken as the newest', files: { 's.yaml': svc(['metallb.io/loadBalancerIPs: 192.168.1.10']) } },
    { name: 'the old keys on an old release', files: { 's.yaml': svc(['metallb.universe.tf/address-pool: public']), 'c.yaml': at('v0.14.8') } },
    { name: 'the ip-allocated-from-pool MetalLB writes is not a request', files: { 's.yaml': svc(['metallb.io/ip-allocated-from-pool: public']), 'c.yaml': at('v0.13.12') } },
    {
      name: 'a Service MetalLB ignores for its class',
      files: { 's.yaml': svc(['metallb.io/address-pool: public'], '  loadBalancerClass: example.com/other\n'), 'c.yaml': metallbController({ tag: 'v0.14.8', args: ['--lb-class=metallb.io/lb'] }) },
    },
  ],
  invalid: [
    {
      name: 'a metallb.io request on v0.14.8: the first free address instead',
      files: { 's.yaml': svc(['metallb.io/loadBalancerIPs: 192.168.1.10']), 'c.yaml': at('v0.14.8') },
      errors: [
        {
          file: 's.yaml',
          line: 7,
          column: 33,
          severity: 'warning',
          message: /^Service shop\/web sets metallb\.io\/loadBalancerIPs: "192\.168\.1\.10", but MetalLB v0\.14\.8 reads only metallb\.universe\.tf\/loadBalancerIPs .*ignores this annotation: the Service gets the first free address of a pool, not the one it asks for$/,
        },
      ],
    },
    {
      name: 'spec.loadBalancerIP is taken instead',
      files: { 's.yaml': svc(['metallb.io/loadBalancerIPs: 192.168.1.10'], '  loadBalancerIP: 192.168.1.11\n'), 'c.yaml': at('v0.13.12') },
      errors: [{ file: 's.yaml', line: 7, column: 33, message: /MetalLB takes spec\.loadBalancerIP \(192\.168\.1\.11\) instead$/ }],
    },
    {
      name: 'a pool and a sharing key',
      files: { 's.yaml': svc(['metallb.io/address-pool: public', 'metallb.io/allow-shared-ip: web']), 'c.yaml': at('v0.14.8') },
      errors: [
        { file: 's.yaml', line: 7, column: 30, message: /not pinned to that pool/ },
        { file: 's.yaml', line: 8, column: 33, message: /does not share its address/ },
      ],
    },
    {
      name: 'both keys, different values: the old one is read',
      files: { 's.yaml': svc(['metallb.io/address-pool: public', 'metallb.universe.tf/address-pool: lan']), 'c.yaml': at('v0.14.8') },
      errors: [{ file: 's.yaml', line: 7, column: 30, severity: 'warning', message: /MetalLB reads metallb\.universe\.tf\/address-pool \("lan"\) instead$/ }],
    },
    {
      name: 'both keys, same value: only a note',
      files: { 's.yaml': svc(['metallb.io/address-pool: public', 'metallb.universe.tf/address-pool: public']), 'c.yaml': at('v0.14.8') },
      errors: [{ file: 's.yaml', line: 7, column: 30, severity: 'info', message: /carries the same value, and MetalLB reads that one$/ }],
    },
  ],
});
