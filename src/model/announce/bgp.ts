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
  type MatchingAdsCache,
  perMatchingAds,
  adMatchesService,
  adsOfPool,
  hasHealthyAddress,
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
  /**
   * communities as the speaker sends them: aliases resolved through Community objects, each value
   * once in MetalLB's order; what does not parse (an unknown alias) kept as written, last
   */
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
   * (conflictingAdvertisements, nodeNetworkUnavailable, nodeLabeledExcludeBalancers). One list
   * is shared by every result whose matching advertisements select the same nodes (one
   * advertisement, or the same ones of a pool): memos of what depends only on those nodes key on it.
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
  sessions: BGPSession[];
}

/** A BGPPeer's session: the nodes that open it, and the address families its routes may have. */
export interface BGPSession extends NodeScope {
  /**
   * The prefixes the speaker sends over it (internal/bgp/frr, frrk8s: a neighbor's family is its
   * peerAddress's; an unnumbered peer or dualStackAddressFamily takes both)
   */
  families: 'ipv4' | 'ipv6' | 'both';
}

/** Whether a session carries a prefix (or address) of this family. */
export const carries = (s: BGPSession, prefix: string): boolean => s.families === 'both' || (s.families === 'ipv6') === prefix.includes(':');

function sessionFamilies(peer: KubeObject, input: AnnounceInput): BGPSession['families'] {
  const spec = rec(peer.spec);
  if (input.multiprotocolSessions) {
    if (spec.disableMP !== true) return 'both';
  } else if ((typeof spec.interface === 'string' && spec.interface !== '') || spec.dualStackAddressFamily === true) return 'both';
  const address = typeof spec.peerAddress === 'string' ? spec.peerAddress : '';
  // an unnumbered peer (interface, no address) before v0.15.0 with disableMP: IPv4, as FRR's default family
  return address.includes(':') ? 'ipv6' : 'ipv4';
}

/**
 * Communities as MetalLB holds them (internal/bgp/community): parsed into values, so 00100:1 and
 * 100:1 are one; kept in a set; sorted by the speaker with LessThan (a standard community A:B
 * compares as the large community (A<<16|B):0:0). Printed as Go prints them (decimal, large ones
 * with the large: marker FRR's configuration uses). What does not parse stays as written, last.
 */
