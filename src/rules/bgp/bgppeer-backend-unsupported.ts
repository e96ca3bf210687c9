import { defineRule } from '../types.js';
import type { ConfigError, ConfigErrorCode } from '../../model/config/index.js';
import { reportParseErrors } from '../parse-errors.js';
import { DISABLE_MP_NOTE } from '../../model/config/peers.js';

const FIXES: Partial<Record<ConfigError['code'], string>> = {
  'peer-native-unsupported': 'Remove the field from the BGPPeer, or run MetalLB with the FRR or FRR-K8s backend.',
  'bfd-native': 'Delete the BFDProfiles (and the peers\' bfdProfile), or run MetalLB with the FRR or FRR-K8s backend.',
  'community-large-native': 'Use standard communities (`65000:100`), or run MetalLB with the FRR or FRR-K8s backend.',
  'bgpextras-unsupported': 'Empty or delete the bgpextras ConfigMap: only the FRR backend reads it.',
};
const CODES = Object.keys(FIXES) as ConfigErrorCode[];

export default defineRule({
  meta: {
    id: 'bgppeer-backend-unsupported',
    severity: 'error',
    // a warning where FRR-K8s silently ignores a field (localASN) rather than rejecting it
    severities: ['error', 'warning'],
    category: 'bgp',
    evidence: ['files', 'api'],
    description: 'A field or object the running BGP backend rejects (native: FRR-only peer fields, BFD profiles, large communities, bgpextras) or silently ignores (FRR-K8s: localASN).',
    fix: 'Remove what the backend does not support, or run MetalLB with a backend that supports it.',
  },
  check(ctx) {
    const { state, options, report } = ctx;
    reportParseErrors(ctx, CODES, (e) => ({
      suffix: e.code === 'peer-native-unsupported' && e.rejectedBy === 'runtime' && e.subjects[0]?.path?.[1] !== 'bfdProfile' ? ` (${DISABLE_MP_NOTE})` : '',
      fix: FIXES[e.code],
    }));
    if (options.bgpBackend !== 'frr-k8s') return;
    // MetalLB passes localASN to FRR only; the FRR-K8s configuration it writes has no slot for it
    for (const peer of state.metallbObjects('BGPPeer')) {
      const spec = (peer.spec ?? {}) as Record<string, unknown>;
      if (typeof spec.localASN !== 'number' || spec.localASN === 0) continue;
      report({
        severity: 'warning',
        message: `BGPPeer "${peer.metadata?.name ?? ''}" sets localASN ${spec.localASN}, which the FRR-K8s backend silently ignores: the session uses myASN ${String(spec.myASN ?? '')}`,
        subjects: [{ obj: peer, path: ['spec', 'localASN'] }],
        fix: 'Remove spec.localASN (or run MetalLB with the FRR backend, which applies it as `local-as ... no-prepend replace-as`).',
      });
    }
  },
});
