// The model's answers as cli.md's report sections: `services[]`, `pools[]`, `nodes[]`. Shared by
// simulate, explain and (later) diag. BGP announcer sets stay compact: a Service announced by
// thousands of nodes is "the nodes of these advertisements, except these", not a list.
import type { KubeObject } from '../sources/types.js';
import type { ClusterState } from '../state/cluster-state.js';
import { asArray, asRecord } from '../state/cluster-state.js';
import type { Finding } from './types.js';
import { simulationOf } from '../model/simulation.js';
import { announcementOf, announcingNodes, hasRunningSpeaker } from '../model/announcement.js';
import { adsOfPool, inAnyScope, inScope, isCordoned, isExcludedFromBalancers, isNetworkUnavailable, nodesByName, excludedNames } from '../model/announce/common.js';
import { carries, type AnnounceResult, type BGPPrefix, type BGPResult, type BGPSession, type NodeScope } from '../model/announce/index.js';

/** BGP announcers are listed node by node up to this many; above it, one compact entry. */
export const BGP_LIST_LIMIT = 16;

export interface AnnouncerView {
  /** the node, or "*" for a compact set (see nodes/except/count) */
  node: string;
  protocol: 'layer2' | 'bgp';
  /** BGP: the BGPPeer sessions the node sends the routes to */
  peers?: string[];
  /** layer 2: the interfaces it answers on (absent: all) */
  interfaces?: string[];
  /** compact BGP: how many nodes announce */
  count?: number;
  /** compact BGP: the advertisements whose nodes announce */
  advertisements?: string[];
  /**
   * compact BGP: nodes of those advertisements (under Local policy: of those with a local endpoint)
   * left out for this Service's own reasons; nodes that never announce are in nodes[] (excludedBy)
   */
  except?: string[];
}

export type ServiceState = 'announced' | 'not-announced' | 'pending' | 'ignored' | 'assigned';

export interface ServiceView {
  namespace: string;
  name: string;
  ips: string[];
  /** diag's sections: the ports, as `80/TCP` */
  ports?: string[];
  pool?: string;
  /** `assigned`: it has an address, but the input lacks what says who announces it (Nodes, EndpointSlices) */
  state: ServiceState;
  announcers: AnnouncerView[];
  /** ids of the error/critical findings about this Service */
  rules: string[];
  alternatives?: { pool: string; ips: string[] }[];
  /** MetalLB's reason and error text when pending or ignored */
  reason?: string;
  message?: string;
  /** BGP prefixes announced (each with its advertisement) */
  prefixes?: { prefix: string; advertisement: string; localPref?: number; communities: string[]; peers: string[] | 'all' }[];
  notes?: string[];
}

export interface PoolView {
  name: string;
  addresses: string[];
  capacity: { ipv4: bigint; ipv6: bigint };
  used: { ipv4: bigint; ipv6: bigint };
  advertisedBy: { l2: string[]; bgp: string[] };
  autoAssign: boolean;
  avoidBuggyIPs: boolean;
}

export interface NodeView {
  name: string;
  speaker: 'ready' | 'not-ready' | 'missing' | 'unknown';
  announces: boolean;
  excludedBy: string[];
}

const key = (svc: KubeObject) => `${svc.metadata?.namespace || 'default'}/${svc.metadata?.name ?? ''}`;

/** Which error/critical findings concern each Service (by namespace/name). */
export function blockingRules(findings: readonly Finding[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const f of findings) {
    if (f.severity !== 'error' && f.severity !== 'critical') continue;
    for (const o of f.objects) {
      if (o.kind !== 'Service') continue;
      const k = `${o.namespace || 'default'}/${o.name}`;
      const l = out.get(k) ?? [];
      if (!l.includes(f.rule)) l.push(f.rule);
      out.set(k, l);
    }
  }
  return out;
}

/**
 * The BGP announcers of a Service, after `first` (its layer 2 announcer) when given: one array per
 * Service, of its final length where the count is known.
 */
