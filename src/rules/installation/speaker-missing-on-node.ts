import type { FieldPath, KubeObject } from '../../sources/types.js';
import { defineRule } from '../types.js';
import { announcementOf, hasRunningSpeaker, serviceEndpoints, type Announcement } from '../../model/announcement.js';
import { inScope, nodeLevelReason, nodeSetOf, excludedNames } from '../../model/announce/common.js';
import { podsOf } from '../../model/pods.js';
import {
  conditionOfTaint,
  daemonPodDefaultsText,
  daemonPodTargetNode,
  daemonSetPlacement,
  placementReasonText,
  taintText,
  templateSpec,
  tolerationOf,
  tolerationText,
  type PlacementReason,
  type Taint,
} from '../../model/scheduling.js';
import { serviceName } from '../../model/simulation.js';
import { asArray, asRecord, type ClusterState } from '../../state/cluster-state.js';
import { namesText } from '../../report/text.js';
import { adsText, advertisementsSelecting, selectingEvidence, type SelectingAd } from '../nodes/node-excluded-from-lb.js';
import { serviceNamespace } from '../services/service-not-announced.js';

/**
 * Per node of `missing` (nodes without a speaker pod), the Services no node announces (for a
 * protocol) that the node would announce if it ran a speaker, and those the layer 2 election
 * gives to it although it runs none (memberlist off). One pass over the Services.
 */
function affectedByNode(a: Announcement, state: ClusterState, missing: ReadonlySet<string>): { byNode: Map<string, KubeObject[]>; elected: Set<string> } {
  const out = new Map<string, KubeObject[]>();
  const elected = new Set<string>();
  if (!a.applies || missing.size === 0) return { byNode: out, elected };
  const add = (node: string, svc: KubeObject) => {
    const l = out.get(node);
    if (!l) out.set(node, [svc]);
    else if (l[l.length - 1] !== svc) l.push(svc);
  };
  const names = [...missing];
  const clusterSilent = new WeakMap<object, boolean>();
  const nodeList = a.input.nodes.map((n) => n.metadata?.name ?? '');
  const nodeNames = new Set(nodeList);
  const memberlistOn = a.speaker.memberlist.mode === 'enabled';
  for (const { svc, announce: r } of a.byService.values()) {
    if (!r || r.reason !== undefined) continue;
    const l2 = r.l2;
    // a missing node has no speaker at all: elected, it is silent (memberlist off)
    if (l2?.winner !== undefined && missing.has(l2.winner)) {
      add(l2.winner, svc);
      elected.add(l2.winner);
    }
    if (memberlistOn && l2 && l2.winner === undefined && l2.reason === 'notOwner' && !l2.noServingEndpoints) {
      // no candidate left; with memberlist on a node without a speaker is no member, with one it would be a candidate
      const inAds = names.filter((n) => l2.advertisements.some((s) => inScope(s, n)));
      if (inAds.length > 0) {
        const local = asRecord(svc.spec).externalTrafficPolicy === 'Local';
        const serving = local ? new Set(serviceEndpoints(state, serviceNamespace(svc), svc.metadata?.name ?? '').filter((e) => e.canServe && e.nodeName).map((e) => e.nodeName!)) : undefined;
        for (const n of inAds) if (!serving || serving.has(n)) add(n, svc);
      }
    }
    const b = r.bgp;
    if (!b || !b.hasEndpoints || b.advertisements.length === 0) continue;
    const excludedHere = excludedNames(b.excluded);
    const would = (b.localEndpointNodes ?? names).filter((n) => missing.has(n) && !excludedHere.has(n) && b.advertisements.some((s) => inScope(s, n)));
    if (would.length === 0) continue;
    // the Service must be left without any BGP announcer; under Cluster policy that is the same for
    // every Service whose advertisements select these nodes (their one exclusion list), and one announcer is enough to know
    let silent = b.localEndpointNodes ? undefined : clusterSilent.get(b.excluded);
    if (silent === undefined) {
      const excluded = excludedNames(b.excluded);
      const announces = (n: string) => nodeNames.has(n) && !excluded.has(n) && hasRunningSpeaker(a, n) && b.advertisements.some((s) => inScope(s, n));
      silent = !(b.localEndpointNodes ?? nodeList).some(announces);
      if (!b.localEndpointNodes) clusterSilent.set(b.excluded, silent);
    }
    if (silent) for (const n of would) add(n, svc);
  }
  return { byNode: out, elected };
}

