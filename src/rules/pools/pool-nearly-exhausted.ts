import { defineRule } from '../types.js';
import { pendingFor, simulationApplies, simulationOf } from '../../model/simulation.js';

export default defineRule({
  meta: {
    id: 'pool-nearly-exhausted',
    severity: 'warning',
    category: 'pools',
    evidence: ['api'],
    description: 'Address usage of the pool is at or above 90% of its capacity (per family).',
    fix: 'Add addresses to the pool before it runs out.',
  },
  check({ state, report }) {
    if (!simulationApplies(state)) return;
    const sim = simulationOf(state);
    // pool-exhausted already speaks for pools that leave Services waiting
    const exhausted = new Set(pendingFor(state, 'pool-exhausted').flatMap((x) => x.cause.pools));
    for (const p of sim.pools) {
      if (exhausted.has(p.name)) continue;
      const u = sim.output.pools.find((x) => x.pool === p.name)!;
      for (const f of ['ipv4', 'ipv6'] as const) {
        const cap = u.capacity[f];
        if (cap === 0n || u.used[f] * 10n < cap * 9n) continue;
        const pct = Number((u.used[f] * 1000n) / cap) / 10;
        report({
          message: `IPAddressPool "${p.name}" has ${u.used[f]} of its ${cap} ${f === 'ipv4' ? 'IPv4' : 'IPv6'} addresses in use (${pct}%): new Services will soon get none`,
          subjects: [{ obj: p.obj, path: ['spec', 'addresses'] }],
          evidence: ['usage counts the addresses the Services hold, plus those MetalLB would assign to pending Services'],
        });
      }
    }
  },
});
