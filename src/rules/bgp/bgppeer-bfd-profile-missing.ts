import { defineRule } from '../types.js';
import { reportParseErrors } from '../parse-errors.js';

export default defineRule({
  meta: {
    id: 'bgppeer-bfd-profile-missing',
    severity: 'error',
    category: 'bgp',
    evidence: ['files'],
    description: 'A BGPPeer names a BFDProfile that does not exist.',
    fix: 'Create the BFDProfile in MetalLB\'s namespace, or correct or remove spec.bfdProfile.',
  },
  check(ctx) {
    reportParseErrors(ctx, ['peer-bfd-profile-missing'], () => ({ suffix: ' until the BFDProfile exists (the webhook ignores bfdProfile)' }));
  },
});
