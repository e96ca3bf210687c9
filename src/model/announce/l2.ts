// Layer 2 election (speaker/layer2_controller.go ShouldAnnounce, SetBalancer; metallb-semantics.md 4.2):
// computed once for the whole cluster, since every speaker runs the same election on the same inputs.
import { hash } from 'node:crypto';
import { sha256Block } from './sha256.js';
import type { KubeObject } from '../../sources/types.js';
import type { LabelSelector } from '../kinds.js';
import { matchesSelector, validateSelector } from '../selectors.js';
import {
  type AnnounceInput,
  type Endpoint,
  type NodeScope,
  type NodeSet,
  type MatchingAdsCache,
  perMatchingAds,
  adMatchesService,
  adsOfPool,
  allowsSharedIP,
  hasServiceSelectors,
  inScope,
  nodeLevelReason,
  list,
  nameOf,
  nodeSetOf,
  rec,
  strings,
} from './common.js';

export type L2Reason = 'notOwner' | 'noMatchingAdvertisement' | 'sharedIPWithServiceSelector';

/** Why a node that a service-matching advertisement selects is not a candidate. */
export type L2Exclusion = 'notMemberlistMember' | 'memberlistDisabled' | 'nodeUnschedulable' | 'nodeNetworkUnavailable' | 'nodeLabeledExcludeBalancers' | 'noLocalEndpoints';

export interface L2Result {
  protocol: 'layer2';
  /** the node that announces; undefined when none does */
  winner?: string;
  /** the candidates in election order (the winner first; the next ones take over if it leaves) */
  candidates: string[];
  /** preferred-node scores of the candidates that have one ([HEAD] preferredNodeSelectors) */
  scores?: Record<string, number>;
  /** nodes selected by a service-matching advertisement that are not candidates, and why */
  excluded: { node: string; reason: L2Exclusion }[];
  /** why no node announces (every node withdraws with this reason) */
  reason?: L2Reason;
  /** no endpoint of the service can serve: every node withdraws (notOwner) before advertisements are looked at */
  noServingEndpoints?: boolean;
  /** the service-matching L2Advertisements of the pool, with the nodes each selects */
  advertisements: NodeScope[];
  /** the winner's interfaces: union over the matching advertisements that select it; undefined = all */
  interfaces?: string[];
}

/** sha256(node + "#" + ip) of each node, ascending as raw bytes (sortL2Candidates without scores). */
export function l2Order(nodes: readonly string[], ip: string): string[] {
  return sortCandidates(nodes, ip, undefined);
}

function sortCandidates(nodes: readonly string[], ip: string, scores: ReadonlyMap<string, number> | undefined): string[] {
  // the digest as 'binary' (latin1: one char per byte, 0-255) orders as the raw bytes do; crypto.hash is the
  // one-shot form (3x createHash), and latin1 the cheapest of its text outputs
  const keyed = nodes.map((n) => ({ n, s: scores?.get(n) ?? 0, h: hash('sha256', `${n}#${ip}`, 'binary') }));
  keyed.sort((a, b) => (a.s !== b.s ? b.s - a.s : a.h < b.h ? -1 : a.h > b.h ? 1 : 0));
  return keyed.map((k) => k.n);
}

/** preferredNodeScores: per node the sum of the weights of the matching preferences, over the nodes the ad selects. */
const scoreCache = new WeakMap<readonly KubeObject[], WeakMap<KubeObject, Map<string, number>>>();
export function preferredNodeScores(ad: KubeObject, nodes: readonly KubeObject[]): ReadonlyMap<string, number> {
  let perList = scoreCache.get(nodes);
  if (!perList) scoreCache.set(nodes, (perList = new WeakMap()));
  let scores = perList.get(ad);
  if (scores) return scores;
  scores = new Map();
  const prefs = list(rec(ad.spec).preferredNodeSelectors).map((p) => ({
    weight: typeof rec(p).weight === 'number' ? (rec(p).weight as number) : 0,
    // an unset preference is the empty selector: it matches every node
    sel: (rec(p).preference ?? {}) as LabelSelector,
  }));
  if (prefs.length > 0 && prefs.every((p) => validateSelector(p.sel) === undefined)) {
    const eligible = nodeSetOf(ad, nodes).names;
    for (const n of nodes) {
      if (!eligible.has(nameOf(n))) continue;
      let total = 0;
      for (const p of prefs) if (matchesSelector(p.sel, n.metadata?.labels)) total += p.weight;
      if (total > 0) scores.set(nameOf(n), total);
    }
  }
  perList.set(ad, scores);
  return scores;
}

