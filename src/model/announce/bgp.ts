// BGP announcement (speaker/bgp_controller.go ShouldAnnounce, SetBalancer, syncPeers;
// metallb-semantics.md 4.4). Every node decides alone and every node that passes announces (ECMP),
// so the result names node sets (advertisements' and peers' node scopes) instead of listing nodes.
import type { KubeObject } from '../../sources/types.js';
import { parseIP, formatIP, familyBits } from '../address.js';
import { localPrefCompatible } from '../config/advertisements.js';
import { communityAliases } from '../config/communities.js';
import { selectedPools } from '../advertisements.js';
import {
  type AnnounceInput,
  type Endpoint,
  type NodeScope,
  adMatchesService,
  adsOfPool,
  hasServiceSelectors,
  inScope,
  nodeLevelReason,
  list,
  nameOf,
  nodeSetOf,
  rec,
  strings,
} from './common.js';

/** MetalLB's withdraw reasons, in the order ShouldAnnounce checks them. */
export const BGP_REASONS = [
  'notOwner',
  'noMatchingAdvertisement',
  'conflictingAdvertisements',
  'nodeUnschedulable',
  'nodeNetworkUnavailable',
  'nodeLabeledExcludeBalancers',
  'noLocalEndpoints',
  'noEndpoints',
] as const;
export type BGPReason = (typeof BGP_REASONS)[number];

export interface BGPPrefix {
  /** the ingress IP masked to the advertisement's aggregation length, e.g. 10.0.0.0/24 */
  prefix: string;
  /** the BGPAdvertisement it comes from: announced by the nodes of that advertisement that announce */
  advertisement: string;
  /** LOCAL_PREF (unset when 0; only iBGP sessions carry it) */
  localPref?: number;
  /** communities; aliases resolved through Community objects, unresolved ones kept as written */
  communities: string[];
  /** BGPPeer names it is limited to, or all sessions of the node */
  peers: string[] | 'all';
}

export interface BGPResult {
  protocol: 'bgp';
  /**
   * Set when no node announces: notOwner when no advertisement of the pool selects any node;
   * noMatchingAdvertisement when none matching the service does; else the earliest (in
   * ShouldAnnounce order) reason among the nodes the matching advertisements select.
   */
  reason?: BGPReason;
  /** the pool's BGPAdvertisements that match the service, with their node scopes */
  advertisements: NodeScope[];
  /** the pool's other BGPAdvertisements (they make their nodes withdraw with noMatchingAdvertisement, not notOwner) */
  otherAdvertisements: NodeScope[];
  /**
   * Nodes inside the advertisements' scopes that withdraw for a node-specific reason
   * (conflictingAdvertisements, nodeNetworkUnavailable, nodeLabeledExcludeBalancers).
   */
  excluded: { node: string; reason: BGPReason }[];
  /** externalTrafficPolicy Local: only these nodes (with a serving local endpoint) can announce */
  localEndpointNodes?: string[];
  /** some endpoint with addresses can serve (ETP Cluster needs one) */
  hasEndpoints: boolean;
  /** how many nodes announce */
  announcingCount: number;
  /** everything announced, each tied to its advertisement */
  prefixes: BGPPrefix[];
  /** BGP sessions: each BGPPeer with the nodes that open it (BGPPeer.nodeSelectors) */
  sessions: NodeScope[];
}

/** The aliases of the Community objects, first definition wins. */
const aliasCache = new WeakMap<readonly KubeObject[], Map<string, string>>();
function aliases(communities: readonly KubeObject[] | undefined): Map<string, string> {
  if (!communities) return new Map();
  let m = aliasCache.get(communities);
  if (!m) {
    m = new Map();
    for (const a of communityAliases(communities)) if (!m.has(a.name)) m.set(a.name, a.value);
    aliasCache.set(communities, m);
  }
  return m;
}

type ParsedAd = Parameters<typeof localPrefCompatible>[0];
const num = (v: unknown, d: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : d);

