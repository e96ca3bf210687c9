import type { KubeObject } from '../../sources/types.js';
import { defineRule } from '../types.js';
import { announcementOf, announcingNodes, hasRunningSpeaker, serviceEndpoints, type Announcement } from '../../model/announcement.js';
import { EXCLUDE_LB_LABEL, isExcludedFromBalancers } from '../../model/announce/index.js';
import { nodeSetOf } from '../../model/announce/common.js';
import { serviceName } from '../../model/simulation.js';
import { asRecord, type ClusterState } from '../../state/cluster-state.js';
import { serviceNamespace } from '../services/service-not-announced.js';
import { namesText } from '../../report/text.js';

export interface SelectingAd {
  ad: KubeObject;
  kind: 'L2Advertisement' | 'BGPAdvertisement';
  /** selects nodes by nodeSelectors (false: every node) */
  explicit: boolean;
}

/** The L2/BGP advertisements whose node set holds the node (MetalLB's nodeSelectors; none = every node). */
export function advertisementsSelecting(a: Announcement, node: string): SelectingAd[] {
  const out: SelectingAd[] = [];
  for (const [kind, ads] of [
    ['L2Advertisement', a.input.l2Advertisements],
    ['BGPAdvertisement', a.input.bgpAdvertisements],
  ] as const) {
    for (const ad of ads) {
      const set = nodeSetOf(ad, a.input.nodes);
      if (set.names.has(node)) out.push({ ad, kind, explicit: !set.all });
    }
  }
  return out;
}

export function adsText(ads: readonly SelectingAd[], max = 5): string {
  return namesText(
    ads.map((s) => `${s.kind} "${s.ad.metadata?.name ?? ''}"`),
    max,
  );
}

/** One evidence line per selecting advertisement (at most `max`). */
export function selectingEvidence(ads: readonly SelectingAd[], max = 10): string[] {
  const lines = ads.slice(0, max).map((s) => `${s.kind} "${s.ad.metadata?.name ?? ''}" selects it ${s.explicit ? 'by nodeSelectors' : '(no nodeSelectors: every node)'}`);
  if (ads.length > max) lines.push(`and ${ads.length - max} more advertisement(s)`);
  return lines;
}

const CONTROL_PLANE_LABELS = ['node-role.kubernetes.io/control-plane', 'node-role.kubernetes.io/master'];

export function isControlPlane(node: KubeObject): boolean {
  const labels = node.metadata?.labels ?? {};
  return CONTROL_PLANE_LABELS.some((l) => Object.prototype.hasOwnProperty.call(labels, l));
}

/**
 * Per labelled node, the Services that no node announces and that this node would announce but
 * for the label: it is excluded for nodeLabeledExcludeBalancers (so it passed the memberlist and
 * network checks) and otherwise eligible (a local endpoint under Local policy, endpoints at all
 * for BGP, a running speaker).
 */
function servicesBlocked(a: Announcement, state: ClusterState): Map<string, KubeObject[]> {
  const out = new Map<string, KubeObject[]>();
  const add = (node: string, svc: KubeObject) => {
    const l = out.get(node);
    if (!l) out.set(node, [svc]);
    else if (!l.includes(svc)) l.push(svc);
  };
  for (const { svc, announce: r } of a.byService.values()) {
    if (!r || r.reason !== undefined) continue;
    // announced Services first out: the test is memoised, the exclusion lists may be long
    const who = announcingNodes(a, r);
    if (who.l2 || who.bgp.length > 0) continue;
    const labelled = (e: { reason: string }) => e.reason === 'nodeLabeledExcludeBalancers';
    if (!(r.l2?.excluded ?? []).some(labelled) && !(r.bgp?.excluded ?? []).some(labelled)) continue;
    const etpLocal = asRecord(svc.spec).externalTrafficPolicy === 'Local';
    const eps = serviceEndpoints(state, serviceNamespace(svc), svc.metadata?.name ?? '');
    const l2Local = new Set(eps.filter((e) => e.canServe && e.nodeName).map((e) => e.nodeName!));
    for (const e of r.l2?.excluded ?? []) {
      if (e.reason !== 'nodeLabeledExcludeBalancers') continue;
      if (etpLocal && !l2Local.has(e.node)) continue;
      if (!hasRunningSpeaker(a, e.node)) continue;
      add(e.node, svc);
    }
    const b = r.bgp;
    if (b) {
      const bgpLocal = b.localEndpointNodes ? new Set(b.localEndpointNodes) : undefined;
      for (const e of b.excluded) {
        if (e.reason !== 'nodeLabeledExcludeBalancers') continue;
        if (!b.hasEndpoints || (bgpLocal && !bgpLocal.has(e.node))) continue;
        if (!hasRunningSpeaker(a, e.node)) continue;
        add(e.node, svc);
      }
    }
  }
  return out;
}

