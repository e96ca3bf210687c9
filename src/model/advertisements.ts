// Which pools, nodes and peers an advertisement or a peer applies to, as MetalLB resolves them
// (metallb-semantics.md 1.2, 1.3, 1.4): selectors are ORed; an empty list means all.
import type { KubeObject } from '../sources/types.js';
import { matchesAnySelector, matchesSelector, validateSelector } from './selectors.js';
import type { LabelSelector } from './kinds.js';

type Rec = Record<string, unknown>;
const rec = (v: unknown): Rec => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Rec) : {});
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const selectors = (v: unknown): LabelSelector[] => (Array.isArray(v) ? (v.filter((s) => s !== null && typeof s === 'object' && validateSelector(s) === undefined) as LabelSelector[]) : []);

/**
 * The pools an L2Advertisement or BGPAdvertisement applies to. Both `ipAddressPools` and
 * `ipAddressPoolSelectors` empty: every pool. Otherwise the union of the pools named (unknown
 * names are ignored, as MetalLB does) and the pools whose labels match a selector (a selector
 * that matches nothing selects nothing; it does not fall back to all).
 */
export function selectedPools(ad: KubeObject, pools: readonly KubeObject[]): KubeObject[] {
  const spec = rec(ad.spec);
  const names = new Set(strings(spec.ipAddressPools));
  const sels = Array.isArray(spec.ipAddressPoolSelectors) ? spec.ipAddressPoolSelectors : [];
  if (names.size === 0 && sels.length === 0) return [...pools];
  const valid = selectors(sels);
  return pools.filter((p) => names.has(p.metadata?.name ?? '') || valid.some((s) => matchesSelector(s, p.metadata?.labels)));
}

/** Names in `ipAddressPools` that name no pool. */
export function unknownPoolNames(ad: KubeObject, pools: readonly KubeObject[]): string[] {
  const known = new Set(pools.map((p) => p.metadata?.name));
  return strings(rec(ad.spec).ipAddressPools).filter((n) => !known.has(n));
}

/** The nodes a `nodeSelectors` list selects (an advertisement's or a BGPPeer's): empty = all. */
export function selectedNodes(owner: KubeObject, nodes: readonly KubeObject[]): KubeObject[] {
  const raw = rec(owner.spec).nodeSelectors;
  if (!Array.isArray(raw) || raw.length === 0) return [...nodes];
  const valid = selectors(raw);
  // only invalid selectors: MetalLB refuses the configuration; nothing is selected meanwhile
  if (valid.length === 0) return [];
  return nodes.filter((n) => matchesAnySelector(valid, n.metadata?.labels));
}

/** The BGPPeers a BGPAdvertisement announces to: `peers` empty = all; else those named. */
export function selectedPeers(ad: KubeObject, peers: readonly KubeObject[]): KubeObject[] {
  const names = new Set(strings(rec(ad.spec).peers));
  if (names.size === 0) return [...peers];
  return peers.filter((p) => names.has(p.metadata?.name ?? ''));
}

/** Levenshtein distance (insert, delete, substitute), over UTF-16 code units. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
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