/** The nodes the service-matching ads select, and those a node-level reason removes: the same for every Service of these ads. */
interface NodeBase {
  selected: string[];
  /** selected minus the node-level exclusions, in selected order */
  eligible: string[];
  excluded: { node: string; reason: L2Exclusion }[];
  reasonOf: Map<string, L2Exclusion>;
  /** the winner of the eligible nodes, by address (see AnnounceInput.elections) */
  winners: Map<string, string>;
  /** each eligible node's position in `eligible` (built when a Local-policy Service first asks) */
  position?: Map<string, number>;
}
const nodeBases = new WeakMap<AnnounceInput, Map<string, NodeBase>>();
function nodeBase(input: AnnounceInput, ads: readonly KubeObject[], sets: readonly NodeSet[]): NodeBase {
  let perInput = nodeBases.get(input);
  if (!perInput) nodeBases.set(input, (perInput = new Map()));
  const k = ads.map(nameOf).join('\u0000');
  let b = perInput.get(k);
  if (b) return b;
  const selected = new Set<string>();
  for (const s of sets) for (const n of s.names) selected.add(n);
  const members = input.memberlistMembers;
  b = { selected: [...selected], eligible: [], excluded: [], reasonOf: new Map(), winners: new Map() };
  // ad.Nodes only holds Node objects, so a member without a Node never qualifies: iterating the selected nodes is the same
  for (const n of selected) {
    let why: L2Exclusion | undefined;
    if (members && !members.has(n)) why = 'notMemberlistMember';
    else why = nodeLevelReason(input, n);
    if (why) {
      b.excluded.push({ node: n, reason: why });
      b.reasonOf.set(n, why);
    } else b.eligible.push(n);
  }
  if (input.elections) {
    const key = b.eligible.join('\u0000');
    const known = input.elections.get(key);
    if (known) b.winners = known;
    else input.elections.set(key, b.winners);
  }
  perInput.set(k, b);
  return b;
}

/**
 * What the election reads that is the same for every Service of one pool whose matching
 * L2Advertisements are the same: built once per such group, its arrays shared by the results.
 */
interface L2Group {
  ads: readonly KubeObject[];
  sets: readonly NodeSet[];
  advertisements: readonly NodeScope[];
  /** the ads' summed preferred-node scores (empty: none) */
  total: ReadonlyMap<string, number>;
  /** the announcing interfaces per winner (null: all of them) */
  interfaces: Map<string, readonly string[] | null>;
  /** the ads' NodeBase, once a Service asked (nodeBase's key is the same for every Service of the group) */
  nb?: NodeBase;
}
const l2Groups: MatchingAdsCache<L2Group> = new WeakMap();
function l2Group(input: AnnounceInput, pool: KubeObject, service: KubeObject): L2Group {
  const poolAds = adsOfPool(input.l2Advertisements, input.pools, pool);
  return perMatchingAds(l2Groups, input, pool, poolAds, (a) => input.serviceSelectors === false || adMatchesService(a, service), (ads) => {
    const total = new Map<string, number>();
    // preferredNodeSelectors came after v0.16.1: before, the API server drops the field
    if (input.preferredNodes !== false) for (const a of ads) for (const [n, w] of preferredNodeScores(a, input.nodes)) total.set(n, (total.get(n) ?? 0) + w);
    return {
      ads,
      sets: ads.map((a) => nodeSetOf(a, input.nodes)),
      advertisements: ads.map((a) => ({ name: nameOf(a), nodes: nodeSetOf(a, input.nodes).compact })),
      total,
      interfaces: new Map(),
    };
  });
}

/** ipAdvertisementFor: any matching ad on the winner with no interfaces means all of them (null). */
function interfacesOf(g: L2Group, winner: string): readonly string[] | null {
  let out = g.interfaces.get(winner);
  if (out !== undefined) return out;
  let ifs: Set<string> | null = new Set();
  for (let i = 0; i < g.ads.length; i++) {
    if (!g.sets[i]!.names.has(winner)) continue;
    const own = strings(rec(g.ads[i]!.spec).interfaces);
    if (own.length === 0) {
      ifs = null;
      break;
    }
    for (const f of own) ifs.add(f);
  }
  out = ifs ? [...ifs].sort() : null;
  g.interfaces.set(winner, out);
  return out;
}

/** Sets a field computed on first read (an enumerable own property, so JSON output carries it). */
function lazyField<T extends object, K extends keyof T>(obj: T, key: K, compute: () => T[K]): void {
  let v: T[K] | undefined;
  let done = false;
  Object.defineProperty(obj, key, {
    get: () => {
      if (!done) {
        v = compute();
        done = true;
      }
      return v;
    },
    enumerable: true,
    configurable: true,
  });
}

