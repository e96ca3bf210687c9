import { defineRule } from '../types.js';
import type { ConfigErrorCode } from '../../model/config/index.js';
import { reportParseErrors } from '../parse-errors.js';

const CODES: readonly ConfigErrorCode[] = ['adv-selector-invalid'];

export default defineRule({
  meta: {
    id: 'advertisement-selector-invalid',
    severity: 'error',
    category: 'advertisements',
    evidence: ['files'],
    new: true,
    description: 'An L2Advertisement or BGPAdvertisement has a label selector Kubernetes cannot build (ipAddressPoolSelectors, nodeSelectors, serviceSelectors, preferredNodeSelectors).',
    fix: 'Fix the selector: a valid key and value, an operator among In, NotIn, Exists, DoesNotExist, values only with In/NotIn.',
  },
  check(ctx) {
    reportParseErrors(ctx, CODES);
  },
});