/** Advertisements selecting the node of which no node both runs a speaker and may announce: they announce nothing. */
function orphanedAds(a: Announcement, ads: readonly SelectingAd[]): SelectingAd[] {
  return ads.filter((s) => ![...nodeSetOf(s.ad, a.input.nodes).names].some((n) => hasRunningSpeaker(a, n) && nodeLevelReason(a.input, n) === undefined));
}

/** The Node field that shows the reason: the taint, the mismatching label, else the name. */
function nodePath(node: KubeObject, reasons: readonly PlacementReason[]): FieldPath {
  const taint = reasons.find((r) => r.kind === 'taint');
  if (taint && taint.kind === 'taint') return ['spec', 'taints', taint.taints[0]!.index];
  const sel = reasons.find((r) => r.kind === 'nodeSelector');
  if (sel && sel.kind === 'nodeSelector') {
    const m = sel.mismatches.find((x) => x.have !== undefined);
    if (m) return ['metadata', 'labels', m.key];
  }
  return ['metadata', 'name'];
}

/** The DaemonSet field behind the reason. */
function dsPath(reasons: readonly PlacementReason[]): FieldPath {
  const base = ['spec', 'template', 'spec'];
  const r = reasons[0];
  if (!r) return ['metadata', 'name'];
  return [...base, r.kind === 'taint' ? 'tolerations' : r.kind === 'affinity' ? 'affinity' : r.kind];
}

/** The untolerated taints the node lifecycle controller keeps from a node condition, with that condition. */
function conditionTaints(node: KubeObject, reasons: readonly PlacementReason[]) {
  return reasons.flatMap((r) => (r.kind === 'taint' ? r.taints : [])).flatMap(({ taint }) => {
    const c = conditionOfTaint(node, taint);
    return c ? [{ taint, c }] : [];
  });
}

/** Repairing the node, not its taints: the node lifecycle controller puts a condition taint back. */
function conditionFix(node: string, managed: ReturnType<typeof conditionTaints>): string {
  const keys = new Set(managed.map((m) => m.taint.key));
  const ready = keys.has('node.kubernetes.io/not-ready') || keys.has('node.kubernetes.io/unreachable');
  const network = keys.has('node.kubernetes.io/network-unavailable');
  return (
    `repair the node rather than its taint${managed.length === 1 ? '' : 's'}: the node lifecycle controller keeps ${managed.map((m) => `${taintText(m.taint)} while ${m.c.condition}=${m.c.status}`).join(', ')} and puts ${managed.length === 1 ? 'it' : 'them'} back if removed; ` +
    `see kubectl describe node ${node} (Conditions) and the kubelet there (journalctl -u kubelet)${network ? `, and the CNI pod on ${node} (it clears NetworkUnavailable)` : ''}` +
    (ready ? `. The DaemonSet controller tolerates not-ready and unreachable for NoExecute only: a running speaker is not evicted, but no new one is scheduled until ${node} is Ready again` : '')
  );
}

function tolerationFix(t: Taint, node: string): string {
  const cp = t.key === 'node-role.kubernetes.io/control-plane' || t.key === 'node-role.kubernetes.io/master';
  return `add a toleration to the speaker DaemonSet (spec.template.spec.tolerations: - {key: ${t.key}, operator: Exists, effect: ${t.effect}}; Helm: ${cp ? 'speaker.tolerateMaster=true or ' : ''}speaker.tolerations) or remove the taint (kubectl taint node ${node} ${t.key}:${t.effect}-)`;
}