function parsedAd(ad: KubeObject, order: number, input: AnnounceInput): ParsedAd {
  const spec = rec(ad.spec);
  return {
    ad,
    name: nameOf(ad),
    order,
    aggregationLength: num(spec.aggregationLength, 32),
    aggregationLengthV6: num(spec.aggregationLengthV6, 128),
    localPref: num(spec.localPref, 0),
    peers: strings(spec.peers),
    hasServiceSelectors: hasServiceSelectors(ad),
    nodes: nodeSetOf(ad, input.nodes).names as Set<string>,
    hasNodeSelectors: list(spec.nodeSelectors).length > 0,
    pools: [...selectedPools(ad, input.pools)],
  };
}

/** Prefix of an IP at a length: the IP with host bits cleared. */
function masked(ip: string, v4: number, v6: number): string | undefined {
  const p = parseIP(ip);
  if (!p) return undefined;
  const bits = familyBits(p.family);
  const len = Math.max(0, Math.min(bits, p.family === 4 ? v4 : v6));
  const host = BigInt(bits - len);
  return `${formatIP({ family: p.family, value: (p.value >> host) << host })}/${len}`;
}

/** The nodes the service-matching ads of a pool select, split by the node-level checks: the same for every Service of these ads. */
interface NodeScopeInfo {
  union: ReadonlySet<string>;
  excluded: { node: string; reason: BGPReason }[];
  eligible: ReadonlySet<string>;
  reasons: ReadonlySet<BGPReason>;
}
const scopes = new WeakMap<AnnounceInput, WeakMap<KubeObject, Map<string, NodeScopeInfo>>>();
function nodeScope(input: AnnounceInput, pool: KubeObject, matching: readonly KubeObject[], parsed: readonly ParsedAd[], conflicting: (idx: number[]) => boolean): NodeScopeInfo {
  let perInput = scopes.get(input);
  if (!perInput) scopes.set(input, (perInput = new WeakMap()));
  let perPool = perInput.get(pool);
  if (!perPool) perInput.set(pool, (perPool = new Map()));
  const k = matching.map(nameOf).join('\u0000');
  let info = perPool.get(k);
  if (info) return info;
  const sets = matching.map((a) => nodeSetOf(a, input.nodes).names);
  // one advertisement (the usual case): its own node set, not a copy
  let union: ReadonlySet<string>;
  if (sets.length === 1) union = sets[0]!;
  else {
    const u = new Set<string>();
    for (const s of sets) for (const n of s) u.add(n);
    union = u;
  }
  const excluded: NodeScopeInfo['excluded'] = [];
  const eligible = new Set<string>();
  const reasons = new Set<BGPReason>();
  const single = sets.length === 1;
  for (const n of union) {
    let why: BGPReason | undefined;
    // one advertisement cannot conflict with itself
    if (!single) {
      const idx: number[] = [];
      sets.forEach((s, i) => s.has(n) && idx.push(i));
      if (conflicting(idx)) why = 'conflictingAdvertisements';
    }
    why ??= nodeLevelReason(input, n);
    if (why) {
      excluded.push({ node: n, reason: why });
      reasons.add(why);
    } else eligible.add(n);
  }
  info = { union, excluded, eligible, reasons };
  perPool.set(k, info);
  return info;
}

