import { defineRule } from '../types.js';
import { findOverlaps } from '../../model/pools.js';
import { overlapText } from '../../model/config/pools.js';

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
    for (const { later, earlier } of findOverlaps(state.metallbObjects('IPAddressPool'))) {
      const same = later.pool === earlier.pool;
      report({
        message:
          `"${later.text}" in pool "${later.name}" overlaps with "${earlier.text}" ${same ? 'in the same pool' : `in pool "${earlier.name}"`}: ` +
          // which pool counts as the later one follows the input's order (files, or the API's): the words stay the same
          `the pool webhook refuses the apply (${overlapText(later, earlier, false)}); where it is bypassed, MetalLB keeps its previous configuration`,
        subjects: [
          { obj: later.pool, path: ['spec', 'addresses', later.index] },
          { obj: earlier.pool, path: ['spec', 'addresses', earlier.index] },
        ],
      });
    }
  },
});