function fixFor(reasons: readonly PlacementReason[], nodeObj: KubeObject, ds: KubeObject): string {
  const node = nodeObj.metadata?.name ?? '';
  const ns = ds.metadata?.namespace ?? 'metallb-system';
  const name = ds.metadata?.name ?? 'speaker';
  if (reasons.length === 0) {
    return `kubectl -n ${ns} describe daemonset ${name} shows why the controller creates no pod on ${node} (FailedCreate / FailedPlacement events); kubectl -n ${ns} get pods -o wide --field-selector spec.nodeName=${node}; if the pod was deleted, the DaemonSet controller recreates it unless something refuses it.`;
  }
  const steps = reasons.map((r) => {
    switch (r.kind) {
      case 'taint': {
        const managed = conditionTaints(nodeObj, [r]);
        const other = r.taints.find(({ taint }) => !managed.some((m) => m.taint === taint));
        return [...(managed.length ? [conditionFix(node, managed)] : []), ...(other ? [tolerationFix(other.taint, node)] : [])].join('; and ');
      }
      case 'nodeSelector': {
        const m = r.mismatches[0]!;
        return `label the node (kubectl label node ${node} ${m.key}=${m.want}${m.have !== undefined ? ' --overwrite' : ''}) or change the speaker's nodeSelector (Helm: speaker.nodeSelector)`;
      }
      case 'affinity':
        return `change the speaker's required node affinity (Helm: speaker.affinity) so that it admits ${node}, or give the node the labels it asks for`;
      case 'nodeName':
        return `remove spec.template.spec.nodeName from the speaker DaemonSet ${ns}/${name} (a DaemonSet places its pods by itself)`;
    }
  });
  const text = steps.join('; and ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}. If MetalLB should not announce from ${node}, drop it from the advertisements' nodeSelectors instead.`;
}

export default defineRule({
  meta: {
    id: 'speaker-missing-on-node',
    severity: 'error',
    severities: ['error', 'warning'],
    category: 'installation',
    evidence: ['api'],
    description: 'A Node that an L2Advertisement or BGPAdvertisement selects runs no speaker pod (an untolerated taint, the speaker nodeSelector or affinity, or a missing pod): MetalLB cannot announce from it.',
    fix: "Let the speaker DaemonSet run on the node (a toleration for its taint, a nodeSelector/affinity that admits it), or find out why its pod is missing (kubectl -n metallb-system describe daemonset metallb-speaker with Helm, speaker with the manifests); or drop the node from the advertisements' nodeSelectors.",
  },
  check({ state, report }) {
    if (!state.isCaptured('Node') || !state.isCaptured('Pod', state.metallb.namespace) || !state.isCaptured('DaemonSet')) return;
    if (!state.isCaptured('L2Advertisement') && !state.isCaptured('BGPAdvertisement')) return;
    const ds = state.metallb.speaker;
    if (!ds) return; // speaker-unavailable: no speaker DaemonSet
    const pods = podsOf(state, ds);
    if (pods.length === 0) return; // speaker-unavailable: no speaker pod anywhere
    const a = announcementOf(state);
    if (a.input.l2Advertisements.length === 0 && a.input.bgpAdvertisements.length === 0) return;
    const withPod = new Set(pods.map(daemonPodTargetNode).filter((n): n is string => n !== undefined));
    const memberlistOff = a.speaker.memberlist.mode === 'disabled';
    const ownTolerations = asArray(templateSpec(ds).tolerations).map(tolerationOf);
    const dsLabel = `${ds.metadata?.namespace ?? state.metallb.namespace}/${ds.metadata?.name ?? ''}`;
    const dsStatus = asRecord(ds.status);

    // the nodes an advertisement selects that run no speaker pod and may announce otherwise
    const missing: { node: KubeObject; name: string; ads: SelectingAd[] }[] = [];
    for (const node of a.input.nodes) {
      const name = node.metadata?.name ?? '';
      if (withPod.has(name)) continue;
      const ads = advertisementsSelecting(a, name);
      if (ads.length === 0) continue;
      // NetworkUnavailable or the exclude label keep it silent anyway (node-network-unavailable, node-excluded-from-lb)
      if (nodeLevelReason(a.input, name) !== undefined) continue;
      missing.push({ node, name, ads });
    }
    const affectedOf = affectedByNode(a, state, new Set(missing.map((m) => m.name)));

    for (const { node, name, ads } of missing) {
      const reasons = daemonSetPlacement(ds, node);
      const affected = affectedOf.byNode.get(name) ?? [];
      const orphaned = orphanedAds(a, ads);
      const explicit = ads.filter((s) => s.explicit);
      const placedAway = reasons.length > 0 && reasons.every((r) => r.kind !== 'taint');
      const l2Risk = memberlistOff && ads.some((s) => s.kind === 'L2Advertisement');
      // Speakers kept off the node on purpose (their nodeSelector/affinity) while only every-node
      // advertisements select it: the usual way to run speakers on some nodes, harmless while
      // memberlist lets the others take over.
      if (affected.length === 0 && orphaned.length === 0 && explicit.length === 0 && placedAway && !l2Risk) continue;

      const why =
        reasons.length > 0
          ? `the speaker DaemonSet ${dsLabel} does not run there: ${reasons.map(placementReasonText).join('; ')}`
          : `the speaker DaemonSet ${dsLabel} should run a pod there (its nodeSelector, affinity and tolerations admit the node) but none exists: the DaemonSet controller has not created it yet, the pod was deleted, or creating it failed`;
      const head = `Node ${name} runs no MetalLB speaker pod: ${why}; MetalLB cannot announce from it`;
      let tail = '';
      if (affected.length > 0) {
        tail += `; no node announces ${affected.length === 1 ? 'Service' : `${affected.length} Services`} ${namesText(affected.map(serviceName), 5)}, which ${name} would announce with a speaker${affectedOf.elected.has(name) ? ' (memberlist is off, so the layer 2 election picks the node although no speaker runs there)' : ''}`;
      }
      if (orphaned.length > 0) {
        tail += `; no node that ${adsText(orphaned)} select${orphaned.length === 1 ? 's' : ''} runs a speaker, so ${orphaned.length === 1 ? 'it announces' : 'they announce'} nothing`;
      }
      if (tail === '') {
        if (explicit.length > 0) tail = `, although ${adsText(explicit)} select${explicit.length === 1 ? 's' : ''} it by nodeSelectors`;
        else if (l2Risk) tail = `; memberlist is off, so the layer 2 election still counts ${name} and a Service elected there is announced by no node`;
        else tail = `, although ${adsText(ads)} select${ads.length === 1 ? 's' : ''} it; the other nodes announce in its place`;
      }
      const taint = reasons.find((r) => r.kind === 'taint');
      report({
        message: head + tail,
        severity: affected.length > 0 || orphaned.length > 0 ? 'error' : 'warning',
        subjects: [
          { obj: node, path: nodePath(node, reasons) },
          { obj: ds, path: dsPath(reasons) },
        ],
        evidence: [
          ...reasons.map((r) => `${name}: ${placementReasonText(r)}`),
          ...conditionTaints(node, reasons).map(
            ({ taint, c }) => `${name}: ${taintText(taint)} follows its condition ${c.condition}=${c.status} (the node reports ${c.now ?? `no ${c.condition} condition`}): the node lifecycle controller keeps it while the condition lasts`,
          ),
          ...(taint ? [`speaker tolerations: ${ownTolerations.length > 0 ? ownTolerations.map(tolerationText).join(', ') : 'none of its own'} (plus those the DaemonSet controller adds to every daemon pod: ${daemonPodDefaultsText(templateSpec(ds))})`] : []),
          ...(typeof dsStatus.desiredNumberScheduled === 'number'
            ? [`DaemonSet ${ds.metadata?.name ?? ''}: ${String(dsStatus.desiredNumberScheduled)} desired, ${String(dsStatus.currentNumberScheduled ?? 0)} scheduled, ${String(dsStatus.numberReady ?? 0)} ready; speaker pods on ${withPod.size} node(s)`]
            : [`speaker pods on ${withPod.size} node(s)`]),
          ...selectingEvidence(ads),
          ...(affected.length > 0 ? [`Services without an announcing node: ${namesText(affected.map(serviceName), 10)}`] : []),
        ],
        fix: fixFor(reasons, node, ds),
      });
    }
  },
});
