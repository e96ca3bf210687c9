import { ordered } from '../../model/logs/analysis.js';
import { defineRule } from '../types.js';
import { eventLine, kubectlLogs, logSubject, occurrenceText, streamText, whoText } from '../../model/logs/evidence.js';
import type { ApiTrouble } from '../../model/logs/analysis.js';
import { namesText } from '../../report/text.js';
import { asRecord, type ClusterState } from '../../state/cluster-state.js';
import type { LogStreamInfo } from '../../model/logs/types.js';

const WHY: Record<string, string> = {
  forbidden: 'forbidden by RBAC: its ServiceAccount lacks a permission MetalLB needs (a ClusterRole or binding missing or edited, or a MetalLB upgrade whose RBAC was not applied)',
  unauthorized: "not authenticated: its ServiceAccount token is rejected (an expired or revoked token, a recreated ServiceAccount)",
  tls: "the API server's certificate is not trusted (a changed CA, or a proxy in the way)",
  unreachable: 'it cannot reach the API server (the kubernetes Service address times out or refuses: kube-proxy or the CNI on that node, a NetworkPolicy, or the API server itself)',
};

/** API errors that stopped within this long (and the component worked again) are a blip. */
const BLIP_MS = 5 * 60_000;

/** The ServiceAccount of the pod that wrote the lines (Helm names them metallb-speaker / metallb-controller). */
function serviceAccount(state: ClusterState, s: LogStreamInfo): string {
  const sa = asRecord(state.get('Pod', s.namespace, s.pod)?.spec).serviceAccountName;
  return typeof sa === 'string' && sa ? sa : s.component === 'controller' ? 'controller' : 'speaker';
}

export default defineRule({
  meta: {
    id: 'log-apiserver-unreachable',
    severity: 'critical',
    severities: ['critical', 'warning'],
    category: 'logs',
    evidence: ['logs'],
    description:
      'A speaker or the controller logged that it cannot use the Kubernetes API (forbidden by RBAC, unauthorized, an untrusted certificate, or the API server unreachable). Critical while the errors go on to the end of its log: it sees no Services, configuration or nodes, so it allocates or announces nothing new; a warning when it worked again afterwards, and nothing for a blip of less than 5 minutes it recovered from.',
    fix: 'For forbidden: apply the RBAC of the MetalLB release you run (Helm upgrade, or the manifests of that version). For unreachable: check the kubernetes Service and kube-proxy/CNI on that node. For unauthorized/x509: restart the pod to get a fresh token, check the CA.',
  },
  check({ state, report }) {
    const logs = state.logAnalysis;
    if (!logs) return;
    const byWhy = new Map<string, ApiTrouble[]>();
    for (const a of ordered(logs.api)) {
      // a blip it recovered from (an API server restarting for an upgrade) is no finding
      if (a.recoveredBy && (a.errors.last.time ?? 0) - (a.errors.first.time ?? 0) < BLIP_MS) continue;
      const why = a.errors.last.details.why ?? 'unreachable';
      byWhy.set(why, [...(byWhy.get(why) ?? []), a]);
    }
    for (const [why, as] of byWhy) {
      const ongoing = as.filter((a) => !a.recoveredBy);
      report({
        message:
          `${whoText(as.map((a) => a.stream))} cannot use the Kubernetes API: ${WHY[why] ?? WHY.unreachable}. ` +
          (ongoing.length > 0
            ? `The errors go on to the end of the log${ongoing.length < as.length ? ` for ${namesText(ongoing.map((a) => a.stream.node ?? a.stream.pod), 4)}` : ''}: ${ongoing.some((a) => a.stream.component === 'controller') ? 'the controller assigns no addresses' : 'those speakers see no changes and announce nothing new'}.`
            : 'It worked again afterwards, so this is history unless it recurs.'),
        severity: ongoing.length > 0 ? 'critical' : 'warning',
        subjects: as.slice(0, 10).map((a) => logSubject(a.errors.last)),
        evidence: as.slice(0, 6).flatMap((a) => [`${streamText(a.stream)}: ${occurrenceText(a.errors)}${a.recoveredBy ? `; working again: ${eventLine(a.recoveredBy, 120)}` : ''}`, eventLine(a.errors.last)]),
        fix:
          why === 'forbidden'
            ? `Apply the RBAC of the MetalLB version you run (helm upgrade, or that version's manifests) and check: kubectl auth can-i list services --as=system:serviceaccount:${as[0]!.stream.namespace}:${serviceAccount(state, as[0]!.stream)}. Then ${kubectlLogs(as[0]!.stream, 'forbidden')}.`
            : why === 'unreachable'
              ? `From the node, check the kubernetes Service: kubectl get endpoints kubernetes; kubectl -n kube-system get pods -o wide | grep -E 'kube-proxy|cilium|calico|flannel' (the CNI or kube-proxy pod on ${as[0]!.stream.node ?? 'that node'}). Then ${kubectlLogs(as[0]!.stream, 'dial tcp|timeout')}.`
              : `Restart the pod so it mounts a fresh ServiceAccount token (kubectl -n ${as[0]!.stream.namespace} delete pod ${as[0]!.stream.pod}), and check the cluster CA if x509 errors remain.`,
      });
    }
  },
});
