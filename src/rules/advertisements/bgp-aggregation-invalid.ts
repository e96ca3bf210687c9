import { defineRule } from '../types.js';
import type { ConfigErrorCode } from '../../model/config/index.js';
import { reportParseErrors } from '../parse-errors.js';

const CODES: readonly ConfigErrorCode[] = ['adv-service-selectors-aggregation', 'adv-aggregation-range', 'adv-aggregation-prefix'];

export default defineRule({
  meta: {
    id: 'bgp-aggregation-invalid',
    severity: 'error',
    category: 'advertisements',
    evidence: ['files'],
    description: 'aggregationLength(V6) is out of range, shorter than the prefix of a selected pool entry, or set together with serviceSelectors.',
    fix: 'Use an aggregation length between the widest prefix of the selected pools and 32 (IPv4) or 128 (IPv6); leave it unset with serviceSelectors.',
  },
  check(ctx) {
    reportParseErrors(ctx, CODES);
  },
});