export function decideBGP(input: AnnounceInput, service: KubeObject, pool: KubeObject, ips: readonly string[], endpoints: readonly Endpoint[]): BGPResult {
  const poolAds = adsOfPool(input.bgpAdvertisements, input.pools, pool);
  const matching = poolAds.filter((a) => adMatchesService(a, service));
  const others = poolAds.filter((a) => !matching.includes(a));
  const scope = (a: KubeObject): NodeScope => ({ name: nameOf(a), nodes: nodeSetOf(a, input.nodes).compact });
  const etpLocal = rec(service.spec).externalTrafficPolicy === 'Local';
  const serving = endpoints.filter((e) => e.hasAddresses && e.canServe);
  const localNodes = etpLocal ? [...new Set(serving.filter((e) => e.nodeName !== undefined).map((e) => e.nodeName!))].sort() : undefined;
  const local = new Set(localNodes ?? []);
  const hasEndpoints = serving.length > 0;

  // per node: the service-matching ads that select it; the LOCAL_PREF check depends only on that set
  const parsed = matching.map((a, i) => parsedAd(a, i, input));
  const conflictMemo = new Map<string, boolean>();
  const conflicting = (idx: number[]): boolean => {
    const key = idx.join(',');
    let hit = conflictMemo.get(key);
    if (hit === undefined) {
      hit = false;
      for (let i = 0; i < idx.length && !hit; i++)
        for (let j = i + 1; j < idx.length && !hit; j++) if (!localPrefCompatible(parsed[idx[i]!]!, parsed[idx[j]!]!, pool).compatible) hit = true;
      conflictMemo.set(key, hit);
    }
    return hit;
  };

  const ns = nodeScope(input, pool, matching, parsed, conflicting);
  const excluded = ns.excluded;
  const firstReason = new Set<BGPReason>(ns.reasons);
  let announcingCount = 0;
  if (etpLocal) {
    for (const n of local) if (ns.eligible.has(n)) announcingCount++;
    if (announcingCount < ns.eligible.size) firstReason.add('noLocalEndpoints');
  } else if (hasEndpoints) announcingCount = ns.eligible.size;
  else if (ns.eligible.size > 0) firstReason.add('noEndpoints');
  const union = ns.union;

  const al = aliases(input.communities);
  const prefixes: BGPPrefix[] = [];
  const seen = new Set<string>();
  for (const ip of ips) {
    matching.forEach((a, i) => {
      const p = parsed[i]!;
      const prefix = masked(ip, p.aggregationLength, p.aggregationLengthV6);
      if (!prefix) return;
      const key = `${prefix}\u0000${i}`;
      if (seen.has(key)) return;
      seen.add(key);
      const communities = [...new Set(strings(rec(a.spec).communities).map((c) => al.get(c) ?? c))];
      prefixes.push({
        prefix,
        advertisement: p.name,
        ...(p.localPref !== 0 ? { localPref: p.localPref } : {}),
        communities,
        peers: p.peers.length > 0 ? [...p.peers] : 'all',
      });
    });
  }

  let reason: BGPReason | undefined;
  if (announcingCount === 0) {
    if (poolAds.length === 0 || (union.size === 0 && others.every((a) => nodeSetOf(a, input.nodes).names.size === 0))) reason = 'notOwner';
    else if (union.size === 0) reason = 'noMatchingAdvertisement';
    else reason = BGP_REASONS.find((r) => firstReason.has(r));
  }

  return {
    protocol: 'bgp',
    ...(reason ? { reason } : {}),
    advertisements: matching.map(scope),
    otherAdvertisements: others.map(scope),
    excluded,
    ...(localNodes ? { localEndpointNodes: localNodes } : {}),
    hasEndpoints,
    announcingCount,
    prefixes,
    sessions: input.peers.map((p) => ({ name: nameOf(p), nodes: nodeSetOf(p, input.nodes).compact })),
  };
}

export interface BGPNodeView {
  announce: boolean;
  reason?: BGPReason;
  /** what the node announces, each with the BGPPeer sessions of this node it goes to */
  prefixes: (BGPPrefix & { sentTo: string[] })[];
  /** the BGPPeers that have a session on this node */
  sessions: string[];
}

/** Expands a compact BGPResult for one node: MetalLB's ShouldAnnounce and SetBalancer on that node. */
export function bgpForNode(r: BGPResult, node: string): BGPNodeView {
  const sessions = r.sessions.filter((s) => inScope(s, node)).map((s) => s.name);
  const withdraw = (reason: BGPReason): BGPNodeView => ({ announce: false, reason, prefixes: [], sessions });
  const mine = r.advertisements.filter((a) => inScope(a, node));
  if (mine.length === 0) return withdraw(r.otherAdvertisements.some((a) => inScope(a, node)) ? 'noMatchingAdvertisement' : 'notOwner');
  const ex = r.excluded.find((e) => e.node === node);
  if (ex) return withdraw(ex.reason);
  if (r.localEndpointNodes && !r.localEndpointNodes.includes(node)) return withdraw('noLocalEndpoints');
  if (!r.hasEndpoints) return withdraw('noEndpoints');
  const names = new Set(mine.map((a) => a.name));
  const prefixes = r.prefixes
    .filter((p) => names.has(p.advertisement))
    .map((p) => ({ ...p, sentTo: sessions.filter((s) => p.peers === 'all' || p.peers.includes(s)) }));
  return { announce: true, prefixes, sessions };
}
