import { defineRule } from '../types.js';
import type { ConfigErrorCode } from '../../model/config/index.js';
import { reportParseErrors } from '../parse-errors.js';

const CODES: readonly ConfigErrorCode[] = ['community-invalid', 'community-duplicate', 'adv-community-invalid'];

export default defineRule({
  meta: {
    id: 'bgp-community-invalid',
    severity: 'error',
    category: 'advertisements',
    evidence: ['files'],
    description: 'A BGP community is neither A:B (two uint16) nor large:A:B:C (three uint32) nor a known alias, or an alias name is defined twice.',
    fix: 'Write communities as 65000:100 or large:65000:1:2, define each alias once across all Community objects, and create the Community before using its alias.',
  },
  check(ctx) {
    reportParseErrors(ctx, CODES);
  },
});
