import { defineRule } from '../types.js';
import { knownIgnoredByClass, metallbLoadBalancerClass } from '../../model/lb-class.js';
import { legacyAnnotationsOnly, serviceName } from '../../model/simulation.js';
import { asRecord } from '../../state/cluster-state.js';

const OLD = 'metallb.universe.tf/';
const NEW = 'metallb.io/';

/** What MetalLB does instead when it does not read the metallb.io/ key (and the old key is not set). */
const IGNORED: Record<string, (spec: Record<string, unknown>) => string> = {
  'address-pool': () => 'the Service is not pinned to that pool: it gets an address from any pool with autoAssign that fits it',
  loadBalancerIPs: (spec) =>
    typeof spec.loadBalancerIP === 'string' && spec.loadBalancerIP !== ''
      ? `MetalLB takes spec.loadBalancerIP (${spec.loadBalancerIP}) instead`
      : 'the Service gets the first free address of a pool, not the one it asks for',
  'allow-shared-ip': () => 'the Service does not share its address: MetalLB treats it as one that may not share',
};

export default defineRule({
  meta: {
    id: 'service-annotation-unsupported',
    severity: 'warning',
    severities: ['warning', 'info'],
    category: 'services',
    evidence: ['files', 'api'],
    new: true,
    description: 'A Service uses a metallb.io/* annotation but MetalLB is older than v0.14.9, which reads only the metallb.universe.tf/* keys: the annotation is ignored.',
    fix: 'Use the metallb.universe.tf/ key (same value) while MetalLB is older than v0.14.9, or upgrade MetalLB.',
  },
  check({ state, report }) {
    if (!legacyAnnotationsOnly(state)) return;
    const cls = metallbLoadBalancerClass(state);
    for (const svc of state.all('Service')) {
      const ann = svc.metadata?.annotations ?? {};
      const keys = Object.keys(ann).filter((k) => k.startsWith(NEW) && k.slice(NEW.length) in IGNORED);
      if (keys.length === 0) continue;
      // a Service MetalLB ignores for its class: service-other-lb-class says so
      if (knownIgnoredByClass(svc, cls)) continue;
      for (const key of keys) {
        const name = key.slice(NEW.length);
        const oldKey = OLD + name;
        const value = String(ann[key] ?? '');
        const old = Object.prototype.hasOwnProperty.call(ann, oldKey) ? String(ann[oldKey] ?? '') : undefined;
        const effect =
          old === undefined
            ? IGNORED[name]!(asRecord(svc.spec))
            : old === value
              ? `${oldKey} carries the same value, and MetalLB reads that one`
              : `MetalLB reads ${oldKey} (${JSON.stringify(old)}) instead`;
        report({
          // the same value in the old key is harmless: only the dead key is worth a note
          ...(old === value ? { severity: 'info' as const } : {}),
          message: `Service ${serviceName(svc)} sets ${key}: ${JSON.stringify(value)}, but MetalLB ${state.metallb.version} reads only ${oldKey} (the metallb.io/ prefix came with v0.14.9), so it ignores this annotation: ${effect}`,
          subjects: [{ obj: svc, path: ['metadata', 'annotations', key] }],
          evidence: [`MetalLB version: ${state.metallb.version}`],
          fix: `Set ${oldKey}: "${value}"${old !== undefined && old !== value ? ` (it says ${JSON.stringify(old)} now)` : ''} and remove ${key} until MetalLB runs v0.14.9 or newer; from v0.14.9 the metallb.io/ key is read, and wins when both are set.`,
        });
      }
    }
  },
});