export function canonicalCommunities(texts: readonly string[]): string[] {
  const valid = new Map<string, [number, number, number]>();
  const other: string[] = [];
  for (const t of texts) {
    const f = t.split(':');
    const num = (x: string, max: number) => (/^\d+$/.test(x) && Number(x) <= max ? Number(x) : undefined);
    if (f.length === 2) {
      const hi = num(f[0]!, 0xffff);
      const lo = num(f[1]!, 0xffff);
      if (hi !== undefined && lo !== undefined) {
        valid.set(`${hi}:${lo}`, [hi * 0x10000 + lo, 0, 0]);
        continue;
      }
    } else if (f.length === 4 && f[0] === 'large') {
      const v = f.slice(1).map((x) => num(x, 0xffffffff));
      if (v.every((x) => x !== undefined)) {
        valid.set(`large:${v.join(':')}`, v as [number, number, number]);
        continue;
      }
    }
    if (!other.includes(t)) other.push(t);
  }
  const sorted = [...valid].sort(([, x], [, y]) => x[0] - y[0] || x[1] - y[1] || x[2] - y[2]).map(([text]) => text);
  return [...sorted, ...other];
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

const parsedAds = new WeakMap<AnnounceInput, WeakMap<KubeObject, ParsedAd>>();
function parsedAd(ad: KubeObject, order: number, input: AnnounceInput): ParsedAd {
  let perInput = parsedAds.get(input);
  if (!perInput) parsedAds.set(input, (perInput = new WeakMap()));
  let p = perInput.get(ad);
  if (!p) perInput.set(ad, (p = readAd(ad, input)));
  return p.order === order ? p : { ...p, order };
}

/** An advertisement as the LOCAL_PREF check reads it, at order 0 (parsedAd sets the order). */
function readAd(ad: KubeObject, input: AnnounceInput): ParsedAd {
  const spec = rec(ad.spec);
  return {
    ad,
    name: nameOf(ad),
    order: 0,
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
  // the usual full-length aggregation: the IP itself (callers pass Go's canonical text)
  const v6ip = ip.includes(':');
  if (v6ip ? v6 >= 128 : v4 >= 32) return `${ip}/${v6ip ? 128 : 32}`;
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
const scopes = new WeakMap<AnnounceInput, WeakMap<object, Map<string, NodeScopeInfo>>>();
function nodeScope(input: AnnounceInput, pool: KubeObject, matching: readonly KubeObject[], conflicting: (idx: number[]) => boolean): NodeScopeInfo {
  let perInput = scopes.get(input);
  if (!perInput) scopes.set(input, (perInput = new WeakMap()));
  const sets = matching.map((a) => nodeSetOf(a, input.nodes).names);
  // one advertisement cannot conflict with itself, so its scope depends on its node set alone:
  // the same in every pool it selects, and for every advertisement of the same set (those without
  // nodeSelectors share one, so a BGP pool per advertisement splits 5,000 nodes once, not per pool)
  const owner: object = sets.length === 1 ? sets[0]! : pool;
  let perPool = perInput.get(owner);
  if (!perPool) perInput.set(owner, (perPool = new Map()));
  const k = sets.length === 1 ? '' : matching.map(nameOf).join('\u0000');
  let info = perPool.get(k);
  if (info) return info;
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
  // which advertisements select a node (a bit mask up to 30 of them, else a text): the conflict
  // check is asked once per distinct selection, not once per node
  const memo = new Map<number | string, boolean>();
  const conflictsAt = (n: string): boolean => {
    let key: number | string = 0;
    if (sets.length <= 30) for (let i = 0; i < sets.length; i++) key |= sets[i]!.has(n) ? 1 << i : 0;
    else key = sets.map((s) => (s.has(n) ? '1' : '0')).join('');
    let hit = memo.get(key);
    if (hit === undefined) memo.set(key, (hit = conflicting(sets.flatMap((s, i) => (s.has(n) ? [i] : [])))));
    return hit;
  };
  for (const n of union) {
    let why: BGPReason | undefined;
    // one advertisement cannot conflict with itself; before v0.16.0 a conflict rejects the configuration instead
    if (!single && input.serviceSelectors !== false && conflictsAt(n)) why = 'conflictingAdvertisements';
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

/**
 * What decideBGP reads that is the same for every Service of one pool whose matching
 * advertisements are the same: built once per such group, its arrays shared by the results.
 */
interface PoolGroup {
  parsed: readonly ParsedAd[];
  ns: NodeScopeInfo;
  advertisements: readonly NodeScope[];
  otherAdvertisements: readonly NodeScope[];
  /**
   * per matching advertisement: its communities, aliases resolved, canonical (canonicalCommunities),
   * and the peers its prefixes go to; frozen, as every prefix of the group carries these arrays
   */
  communities: readonly string[][];
  peers: readonly (string[] | 'all')[];
  /** no matching advertisement selects a node, nor does any other of the pool */
  noNodeAtAll: boolean;
}
const groups: MatchingAdsCache<PoolGroup> = new WeakMap();
const matchesEvery = (): boolean => true;
function poolGroup(input: AnnounceInput, pool: KubeObject, poolAds: readonly KubeObject[], service: KubeObject): PoolGroup {
  // no advertisement of the pool selects Services (the usual case), or the release has no
  // serviceSelectors: all match, and no test of this Service is made for each advertisement
  if (input.serviceSelectors === false || !poolAds.some(hasServiceSelectors)) return perMatchingAds(groups, input, pool, poolAds, matchesEvery, buildGroup);
  return perMatchingAds(groups, input, pool, poolAds, (a) => adMatchesService(a, service), buildGroup);
}

function buildGroup(matching: KubeObject[], others: KubeObject[], input: AnnounceInput, pool: KubeObject): PoolGroup {
  // per node: the service-matching ads that select it; the LOCAL_PREF check depends only on that set
  const parsed = matching.map((a, i) => parsedAd(a, i, input));
  const conflicting = (idx: number[]): boolean => {
    for (let i = 0; i < idx.length; i++)
      for (let j = i + 1; j < idx.length; j++) if (!localPrefCompatible(parsed[idx[i]!]!, parsed[idx[j]!]!, pool).compatible) return true;
    return false;
  };
  const ns = nodeScope(input, pool, matching, conflicting);
  const scope = (a: KubeObject): NodeScope => ({ name: nameOf(a), nodes: nodeSetOf(a, input.nodes).compact });
  const al = aliases(input.communities);
  return {
    parsed,
    ns,
    advertisements: matching.map(scope),
    otherAdvertisements: others.map(scope),
    communities: matching.map((a) => Object.freeze(canonicalCommunities(strings(rec(a.spec).communities).map((c) => al.get(c) ?? c))) as string[]),
    peers: parsed.map((p) => (p.peers.length > 0 ? (Object.freeze([...p.peers]) as string[]) : 'all')),
    noNodeAtAll: ns.union.size === 0 && others.every((a) => nodeSetOf(a, input.nodes).names.size === 0),
  };
}

/** The BGPPeer sessions with their node scopes and families: the same for every Service. */
const sessionScopes = new WeakMap<AnnounceInput, readonly BGPSession[]>();
function sessionsOf(input: AnnounceInput): readonly BGPSession[] {
  let s = sessionScopes.get(input);
  if (!s) sessionScopes.set(input, (s = input.peers.map((p) => ({ name: nameOf(p), nodes: nodeSetOf(p, input.nodes).compact, families: sessionFamilies(p, input) }))));
  return s;
}

// the endpoint tests decideBGP asks of every Service, made once
const vetoes = (e: Endpoint): boolean => !e.canServe && e.hasAddresses;
const serves = (e: Endpoint): boolean => e.hasAddresses && e.canServe;

export function decideBGP(input: AnnounceInput, service: KubeObject, pool: KubeObject, ips: readonly string[], endpoints: readonly Endpoint[]): BGPResult {
  const poolAds = adsOfPool(input.bgpAdvertisements, input.pools, pool);
  const g = poolGroup(input, pool, poolAds, service);
  const etpLocal = rec(service.spec).externalTrafficPolicy === 'Local';
  let hasEndpoints = false;
  let localNodes: string[] | undefined;
  // before v0.16.0: an address is healthy when every endpoint listing it can serve (per node under
  // Local policy); while no endpoint that cannot serve lists an address, that is v0.16.0's rule,
  // read without grouping the endpoints by node
  if (input.bgpAddressVeto && endpoints.some(vetoes)) {
    if (etpLocal) {
      const byNode = new Map<string, Endpoint[]>();
      for (const e of endpoints) {
        if (e.nodeName === undefined) continue;
        const l = byNode.get(e.nodeName);
        if (l) l.push(e);
        else byNode.set(e.nodeName, [e]);
      }
      localNodes = [...byNode].filter(([, eps]) => hasHealthyAddress(eps)).map(([n]) => n).sort();
      hasEndpoints = localNodes.length > 0 || hasHealthyAddress(endpoints);
    } else hasEndpoints = hasHealthyAddress(endpoints);
  } else if (etpLocal) {
    // the nodes sorted, each once (a node's several endpoints sort next to each other): no set per Service
    localNodes = [];
    for (const e of endpoints) {
      if (!e.hasAddresses || !e.canServe) continue;
      hasEndpoints = true;
      if (e.nodeName !== undefined) localNodes.push(e.nodeName);
    }
    if (localNodes.length > 1) {
      localNodes.sort();
      let k = 1;
      for (let i = 1; i < localNodes.length; i++) if (localNodes[i] !== localNodes[k - 1]) localNodes[k++] = localNodes[i]!;
      localNodes.length = k;
    }
  } else hasEndpoints = endpoints.some(serves);

  const ns = g.ns;
  let announcingCount = 0;
  let noLocal = false;
  let noEndpoints = false;
  if (localNodes) {
    for (const n of localNodes) if (ns.eligible.has(n)) announcingCount++;
    noLocal = announcingCount < ns.eligible.size;
  } else if (hasEndpoints) announcingCount = ns.eligible.size;
  else noEndpoints = ns.eligible.size > 0;

  const prefixes = prefixesOf(ips, g);

  let reason: BGPReason | undefined;
  if (announcingCount === 0) {
    if (poolAds.length === 0 || g.noNodeAtAll) reason = 'notOwner';
    else if (ns.union.size === 0) reason = 'noMatchingAdvertisement';
    else reason = BGP_REASONS.find((r) => ns.reasons.has(r) || (r === 'noLocalEndpoints' && noLocal) || (r === 'noEndpoints' && noEndpoints));
  }

  return bgpResult(reason, g.advertisements as NodeScope[], g.otherAdvertisements as NodeScope[], ns.excluded, localNodes, hasEndpoints, announcingCount, prefixes, sessionsOf(input) as BGPSession[]);
}

/** What the group's advertisement `i` announces of an address, if its text parses. */
function prefixOf(ip: string, g: PoolGroup, i: number): BGPPrefix | undefined {
  const p = g.parsed[i]!;
  const prefix = masked(ip, p.aggregationLength, p.aggregationLengthV6);
  if (!prefix) return undefined;
  const communities = g.communities[i]!;
  const peers = g.peers[i]!;
  // the fields in one order, localPref only when set
  return p.localPref !== 0 ? { prefix, advertisement: p.name, localPref: p.localPref, communities, peers } : { prefix, advertisement: p.name, communities, peers };
}

/** What the group's advertisements announce of the addresses: address by address, advertisement by advertisement, each prefix once per advertisement. */
function prefixesOf(ips: readonly string[], g: PoolGroup): BGPPrefix[] {
  // one address and one advertisement (the usual case): one prefix, in an array of that length
  if (ips.length === 1 && g.parsed.length === 1) {
    const prefix = prefixOf(ips[0]!, g, 0);
    return prefix ? [prefix] : [];
  }
  const out: BGPPrefix[] = [];
  // a prefix repeats only when one advertisement masks two addresses of one family to it: one
  // address, or one of each family (dual stack), needs no set to keep
  const seen = sameFamilyTwice(ips) ? new Set<string>() : undefined;
  for (const ip of ips) {
    for (let i = 0; i < g.parsed.length; i++) {
      const prefix = prefixOf(ip, g, i);
      if (!prefix) continue;
      if (seen) {
        const key = `${prefix.prefix}\u0000${i}`;
        if (seen.has(key)) continue;
        seen.add(key);
      }
      out.push(prefix);
    }
  }
  return out;
}

/** Whether two of the addresses are of one family (an IPv6 text has a colon, an IPv4 one none). */
function sameFamilyTwice(ips: readonly string[]): boolean {
  if (ips.length < 2) return false;
  if (ips.length > 2) return true;
  return ips[0]!.includes(':') === ips[1]!.includes(':');
}

/**
 * A BGPResult, its fields in one order whichever are set: a literal for each case, as spreading
 * the optional fields in costs a copy per Service (2 µs each, 20 ms over 10,000 Services).
 */
function bgpResult(
  reason: BGPReason | undefined,
  advertisements: NodeScope[],
  otherAdvertisements: NodeScope[],
  excluded: BGPResult['excluded'],
  localEndpointNodes: string[] | undefined,
  hasEndpoints: boolean,
  announcingCount: number,
  prefixes: BGPPrefix[],
  sessions: BGPSession[],
): BGPResult {
  if (localEndpointNodes) {
    return reason
      ? { protocol: 'bgp', reason, advertisements, otherAdvertisements, excluded, localEndpointNodes, hasEndpoints, announcingCount, prefixes, sessions }
      : { protocol: 'bgp', advertisements, otherAdvertisements, excluded, localEndpointNodes, hasEndpoints, announcingCount, prefixes, sessions };
  }
  return reason
    ? { protocol: 'bgp', reason, advertisements, otherAdvertisements, excluded, hasEndpoints, announcingCount, prefixes, sessions }
    : { protocol: 'bgp', advertisements, otherAdvertisements, excluded, hasEndpoints, announcingCount, prefixes, sessions };
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
  const here = r.sessions.filter((s) => inScope(s, node));
  const sessions = here.map((s) => s.name);
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
    .map((p) => ({ ...p, sentTo: here.filter((s) => (p.peers === 'all' || p.peers.includes(s.name)) && carries(s, p.prefix)).map((s) => s.name) }));
  return { announce: true, prefixes, sessions };
}
