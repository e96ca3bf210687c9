import { defineRule } from '../types.js';
import { pendingFor, serviceName } from '../../model/simulation.js';
import { asRecord } from '../../state/cluster-state.js';

export default defineRule({
  meta: {
    id: 'service-ip-family-unsatisfiable',
    severity: 'error',
    category: 'services',
    evidence: ['files', 'api'],
    description: "The Service's IP family (RequireDualStack, PreferDualStack, IPv6) cannot be met by the pools it may use.",
    fix: 'Add addresses of the missing family to a pool the Service may use (one pool with both families for dual stack), or change spec.ipFamilyPolicy / spec.ipFamilies.',
  },
  check({ state, report }) {
    for (const { svc, info, result, cause, evidence } of pendingFor(state, 'ip-family')) {
      const spec = asRecord(svc.spec);
      const path = 'ipFamilyPolicy' in spec ? ['spec', 'ipFamilyPolicy'] : 'ipFamilies' in spec ? ['spec', 'ipFamilies'] : [];
      const fam = info.clusterIPs.length === 2 ? 'dual-stack' : info.clusterIPs[0]?.includes(':') ? 'IPv6' : 'IPv4';
      const pools = cause.pools.length > 0 ? ` (pools it may use: ${cause.pools.map((p) => `"${p}"`).join(', ')})` : '';
      report({
        message: `Service ${serviceName(svc)} needs ${fam} addresses${info.policy !== 'SingleStack' ? ` (${info.policy})` : ''} that the pools it may use cannot give${pools}: MetalLB leaves it pending ("${result.message}")`,
        subjects: [{ obj: svc, path }],
        evidence,
      });
    }
  },
});
