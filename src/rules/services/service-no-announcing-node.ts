import type { KubeObject } from '../../sources/types.js';
import { defineRule } from '../types.js';
import { announcementOf, announcingNodes, hasRunningSpeaker, serviceEndpoints, type Announcement } from '../../model/announcement.js';
import { EXCLUDE_LB_LABEL, type AnnounceResult, type NodeScope } from '../../model/announce/index.js';
import { nodesByName } from '../../model/announce/common.js';
import { serviceName } from '../../model/simulation.js';
import { asRecord, type ClusterState } from '../../state/cluster-state.js';
import { bgpCovers, l2Covers, scopeSize, serviceNamespace } from './service-not-announced.js';
import { namesText } from '../../report/text.js';

/** Why a node selected for the Service does not announce it, in words (MetalLB's reason name in the key). */
type NodeReason =
  | 'nodeUnschedulable'
  | 'nodeLabeledExcludeBalancers'
  | 'nodeNetworkUnavailable'
  | 'notMemberlistMember'
  | 'memberlistDisabled'
  | 'noLocalEndpoints'
  | 'conflictingAdvertisements'
  | 'noEndpoints'
  | 'noSpeaker'
  | 'electedWithoutSpeaker'
  | 'endpointNodeNotSelected';

const REASON_TEXT: Record<NodeReason, string> = {
  nodeLabeledExcludeBalancers: `labelled ${EXCLUDE_LB_LABEL} (the speaker does not run with --ignore-exclude-lb; nodeLabeledExcludeBalancers)`,
  nodeNetworkUnavailable: 'condition NetworkUnavailable=True (nodeNetworkUnavailable)',
  nodeUnschedulable: 'cordoned (spec.unschedulable), which MetalLB v0.14.9 alone takes for unavailable (nodeUnschedulable; see metallb-version-known-issue)',
  notMemberlistMember: 'no running speaker (not a memberlist member)',
  memberlistDisabled: 'memberlist is off, and MetalLB before v0.15.0 then elects no node in layer 2 (metallb#2425; see metallb-version-known-issue)',
  noLocalEndpoints: 'no serving endpoint of the Service on the node under externalTrafficPolicy: Local (noLocalEndpoints)',
  conflictingAdvertisements: 'the BGPAdvertisements selecting it disagree on LOCAL_PREF (conflictingAdvertisements; see bgp-localpref-conflict)',
  noEndpoints: 'no serving endpoint with an address (noEndpoints)',
  noSpeaker: 'no running speaker',
  electedWithoutSpeaker: 'wins the layer 2 election but runs no speaker; with memberlist disabled no other node takes over',
  endpointNodeNotSelected: 'hosts a serving endpoint, but no advertisement matching the Service selects it',
};

interface Groups {
  protocol: 'layer 2' | 'BGP';
  ads: NodeScope[];
  byReason: Map<NodeReason, string[]>;
}

function add(g: Groups, reason: NodeReason, node: string): void {
  const l = g.byReason.get(reason);
  if (l) l.push(node);
  else g.byReason.set(reason, [node]);
}

/** Nodes that host a serving endpoint of the Service (layer 2's notion: addresses not required). */
function endpointNodes(state: ClusterState, svc: KubeObject, withAddresses: boolean): Set<string> {
  const eps = serviceEndpoints(state, serviceNamespace(svc), svc.metadata?.name ?? '');
  return new Set(eps.filter((e) => e.canServe && (!withAddresses || e.hasAddresses) && e.nodeName !== undefined).map((e) => e.nodeName!));
}

/** The names of a scope as a set, built once per advertisement (results share each scope's array). */
const scopeSets = new WeakMap<readonly string[], ReadonlySet<string>>();
function scopeSet(names: readonly string[]): ReadonlySet<string> {
  let set = scopeSets.get(names);
  if (!set) scopeSets.set(names, (set = new Set(names)));
  return set;
}

/** Whether a node is in any of the scopes, without scanning a 5,000-name list per node. */
function scopeNodes(a: Announcement, scopes: readonly NodeScope[]): { has(node: string): boolean } {
  if (scopes.some((s) => s.nodes === 'all')) return nodesByName(a.input.nodes);
  const sets = scopes.map((s) => scopeSet(s.nodes as readonly string[]));
  return sets.length === 1 ? sets[0]! : { has: (n: string) => sets.some((x) => x.has(n)) };
}