function announcerList(r: AnnounceResult, announcing: readonly string[], first: AnnouncerView | undefined): AnnouncerView[] {
  const bgp = r.bgp;
  if (!bgp || bgp.announcingCount === 0) return first ? [first] : [];
  if (bgp.announcingCount <= BGP_LIST_LIMIT) {
    const out: AnnouncerView[] = first ? [first] : [];
    // advertisements and sessions on every node (the usual case): each node's peers are the Service's
    const everywhere = bgp.advertisements.every((s) => s.nodes === 'all') && bgp.sessions.every((s) => s.nodes === 'all');
    const shared = everywhere ? peersOf(bgp) : undefined;
    for (const node of announcing) out.push({ node, protocol: 'bgp', peers: shared ?? peersFor(bgp, node) });
    return out;
  }
  const { count, except } = compactScope(r, announcing);
  // in the report contract's key order (node, protocol, peers, then the rest): printed as built
  const entry: AnnouncerView = { node: '*', protocol: 'bgp', peers: peersOf(bgp), count, advertisements: namesOf(bgp.advertisements), except };
  return first ? [first, entry] : [entry];
}

/** The sessions of a node that some of its prefixes go to (the advertisement's peers, the session's families). */
function peersFor(bgp: BGPResult, node: string): string[] {
  const mine = new Set(bgp.advertisements.filter((s) => inScope(s, node)).map((s) => s.name));
  const prefixes = bgp.prefixes.filter((p) => mine.has(p.advertisement));
  return bgp.sessions.filter((s) => inScope(s, node) && sends(s, prefixes)).map((s) => s.name);
}

/** Whether some of these prefixes go to a session. */
const sends = (s: BGPSession, prefixes: readonly BGPPrefix[]): boolean => prefixes.some((p) => (p.peers === 'all' || p.peers.includes(s.name)) && carries(s, p.prefix));

/** The sessions some of these prefixes go to. */
function sentTo(sessions: readonly BGPSession[], prefixes: readonly BGPPrefix[]): string[] {
  return sessions.filter((s) => sends(s, prefixes)).map((s) => s.name);
}

// Prefixes without a peers list go to every session that carries one of their families: per list
// of sessions (one per model), the answer for each set of families, shared by the Services
const toEverySession = new WeakMap<readonly BGPSession[], (readonly string[] | undefined)[]>();
/** The sessions some prefix of the Service goes to, on a node holding every session. */
function peersOf(bgp: BGPResult): string[] {
  let families = 0;
  for (const p of bgp.prefixes) {
    if (p.peers !== 'all') return sentTo(bgp.sessions, bgp.prefixes);
    families |= p.prefix.includes(':') ? 2 : 1;
  }
  let byFamilies = toEverySession.get(bgp.sessions);
  if (!byFamilies) toEverySession.set(bgp.sessions, (byFamilies = []));
  return (byFamilies[families] ??= Object.freeze(sentTo(bgp.sessions, bgp.prefixes))) as string[];
}

// the matching advertisements' list is shared by the Services of one pool that match the same ones
const scopeNames = new WeakMap<readonly NodeScope[], readonly string[]>();
function namesOf(scopes: readonly NodeScope[]): string[] {
  let names = scopeNames.get(scopes);
  if (!names) scopeNames.set(scopes, (names = Object.freeze(scopes.map((s) => s.name))));
  return names as string[];
}

const NODE_WIDE = new Set<string>(['nodeUnschedulable', 'nodeNetworkUnavailable', 'nodeLabeledExcludeBalancers']);
const ownReasons = new WeakMap<object, ReadonlySet<string>>();
/** The nodes of an exclusion list left out for a reason of their own advertisements (not one that holds for every Service). */
function ownReasonNodes(excluded: readonly { node: string; reason: string }[]): ReadonlySet<string> {
  let s = ownReasons.get(excluded);
  if (!s) ownReasons.set(excluded, (s = new Set(excluded.filter((x) => !NODE_WIDE.has(x.reason)).map((x) => x.node))));
  return s;
}

