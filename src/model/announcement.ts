// The speakers' decision run once over a ClusterState (metallb-semantics.md 4): for every Service
// the allocator gives an address (or lets keep one), which nodes announce it and how. Shared by
// the announcement rules, `simulate` and `explain` (memoised per state).
import type { KubeObject } from '../sources/types.js';
import type { ClusterState } from '../state/cluster-state.js';
import { asArray, asRecord } from '../state/cluster-state.js';
import { argValue, boolFlag, containers, versionAtLeast, versionBefore } from '../state/installation.js';
import { normalizeBGPPeer } from './bgppeer-conversion.js';
import { announceAt, type AnnounceInput, type AnnounceResult } from './announce/index.js';
import { parseIP, type IP } from './address.js';
import { endpointsOf, excludedNames, inAnyScope, type Endpoint, type EndpointConditionRule } from './announce/common.js';
import { matchesLabels, parseLabelSelector } from './label-selector-text.js';
import { simulationOf } from './simulation.js';
import type { ServiceResult } from './allocator/index.js';

export type Memberlist =
  /** memberlist on: members approximated by the nodes with a running speaker pod */
  | { mode: 'enabled'; members: ReadonlySet<string> }
  /** memberlist on, but the speaker pods are not in the input: every node taken as a member */
  | { mode: 'enabled-unknown-members' }
  /** memberlist off (--ml-bindaddr or --ml-labels unset): every Node counts */
  | { mode: 'disabled' };

export interface SpeakerView {
  /** nodes with a speaker pod, and whether it is running and ready; undefined when Pods are not in the input */
  pods?: ReadonlyMap<string, { pod: KubeObject; running: boolean; ready: boolean }>;
  memberlist: Memberlist;
  ignoreExcludeLB: boolean;
  /**
   * Memberlist on, and the speaker pods in the input: the label selector the speakers find each
   * other by (METALLB_ML_LABELS / --ml-labels), and the running speaker pods it selects (none: each
   * speaker forms a memberlist alone). `error`: the API server refuses the selector.
   */
  memberlistLabels?: { selector: string; matching: KubeObject[]; error?: string };
  /** the speaker's arguments as read, for evidence */
  notes: string[];
}

export interface ServiceAnnouncement {
  svc: KubeObject;
  result: ServiceResult;
  /** undefined when the Service gets no address (pending, ignored) */
  announce?: AnnounceResult;
}

export interface Announcement {
  /** Nodes, EndpointSlices, Services, and the pools and advertisements are all in the input */
  applies: boolean;
  /** what is missing when it does not apply */
  missing: string[];
  input: AnnounceInput;
  speaker: SpeakerView;
  byService: Map<KubeObject, ServiceAnnouncement>;
}

const cache = new WeakMap<ClusterState, Announcement>();

function isSpeakerPod(pod: KubeObject, ns: string): boolean {
  if ((pod.metadata?.namespace ?? '') !== ns) return false;
  const l = pod.metadata?.labels ?? {};
  if (l['app.kubernetes.io/component'] === 'speaker' && (l['app.kubernetes.io/name'] ?? '').includes('metallb')) return true;
  if (l.app === 'metallb' && l.component === 'speaker') return true;
  return asArray(asRecord(pod.spec).containers).some((c) => /(^|\/)metallb\/speaker(:|@|$)/.test(String(asRecord(c).image ?? '')));
}

/**
 * Whether the speaker process runs: the pod is Running and its speaker container (when the pod
 * reports container states) is running too. A crash-looping speaker leaves its pod Running, but
 * between restarts it is no memberlist member, answers no ARP and holds no BGP session. A pod
 * being deleted (a rollout, a drained node) has left the memberlist already.
 */