export function electL2(input: AnnounceInput, service: KubeObject, pool: KubeObject, ips: readonly string[], endpoints: readonly Endpoint[]): L2Result {
  const g = l2Group(input, pool, service);
  const ads = g.ads;
  const advertisements = g.advertisements as NodeScope[];
  // the results as literals, their fields in one order (a spread of a shared base costs a copy per Service)
  if (!endpoints.some((e) => e.canServe)) return { protocol: 'layer2', candidates: [], excluded: [], advertisements, noServingEndpoints: true, reason: 'notOwner' };
  if (input.refuseSharedIPWithServiceSelectors !== false && input.serviceSelectors !== false && allowsSharedIP(service) && ads.some(hasServiceSelectors))
    return { protocol: 'layer2', candidates: [], excluded: [], advertisements, reason: 'sharedIPWithServiceSelector' };
  if (ads.length === 0) return { protocol: 'layer2', candidates: [], excluded: [], advertisements, reason: 'noMatchingAdvertisement' };

  const nb = (g.nb ??= nodeBase(input, ads, g.sets));
  if (nb.selected.length === 0) return { protocol: 'layer2', candidates: [], excluded: [], advertisements, reason: 'noMatchingAdvertisement' };

  const etpLocal = rec(service.spec).externalTrafficPolicy === 'Local';
  // memberlist off before v0.15.0: UsableSpeakers() is nil, so no node is a candidate (metallb#2425)
  const silent = input.memberlistOffSilences;
  if (silent === 'all' || (silent === 'cluster-policy' && !etpLocal)) {
    return { protocol: 'layer2', candidates: [], excluded: nb.selected.map((node) => ({ node, reason: 'memberlistDisabled' as const })), advertisements, reason: 'notOwner' };
  }
  let excluded: L2Result['excluded'] | undefined = nb.excluded;
  let cands: string[] = nb.eligible;
  let local: Set<string> | undefined;
  if (etpLocal) {
    local = new Set();
    for (const e of endpoints) if (e.canServe && e.nodeName !== undefined) local.add(e.nodeName);
    // in the order of the selected nodes, as the speaker meets them (the few local nodes put in
    // that order, not the group's nodes scanned for them); the exclusions (every other selected
    // node) are listed when something reads them
    const position = (nb.position ??= new Map(nb.eligible.map((n, i) => [n, i])));
    cands = [];
    for (const n of local) if (position.has(n)) cands.push(n);
    if (cands.length > 1) cands.sort((x, y) => position.get(x)! - position.get(y)!);
    excluded = undefined;
  }
  const localExcluded = (): L2Result['excluded'] => {
    const out: L2Result['excluded'] = [];
    for (const n of nb.selected) {
      const r = nb.reasonOf.get(n) ?? (local!.has(n) ? undefined : 'noLocalEndpoints');
      if (r) out.push({ node: n, reason: r });
    }
    return out;
  };
  if (cands.length === 0) {
    const r: L2Result = { protocol: 'layer2', candidates: [], excluded: excluded ?? [], advertisements, reason: 'notOwner' };
    if (!excluded) lazyField(r, 'excluded', localExcluded);
    return r;
  }

  const total = g.total;
  // without preferred-node scores (the common case) only the winner is needed now: the whole
  // order is sorted when something reads it (explain, evidence of a finding), not for every Service
  const ordered = total.size > 0 ? sortCandidates(cands, ips[0]!, total) : undefined;
  const winner = ordered ? ordered[0]! : etpLocal ? electWinner(cands, ips[0]!) : sharedWinner(nb, ips[0]!);
  const interfaces = interfacesOf(g, winner);
  let scores: Record<string, number> | undefined;
  if (ordered) {
    scores = {};
    for (const n of ordered) if (total.has(n)) scores[n] = total.get(n)!;
  }
  // the fields in the order results always had: the empty result's, then the winner's
  const result: L2Result = { protocol: 'layer2', candidates: ordered ?? [], excluded: excluded ?? [], advertisements, winner };
  if (scores) result.scores = scores;
  if (interfaces) result.interfaces = [...interfaces];
  if (!ordered) {
    const ip = ips[0]!;
    lazyField(result, 'candidates', () => sortCandidates(cands, ip, undefined));
  }
  if (!excluded) lazyField(result, 'excluded', localExcluded);
  return result;
}

/**
 * electWinner over the eligible nodes of the same advertisements (Cluster policy): Services sharing
 * an address (allow-shared-ip) elect once, and so does a what-if for the groups it leaves alone.
 */
function sharedWinner(nb: NodeBase, ip: string): string {
  let w = nb.winners.get(ip);
  if (w === undefined) nb.winners.set(ip, (w = electWinner(nb.eligible, ip)));
  return w;
}

const BLOCK = new Int32Array(16);
const DIGEST = new Int32Array(8);
const BEST = new Int32Array(8);

/**
 * The candidates' names with their "#", packed once per candidate list as the head of SHA-256's
 * block, four bytes to a word (the last word's free bytes zero): every address elected over the
 * list (one per Service of the group) only adds its own bytes. Undefined when a name is not ASCII
 * or leaves no room for an address in one block (node:crypto hashes those).
 */
