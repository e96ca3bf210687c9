import type { KubeObject } from '../../sources/types.js';
import { defineRule, type RuleContext } from '../types.js';
import { asRecord, type ClusterState } from '../../state/cluster-state.js';
import { eventText, metallbPods, podNode, podProblem, podSelectorText, podServes, podsOf, podViewOf, warningEvents, type PodView } from '../../model/pods.js';
import { daemonSetPlacement, daemonPodTargetNode, placementReasonText } from '../../model/scheduling.js';
import { namesText } from '../../report/text.js';
import { fixFor, installationEvidence, podEvidence } from './controller-unavailable.js';

const NOTHING_ANNOUNCED = 'no node answers ARP/NDP for any Service IP and no BGP session is up: every LoadBalancer IP is unreachable from outside the cluster';

function dsName(ds: KubeObject, ns: string): string {
  return `${ds.metadata?.namespace ?? ns}/${ds.metadata?.name ?? ''}`;
}

function dsStatusText(ds: KubeObject): string | undefined {
  const st = asRecord(ds.status);
  if (typeof st.desiredNumberScheduled !== 'number') return undefined;
  const n = (k: string) => (typeof st[k] === 'number' ? (st[k] as number) : 0);
  return `DaemonSet ${ds.metadata?.name ?? ''}: ${n('desiredNumberScheduled')} desired, ${n('currentNumberScheduled')} scheduled, ${n('numberReady')} ready, ${n('numberAvailable')} available`;
}

/**
 * Why the DaemonSet places its pod on none of the Nodes (Nodes in the input): nodes grouped by
 * the first reason, at most three groups.
 */
export function placementSummary(state: ClusterState, ds: KubeObject): string[] {
  if (!state.isCaptured('Node')) return [];
  const nodes = state.all('Node');
  if (nodes.length === 0) return ['the cluster has no Node'];
  const groups = new Map<string, string[]>();
  let fits = 0;
  for (const node of nodes) {
    const reasons = daemonSetPlacement(ds, node);
    if (reasons.length === 0) {
      fits++;
      continue;
    }
    const key = placementReasonText(reasons[0]!).replace(/ \(the node has[^)]*\)/, '');
    const l = groups.get(key) ?? [];
    l.push(node.metadata?.name ?? '');
    groups.set(key, l);
  }
  const lines = [...groups.entries()].slice(0, 3).map(([why, names]) => `${why} on ${names.length} of ${nodes.length} Node(s) (${namesText(names, 5)})`);
  if (groups.size > 3) lines.push(`and ${groups.size - 3} more reason(s)`);
  if (fits > 0) lines.push(`${fits} Node(s) admit the speaker's pod`);
  return lines;
}

/** Not-ready pods grouped by reason: "2 CrashLoopBackOff (node-a, node-b), 1 Unschedulable (node-c)". */
function groupsText(views: readonly PodView[]): string {
  const groups = new Map<string, string[]>();
  for (const v of views) {
    const r = podProblem(v).group;
    const l = groups.get(r) ?? [];
    l.push(v.node ?? daemonPodTargetNode(v.pod) ?? v.name);
    groups.set(r, l);
  }
  return namesText(
    [...groups.entries()].map(([r, nodes]) => `${nodes.length} ${r} (${namesText(nodes, 5)})`),
    5,
  );
}