function speakerRunning(pod: KubeObject): boolean {
  const status = asRecord(pod.status);
  if (status.phase !== 'Running') return false;
  // being deleted: the speaker got SIGTERM, left the memberlist and stops (speaker/main.go)
  if (pod.metadata?.deletionTimestamp) return false;
  const statuses = asArray(status.containerStatuses).map(asRecord);
  const speaker = statuses.find((c) => c.name === 'speaker') ?? statuses.find((c) => /(^|\/)metallb\/speaker(:|@|$)/.test(String(c.image ?? '')));
  if (!speaker) return true;
  const state = asRecord(speaker.state);
  return state.running !== undefined && state.running !== null;
}

function podReady(pod: KubeObject): boolean {
  return asArray(asRecord(pod.status).conditions).some((c) => asRecord(c).type === 'Ready' && asRecord(c).status === 'True');
}

function envValue(c: Record<string, unknown>, name: string): string | undefined {
  for (const e of asArray(c.env)) {
    const r = asRecord(e);
    // a valueFrom (the pod IP for METALLB_ML_BIND_ADDR) counts as set
    if (r.name === name) return typeof r.value === 'string' ? r.value : r.valueFrom !== undefined ? '<from field>' : undefined;
  }
  return undefined;
}

/**
 * The speaker's view: its pods per node, memberlist, --ignore-exclude-lb (speaker/main.go flags).
 * Read once per state (the model and the rules that ask share it: a large cluster has 5,000
 * speaker pods); never changed once read.
 */
const speakerViews = new WeakMap<ClusterState, SpeakerView>();
export function speakerViewOf(state: ClusterState): SpeakerView {
  let view = speakerViews.get(state);
  if (!view) speakerViews.set(state, (view = readSpeakerView(state)));
  return view;
}

function readSpeakerView(state: ClusterState): SpeakerView {
  const notes: string[] = [];
  const ds = state.metallb.speaker;
  const main = ds ? (containers(ds).find((c) => String(c.image ?? '').includes('metallb/speaker')) ?? containers(ds)[0]) : undefined;
  let ignoreExcludeLB = false;
  let memberlist: Memberlist = { mode: 'enabled-unknown-members' };
  let pods: Map<string, { pod: KubeObject; running: boolean; ready: boolean }> | undefined;
  if (state.isCaptured('Pod', state.metallb.namespace)) {
    pods = new Map();
    for (const p of state.inNamespace('Pod', state.metallb.namespace) ?? state.all('Pod')) {
      if (!isSpeakerPod(p, state.metallb.namespace)) continue;
      const node = asRecord(p.spec).nodeName;
      if (typeof node !== 'string' || node === '') continue;
      const running = speakerRunning(p);
      const prev = pods.get(node);
      // a node with an old and a new pod (rollout): the running one speaks
      if (!prev || (!prev.running && running)) pods.set(node, { pod: p, running, ready: podReady(p) });
    }
  }
  if (main) {
    ignoreExcludeLB = boolFlag(main, 'ignore-exclude-lb') === true;
    if (ignoreExcludeLB) notes.push('the speaker runs with --ignore-exclude-lb: the exclude-from-external-load-balancers label is ignored');
    const bind = argValue(main, 'ml-bindaddr') ?? envValue(main, 'METALLB_ML_BIND_ADDR');
    const labels = argValue(main, 'ml-labels') ?? envValue(main, 'METALLB_ML_LABELS');
    if (!bind || !labels) {
      memberlist = { mode: 'disabled' };
      const silent = memberlistOffSilence(state.metallb.version).memberlistOffSilences;
      notes.push(
        silent
          ? `memberlist is disabled (the speaker has no ml-bindaddr or ml-labels), and MetalLB ${state.metallb.version} then elects no node in layer 2${silent === 'cluster-policy' ? ' for a Service under externalTrafficPolicy Cluster' : ''} (metallb#2425, fixed in v0.15.0)`
          : 'memberlist is disabled (the speaker has no ml-bindaddr or ml-labels): every Node counts in the layer 2 election, with a speaker or not',
      );
    }
  } else {
    notes.push('the speaker DaemonSet is not in the input: memberlist taken as enabled (the default) and --ignore-exclude-lb as unset');
  }
  let memberlistLabels: SpeakerView['memberlistLabels'];
  if (memberlist.mode !== 'disabled') {
    if (pods) {
      const members = new Set<string>();
      for (const [node, p] of pods) if (p.running) members.add(node);
      memberlist = { mode: 'enabled', members };
      const selector = main ? (argValue(main, 'ml-labels') ?? envValue(main, 'METALLB_ML_LABELS')) : undefined;
      if (selector !== undefined && selector !== '<from field>') {
        memberlistLabels = speakersSelected(selector, [...pods.values()].filter((p) => p.running).map((p) => p.pod));
        if (memberlistLabels.matching.length === 0 && members.size > 1) {
          notes.push(
            `the speakers find each other by the labels ${selector}, which ${memberlistLabels.error ? 'the API server refuses' : 'select no running speaker pod'}: each speaker forms a memberlist alone and answers for every layer 2 address it may announce (split brain; see memberlist-labels-mismatch); the election shown is what a working memberlist would do`,
          );
        }
      }
    } else {
      notes.push("the speaker pods are not in the input: every node is taken to be a memberlist member");
    }
  }
  return { ...(pods ? { pods } : {}), memberlist, ignoreExcludeLB, ...(memberlistLabels ? { memberlistLabels } : {}), notes };
}

