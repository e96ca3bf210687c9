import { defineRule } from '../types.js';
import { pendingFor, requestPath, serviceName } from '../../model/simulation.js';

export default defineRule({
  meta: {
    id: 'service-requested-ip-outside-pools',
    severity: 'error',
    category: 'services',
    evidence: ['files', 'api'],
    description: 'loadBalancerIP / metallb.io/loadBalancerIPs asks for an address no pool contains (or one avoidBuggyIPs forbids).',
    fix: 'Request an address inside an IPAddressPool (not a .0/.255 one of a pool with avoidBuggyIPs), or add the address to a pool.',
  },
  check({ state, report }) {
    for (const { svc, result, evidence } of pendingFor(state, 'requested-ip-outside-pools')) {
      report({
        message: `Service ${serviceName(svc)} requests an address that no IPAddressPool hands out: MetalLB leaves it pending ("${result.message}")`,
        subjects: [{ obj: svc, path: requestPath(state, svc) ?? [] }],
        evidence,
      });
    }
  },
});
