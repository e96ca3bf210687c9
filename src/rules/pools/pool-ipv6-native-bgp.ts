import { defineRule } from '../types.js';
import type { ConfigErrorCode } from '../../model/config/index.js';
import { reportParseErrors } from '../parse-errors.js';

const CODES: readonly ConfigErrorCode[] = ['pool-ipv6-native-bgp'];

export default defineRule({
  meta: {
    id: 'pool-ipv6-native-bgp',
    severity: 'error',
    category: 'pools',
    evidence: ['files'],
    description: 'An IPv6 pool is advertised over BGP while MetalLB runs the native BGP backend.',
    fix: 'Run MetalLB with the FRR or FRR-K8s backend, or keep IPv6 pools out of every BGPAdvertisement (name the IPv4 pools in ipAddressPools).',
  },
  check(ctx) {
    reportParseErrors(ctx, CODES);
  },
});
