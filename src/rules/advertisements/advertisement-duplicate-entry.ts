import { defineRule } from '../types.js';
import type { ConfigErrorCode } from '../../model/config/index.js';
import { reportParseErrors } from '../parse-errors.js';

const CODES: readonly ConfigErrorCode[] = ['adv-duplicate-entry', 'adv-selector-duplicate'];

export default defineRule({
  meta: {
    id: 'advertisement-duplicate-entry',
    severity: 'error',
    category: 'advertisements',
    evidence: ['files'],
    description: 'An advertisement lists the same pool, community or peer twice, or the same label selector (or expression, or value) twice.',
    fix: 'List each entry and each selector once.',
  },
  check(ctx) {
    reportParseErrors(ctx, CODES);
  },
});
