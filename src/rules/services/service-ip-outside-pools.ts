import { defineRule } from '../types.js';
import { handledServices, serviceName } from '../../model/simulation.js';

export default defineRule({
  meta: {
    id: 'service-ip-outside-pools',
    severity: 'error',
    category: 'services',
    evidence: ['api'],
    description: 'The Service holds an ingress address that belongs to no pool: the speakers refuse the configuration and nothing is announced.',
    fix: 'Put the address back into an IPAddressPool, or let MetalLB re-assign the Service (it does so on its next pass once the address is in no pool).',
  },
  check({ state, report }) {
    for (const { svc, result } of handledServices(state)) {
      // MetalLB's controller re-assigns the status addresses first; "not allowed in config" = in no pool
      const clear = result.events.find((e) => e.reason === 'ClearAssignment' && / is not allowed in config$/.test(e.message));
      if (!clear) continue;
      const now = result.state === 'pending' ? 'it then stays pending' : `it would then get ${result.ips.join(', ')} from "${result.pool}"`;
      report({
        message: `Service ${serviceName(svc)} holds an address that is in no IPAddressPool: the speakers refuse a configuration with it, so it is not announced; MetalLB's controller clears it on its next pass ("${clear.message}"), and ${now}`,
        subjects: [{ obj: svc, path: ['status', 'loadBalancer', 'ingress'] }],
        evidence: [`MetalLB's controller: Normal ClearAssignment "${clear.message}"`, ...(result.notes ?? [])],
      });
    }
  },
});
