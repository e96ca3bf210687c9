import { defineRule } from '../types.js';
import { asRecord } from '../../state/cluster-state.js';
import { isLoadBalancer, knownIgnoredByClass, metallbLoadBalancerClass } from '../../model/lb-class.js';

const ANNOTATION = 'metallb.io/loadBalancerIPs';
const OLD_ANNOTATION = 'metallb.universe.tf/loadBalancerIPs';

export default defineRule({
  meta: {
    id: 'service-loadbalancerip-deprecated',
    severity: 'info',
    category: 'services',
    evidence: ['files', 'api'],
    description: `A LoadBalancer Service asks for its address with spec.loadBalancerIP (deprecated in Kubernetes) instead of the ${ANNOTATION} annotation.`,
    fix: `Move the address to the annotation "${ANNOTATION}" and remove spec.loadBalancerIP.`,
  },
  check({ state, report }) {
    const cls = metallbLoadBalancerClass(state);
    for (const svc of state.all('Service')) {
      if (!isLoadBalancer(svc) || knownIgnoredByClass(svc, cls)) continue;
      const ip = asRecord(svc.spec).loadBalancerIP;
      if (typeof ip !== 'string' || ip === '') continue;
      const ann = svc.metadata?.annotations ?? {};
      // MetalLB reads the metallb.io key when present, else the old one
      const key = ANNOTATION in ann ? ANNOTATION : OLD_ANNOTATION in ann ? OLD_ANNOTATION : undefined;
      const both =
        key !== undefined && ann[key] !== ''
          ? ` The ${key} annotation is set too: MetalLB refuses to allocate ("service can not have both ${ANNOTATION} and svc.Spec.LoadBalancerIP") and the Service stays without an address.`
          : '';
      const name = `${svc.metadata?.namespace ?? 'default'}/${svc.metadata?.name ?? ''}`;
      report({
        message: `Service ${name} asks for ${ip} with spec.loadBalancerIP, deprecated in Kubernetes since v1.24; MetalLB still honours it, but the ${ANNOTATION} annotation is the supported way (and the only one for dual-stack).${both}`,
        subjects: [{ obj: svc, path: ['spec', 'loadBalancerIP'] }],
        fix: `metadata:\n  annotations:\n    ${ANNOTATION}: "${ip}"\nand remove spec.loadBalancerIP (re-create the Service if your tooling cannot clear it).`,
      });
    }
  },
});
