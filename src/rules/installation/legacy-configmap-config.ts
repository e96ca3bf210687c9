import { defineRule } from '../types.js';
import { isLegacyConfigMap } from '../../model/legacy.js';
import { METALLB_CONFIG_KINDS } from '../../model/kinds.js';
import { versionBefore } from '../../state/installation.js';
import type { ClusterState } from '../../state/cluster-state.js';

export default defineRule({
  meta: {
    id: 'legacy-configmap-config',
    severity: 'error',
    category: 'installation',
    evidence: ['api', 'files'],
    description:
      'A pre-0.13 "config" ConfigMap holds configuration while the running MetalLB (0.13 or later) reads its custom resources only: the ConfigMap is ignored.',
    fix: "Convert the ConfigMap to CRs with MetalLB's configmaptocrs or `metallb-doctor migrate CONFIGMAP_FILE`, apply them, then delete the ConfigMap.",
  },
  check({ state, report }) {
    if (state.metallb.configSource !== 'crs') return;
    const ns = state.metallb.namespace;
    const why = reason(state);
    for (const cm of state.all('ConfigMap')) {
      const own = cm.metadata?.namespace;
      if (own && own !== ns) continue;
      if (!isLegacyConfigMap(cm)) continue;
      const name = cm.metadata?.name ?? '';
      report({
        message: `ConfigMap "${name}" holds a pre-0.13 MetalLB configuration (address-pools/peers), but ${why.text}: MetalLB ignores this ConfigMap, and none of its pools or peers exist until they are converted to CRs`,
        subjects: [{ obj: cm, path: ['data', 'config'] }],
        evidence: why.evidence,
        fix: `Convert it to CRs with MetalLB's configmaptocrs or \`metallb-doctor migrate ${name}.yaml\`, apply the result to namespace ${ns}, check it with \`metallb-doctor lint\`, then delete the ConfigMap.`,
      });
    }
  },
});

function reason(state: ClusterState): { text: string; evidence: string[] } {
  const { version, controller, speaker } = state.metallb;
  const workload = controller ?? speaker;
  if (workload && versionBefore(version, 0, 13) === false) {
    return {
      text: `MetalLB ${version} reads its configuration from custom resources only (since v0.13)`,
      evidence: [`MetalLB ${version}, from the image of ${workload.kind} "${workload.metadata?.name ?? ''}"`],
    };
  }
  const crs = [...METALLB_CONFIG_KINDS].map((k) => [k, state.all(k).length] as const).filter(([, n]) => n > 0);
  return {
    text: 'MetalLB custom resources are present next to it, so MetalLB is v0.13 or later and reads only those',
    evidence: [`custom resources: ${crs.map(([k, n]) => `${n} ${k}`).join(', ')}`],
  };
}