function l2Groups(a: Announcement, r: AnnounceResult, silent: string | undefined, local: Set<string> | undefined): Groups {
  const l2 = r.l2!;
  const g: Groups = { protocol: 'layer 2', ads: l2.advertisements, byReason: new Map() };
  if (silent) add(g, 'electedWithoutSpeaker', silent);
  for (const e of l2.excluded) add(g, e.reason, e.node);
  if (local) {
    const selected = scopeNodes(a, l2.advertisements);
    for (const n of local) if (!selected.has(n) && nodesByName(a.input.nodes).has(n)) add(g, 'endpointNodeNotSelected', n);
  }
  return g;
}

function bgpGroups(a: Announcement, r: AnnounceResult, local: Set<string> | undefined): Groups {
  const b = r.bgp!;
  const g: Groups = { protocol: 'BGP', ads: b.advertisements, byReason: new Map() };
  const excluded = new Map(b.excluded.map((e) => [e.node, e.reason]));
  const localNodes = b.localEndpointNodes ? new Set(b.localEndpointNodes) : undefined;
  const selected = scopeNodes(a, b.advertisements);
  for (const n of a.input.nodes) {
    const name = n.metadata?.name ?? '';
    if (!selected.has(name)) continue;
    const ex = excluded.get(name);
    // BGPResult.excluded holds the node-specific reasons only (conflicting, network, label)
    if (ex) add(g, ex as NodeReason, name);
    else if (localNodes && !localNodes.has(name)) add(g, 'noLocalEndpoints', name);
    else if (!b.hasEndpoints) add(g, 'noEndpoints', name);
    else if (!hasRunningSpeaker(a, name)) add(g, 'noSpeaker', name);
  }
  if (local) for (const n of local) if (!selected.has(n) && nodesByName(a.input.nodes).has(n)) add(g, 'endpointNodeNotSelected', n);
  return g;
}

function groupText(a: Announcement, g: Groups): string {
  const ads = g.ads.filter((s) => scopeSize(a, s) > 0);
  const kind = g.protocol === 'BGP' ? 'BGPAdvertisement' : 'L2Advertisement';
  const head = `${g.protocol} (${ads.map((s) => `${kind} "${s.name}" selects ${s.nodes === 'all' ? 'every node' : `${s.nodes.length} node(s)`}`).join(', ')})`;
  const parts = [...g.byReason.entries()]
    // the largest groups first; noLocalEndpoints last, as the nodes that host the pods matter more
    .sort((x, y) => Number(x[0] === 'noLocalEndpoints') - Number(y[0] === 'noLocalEndpoints') || y[1].length - x[1].length)
    .map(([reason, nodes]) => `${namesText([...nodes].sort())}${nodes.length > 1 ? ` (${nodes.length} nodes)` : ''}: ${REASON_TEXT[reason]}`);
  return `${head}: ${parts.length > 0 ? parts.join('; ') : 'no node announces'}`;
}

function fixFor(groups: Groups[], svc: KubeObject, local: Set<string> | undefined): string {
  const count = new Map<NodeReason, number>();
  for (const g of groups) for (const [r, n] of g.byReason) count.set(r, (count.get(r) ?? 0) + n.length);
  const dominant = [...count.entries()].sort((x, y) => y[1] - x[1])[0]?.[0];
  const svcRef = `-n ${serviceNamespace(svc)} ${svc.metadata?.name ?? ''}`;
  // ETP Local and the pods run only where MetalLB may not announce: the pods or the label must move
  if (local && local.size > 0 && groups.some((g) => (g.byReason.get('nodeLabeledExcludeBalancers') ?? []).some((n) => local.has(n)))) {
    return `The Service's endpoints run only on nodes MetalLB may not announce from (externalTrafficPolicy: Local): move the pods to nodes the advertisements select and that lack ${EXCLUDE_LB_LABEL} (nodeSelector or affinity), or remove the label from their nodes (kubectl label node <node> ${EXCLUDE_LB_LABEL}-), or run the speaker with --ignore-exclude-lb (Helm: speaker.ignoreExcludeLB=true), or set externalTrafficPolicy: Cluster (kubectl patch svc ${svcRef} -p '{"spec":{"externalTrafficPolicy":"Cluster"}}').`;
  }
  switch (dominant) {
    case 'nodeLabeledExcludeBalancers':
      return `Remove the label from the nodes that should announce (kubectl label node <node> ${EXCLUDE_LB_LABEL}-), or run the speaker with --ignore-exclude-lb (Helm: speaker.ignoreExcludeLB=true); see node-excluded-from-lb.`;
    case 'nodeUnschedulable':
      return 'Uncordon the nodes once their maintenance is over (kubectl uncordon <node>), or upgrade MetalLB to v0.15.0 or later, which announces from cordoned nodes again.';
    case 'nodeNetworkUnavailable':
      return "Fix the nodes' network so that their NetworkUnavailable condition turns False (usually the CNI or the cloud route controller sets it; see node-network-unavailable), or let the advertisements select other nodes.";
    case 'notMemberlistMember':
    case 'noSpeaker':
      return 'Get the speaker running on the selected nodes (kubectl -n metallb-system get pods -o wide; see speaker-missing-on-node and speaker-unavailable), or let the advertisements select nodes that run it.';
    case 'memberlistDisabled':
      return 'Upgrade MetalLB to v0.15.0 or later, which elects among all nodes when memberlist is off, or enable memberlist (Helm: speaker.memberlist.enabled=true; METALLB_ML_BIND_ADDR and METALLB_ML_LABELS on the speaker).';
    case 'electedWithoutSpeaker':
      return 'Run the speaker on the elected node, or enable memberlist (METALLB_ML_BIND_ADDR and METALLB_ML_LABELS on the speaker) so that nodes without a running speaker drop out of the layer 2 election.';
    case 'conflictingAdvertisements':
      return 'Make the localPref of the BGPAdvertisements that select the same nodes agree (see bgp-localpref-conflict).';
    case 'noLocalEndpoints':
    case 'endpointNodeNotSelected':
      return `Under externalTrafficPolicy: Local only nodes with a serving endpoint announce: schedule the pods on nodes the advertisements select, extend the advertisements' nodeSelectors to the nodes running them${local && local.size > 0 ? ` (${namesText([...local].sort(), 5)})` : ''}, or set externalTrafficPolicy: Cluster.`;
    default:
      return 'Make at least one node selected by the advertisements eligible: see the reasons listed per node.';
  }
}

