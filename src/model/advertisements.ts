// Which pools, nodes and peers an advertisement or a peer applies to, as MetalLB resolves them
// (metallb-semantics.md 1.2, 1.3, 1.4): selectors are ORed; an empty list means all.
import type { KubeObject } from '../sources/types.js';
import { matchesSelector, validateSelector } from './selectors.js';
import type { LabelSelector } from './kinds.js';
import { editDistance as boundedEditDistance } from './schema/dsl.js';

type Rec = Record<string, unknown>;
const rec = (v: unknown): Rec => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Rec) : {});
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const selectors = (v: unknown): LabelSelector[] => (Array.isArray(v) ? (v.filter((s) => s !== null && typeof s === 'object' && validateSelector(s) === undefined) as LabelSelector[]) : []);

// Lookups by name and by label, built once per list: a cluster with thousands of advertisements,
// pools and nodes would otherwise cost advertisements x pools (or nodes) selector evaluations.
interface ListIndex {
  position: Map<KubeObject, number>;
  byName: Map<string, KubeObject>;
  /** "key\u0000value" -> objects with that label */
  byLabel: Map<string, KubeObject[]>;
}
const indexes = new WeakMap<readonly KubeObject[], ListIndex>();

function indexOf(objs: readonly KubeObject[]): ListIndex {
  let ix = indexes.get(objs);
  if (ix) return ix;
  ix = { position: new Map(), byName: new Map(), byLabel: new Map() };
  objs.forEach((o, i) => {
    ix!.position.set(o, i);
    const name = o.metadata?.name;
    if (name && !ix!.byName.has(name)) ix!.byName.set(name, o);
    for (const [k, v] of Object.entries(o.metadata?.labels ?? {})) {
      const key = `${k}\u0000${String(v)}`;
      const list = ix!.byLabel.get(key);
      if (list) list.push(o);
      else ix!.byLabel.set(key, [o]);
    }
  });
  indexes.set(objs, ix);
  return ix;
}

/** The objects a selector matches: through the label index when it has matchLabels, else a scan. */
function matching(objs: readonly KubeObject[], ix: ListIndex, sel: LabelSelector): readonly KubeObject[] {
  const first = Object.entries(sel.matchLabels ?? {})[0];
  const candidates = first ? (ix.byLabel.get(`${first[0]}\u0000${String(first[1])}`) ?? []) : objs;
  return candidates.filter((o) => matchesSelector(sel, o.metadata?.labels));
}

/** `picked` in the order of `objs`, without duplicates. */
function inOrder(ix: ListIndex, picked: Iterable<KubeObject>): KubeObject[] {
  return [...new Set(picked)].sort((a, b) => ix.position.get(a)! - ix.position.get(b)!);
}

/**
 * The pools an L2Advertisement or BGPAdvertisement applies to. Both `ipAddressPools` and
 * `ipAddressPoolSelectors` empty: every pool. Otherwise the union of the pools named (unknown
 * names are ignored, as MetalLB does) and the pools whose labels match a selector (a selector
 * that matches nothing selects nothing; it does not fall back to all).
 */
export function selectedPools(ad: KubeObject, pools: readonly KubeObject[]): readonly KubeObject[] {
  const spec = rec(ad.spec);
  const names = strings(spec.ipAddressPools);
  const sels = Array.isArray(spec.ipAddressPoolSelectors) ? spec.ipAddressPoolSelectors : [];
  if (names.length === 0 && sels.length === 0) return pools;
  const ix = indexOf(pools);
  const picked: KubeObject[] = [];
  for (const n of names) {
    const p = ix.byName.get(n);
    if (p) picked.push(p);
  }
  for (const s of selectors(sels)) picked.push(...matching(pools, ix, s));
  return inOrder(ix, picked);
}

/** Names in `ipAddressPools` that name no pool. */
export function unknownPoolNames(ad: KubeObject, pools: readonly KubeObject[]): string[] {
  const ix = indexOf(pools);
  return strings(rec(ad.spec).ipAddressPools).filter((n) => !ix.byName.has(n));
}

/** The nodes a `nodeSelectors` list selects (an advertisement's or a BGPPeer's): empty = all. */
export function selectedNodes(owner: KubeObject, nodes: readonly KubeObject[]): readonly KubeObject[] {
  const raw = rec(owner.spec).nodeSelectors;
  if (!Array.isArray(raw) || raw.length === 0) return nodes;
  const valid = selectors(raw);
  // only invalid selectors: MetalLB refuses the configuration; nothing is selected meanwhile
  if (valid.length === 0) return [];
  const ix = indexOf(nodes);
  return inOrder(ix, valid.flatMap((s) => matching(nodes, ix, s)));
}

/** The BGPPeers a BGPAdvertisement announces to: `peers` empty = all; else those named. */
export function selectedPeers(ad: KubeObject, peers: readonly KubeObject[]): readonly KubeObject[] {
  const names = new Set(strings(rec(ad.spec).peers));
  if (names.size === 0) return peers;
  return peers.filter((p) => names.has(p.metadata?.name ?? ''));
}

/** Levenshtein distance (insert, delete, substitute), over UTF-16 code units, unbounded. */
export function editDistance(a: string, b: string): number {
  return boundedEditDistance(a, b, Infinity);
}

/**
 * The candidate a misspelled name most likely meant: the nearest by edit distance, ignoring
 * case (Kubernetes names are lower case, so "LAN" means "lan"), when that distance is small for
 * the name's length (at most 2, and at most a third of the longer name); undefined otherwise.
 * Ties: the first candidate.
 */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    if (c === name) continue;
    const d = editDistance(name.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  if (best === undefined) return undefined;
  const limit = Math.min(2, Math.max(1, Math.floor(Math.max(name.length, best.length) / 3)));
  return bestD <= limit ? best : undefined;
}
