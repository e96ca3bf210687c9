import { defineRule } from '../types.js';
import type { ConfigError, ConfigErrorCode } from '../../model/config/index.js';
import { reportParseErrors } from '../parse-errors.js';
import { containers } from '../../state/installation.js';

const FIXES: Partial<Record<ConfigError['code'], string>> = {
  'peer-password-both': 'Keep one: remove spec.password or spec.passwordSecret.',
  'peer-secret-missing': 'Create the Secret in MetalLB\'s namespace: `kubectl create secret generic NAME -n NAMESPACE --type=kubernetes.io/basic-auth --from-literal=password=...`.',
  'peer-secret-type': 'Recreate the Secret with `type: kubernetes.io/basic-auth` (the type cannot be changed in place).',
  'peer-secret-no-password': 'Add a `password` key to the Secret\'s data.',
};
const CODES = Object.keys(FIXES) as ConfigErrorCode[];

/** --frrk8s-secret-passthrough: the speaker hands the Secret reference to FRR-K8s unread. */
function passthrough(speaker: Parameters<typeof containers>[0] | undefined): boolean {
  if (!speaker) return false;
  return containers(speaker).some((c) => {
    const args = [...(Array.isArray(c.args) ? c.args : []), ...(Array.isArray(c.command) ? c.command : [])];
    return args.some((a) => a === '--frrk8s-secret-passthrough' || a === '--frrk8s-secret-passthrough=true');
  });
}

export default defineRule({
  meta: {
    id: 'bgppeer-password-invalid',
    severity: 'error',
    category: 'bgp',
    evidence: ['files', 'api'],
    description: 'A BGPPeer password MetalLB cannot use: password and passwordSecret both set, or the Secret missing, of the wrong type, or without a password key.',
    fix: 'Use one of password and passwordSecret; the Secret must be of type kubernetes.io/basic-auth with a password key, in MetalLB\'s namespace.',
  },
  check(ctx) {
    // with --frrk8s-secret-passthrough the speaker hands the Secret to FRR-K8s unread
    const codes = passthrough(ctx.state.metallb.speaker) ? (['peer-password-both'] as ConfigErrorCode[]) : CODES;
    reportParseErrors(ctx, codes, (e) => ({
      suffix: e.transient ? ' (until the Secret appears)' : '',
      fix: FIXES[e.code],
      ...(e.code !== 'peer-password-both' ? { evidence: ["Secrets of MetalLB's namespace (type and key names only)"] } : {}),
    }));
  },
});