export default defineRule({
  meta: {
    id: 'service-no-announcing-node',
    severity: 'error',
    category: 'services',
    evidence: ['api'],
    description:
      'Advertisements match the Service and select nodes, but every one of those nodes is excluded (exclude label, NetworkUnavailable, no speaker, no local endpoint under Local policy): no node announces it.',
    fix: 'Make at least one selected node eligible: remove the exclude label or run the speaker with --ignore-exclude-lb, fix the node network, start the speaker, or move the endpoints.',
  },
  check({ state, report }) {
    const a = announcementOf(state);
    if (!a.applies) return;
    for (const { svc, announce: r } of a.byService.values()) {
      if (!r || r.reason !== undefined || !r.pool) continue;
      const l2 = l2Covers(a, r);
      const bgp = bgpCovers(a, r);
      // nothing covers: service-not-announced
      if (!l2 && !bgp) continue;
      // no endpoint with an address can serve: service-no-endpoints
      if (r.l2?.noServingEndpoints || !r.bgp?.hasEndpoints) continue;
      const who = announcingNodes(a, r);
      if (who.l2 || who.bgp.length > 0) continue;
      const etpLocal = asRecord(svc.spec).externalTrafficPolicy === 'Local';
      const local = etpLocal ? endpointNodes(state, svc, false) : undefined;
      // serving endpoints without a node name: service-endpoints-without-node
      if (local && local.size === 0) continue;
      const groups: Groups[] = [];
      if (l2) groups.push(l2Groups(a, r, who.l2Silent, local));
      if (bgp) groups.push(bgpGroups(a, r, etpLocal ? endpointNodes(state, svc, true) : undefined));
      const reasons = [...(l2 ? [`layer 2 ${r.l2!.winner ? 'elected node without a speaker' : (r.l2!.reason ?? 'notOwner')}`] : []), ...(bgp ? [`BGP ${r.bgp!.reason ?? 'no node with a running speaker'}`] : [])];
      const sharedNote = r.l2?.reason === 'sharedIPWithServiceSelector' ? ' (layer 2 is refused: sharedIPWithServiceSelector, see l2-shared-ip-service-selector)' : '';
      report({
        message: `Service ${serviceName(svc)} (${r.ips.join(', ')}, IPAddressPool "${r.pool}") is announced by no node although advertisements select nodes for it (${reasons.join(', ')})${sharedNote}: ${groups.map((g) => groupText(a, g)).join('. ')}`,
        subjects: [{ obj: svc }],
        evidence: [
          `externalTrafficPolicy: ${etpLocal ? 'Local' : 'Cluster'}`,
          ...(local ? [`nodes with a serving endpoint: ${local.size > 0 ? namesText([...local].sort()) : 'none'}`] : []),
          ...(r.l2?.winner ? [`layer 2 election for ${r.ips[0]}: ${namesText(r.l2.candidates)}`] : []),
          ...a.speaker.notes,
        ],
        fix: fixFor(groups, svc, local),
      });
    }
  },
});
