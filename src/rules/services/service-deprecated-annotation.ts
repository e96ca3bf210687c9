import { defineRule } from '../types.js';
import { knownIgnoredByClass, metallbLoadBalancerClass } from '../../model/lb-class.js';
import { legacyAnnotationsOnly } from '../../model/simulation.js';

const OLD = 'metallb.universe.tf/';
const NEW = 'metallb.io/';

export default defineRule({
  meta: {
    id: 'service-deprecated-annotation',
    severity: 'warning',
    category: 'services',
    evidence: ['files', 'api'],
    description: 'A Service uses a deprecated metallb.universe.tf/* annotation instead of its metallb.io/* twin (v0.14.9 and later).',
    fix: 'Rename the annotation to its metallb.io/ key (same value) and remove the metallb.universe.tf/ one.',
  },
  check({ state, report }) {
    // before v0.14.9 the old prefix is the only one MetalLB reads: nothing to rename to yet
    if (legacyAnnotationsOnly(state)) return;
    const cls = metallbLoadBalancerClass(state);
    for (const svc of state.all('Service')) {
      const ann = svc.metadata?.annotations ?? {};
      // the deprecated keys first: nearly every Service has none, and then nothing else is read
      const deprecated = Object.keys(ann).filter((key) => key.startsWith(OLD));
      if (deprecated.length === 0) continue;
      // a Service MetalLB ignores for its class: service-other-lb-class says so
      if (knownIgnoredByClass(svc, cls)) continue;
      const name = `${svc.metadata?.namespace ?? 'default'}/${svc.metadata?.name ?? ''}`;
      for (const key of deprecated) {
        const value = String(ann[key] ?? '');
        const suffix = key.slice(OLD.length);
        const newKey = NEW + suffix;
        let detail: string;
        let fix: string;
        if (suffix === 'ip-allocated-from-pool') {
          // written by the controller itself before v0.14.9, never cleared since
          detail = `a leftover written by MetalLB before v0.14.9: MetalLB now writes ${newKey} and no longer updates or removes this one, so it may be stale`;
          fix = `Remove the annotation: kubectl annotate service -n ${svc.metadata?.namespace ?? 'default'} ${svc.metadata?.name ?? ''} ${key}-`;
        } else if (newKey in ann) {
          const other = String(ann[newKey] ?? '');
          detail =
            other === value
              ? `${newKey} is set too, to the same value, and MetalLB reads that one`
              : `${newKey} is set too, to ${JSON.stringify(other)}, and MetalLB reads only that one (even when empty): this value ${JSON.stringify(value)} is ignored`;
          fix = `Remove ${key}; keep ${newKey}: "${other}" if that is what you mean${other === value ? '' : `, or set ${newKey}: "${value}"`}.`;
        } else {
          detail = `MetalLB still reads it, but the prefix is deprecated since v0.14.9 and the controller emits a "deprecatedAnnotation" Warning event each time it updates the Service`;
          fix = `metadata:\n  annotations:\n    ${newKey}: "${value}"\n(and remove ${key}).`;
        }
        report({
          message: `Service ${name} uses the deprecated annotation ${key} instead of ${newKey}: ${detail}`,
          subjects: [{ obj: svc, path: ['metadata', 'annotations', key] }],
          fix,
        });
      }
    }
  },
});
