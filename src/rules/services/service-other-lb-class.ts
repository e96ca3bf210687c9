import { defineRule } from '../types.js';
import { classMatches, isLoadBalancer, metallbLoadBalancerClass, serviceClass } from '../../model/lb-class.js';

export default defineRule({
  meta: {
    id: 'service-other-lb-class',
    severity: 'info',
    category: 'services',
    evidence: ['files', 'api'],
    description: "A LoadBalancer Service's loadBalancerClass is not MetalLB's: MetalLB ignores the Service.",
    fix: "Leave the Service to the implementation its class names; for MetalLB to serve it, set spec.loadBalancerClass to MetalLB's --lb-class (or leave it unset when MetalLB runs without one). The class cannot be changed in place: recreate the Service.",
  },
  check({ state, report }) {
    const cls = metallbLoadBalancerClass(state);
    const assumed = cls.known ? '' : " (MetalLB's --lb-class is not in the input: assuming it is unset, the default)";
    for (const svc of state.all('Service')) {
      if (!isLoadBalancer(svc)) continue;
      // before v0.13.0 MetalLB serves every class
      if (classMatches(svc, cls)) continue;
      const own = serviceClass(svc);
      const name = `${svc.metadata?.namespace ?? 'default'}/${svc.metadata?.name ?? ''}`;
      if (own !== undefined) {
        const metallb = cls.value === undefined ? 'MetalLB handles only Services without a class' : `MetalLB handles only class "${cls.value}"`;
        report({
          message: `Service ${name} has loadBalancerClass "${own}": ${metallb}${assumed}, so it ignores this Service; the "${own}" implementation must give it an address`,
          subjects: [{ obj: svc, path: ['spec', 'loadBalancerClass'] }],
          evidence: [cls.from],
          fix:
            cls.value === undefined
              ? `If MetalLB should serve it, recreate the Service without spec.loadBalancerClass (the field is immutable).`
              : `If MetalLB should serve it, recreate the Service with "loadBalancerClass: ${cls.value}" (the field is immutable).`,
        });
      } else {
        report({
          message: `Service ${name} has no loadBalancerClass, but MetalLB runs with --lb-class=${cls.value} and handles only Services of that class: it ignores this one (the cluster's default load-balancer implementation, if any, serves it)`,
          subjects: [{ obj: svc, path: ['spec', 'type'] }],
          evidence: [cls.from],
          fix: `If MetalLB should serve it, recreate the Service with "loadBalancerClass: ${cls.value}" (the field is immutable).`,
        });
      }
    }
  },
});
