import { defineRule } from '../types.js';
import { parsePool } from '../../model/pools.js';
import { poolEntryError } from '../../model/address.js';

export default defineRule({
  meta: {
    id: 'pool-address-invalid',
    severity: 'error',
    category: 'pools',
    evidence: ['files'],
    description:
      'An addresses entry is not a CIDR or a start-end range, is a bare IP without /32 or /128, or its start is after its end.',
    fix: 'Write each entry as a CIDR (192.168.10.0/24, 192.168.10.5/32, fc00::/120) or a range (192.168.10.10-192.168.10.20).',
  },
  check({ state, report }) {
    for (const pool of state.all('IPAddressPool')) {
      const parsed = parsePool(pool);
      const spec = (pool.spec ?? {}) as Record<string, unknown>;
      if (Array.isArray(spec.addresses) && spec.addresses.length === 0) {
        report({
          message: `pool "${parsed.name}" has no prefixes defined: MetalLB rejects the whole configuration`,
          subjects: [{ obj: pool, path: ['spec', 'addresses'] }],
        });
      }
      for (const e of parsed.entries) {
        if (e.result.ok) {
          if (e.result.entry.mixedFamilies)
            report({
              message: `"${e.text}" in pool "${parsed.name}" mixes IPv4 and IPv6: MetalLB accepts it, but the range adds no address`,
              subjects: [{ obj: pool, path: ['spec', 'addresses', e.index] }],
              fix: 'Write one range per family, e.g. "192.168.10.10-192.168.10.20" and "fc00::10-fc00::20".',
            });
          continue;
        }
        const bare = !e.text.includes('-') && !e.text.includes('/');
        report({
          message: poolEntryError(e.text, parsed.name, e.result.error),
          subjects: [{ obj: pool, path: ['spec', 'addresses', e.index] }],
          ...(bare ? { fix: `A single address is written as a /32 (IPv4) or /128 (IPv6) CIDR: "${e.text.trim()}/${e.text.includes(':') ? 128 : 32}".` } : {}),
        });
      }
    }
  },
});