export default defineRule({
  meta: {
    id: 'speaker-unavailable',
    severity: 'critical',
    severities: ['critical', 'error'],
    category: 'installation',
    evidence: ['api'],
    description: "MetalLB's speaker DaemonSet runs no pod (critical: nothing is announced), or some speaker pods are not ready (error: their nodes announce nothing).",
    fix: 'Find out why the speaker pods do not run (kubectl -n metallb-system get pods -l app.kubernetes.io/component=speaker -o wide with Helm, -l component=speaker with the manifests; kubectl -n metallb-system describe pod POD; kubectl -n metallb-system logs POD -c speaker --previous) and fix that.',
  },
  check({ state, report }) {
    const dsCaptured = state.isCaptured('DaemonSet');
    const podCaptured = state.isCaptured('Pod', state.metallb.namespace);
    if (!dsCaptured && !podCaptured) return;
    const ns = state.metallb.namespace;
    const ds = dsCaptured ? state.metallb.speaker : undefined;
    const pods = podCaptured ? (ds ? podsOf(state, ds) : metallbPods(state, 'speaker')) : undefined;

    if (!ds && (!pods || pods.length === 0)) {
      const evidence = installationEvidence(state, 'speaker');
      if (evidence.length === 0) return;
      report({
        message: `MetalLB is installed (${evidence[0]!.text}) but ${dsCaptured ? 'no speaker DaemonSet exists' : 'no speaker pod exists'}: ${NOTHING_ANNOUNCED}`,
        subjects: [{ obj: evidence[0]!.obj, path: ['metadata', 'name'] }],
        evidence: [
          ...evidence.map((e) => `installed: ${e.text}`),
          dsCaptured
            ? "no DaemonSet is MetalLB's speaker (labels app=metallb,component=speaker or app.kubernetes.io/component=speaker, or image metallb/speaker)"
            : `no pod in ${ns} is MetalLB's speaker (DaemonSets not in the input)`,
        ],
        fix: `Reinstall the speaker with the same version as the controller: re-apply MetalLB's manifest (kubectl apply -f metallb-native.yaml) or run helm upgrade for the release with speaker.enabled=true; then check kubectl -n ${ns} get ds,pods -o wide.`,
      });
      return;
    }

    if (ds && (!pods || pods.length === 0)) {
      const status = asRecord(ds.status);
      const desired = typeof status.desiredNumberScheduled === 'number' ? status.desiredNumberScheduled : undefined;
      // Pods not in the input: only a DaemonSet that wants no pod at all says there is none
      if (!pods && desired !== 0) {
        statusOnly(ds, ns, report);
        return;
      }
      const placement = placementSummary(state, ds);
      const events = warningEvents(state, ds);
      const name = dsName(ds, ns);
      const why =
        desired === 0
          ? `schedules no pod (desiredNumberScheduled 0)${placement.length > 0 && !placement.some((l) => l.includes('admit')) ? `: ${placement[0]}` : ''}`
          : `has no pod${events.length > 0 ? ` (${events[0]!.reason}: ${events[0]!.message})` : ''}`;
      report({
        message: `The MetalLB speaker DaemonSet ${name} ${why}: ${NOTHING_ANNOUNCED}`,
        subjects: [{ obj: ds, path: desired === 0 ? ['status', 'desiredNumberScheduled'] : ['metadata', 'name'] }],
        evidence: [...[dsStatusText(ds)].filter((x): x is string => x !== undefined), ...placement, ...events.map((e) => `DaemonSet ${eventText(e)}`)],
        fix:
          desired === 0
            ? `Make the speaker's pod template admit the nodes that should announce: its nodeSelector, affinity and tolerations (Helm: speaker.nodeSelector, speaker.affinity, speaker.tolerations); kubectl -n ${ds.metadata?.namespace ?? ns} get ds ${ds.metadata?.name ?? ''} -o yaml shows them.`
            : `kubectl -n ${ds.metadata?.namespace ?? ns} describe ds ${ds.metadata?.name ?? ''} shows why no pod is created (FailedCreate: Pod Security admission refusing hostNetwork, a ResourceQuota, a missing ServiceAccount); fix that (see pod-security-blocks-speaker).`,
      });
      return;
    }

    if (!pods) {
      if (ds) statusOnly(ds, ns, report);
      return;
    }

    // a node whose new pod is ready while the old one goes away is fine; only the other pods'
    // containers are read (thousands of speakers, nearly all of them ready)
    const readyNodes = new Set<string>();
    const unready: KubeObject[] = [];
    for (const p of pods) {
      if (podServes(p)) readyNodes.add(podNode(p) ?? p.metadata?.name ?? '');
      else unready.push(p);
    }
    const bad = unready
      .map(podViewOf)
      .filter((v) => !readyNodes.has(v.node ?? daemonPodTargetNode(v.pod) ?? v.name))
      .sort((a, b) => (a.node ?? a.name).localeCompare(b.node ?? b.name));
    if (bad.length === 0) return;
    const total = new Set(pods.map((p) => podNode(p) ?? daemonPodTargetNode(p) ?? p.metadata?.name ?? '')).size;
    const none = readyNodes.size === 0;
    const first = bad[0]!;
    const problem = podProblem(first);
    const head =
      bad.length === 1
        ? `MetalLB speaker pod ${first.name}${first.node ? ` on ${first.node}` : ''} is not ready: ${problem.text}`
        : `${bad.length} of ${total} MetalLB speaker pods are not ready: ${groupsText(bad)}`;
    const consequence = none
      ? `no speaker is ready, so ${NOTHING_ANNOUNCED}`
      : `a speaker that does not run announces nothing from its node: in layer 2 the other nodes take over its IPs once memberlist declares it dead (every node can be elected if memberlist is off), and in BGP its sessions are down and the routers withdraw its routes`;
    report({
      message: `${head}; ${consequence}`,
      severity: none ? 'critical' : 'error',
      subjects: bad.map((v) => ({ obj: v.pod, path: podProblem(v).path })),
      evidence: [...podEvidence(state, bad), ...(ds ? [dsStatusText(ds)].filter((x): x is string => x !== undefined) : [])],
      fix: fixFor(problem.reason, first, first.namespace || ns),
    });
  },
});

/** Pods not in the input: the DaemonSet's status counts say how many speakers are ready, without the why. */
function statusOnly(ds: KubeObject, ns: string, report: RuleContext['report']): void {
  const st = asRecord(ds.status);
  const desired = st.desiredNumberScheduled;
  if (typeof desired !== 'number' || desired === 0) return;
  const ready = typeof st.numberReady === 'number' ? st.numberReady : 0;
  if (ready >= desired) return;
  const none = ready === 0;
  report({
    message: none
      ? `None of the ${desired} MetalLB speaker pods of DaemonSet ${dsName(ds, ns)} is ready (Pods are not in the input, so the reason is unknown): ${NOTHING_ANNOUNCED}`
      : `${desired - ready} of ${desired} MetalLB speaker pods of DaemonSet ${dsName(ds, ns)} are not ready (Pods are not in the input, so the reason is unknown): their nodes announce nothing`,
    severity: none ? 'critical' : 'error',
    subjects: [{ obj: ds, path: ['status', typeof st.numberReady === 'number' ? 'numberReady' : 'desiredNumberScheduled'] }],
    evidence: [dsStatusText(ds)!],
    fix: `kubectl -n ${ds.metadata?.namespace ?? ns} get pods -l ${podSelectorText(ds, 'component=speaker')} -o wide; kubectl -n ${ds.metadata?.namespace ?? ns} describe pod POD; fix what they show.`,
  });
}
