import { defineRule } from '../types.js';
import { pendingFor, poolAnnotationKey, serviceName, simulationOf } from '../../model/simulation.js';

export default defineRule({
  meta: {
    id: 'service-no-eligible-pool',
    severity: 'error',
    category: 'services',
    evidence: ['files', 'api'],
    description: "No pool may serve the Service: serviceAllocation excludes its namespace or labels, or every pool has autoAssign: false.",
    fix: "Add the Service's namespace or labels to a pool's spec.serviceAllocation, give it a pool with autoAssign: true and no serviceAllocation, or request a pool or address explicitly.",
  },
  check({ state, report }) {
    const pools = simulationOf(state).pools;
    for (const { svc, info, result, evidence } of pendingFor(state, 'no-eligible-pool')) {
      let why: string;
      if (info.desiredPool !== '') why = `the pool it asks for, "${info.desiredPool}", has a serviceAllocation that excludes its namespace "${info.namespace}" or its labels`;
      else if (pools.every((p) => !p.autoAssign)) why = 'every pool has autoAssign: false, and it requests no pool or address';
      else {
        const restricted = pools.filter((p) => p.autoAssign && p.serviceAllocation).map((p) => `"${p.name}"`);
        why = `the pools with autoAssign (${restricted.join(', ')}) all have a serviceAllocation that excludes its namespace "${info.namespace}" or its labels, and no pool is open to every Service`;
      }
      const key = poolAnnotationKey(state, svc);
      report({
        message: `Service ${serviceName(svc)} can get an address from no pool: ${why}; MetalLB leaves it pending ("${result.message}")`,
        subjects: [{ obj: svc, path: key ? ['metadata', 'annotations', key] : [] }],
        evidence,
      });
    }
  },
});
