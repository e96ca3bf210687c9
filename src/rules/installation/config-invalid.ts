import type { KubeObject, FieldPath } from '../../sources/types.js';
import { defineRule } from '../types.js';
import { asArray, asRecord } from '../../state/cluster-state.js';
import { configurationStateNode, isControllerState, isOrphanConfigurationState } from '../../model/configuration-state.js';
import { namesText } from '../../report/text.js';
import { CONFIG_STALE } from '../../model/metrics.js';
import { ordered, type ConfigState } from '../../model/logs/analysis.js';
import { eventLine, kubectlLogs, logSubject } from '../../model/logs/evidence.js';

interface Rejected {
  obj: KubeObject;
  text: string;
  path: FieldPath;
  line: string;
}

function rejection(cs: KubeObject): Rejected | undefined {
  const status = asRecord(cs.status);
  const conditions = asArray(status.conditions).map(asRecord);
  const failing = conditions
    .map((c, i) => ({ c, i }))
    .filter(({ c }) => c.status === 'False' && c.reason === 'ConfigurationError');
  const summary = typeof status.errorSummary === 'string' ? status.errorSummary.trim() : '';
  if (status.result !== 'Invalid' && summary === '' && failing.length === 0) return undefined;
  const messages = failing.map(({ c }) => (typeof c.message === 'string' ? c.message.trim() : '')).filter(Boolean);
  const text = summary || messages.join('\n') || '(no error text)';
  const path: FieldPath = summary ? ['status', 'errorSummary'] : failing.length > 0 ? ['status', 'conditions', failing[0]!.i] : ['status', 'result'];
  const conds = failing.map(({ c }) => `${String(c.type)} False (ConfigurationError)${typeof c.lastTransitionTime === 'string' ? `, last reconciled ${c.lastTransitionTime}` : ''}`);
  const line = `ConfigurationState "${cs.metadata?.name ?? ''}": result ${typeof status.result === 'string' ? status.result : '(unset)'}${conds.length > 0 ? `; ${conds.join('; ')}` : ''}`;
  return { obj: cs, text, path, line };
}

function componentOf(cs: KubeObject): string {
  if (isControllerState(cs)) return 'the controller';
  const node = configurationStateNode(cs);
  return node ? `the speaker on ${node}` : `"${cs.metadata?.name ?? ''}"`;
}

