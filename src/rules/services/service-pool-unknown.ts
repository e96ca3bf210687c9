import { defineRule } from '../types.js';
import { closestName } from '../../model/advertisements.js';
import { pendingFor, poolAnnotationKey, serviceName, simulationOf } from '../../model/simulation.js';

export default defineRule({
  meta: {
    id: 'service-pool-unknown',
    severity: 'error',
    category: 'services',
    evidence: ['files', 'api'],
    description: 'The address-pool annotation of a Service names a pool that does not exist.',
    fix: 'Set metallb.io/address-pool to the name of an existing IPAddressPool in MetalLB\'s namespace, or remove the annotation.',
  },
  check({ state, report }) {
    const names = simulationOf(state).pools.map((p) => p.name);
    for (const { svc, info, result, evidence } of pendingFor(state, 'pool-unknown')) {
      const key = poolAnnotationKey(state, svc);
      const guess = closestName(info.desiredPool, names);
      report({
        message: `Service ${serviceName(svc)} asks for address pool "${info.desiredPool}", which does not exist: MetalLB leaves it without an address ("${result.message}")${guess ? `; did you mean "${guess}"?` : ''}`,
        subjects: [{ obj: svc, path: key ? ['metadata', 'annotations', key] : [] }],
        evidence,
        fix: guess ? `Name the existing pool: "metallb.io/address-pool: ${guess}".` : undefined,
      });
    }
  },
});
