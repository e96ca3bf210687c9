import { defineRule } from '../types.js';
import type { ConfigErrorCode } from '../../model/config/index.js';
import { reportParseErrors } from '../parse-errors.js';

const CODES: readonly ConfigErrorCode[] = ['adv-localpref-conflict'];

export default defineRule({
  meta: {
    id: 'bgp-localpref-conflict',
    severity: 'error',
    category: 'advertisements',
    evidence: ['files'],
    description: 'Two BGPAdvertisements of one pool announce the same prefixes to the same peers from the same nodes with different LOCAL_PREF.',
    fix: 'Give both advertisements the same localPref, or make them differ in aggregation length, peers or nodeSelectors.',
  },
  check(ctx) {
    reportParseErrors(ctx, CODES);
  },
});
