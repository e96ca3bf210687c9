import { defineRule } from '../types.js';
import { parsePool } from '../../model/pools.js';
import { formatCIDR, rangeSize } from '../../model/address.js';

export default defineRule({
  meta: {
    id: 'pool-cidr-host-bits',
    severity: 'warning',
    category: 'pools',
    evidence: ['files'],
    description: 'A CIDR with host bits set, which MetalLB silently widens to its whole network.',
    fix: 'Write the network address (192.168.10.0/24), or a /32 for a single address, or a start-end range for a part of a subnet.',
  },
  check({ state, report }) {
    for (const pool of state.all('IPAddressPool')) {
      const parsed = parsePool(pool);
      for (const e of parsed.entries) {
        if (!e.result.ok || !e.result.entry.hostBitsSet) continue;
        const entry = e.result.entry;
        const net = formatCIDR(entry.cidrs[0]!);
        report({
          message: `"${e.text}" has host bits set: MetalLB widens it to ${net} (${entry.range ? rangeSize(entry.range) : 0n} addresses) in pool "${parsed.name}"`,
          subjects: [{ obj: pool, path: ['spec', 'addresses', e.index] }],
          fix: `Write "${net}" if the whole network is meant, or a range such as "${e.text.split('/')[0]}-..." for a part of it.`,
        });
      }
    }
  },
});