// A compact set is told by the model's own list of the nodes that announce (for Cluster policy one
// list per announcement, shared by its Services; for Local policy the few nodes with an endpoint):
// its length is the count. The exclusion list holds only nodes inside the advertisements' scopes, so
// the nodes left out for this Service's own reasons are those of the list (under Local policy, those
// with a local endpoint): no walk over every node per Service.
const sortedOwn = new WeakMap<object, string[]>();
function compactScope(r: AnnounceResult, announcing: readonly string[]): { count: number; except: string[] } {
  const bgp = r.bgp!;
  const own = ownReasonNodes(bgp.excluded);
  let except: string[];
  if (own.size === 0) except = [];
  else if (bgp.localEndpointNodes) except = bgp.localEndpointNodes.filter((n) => own.has(n)).sort();
  else {
    let all = sortedOwn.get(bgp.excluded);
    if (!all) sortedOwn.set(bgp.excluded, (all = [...own].sort()));
    except = all;
  }
  return { count: announcing.length, except };
}

/**
 * The view of one Service; `ports` (diag's sections show them) come after the addresses. Keys are
 * set in the report contract's order, so that the JSON renderer prints the view as it is.
 */
export function serviceView(state: ClusterState, svc: KubeObject, blocking: ReadonlyMap<string, string[]> = new Map(), ports?: string[]): ServiceView {
  const a = announcementOf(state);
  const entry = a.byService.get(svc);
  const result = entry?.result ?? simulationOf(state).byService.get(svc)!;
  // set one by one, not spread: 20,000 views (twice for a what-if)
  const view = { namespace: svc.metadata?.namespace || 'default', name: svc.metadata?.name ?? '', ips: result.ips } as ServiceView;
  if (ports) view.ports = ports;
  if (result.pool) view.pool = result.pool;
  view.state = 'pending';
  view.announcers = [];
  // no key to build when no finding blocks any Service
  view.rules = (blocking.size > 0 ? blocking.get(key(svc)) : undefined) ?? [];
  if (result.state !== 'ignored' && !state.isCaptured('IPAddressPool', state.metallb.namespace)) {
    // without the pools the allocation is not computed: the addresses the Service holds, never "no IPAddressPool"
    const held = asArray(asRecord(asRecord(svc.status).loadBalancer).ingress).map((i) => asRecord(i).ip).filter((ip): ip is string => typeof ip === 'string');
    view.ips = held;
    delete view.pool;
    view.state = held.length > 0 ? 'assigned' : 'pending';
    view.message = 'the IPAddressPools are not in the input: the allocation is not computed';
    return view;
  }
  if (result.alternatives && result.alternatives.length > 1) view.alternatives = result.alternatives;
  if (result.state === 'ignored' || result.state === 'pending') {
    view.state = result.state;
    if (result.reason) view.reason = result.reason;
    if (result.message) view.message = result.message;
  } else if (!a.applies || !entry?.announce) {
    view.state = 'assigned';
  } else {
    const r = entry.announce;
    const who = announcingNodes(a, r);
    const l2: AnnouncerView | undefined = who.l2 ? (r.l2?.interfaces ? { node: who.l2, protocol: 'layer2', interfaces: r.l2.interfaces } : { node: who.l2, protocol: 'layer2' }) : undefined;
    view.announcers = announcerList(r, who.bgp, l2);
    view.state = view.announcers.length > 0 ? 'announced' : 'not-announced';
    if (r.bgp && r.bgp.announcingCount > 0 && r.bgp.prefixes.length > 0) view.prefixes = r.bgp.prefixes;
  }
  if (result.notes?.length) view.notes = result.notes;
  return view;
}