/** The speaker pods a memberlist label selector lists (speakerlist.go: PodIPs by label selector). */
function speakersSelected(selector: string, running: KubeObject[]): NonNullable<SpeakerView['memberlistLabels']> {
  try {
    const reqs = parseLabelSelector(selector);
    return { selector, matching: running.filter((p) => matchesLabels(reqs, p.metadata?.labels)) };
  } catch (e) {
    return { selector, matching: [], error: (e as Error).message };
  }
}

/** AnnounceInput over a state (MetalLB's configuration as MetalLB sees it). */
export function announceInputOf(state: ClusterState, speaker: SpeakerView): AnnounceInput {
  return {
    nodes: state.isCaptured('Node') ? state.all('Node') : [],
    pools: state.metallbObjects('IPAddressPool'),
    l2Advertisements: state.metallbObjects('L2Advertisement'),
    bgpAdvertisements: state.metallbObjects('BGPAdvertisement'),
    peers: state.metallbObjects('BGPPeer').map(normalizeBGPPeer),
    communities: state.metallbObjects('Community'),
    endpointSlices: (ns, name) => state.endpointSlicesFor(ns, name),
    ...(speaker.memberlist.mode === 'enabled' ? { memberlistMembers: speaker.memberlist.members } : {}),
    ignoreExcludeLB: speaker.ignoreExcludeLB,
    refuseSharedIPWithServiceSelectors: refusesSharedIPSelectors(state.metallb.version),
    serviceSelectors: hasServiceSelectorsField(state.metallb.version),
    excludeLabel: versionAtLeast(state.metallb.version, 0, 14) ?? true,
    networkUnavailable: versionAtLeast(state.metallb.version, 0, 13, 10) ?? true,
    preferredNodes: versionAtLeast(state.metallb.version, 0, 16, 2) ?? true,
    cordonedUnavailable: cordonedIsUnavailable(state.metallb.version),
    multiprotocolSessions: multiprotocolSessions(state.metallb.bgpBackend, state.metallb.version),
    ...(speaker.memberlist.mode === 'disabled' ? memberlistOffSilence(state.metallb.version) : {}),
    endpointConditions: endpointConditionRule(state.metallb.version),
    bgpAddressVeto: versionAtLeast(state.metallb.version, 0, 16) === false,
    elections: electionsOf(state),
  };
}

/** The layer-2 winners of a state's lineage (the state and the what-ifs derived from it). */
const elections = new WeakMap<object, Map<string, Map<string, string>>>();
function electionsOf(state: ClusterState): Map<string, Map<string, string>> {
  let m = elections.get(state.lineage);
  if (!m) elections.set(state.lineage, (m = new Map()));
  return m;
}

