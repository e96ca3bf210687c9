import { ordered } from '../../model/logs/analysis.js';
import { defineRule } from '../types.js';
import { eventLine, kubectlLogs, logSubject, occurrenceText, streamText, timeText } from '../../model/logs/evidence.js';
import { namesText } from '../../report/text.js';

export default defineRule({
  meta: {
    id: 'log-frr-reload-failed',
    severity: 'error',
    category: 'logs',
    evidence: ['logs'],
    description:
      "FRR failed to load the configuration MetalLB rendered (the speaker's `op=reload` / `reload-validate` errors, or frr-reloader.sh's `Syntax error spotted` / `Failed to fully apply configuration file`) and no reload succeeded after: FRR runs its previous configuration, so new peers, prefixes and BFD settings are not applied on that node.",
    fix: 'Read the reloader\'s error in the frr container\'s /etc/frr/frr.log and the reloader log; usually a BGPPeer or BFDProfile field FRR rejects, or a hand-made FRR configuration (bgpextras ConfigMap) that conflicts with MetalLB\'s.',
  },
  check({ state, report }) {
    const logs = state.logAnalysis;
    if (!logs) return;
    const failing = ordered(logs.frrReload).filter((r) => r.failed);
    if (failing.length === 0) return;
    const nodes = [...new Set(failing.map((r) => r.stream.node ?? r.stream.pod))];
    const first = failing[0]!;
    report({
      message: `FRR could not load MetalLB's configuration on ${namesText(nodes, 5)} and no reload succeeded after: FRR keeps its previous configuration there, so changes to peers, advertisements and BFD do not reach those nodes' routers.`,
      subjects: failing.slice(0, 10).map((r) => logSubject(r.failed!.last)),
      evidence: failing.slice(0, 8).flatMap((r) => [`${streamText(r.stream)}: reload failed ${occurrenceText(r.failed!)}${r.lastOk ? `; last success ${timeText(r.lastOk.time)}` : ''}`, eventLine(r.failed!.last)]),
      fix:
        `See why FRR refused it: ${kubectlLogs({ ...first.stream, container: 'reloader' })} and kubectl exec -n ${first.stream.namespace} ${first.stream.pod} -c frr -- vtysh -c "show running-config" against /etc/frr/frr.conf. ` +
        'Correct the BGPPeer/BFDProfile field or the bgpextras ConfigMap that produces the invalid line; the next reconcile reloads FRR.',
    });
  },
});
