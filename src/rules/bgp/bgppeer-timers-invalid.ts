import { defineRule } from '../types.js';
import { reportParseErrors } from '../parse-errors.js';
import { DISABLE_MP_NOTE } from '../../model/config/peers.js';

export default defineRule({
  meta: {
    id: 'bgppeer-timers-invalid',
    severity: 'error',
    category: 'bgp',
    evidence: ['files'],
    description: 'BGPPeer timers MetalLB rejects: a hold time under 3s (other than 0), or a keepalive longer than the hold time.',
    fix: 'Use a hold time of 0 or at least 3s and a keepalive no longer than it, e.g. `holdTime: 90s` and `keepaliveTime: 30s`.',
  },
  check(ctx) {
    reportParseErrors(ctx, ['peer-timers-invalid'], (e) => ({
      suffix:
        (e.rejectedBy === 'runtime' ? ` (${DISABLE_MP_NOTE})` : '') +
        // a v1beta1 object always stores both timers, so a keepalive alone meets a 0s hold time
        (e.message.includes('holdTime "0s"') ? '; a BGPPeer written as v1beta1 without holdTime is stored with holdTime 0s' : ''),
    }));
  },
});