/** How the speaker of a release reads endpoint conditions (EndpointConditionRule); unknown versions are taken as the newest. */
export function endpointConditionRule(version: string | undefined): EndpointConditionRule {
  if (versionAtLeast(version, 0, 14) === false) return 'ready';
  if (versionAtLeast(version, 0, 14, 5) === false) return 'serving';
  return 'canServe';
}

/** The endpoints of a Service as the state's MetalLB release reads them. */
export function serviceEndpoints(state: ClusterState, namespace: string, name: string): Endpoint[] {
  return endpointsOf(state.endpointSlicesFor(namespace, name), endpointConditionRule(state.metallb.version));
}

/** v0.14.9 alone took a cordoned node for unavailable (PR #2715, reverted in v0.15.0). */
export function cordonedIsUnavailable(version: string | undefined): boolean {
  return (versionAtLeast(version, 0, 14, 9) ?? false) && (versionBefore(version, 0, 15) ?? false);
}

/**
 * With memberlist off, speakers before v0.15.0 find no usable speaker (UsableSpeakers() returns
 * nil): from v0.13.0 no node is a layer 2 candidate; v0.11.0 to v0.12.x still took the nodes of
 * the endpoints under externalTrafficPolicy Local. Fixed in v0.15.0 (d44289c, metallb#2425).
 */
export function memberlistOffSilence(version: string | undefined): Pick<AnnounceInput, 'memberlistOffSilences'> {
  if (!(versionBefore(version, 0, 15) ?? false) || !(versionAtLeast(version, 0, 11) ?? false)) return {};
  return { memberlistOffSilences: (versionAtLeast(version, 0, 13) ?? false) ? 'all' : 'cluster-policy' };
}

/**
 * FRR and FRR-K8s before v0.15.0 activate both address families on every neighbor (unless
 * disableMP); v0.15.0 sends a neighbor its own family only (dualStackAddressFamily came then).
 * Native sessions never carried IPv6. Unknown versions are taken as the newest.
 */
export function multiprotocolSessions(backend: string | undefined, version: string | undefined): boolean {
  return (backend === 'frr' || backend === 'frr-k8s') && (versionBefore(version, 0, 15) ?? false);
}

/** L2Advertisement and BGPAdvertisement serviceSelectors came with v0.16.0; unknown versions are taken as the newest. */
export function hasServiceSelectorsField(version: string | undefined): boolean {
  return versionAtLeast(version, 0, 16) ?? true;
}

/** The refusal came after v0.16.1 (commit "Deny allow-shared-ip with serviceSelectors on L2"); unknown versions are taken as the newest. */
export function refusesSharedIPSelectors(version: string | undefined): boolean {
  return versionAtLeast(version, 0, 16, 2) ?? true;
}

export function announcementOf(state: ClusterState): Announcement {
  let a = cache.get(state);
  if (a) return a;
  const speaker = speakerViewOf(state);
  const input = announceInputOf(state, speaker);
  // without the advertisements no one can say which node announces: absent is not "none"
  const metallbKinds = new Set(['IPAddressPool', 'L2Advertisement', 'BGPAdvertisement']);
  const missing = ['Node', 'EndpointSlice', 'Service', 'IPAddressPool', 'L2Advertisement', 'BGPAdvertisement'].filter((k) =>
    k === 'EndpointSlice' ? !state.endpointSlicesCaptured() : !state.isCaptured(k, metallbKinds.has(k) ? state.metallb.namespace : undefined),
  );
  const byService = new Map<KubeObject, ServiceAnnouncement>();
  const sim = simulationOf(state);
  for (const [svc, result] of sim.byService) {
    const entry: ServiceAnnouncement = { svc, result };
    if ((result.state === 'allocated' || result.state === 'kept') && result.ips.length > 0) {
      // the speakers read the addresses the controller writes to the status: the allocator's,
      // already in Go's canonical text
      const parsed = result.ips.map((t) => parseIP(t));
      entry.announce = parsed.every((ip) => ip !== undefined)
        ? announceAt(input, svc, svc.metadata?.namespace || 'default', parsed as IP[], [...result.ips])
        : { ips: [], reason: 'invalidIP' };
    }
    byService.set(svc, entry);
  }
  a = { applies: missing.length === 0, missing, input, speaker, byService };
  cache.set(state, a);
  return a;
}

