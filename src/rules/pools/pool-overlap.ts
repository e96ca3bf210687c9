import { defineRule } from '../types.js';
import { parsePool } from '../../model/pools.js';
import type { KubeObject } from '../../sources/types.js';
import type { AddressRange } from '../../model/address.js';

interface Interval {
  range: AddressRange;
  pool: KubeObject;
  name: string;
  index: number;
  text: string;
  /** input order, so the later of two overlapping entries is the one reported */
  order: number;
}

export default defineRule({
  meta: {
    id: 'pool-overlap',
    severity: 'error',
    category: 'pools',
    evidence: ['files'],
    description: 'Two addresses entries (in the same or different pools) overlap.',
    fix: 'Remove the overlap: give each address to exactly one entry of one pool.',
  },
  check({ state, report }) {
    // MetalLB compares every CIDR with every CIDR seen before it; two ranges overlap exactly when
    // their CIDR covers do, so a sweep over sorted ranges finds the same conflicts in O(n log n).
    const byFamily = new Map<number, Interval[]>();
    let order = 0;
    for (const pool of state.metallbObjects('IPAddressPool')) {
      const parsed = parsePool(pool);
      for (const e of parsed.entries) {
        if (!e.result.ok) continue;
        const r = e.result.entry.range;
        if (!r) continue; // a mixed-family range adds no address
        const list = byFamily.get(r.family) ?? [];
        list.push({ range: r, pool, name: parsed.name, index: e.index, text: e.text, order: order++ });
        byFamily.set(r.family, list);
      }
    }
    for (const list of byFamily.values()) {
      list.sort((a, b) => (a.range.first < b.range.first ? -1 : a.range.first > b.range.first ? 1 : a.order - b.order));
      let reach: Interval | undefined; // the interval reaching furthest so far
      for (const cur of list) {
        if (reach && cur.range.first <= reach.range.last) {
          const [later, earlier] = cur.order > reach.order ? [cur, reach] : [reach, cur];
          const same = later.pool === earlier.pool;
          report({
            message: `"${later.text}" in pool "${later.name}" overlaps with "${earlier.text}" ${same ? 'in the same pool' : `in pool "${earlier.name}"`}: MetalLB rejects the configuration`,
            subjects: [
              { obj: later.pool, path: ['spec', 'addresses', later.index] },
              { obj: earlier.pool, path: ['spec', 'addresses', earlier.index] },
            ],
          });
        }
        if (!reach || cur.range.last > reach.range.last) reach = cur;
      }
    }
  },
});
