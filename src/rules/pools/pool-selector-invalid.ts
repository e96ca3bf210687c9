import { defineRule } from '../types.js';
import type { ConfigErrorCode } from '../../model/config/index.js';
import { reportParseErrors } from '../parse-errors.js';

const CODES: readonly ConfigErrorCode[] = ['pool-namespaces-duplicate', 'pool-selector-duplicate', 'pool-selector-invalid'];

export default defineRule({
  meta: {
    id: 'pool-selector-invalid',
    severity: 'error',
    category: 'pools',
    evidence: ['files'],
    description: 'An invalid or duplicate label selector, or a duplicate namespace, in the serviceAllocation of an IPAddressPool.',
    fix: 'Fix the selector (a valid key, an operator among In, NotIn, Exists, DoesNotExist, values only with In/NotIn) and list each namespace and selector once.',
  },
  check(ctx) {
    reportParseErrors(ctx, CODES);
  },
});