const clusterAnnouncers = new WeakMap<object, readonly string[]>();
const nodeIndexes = new WeakMap<readonly KubeObject[], Map<string, number>>();
function nodeIndex(nodes: readonly KubeObject[]): Map<string, number> {
  let m = nodeIndexes.get(nodes);
  if (!m) {
    m = new Map();
    nodes.forEach((n, i) => m!.set(n.metadata?.name ?? '', i));
    nodeIndexes.set(nodes, m);
  }
  return m;
}

/** Drops a state's announcement (a what-if's baseline, once its views are taken): it is large. */
export function releaseAnnouncement(state: ClusterState): void {
  cache.delete(state);
}

/** Whether a node runs a speaker (true when the speaker pods are not in the input: unknown is not absent). */
export function hasRunningSpeaker(a: Announcement, node: string): boolean {
  return !a.speaker.pods || a.speaker.pods.get(node)?.running === true;
}

/**
 * Every node that announces the Service, by protocol (BGP expanded: use for one Service, not all).
 * A node the election picks but that runs no speaker announces nothing: `l2Silent` names it.
 */
export function announcingNodes(a: Announcement, r: AnnounceResult): { l2?: string; l2Silent?: string; bgp: readonly string[] } {
  // asked of one Service by its view and by several rules: computed once (a result belongs to one announcement)
  let hit = announcersMemo.get(r);
  if (!hit) announcersMemo.set(r, (hit = computeAnnouncingNodes(a, r)));
  return hit;
}

const announcersMemo = new WeakMap<AnnounceResult, { l2?: string; l2Silent?: string; bgp: readonly string[] }>();

function computeAnnouncingNodes(a: Announcement, r: AnnounceResult): { l2?: string; l2Silent?: string; bgp: readonly string[] } {
  let bgp: readonly string[] = [];
  const b = r.bgp;
  if (b && b.announcingCount > 0 && b.hasEndpoints) {
    if (b.localEndpointNodes) {
      // Local policy: the few nodes with a local endpoint, in node order (sorted only when their
      // names are not in it already)
      const excluded = excludedNames(b.excluded);
      const index = nodeIndex(a.input.nodes);
      const nodes: string[] = [];
      let last = -1;
      let sorted = true;
      for (const n of b.localEndpointNodes) {
        const i = index.get(n);
        if (i === undefined || excluded.has(n) || !inAnyScope(b.advertisements, n) || !hasRunningSpeaker(a, n)) continue;
        if (i < last) sorted = false;
        last = i;
        nodes.push(n);
      }
      bgp = sorted ? nodes : nodes.sort((x, y) => index.get(x)! - index.get(y)!);
    } else {
      // Cluster policy: every eligible node of the advertisements; the same for every Service whose
      // advertisements select the same nodes (their exclusions are one shared list), so computed once for them all
      let hit = clusterAnnouncers.get(b.excluded);
      if (!hit) {
        const excluded = excludedNames(b.excluded);
        const names: string[] = [];
        for (const n of a.input.nodes) {
          const name = n.metadata?.name ?? '';
          if (!excluded.has(name) && inAnyScope(b.advertisements, name) && hasRunningSpeaker(a, name)) names.push(name);
        }
        hit = Object.freeze(names);
        clusterAnnouncers.set(b.excluded, hit);
      }
      bgp = hit;
    }
  }
  const w = r.l2?.winner;
  if (w && !hasRunningSpeaker(a, w)) return { l2Silent: w, bgp };
  // literals, not a spread of the optional field (asked for every Service's view)
  return w ? { l2: w, bgp } : { bgp };
}
