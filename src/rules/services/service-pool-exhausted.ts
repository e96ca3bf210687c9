import { defineRule } from '../types.js';
import { pendingFor, serviceName } from '../../model/simulation.js';

export default defineRule({
  meta: {
    id: 'service-pool-exhausted',
    severity: 'error',
    category: 'services',
    evidence: ['api'],
    description: "The Service's candidate pools have no free address.",
    fix: 'Add addresses to the pool (or a new pool the Service may use), or free addresses by deleting Services that no longer need one.',
  },
  check({ state, report }) {
    for (const { svc, result, cause, evidence } of pendingFor(state, 'pool-exhausted')) {
      report({
        message: `Service ${serviceName(svc)} gets no address: every address of ${cause.pools.map((p) => `"${p}"`).join(', ')} it may use is taken ("${result.message}")`,
        subjects: [{ obj: svc }],
        evidence,
      });
    }
  },
});