export default defineRule({
  meta: {
    id: 'node-excluded-from-lb',
    severity: 'warning',
    // the catalog's severity first (see the docs): error where the label leaves a Service unannounced
    severities: ['warning', 'error'],
    category: 'nodes',
    evidence: ['api'],
    description: `A Node carries ${EXCLUDE_LB_LABEL} and the speaker does not run with --ignore-exclude-lb: MetalLB never announces from it.`,
    fix: `Remove the label from nodes that should announce (kubectl label node <node> ${EXCLUDE_LB_LABEL}-), or run the speaker with --ignore-exclude-lb (Helm: speaker.ignoreExcludeLB=true).`,
  },
  check({ state, report }) {
    const a = announcementOf(state);
    // before v0.14.0 the speakers do not read the label
    if (!a.applies || a.speaker.ignoreExcludeLB || a.input.excludeLabel === false) return;
    if (a.input.l2Advertisements.length === 0 && a.input.bgpAdvertisements.length === 0) return;
    const labelled = a.input.nodes.filter(isExcludedFromBalancers);
    if (labelled.length === 0) return;
    const blocked = servicesBlocked(a, state);
    for (const node of labelled) {
      const name = node.metadata?.name ?? '';
      const ads = advertisementsSelecting(a, name);
      // no advertisement would announce from it anyway: the label changes nothing for MetalLB
      if (ads.length === 0) continue;
      const value = node.metadata?.labels?.[EXCLUDE_LB_LABEL] ?? '';
      const subject = { obj: node, path: ['metadata', 'labels', EXCLUDE_LB_LABEL] };
      const head = `Node ${name} carries ${EXCLUDE_LB_LABEL} and the speaker does not run with --ignore-exclude-lb: MetalLB never announces from it (nodeLabeledExcludeBalancers)`;
      const evidence = [
        `${name}: ${EXCLUDE_LB_LABEL}="${value}"; ${isControlPlane(node) ? 'a control-plane node' : 'not a control-plane node (no node-role.kubernetes.io/control-plane or master label)'}`,
        ...selectingEvidence(ads),
        ...a.speaker.notes.filter((n) => n.includes('DaemonSet')),
      ];
      const svcs = blocked.get(name);
      if (svcs) {
        report({
          message: `${head}; no node announces ${svcs.length === 1 ? 'Service' : `${svcs.length} Services`} ${namesText(svcs.map(serviceName))}, which this node would announce without the label (see service-no-announcing-node)`,
          severity: 'error',
          subjects: [subject],
          evidence,
          fix: `Remove the label (kubectl label node ${name} ${EXCLUDE_LB_LABEL}-), or run the speaker with --ignore-exclude-lb (Helm: speaker.ignoreExcludeLB=true), or move the Service's pods to nodes without the label.`,
        });
        continue;
      }
      const explicit = ads.filter((s) => s.explicit);
      if (explicit.length > 0) {
        report({
          message: `${head}, although ${adsText(explicit)} select${explicit.length === 1 ? 's' : ''} it by nodeSelectors`,
          subjects: [subject],
          evidence,
          fix: `If the node should announce, remove the label (kubectl label node ${name} ${EXCLUDE_LB_LABEL}-) or run the speaker with --ignore-exclude-lb (Helm: speaker.ignoreExcludeLB=true); otherwise drop it from the nodeSelectors of ${adsText(explicit)}.`,
        });
        continue;
      }
      // kubeadm labels every control-plane node so: expected, and harmless while others announce
      if (isControlPlane(node)) continue;
      report({
        message: `${head}, although ${adsText(ads)} select${ads.length === 1 ? 's' : ''} it; it is not a control-plane node (kubeadm labels only those), so the label was set by hand or by another tool, and MetalLB announces its Services only from the other nodes`,
        subjects: [subject],
        evidence,
        fix: `If the node should announce, remove the label (kubectl label node ${name} ${EXCLUDE_LB_LABEL}-) or run the speaker with --ignore-exclude-lb (Helm: speaker.ignoreExcludeLB=true); if the exclusion is intended, add the metallb-doctor.io/ignore: node-excluded-from-lb annotation to the Node.`,
      });
    }
  },
});
