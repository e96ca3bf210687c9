import { defineRule } from '../types.js';
import { pendingFor, serviceName } from '../../model/simulation.js';

export default defineRule({
  meta: {
    id: 'service-sharing-conflict',
    severity: 'error',
    category: 'services',
    evidence: ['files', 'api'],
    description: 'allow-shared-ip cannot be honoured: different sharing keys, a port/protocol clash, Local policy with different selectors, or Local mixed with Cluster.',
    fix: 'Give every Service sharing the address the same metallb.io/allow-shared-ip value, the same externalTrafficPolicy (and, for Local, the same selector), and distinct protocol/port pairs.',
  },
  check({ state, report }) {
    for (const { svc, result, evidence } of pendingFor(state, 'sharing-conflict')) {
      const a = svc.metadata?.annotations ?? {};
      const key = Object.prototype.hasOwnProperty.call(a, 'metallb.io/allow-shared-ip') ? 'metallb.io/allow-shared-ip' : 'metallb.universe.tf/allow-shared-ip';
      report({
        message: `Service ${serviceName(svc)} cannot share its address as its allow-shared-ip asks: MetalLB leaves it pending ("${result.message}")`,
        subjects: [{ obj: svc, path: ['metadata', 'annotations', key] }],
        evidence,
      });
    }
  },
});
