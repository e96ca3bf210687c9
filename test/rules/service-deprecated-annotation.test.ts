import { ruleTester } from '../helpers/rule-tester.js';
import { annotatedService, metallbController } from '../helpers/manifests.js';

// annotations start on line 7
const svc = annotatedService;

const controller = (lbClass: string) => metallbController({ args: [`--lb-class=${lbClass}`] });

ruleTester('service-deprecated-annotation', {
  valid: [
    { name: 'metallb.io keys only', files: { 's.yaml': svc(['metallb.io/address-pool: public', 'metallb.io/allow-shared-ip: web']) } },
    { name: 'a look-alike prefix', files: { 's.yaml': svc(['example.universe.tf/address-pool: public', 'metallb.universe.tf.example/x: y']) } },
    {
      name: 'a Service MetalLB ignores for its class',
      files: { 's.yaml': svc(['metallb.universe.tf/address-pool: public'], '  loadBalancerClass: example.com/other\n'), 'c.yaml': controller('metallb.io/lb') },
    },
    {
      name: 'MetalLB before v0.14.9 reads only the old keys: nothing to rename yet',
      files: { 's.yaml': svc(['metallb.universe.tf/address-pool: public']), 'c.yaml': metallbController({ tag: 'v0.14.8' }) },
    },
  ],
  invalid: [
    {
      name: 'the old address-pool key',
      files: { 's.yaml': svc(['metallb.universe.tf/address-pool: public']), 'c.yaml': metallbController({ tag: 'v0.14.9' }) },
      errors: [
        {
          file: 's.yaml',
          line: 7,
          column: 39,
          severity: 'warning',
          message: /Service shop\/web uses the deprecated annotation metallb\.universe\.tf\/address-pool instead of metallb\.io\/address-pool: MetalLB still reads it.*deprecatedAnnotation/,
        },
      ],
    },
    {
      name: 'both keys, different values: the metallb.io one wins',
      files: { 's.yaml': svc(['metallb.io/loadBalancerIPs: 192.168.1.10', 'metallb.universe.tf/loadBalancerIPs: 192.168.1.11']) },
      errors: [{ line: 8, column: 42, message: /metallb\.io\/loadBalancerIPs is set too, to "192\.168\.1\.10", and MetalLB reads only that one \(even when empty\): this value "192\.168\.1\.11" is ignored/ }],
    },
    {
      name: 'both keys, the metallb.io one empty: it still wins',
      files: { 's.yaml': svc(['metallb.universe.tf/allow-shared-ip: web', 'metallb.io/allow-shared-ip: ""']) },
      errors: [{ line: 7, column: 42, message: /set too, to "", and MetalLB reads only that one \(even when empty\): this value "web" is ignored/ }],
    },
    {
      name: 'both keys, same value',
      files: { 's.yaml': svc(['metallb.io/address-pool: public', 'metallb.universe.tf/address-pool: public']) },
      errors: [{ line: 8, column: 39, message: /set too, to the same value, and MetalLB reads that one/ }],
    },
    {
      name: 'a leftover ip-allocated-from-pool and an old sharing key',
      files: { 's.yaml': svc(['metallb.universe.tf/ip-allocated-from-pool: public', 'metallb.universe.tf/allow-shared-ip: web']) },
      errors: [
        { line: 7, column: 49, message: /ip-allocated-from-pool .*a leftover written by MetalLB before v0\.14\.9/ },
        { line: 8, column: 42, message: /instead of metallb\.io\/allow-shared-ip: MetalLB still reads it/ },
      ],
    },
  ],
});
