import { ordered, type FrrReloadState } from '../../model/logs/analysis.js';
import { defineRule, type RuleContext } from '../types.js';
import { eventLine, kubectlLogs, logSubject, occurrenceText, streamText, timeText } from '../../model/logs/evidence.js';
import { namesText } from '../../report/text.js';

export default defineRule({
  meta: {
    id: 'log-frr-reload-failed',
    severity: 'error',
    category: 'logs',
    evidence: ['logs'],
    description:
      "FRR failed to load the configuration MetalLB rendered (the speaker's `op=reload` / `reload-validate` errors, or frr-reloader.sh's `Syntax error spotted` / `Failed to fully apply configuration file`; in FRR-K8s mode, the API server could not call frr-k8s's validating webhook for the FRRConfiguration the speaker writes, or the webhook refused it) and no reload succeeded after: FRR runs its previous configuration, so new peers, prefixes and BFD settings are not applied on that node.",
    fix: 'Read the reloader\'s error in the frr container\'s /etc/frr/frr.log and the reloader log; usually a BGPPeer or BFDProfile field FRR rejects, or a hand-made FRR configuration (bgpextras ConfigMap) that conflicts with MetalLB\'s.',
  },
  check({ state, report }) {
    const logs = state.logAnalysis;
    if (!logs) return;
    const failing = ordered(logs.frrReload).filter((r) => r.failed);
    const webhook = failing.filter((r) => r.failed!.last.kind === 'webhook-call-failed' || r.failed!.last.kind === 'webhook-denied');
    if (webhook.length > 0) reportWebhook(webhook, report);
    const reloads = failing.filter((r) => !webhook.includes(r));
    if (reloads.length === 0) return;
    const nodes = [...new Set(reloads.map((r) => r.stream.node ?? r.stream.pod))];
    const first = reloads[0]!;
    report({
      message: `FRR could not load MetalLB's configuration on ${namesText(nodes, 5)} and no reload succeeded after: FRR keeps its previous configuration there, so changes to peers, advertisements and BFD do not reach those nodes' routers.`,
      subjects: reloads.slice(0, 10).map((r) => logSubject(r.failed!.last)),
      evidence: reloads.slice(0, 8).flatMap((r) => [`${streamText(r.stream)}: reload failed ${occurrenceText(r.failed!)}${r.lastOk ? `; last success ${timeText(r.lastOk.time)}` : ''}`, eventLine(r.failed!.last)]),
      fix:
        `See why FRR refused it: ${kubectlLogs({ ...first.stream, container: 'reloader' })} and kubectl exec -n ${first.stream.namespace} ${first.stream.pod} -c frr -- vtysh -c "show running-config" against /etc/frr/frr.conf. ` +
        'Correct the BGPPeer/BFDProfile field or the bgpextras ConfigMap that produces the invalid line; the next reconcile reloads FRR.',
    });
  },
});

/**
 * FRR-K8s mode: the speaker writes its node's FRRConfiguration, and the API server calls frr-k8s's
 * validating webhook before it stores it; a webhook it cannot reach refuses the write (failurePolicy
 * Fail), so frr-k8s never sees the new configuration. The API server answered: the webhook's Service
 * has no working endpoint.
 */
function reportWebhook(failing: FrrReloadState[], report: RuleContext['report']): void {
  const denials = failing.filter((r) => r.failed!.last.kind === 'webhook-denied');
  if (denials.length > 0) reportDenial(denials, report);
  failing = failing.filter((r) => !denials.includes(r));
  if (failing.length === 0) return;
  const nodes = [...new Set(failing.map((r) => r.stream.node ?? r.stream.pod))];
  const last = failing[0]!.failed!.last;
  const hook = last.details.webhook ?? 'frr-k8s webhook';
  const [svc, ns] = (last.details.target ?? '').split('.');
  report({
    message:
      `The API server refused the FRRConfiguration MetalLB writes for frr-k8s on ${namesText(nodes, 5)}: it could not call the webhook "${hook}"${svc ? ` (Service ${ns ? `${ns}/` : ''}${svc})` : ''}, and no write succeeded after. ` +
      'The API server itself answered; the webhook Service has no working endpoint, so frr-k8s keeps the previous configuration and changes to peers, advertisements and BFD do not reach those nodes\' routers.',
    subjects: failing.slice(0, 10).map((r) => logSubject(r.failed!.last)),
    evidence: failing.slice(0, 8).flatMap((r) => [`${streamText(r.stream)}: FRRConfiguration write refused ${occurrenceText(r.failed!)}${r.lastOk ? `; last written ${timeText(r.lastOk.time)}` : ''}`, eventLine(r.failed!.last)]),
    fix:
      `Make frr-k8s's webhook answer: ${svc && ns ? `kubectl -n ${ns} get endpointslices -l kubernetes.io/service-name=${svc}` : 'check the webhook Service\'s endpoints'} must list a ready address; ` +
      `if not, find why frr-k8s's webhook server pod is not ready (kubectl -n ${ns ?? '<frr-k8s namespace>'} get pods -o wide | grep webhook), and check NetworkPolicies that block the API server from it. The speaker retries, so the write succeeds once the webhook answers.`,
  });
}

/**
 * FRR-K8s mode: frr-k8s's webhook answered and refused the FRRConfiguration the speaker writes.
 * frr-k8s merges every FRRConfiguration that applies to a node, so the usual cause is another one
 * (written by hand, or by another tool) that cannot be merged with MetalLB's: a different ASN or
 * router ID for the same VRF, or the same neighbor with other settings.
 */
function reportDenial(failing: FrrReloadState[], report: RuleContext['report']): void {
  const nodes = [...new Set(failing.map((r) => r.stream.node ?? r.stream.pod))];
  const last = failing[0]!.failed!.last;
  const ns = last.details.namespace ?? last.stream.namespace;
  report({
    message:
      `frr-k8s's webhook "${last.details.webhook ?? '?'}" refused the FRRConfiguration MetalLB writes for frr-k8s on ${namesText(nodes, 5)}: ${last.details.reason || 'no reason given'}; no write succeeded after, ` +
      'so frr-k8s keeps the previous configuration and changes to peers, advertisements and BFD do not reach those nodes\' routers.',
    subjects: failing.slice(0, 10).map((r) => logSubject(r.failed!.last)),
    evidence: failing.slice(0, 8).flatMap((r) => [`${streamText(r.stream)}: FRRConfiguration write refused ${occurrenceText(r.failed!)}${r.lastOk ? `; last written ${timeText(r.lastOk.time)}` : ''}`, eventLine(r.failed!.last)]),
    fix:
      `frr-k8s merges every FRRConfiguration of a node and refuses one that cannot be merged: list them (kubectl get frrconfigurations.frrk8s.metallb.io -A) and find the one, besides MetalLB's own in ${ns}, ` +
      'that sets another ASN or router ID for the same VRF, or the same neighbor with other settings; align it with the BGPPeer, or correct the BGPPeer. The speaker retries, so the write succeeds once nothing conflicts.',
  });
}