export function poolViews(state: ClusterState): PoolView[] {
  const sim = simulationOf(state);
  const usage = new Map(sim.output.pools.map((u) => [u.pool, u]));
  const pools = state.metallbObjects('IPAddressPool');
  const names = (ads: readonly KubeObject[]) => ads.map((x) => x.metadata?.name ?? '');
  return sim.pools.map((p) => {
    const u = usage.get(p.name);
    return {
      name: p.name,
      addresses: (Array.isArray(asRecord(p.obj.spec).addresses) ? (asRecord(p.obj.spec).addresses as unknown[]) : []).map(String),
      capacity: u?.capacity ?? { ipv4: 0n, ipv6: 0n },
      used: u?.used ?? { ipv4: 0n, ipv6: 0n },
      advertisedBy: {
        l2: names(adsOfPool(state.metallbObjects('L2Advertisement'), pools, p.obj)),
        bgp: names(adsOfPool(state.metallbObjects('BGPAdvertisement'), pools, p.obj)),
      },
      autoAssign: p.autoAssign,
      avoidBuggyIPs: p.avoidBuggyIPs,
    };
  });
}

/** Per node: its speaker, whether it announces any Service, and what keeps it from announcing. */
export function nodeViews(state: ClusterState): NodeView[] {
  const a = announcementOf(state);
  if (!state.isCaptured('Node')) return [];
  const announcing = new Set<string>();
  const scopeMemo = new Set<string>();
  const listsSeen = new WeakSet<object>();
  const byName = nodesByName(a.input.nodes);
  // the nodes not yet seen announcing: a scope looks only at those, and once none is left no scope can add one
  const pending = new Set(byName.keys());
  const mark = (n: string) => {
    announcing.add(n);
    pending.delete(n);
  };
  // a node no longer pending announces already, and only the Node objects' names are asked: once
  // none is pending no Service can change the answer
  for (const e of a.byService.values()) {
    if (pending.size === 0) break;
    const r = e.announce;
    if (!r) continue;
    const w = r.l2?.winner;
    if (w && pending.has(w)) mark(w);
    const bgp = r.bgp;
    if (!bgp || bgp.announcingCount === 0) continue;
    if (bgp.localEndpointNodes) {
      for (const n of bgp.localEndpointNodes) if (pending.has(n) && !excludedNames(bgp.excluded).has(n) && inAnyScope(bgp.advertisements, n)) mark(n);
      continue;
    }
    // Services of the same advertisements and exclusions announce from the same nodes: once each
    // (the announcement shares one exclusion list among advertisements of the same nodes: seen once, no key to build)
    if (listsSeen.has(bgp.excluded)) continue;
    listsSeen.add(bgp.excluded);
    const k = bgp.advertisements.map((s) => s.name).join('\u0000') + '\u0001' + bgp.excluded.map((x) => x.node).join('\u0000');
    if (scopeMemo.has(k)) continue;
    scopeMemo.add(k);
    const excluded = excludedNames(bgp.excluded);
    for (const n of pending) if (!excluded.has(n) && inAnyScope(bgp.advertisements, n)) mark(n);
  }
  return a.input.nodes.map((n) => {
    const name = n.metadata?.name ?? '';
    const pod = a.speaker.pods?.get(name);
    const speaker: NodeView['speaker'] = !a.speaker.pods ? 'unknown' : !pod ? 'missing' : pod.running && pod.ready ? 'ready' : 'not-ready';
    const excludedBy: string[] = [];
    if (a.input.cordonedUnavailable && isCordoned(n)) excludedBy.push('cordoned (MetalLB v0.14.9)');
    if (a.input.networkUnavailable !== false && isNetworkUnavailable(n)) excludedBy.push('NetworkUnavailable');
    if (!a.speaker.ignoreExcludeLB && a.input.excludeLabel !== false && isExcludedFromBalancers(n)) excludedBy.push('node.kubernetes.io/exclude-from-external-load-balancers');
    if (a.speaker.pods && !pod?.running) excludedBy.push('no running speaker');
    return { name, speaker, announces: announcing.has(name) && hasRunningSpeaker(a, name), excludedBy };
  });
}
