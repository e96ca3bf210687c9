import { defineRule } from '../types.js';
import { parsePool } from '../../model/pools.js';
import { buggyIPsIn, formatIP } from '../../model/address.js';

export default defineRule({
  meta: {
    id: 'pool-includes-network-or-broadcast',
    severity: 'warning',
    category: 'pools',
    evidence: ['files'],
    description:
      'An IPv4 pool hands out addresses ending in .0 or .255 (network and broadcast addresses of /24 and larger subnets) without avoidBuggyIPs.',
    fix: 'Set spec.avoidBuggyIPs: true, or leave the .0 and .255 addresses out of the pool.',
  },
  check({ state, report }) {
    for (const pool of state.all('IPAddressPool')) {
      const parsed = parsePool(pool);
      if (parsed.avoidBuggyIPs) continue;
      for (const e of parsed.entries) {
        if (!e.result.ok || e.result.entry.family !== 4) continue;
        const { count, examples } = buggyIPsIn([e.result.entry], 3);
        if (count === 0n) continue;
        report({
          message: `"${e.text}" in pool "${parsed.name}" includes ${count} address${count === 1n ? '' : 'es'} ending in .0 or .255 (${examples.map(formatIP).join(', ')}${count > BigInt(examples.length) ? ', ...' : ''}) that MetalLB hands out: some clients and routers drop traffic to them`,
          subjects: [{ obj: pool, path: ['spec', 'addresses', e.index] }],
        });
      }
    }
  },
});