interface PackedNames {
  /** per name, HEAD_WORDS words: the bytes of name + "#" */
  words: Int32Array;
  /** per name, the length of name + "#" in bytes */
  lens: Uint8Array;
}
const HEAD_WORDS = 14;
const packedLists = new WeakMap<readonly string[], PackedNames | null>();
function packedNames(nodes: readonly string[]): PackedNames | undefined {
  let p = packedLists.get(nodes);
  if (p === undefined) {
    p = packNames(nodes);
    packedLists.set(nodes, p);
  }
  return p ?? undefined;
}
function packNames(nodes: readonly string[]): PackedNames | null {
  const words = new Int32Array(nodes.length * HEAD_WORDS);
  const lens = new Uint8Array(nodes.length);
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!;
    // name + "#" + the shortest address (1 byte) must fit the 55 bytes of one block
    if (n.length + 2 > 55) return null;
    for (let k = 0; k <= n.length; k++) {
      const c = k < n.length ? n.charCodeAt(k) : 0x23;
      if (c > 0x7f) return null;
      words[i * HEAD_WORDS + (k >> 2)]! |= c << (24 - 8 * (k & 3));
    }
    lens[i] = n.length + 1;
  }
  return { words, lens };
}

/** The address and the 0x80 that ends the message, packed at each of the four byte offsets a name can leave. */
const TAIL = new Int32Array(4 * 16);
function packTail(ip: string): boolean {
  TAIL.fill(0);
  for (let k = 0; k <= ip.length; k++) {
    const c = k < ip.length ? ip.charCodeAt(k) : 0x80;
    if (k < ip.length && c > 0x7f) return false;
    for (let s = 0; s < 4; s++) TAIL[s * 16 + ((s + k) >> 2)]! |= c << (24 - 8 * ((s + k) & 3));
  }
  return true;
}

/** The first of sortCandidates without scores, found in one pass: the smallest digest of node#ip. */
export function electWinner(nodes: readonly string[], ip: string): string {
  const packed = packedNames(nodes);
  if (!packed || !packTail(ip)) return electWinnerCrypto(nodes, ip);
  const { words, lens } = packed;
  let best = -1;
  let lastLen = -1;
  for (let i = 0; i < nodes.length; i++) {
    const len = lens[i]!;
    // the block: the name's words, the address's at the name's byte offset (sharing the word the
    // name ends in), zeros, the length in bits. What follows that shared word depends on the
    // name's length alone: written again only when the length changes (names are mostly of one)
    const at = len >> 2;
    const tail = (len & 3) * 16;
    if (len !== lastLen) {
      // over 55 bytes: two blocks
      if (len + ip.length > 55) return electWinnerCrypto(nodes, ip);
      for (let w = at + 1; w < 15; w++) BLOCK[w] = TAIL[tail + w - at]!;
      BLOCK[15] = (len + ip.length) * 8;
      lastLen = len;
    }
    const head = i * HEAD_WORDS;
    for (let w = 0; w < at; w++) BLOCK[w] = words[head + w]!;
    BLOCK[at] = words[head + at]! | TAIL[tail]!;
    sha256Block(BLOCK, DIGEST);
    // the digests' raw bytes in order: the big-endian words compared unsigned
    let less = best < 0;
    for (let j = 0; !less && j < 8; j++) {
      const x = DIGEST[j]! >>> 0;
      const y = BEST[j]! >>> 0;
      if (x !== y) {
        less = x < y;
        break;
      }
    }
    if (less) {
      BEST.set(DIGEST);
      best = i;
    }
  }
  return nodes[best]!;
}

/** electWinner through node:crypto, for a name or address that does not fit one block. */
export function electWinnerCrypto(nodes: readonly string[], ip: string): string {
  let best = nodes[0]!;
  let bestHash = hash('sha256', `${best}#${ip}`, 'binary');
  for (let i = 1; i < nodes.length; i++) {
    const h = hash('sha256', `${nodes[i]}#${ip}`, 'binary');
    if (h < bestHash) {
      best = nodes[i]!;
      bestHash = h;
    }
  }
  return best;
}


/** What one node does for the service in layer 2: announce, or withdraw with MetalLB's reason. */
export function l2ForNode(r: L2Result, node: string): { announce: boolean; reason?: L2Reason } {
  if (r.winner === node) return { announce: true };
  // the endpoint and shared-IP checks come before the node's advertisements
  if (r.noServingEndpoints || r.reason === 'sharedIPWithServiceSelector') return { announce: false, reason: r.reason! };
  return { announce: false, reason: r.advertisements.some((a) => inScope(a, node)) ? 'notOwner' : 'noMatchingAdvertisement' };
}
