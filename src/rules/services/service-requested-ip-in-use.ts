import { defineRule } from '../types.js';
import { pendingFor, requestPath, serviceName } from '../../model/simulation.js';

export default defineRule({
  meta: {
    id: 'service-requested-ip-in-use',
    severity: 'error',
    category: 'services',
    evidence: ['api'],
    description: 'The requested address is held by another Service and sharing is not allowed.',
    fix: 'Request a free address, or let both Services share it: the same metallb.io/allow-shared-ip value on each, compatible traffic policies and distinct ports.',
  },
  check({ state, report }) {
    for (const { svc, result, evidence } of pendingFor(state, 'requested-ip-in-use')) {
      report({
        message: `Service ${serviceName(svc)} requests an address another Service holds, and it has no metallb.io/allow-shared-ip to share it: MetalLB leaves it pending ("${result.message}")`,
        subjects: [{ obj: svc, path: requestPath(state, svc) ?? [] }],
        evidence,
      });
    }
  },
});
