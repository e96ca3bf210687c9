import { defineRule } from '../types.js';
import { speakerViewOf } from '../../model/announcement.js';
import { asArray, asRecord } from '../../state/cluster-state.js';
import type { FieldPath, KubeObject } from '../../sources/types.js';
import { namesText } from '../../report/text.js';

const labelsText = (l: Record<string, string> | undefined) =>
  Object.entries(l ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',') || 'none';

/** Where the DaemonSet sets the labels: METALLB_ML_LABELS's value, or the --ml-labels argument. */
function labelsPath(ds: KubeObject): FieldPath | undefined {
  const containers = asArray(asRecord(asRecord(asRecord(ds.spec).template).spec).containers).map(asRecord);
  for (let c = 0; c < containers.length; c++) {
    const env = asArray(containers[c]!.env).map(asRecord);
    const e = env.findIndex((x) => x.name === 'METALLB_ML_LABELS');
    if (e >= 0) return ['spec', 'template', 'spec', 'containers', c, 'env', e, 'value'];
    const args = asArray(containers[c]!.args).map(String);
    const a = args.findIndex((x) => x === '--ml-labels' || x.startsWith('--ml-labels=') || x === '-ml-labels' || x.startsWith('-ml-labels='));
    if (a >= 0) return ['spec', 'template', 'spec', 'containers', c, 'args', a];
  }
  return undefined;
}

export default defineRule({
  meta: {
    id: 'memberlist-labels-mismatch',
    severity: 'error',
    category: 'installation',
    evidence: ['api'],
    new: true,
    description:
      'The label selector the speakers find each other by (METALLB_ML_LABELS) selects none of the running speaker pods: each speaker forms a memberlist alone, and every node answers ARP/NDP for the layer 2 addresses it may announce (split brain).',
    fix: "Make METALLB_ML_LABELS (--ml-labels) select the speaker pods' own labels (Helm sets both from the chart's labels), then restart the speakers.",
  },
  check({ state, report }) {
    const ds = state.metallb.speaker;
    if (!ds) return;
    // the model's own reading of the speaker pods (read once per state): this rule needs no model
    const view = speakerViewOf(state);
    const ml = view.memberlistLabels;
    if (!ml || ml.matching.length > 0) return;
    const running = [...(view.pods?.values() ?? [])].filter((p) => p.running);
    // one speaker alone elects itself anyway; memberlist serves layer 2 only
    if (running.length < 2 || state.metallbObjects('L2Advertisement').length === 0) return;
    const podLabels = asRecord(asRecord(asRecord(ds.spec).template).metadata).labels as Record<string, string> | undefined;
    report({
      message:
        `The speakers find each other by the labels ${ml.selector}, which ${ml.error ? `the API server refuses (${ml.error})` : `select none of the ${running.length} running speaker pods (their labels: ${labelsText(podLabels)})`}: ` +
        `each speaker forms a memberlist alone, counts only itself in the layer 2 election, and answers ARP/NDP for every layer 2 address it may announce: several nodes claim each address (split brain)`,
      subjects: [{ obj: ds, ...(labelsPath(ds) ? { path: labelsPath(ds) } : {}) }],
      evidence: [`speaker pods running: ${namesText(running.map((p) => p.pod.metadata?.name ?? ''))}`, `memberlist labels: ${ml.selector}`],
    });
  },
});
