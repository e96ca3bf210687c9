import { defineRule } from '../types.js';
import { pendingFor, serviceName, simulationOf } from '../../model/simulation.js';

export default defineRule({
  meta: {
    id: 'pool-exhausted',
    severity: 'error',
    category: 'pools',
    evidence: ['api'],
    description: 'No free address is left in the pool for the Services that want one from it.',
    fix: 'Add addresses to the pool (or another pool for those Services), or delete Services that no longer need an address.',
  },
  check({ state, report }) {
    const sim = simulationOf(state);
    const waiting = new Map<string, string[]>();
    for (const { svc, cause } of pendingFor(state, 'pool-exhausted')) {
      for (const p of cause.pools) waiting.set(p, [...(waiting.get(p) ?? []), serviceName(svc)]);
    }
    for (const p of sim.pools) {
      const names = waiting.get(p.name);
      if (!names) continue;
      const u = sim.output.pools.find((x) => x.pool === p.name)!;
      const fam = (['ipv4', 'ipv6'] as const).filter((f) => u.capacity[f] > 0n).map((f) => `${f === 'ipv4' ? 'IPv4' : 'IPv6'} ${u.used[f]}/${u.capacity[f]}`);
      report({
        message: `IPAddressPool "${p.name}" is exhausted (${fam.join(', ')} in use): ${names.length} Service(s) waiting for an address from it get none (${names.join(', ')})`,
        subjects: [{ obj: p.obj, path: ['spec', 'addresses'] }],
      });
    }
  },
});