export default defineRule({
  meta: {
    id: 'config-invalid',
    severity: 'error',
    category: 'installation',
    evidence: ['api', 'logs'],
    description:
      "MetalLB rejected its configuration: a ConfigurationState (v0.15.3+) says Invalid, with MetalLB's error text, a component's metrics say its configuration is stale (metallb_k8s_client_config_stale_bool 1), or a reconciler logged a parse error and no accepted configuration after it; the component keeps running on its last valid configuration.",
    fix: "Correct the object the error names (`metallb-doctor lint` on the configuration points at it), then check that the ConfigurationStates return to Valid.",
  },
  check({ state, report }) {
    const byText = new Map<string, Rejected[]>();
    // MetalLB <= 0.12 has no ConfigurationState: nothing to read
    const states = state.isCaptured('ConfigurationState') && state.metallb.configSource !== 'configmap' ? state.metallbObjects('ConfigurationState') : [];
    for (const cs of states) {
      if (isOrphanConfigurationState(state, cs)) continue;
      const r = rejection(cs);
      if (!r) continue;
      byText.set(r.text, [...(byText.get(r.text) ?? []), r]);
    }
    for (const [text, rs] of byText) {
      const who = namesText(rs.map((r) => componentOf(r.obj)), 5);
      const speakers = rs.filter((r) => componentOf(r.obj) !== 'the controller').length;
      const handler = /general handler sync state error/.test(text);
      const scope = speakers === 0
        ? "The controller parses only pools, communities and namespaces: it allocates from its last valid pools"
        : 'Each rejecting component keeps running on its last valid configuration: nothing changed since then is applied';
      report({
        message: `MetalLB rejected its configuration (${who}): "${text.replace(/\n/g, '; ')}". ${scope}${handler ? '; the speaker accepted the objects but its protocol handler refused them (its log says why: "new configuration rejected" or "applying new configuration to protocol handler failed")' : ''}`,
        subjects: rs.map((r) => ({ obj: r.obj, path: r.path })),
        evidence: rs.map((r) => r.line),
        fix: handler
          ? `Read the speaker's log for the reason (kubectl logs -n ${state.metallb.namespace} <speaker pod> -c speaker | grep -E 'new configuration rejected|protocol handler failed'): a Service holding an address no pool contains, a BFDProfile in native mode, or bgpextras outside FRR mode; fix that, then check the ConfigurationStates return to Valid.`
          : `Correct the object the error names (\`metallb-doctor lint\` over the configuration shows where), then check: kubectl get configurationstates -n ${state.metallb.namespace}`,
      });
    }

    // the metrics say it too (and before v0.15.3, only they do): a component whose configuration
    // is stale failed to load the latest one
    const told = new Set([...byText.values()].flat().map((r) => componentOf(r.obj)));
    const stale: { pod: KubeObject; who: string; line: string }[] = [];
    for (const m of state.metrics) {
      const sample = m.samples.find((s) => s.name === CONFIG_STALE);
      if (!sample || sample.value !== 1) continue;
      const pod = state.get('Pod', m.namespace, m.pod);
      if (!pod) continue;
      const node = typeof asRecord(pod.spec).nodeName === 'string' ? (asRecord(pod.spec).nodeName as string) : '';
      const who = /controller/.test(m.pod) || !node ? 'the controller' : `the speaker on ${node}`;
      if (told.has(who) || stale.some((s) => s.who === who)) continue;
      stale.push({ pod, who, line: `${m.namespace}/${m.pod}, metrics port ${m.port}: ${CONFIG_STALE} 1` });
    }
    if (stale.length > 0) {
      report({
        message: `MetalLB could not load its latest configuration (${namesText(stale.map((s) => s.who), 5)}: ${CONFIG_STALE} is 1): each keeps running on its last valid configuration, so nothing changed since then is applied`,
        subjects: stale.map((s) => ({ obj: s.pod })),
        evidence: stale.map((s) => s.line),
        fix: `Find the rejected object: \`metallb-doctor lint\` over the configuration, and the component's log (kubectl logs -n ${state.metallb.namespace} ${stale[0]!.pod.metadata?.name ?? '<pod>'} | grep -iE 'failed to parse|invalid|rejected'); fix it, and the metric returns to 0.`,
      });
    }

    // the logs: a reconciler's parse error with no accepted configuration after it, for the
    // components neither a ConfigurationState nor a metric reported
    const logs = state.logAnalysis;
    if (!logs) return;
    for (const s of stale) told.add(s.who);
    const parsed = new Map<string, { who: string; c: ConfigState }[]>();
    for (const c of ordered(logs.config)) {
      if (!c.rejected || c.rejected.last.details.rejection !== 'parse') continue;
      const who = c.stream.component === 'controller' ? 'the controller' : `the speaker on ${c.stream.node ?? c.stream.pod}`;
      if (told.has(who)) continue;
      const text = c.rejected.last.details.error || c.rejected.last.message;
      parsed.set(text, [...(parsed.get(text) ?? []), { who, c }]);
    }
    for (const [text, cs] of parsed) {
      report({
        message: `MetalLB rejected its configuration (${namesText(cs.map((x) => x.who), 5)}, in ${cs.length === 1 ? 'its log' : 'their logs'}): "${text}". Each keeps running on its last valid configuration: nothing changed since then is applied`,
        subjects: cs.slice(0, 10).map((x) => logSubject(x.c.rejected!.last)),
        evidence: cs.slice(0, 6).map((x) => eventLine(x.c.rejected!.last)),
        fix: `Correct the object the error names (\`metallb-doctor lint\` over the configuration shows where); the component logs "config reloaded" once it accepts the configuration (${kubectlLogs(cs[0]!.c.stream, 'config reloaded|failed to parse|error')}).`,
      });
    }
  },
});
