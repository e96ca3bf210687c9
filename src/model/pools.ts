// IPAddressPool as MetalLB's runtime parse sees it (addressPoolFromCR): each addresses entry parsed
// with ParseCIDR's semantics. The full config parse (config.For) builds on this.
import type { KubeObject } from '../sources/types.js';
import { parsePoolEntry, type PoolEntry, type PoolEntryParse } from './address.js';
import { trimmed } from '../sources/compact.js';

export interface PoolEntryResult {
  /** index in spec.addresses */
  index: number;
  text: string;
  result: PoolEntryParse;
}

export interface ParsedPool {
  pool: KubeObject;
  name: string;
  autoAssign: boolean;
  avoidBuggyIPs: boolean;
  /** every string entry of spec.addresses, parsed (non-strings are object-schema-invalid's business) */
  entries: PoolEntryResult[];
  /** the entries that parsed, in order */
  valid: PoolEntry[];
}

const cache = new WeakMap<KubeObject, ParsedPool>();

export function parsePool(pool: KubeObject): ParsedPool {
  const hit = cache.get(pool);
  if (hit) return hit;
  const spec = (pool.spec ?? {}) as Record<string, unknown>;
  const addresses = Array.isArray(spec.addresses) ? spec.addresses : [];
  const entries: PoolEntryResult[] = [];
  const valid: PoolEntry[] = [];
  addresses.forEach((text, index) => {
    if (typeof text !== 'string') return;
    const result = parsePoolEntry(text);
    entries.push({ index, text, result });
    if (result.ok) valid.push(result.entry);
  });
  const parsed: ParsedPool = {
    pool,
    name: typeof pool.metadata?.name === 'string' ? pool.metadata.name : '',
    // CRD default: autoAssign true; avoidBuggyIPs false
    autoAssign: spec.autoAssign !== false,
    avoidBuggyIPs: spec.avoidBuggyIPs === true,
    // kept for the run: rules read the pools again and again
    entries: trimmed(entries),
    valid: trimmed(valid),
  };
  cache.set(pool, parsed);
  return parsed;
}

/** One parsed addresses entry of one pool. */
export interface PoolEntryRef {
  pool: KubeObject;
  name: string;
  /** index in spec.addresses */
  index: number;
  text: string;
  entry: PoolEntry;
}

/** Two overlapping entries: `later` comes after `earlier` in input order. */
export interface PoolOverlap {
  later: PoolEntryRef;
  earlier: PoolEntryRef;
}

/**
 * Entries that overlap one another, in the same or different pools. MetalLB compares every CIDR
 * with every CIDR seen before it; two ranges overlap exactly when their CIDR covers do, so a sweep
 * over sorted ranges finds the same conflicts in O(n log n). Each overlap is reported against the
 * entry reaching furthest so far (one report per overlapping entry, not every pair).
 */
export function findOverlaps(pools: readonly KubeObject[]): PoolOverlap[] {
  interface Interval extends PoolEntryRef {
    first: bigint;
    last: bigint;
    /** input order, so the later of two overlapping entries is the one reported */
    order: number;
  }
  const byFamily = new Map<number, Interval[]>();
  let order = 0;
  for (const pool of pools) {
    const parsed = parsePool(pool);
    for (const e of parsed.entries) {
      if (!e.result.ok) continue;
      const r = e.result.entry.range;
      if (!r) continue; // a mixed-family range adds no address
      const list = byFamily.get(r.family) ?? [];
      list.push({ pool, name: parsed.name, index: e.index, text: e.text, entry: e.result.entry, first: r.first, last: r.last, order: order++ });
      byFamily.set(r.family, list);
    }
  }
  const out: PoolOverlap[] = [];
  for (const list of byFamily.values()) {
    list.sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : a.order - b.order));
    let reach: Interval | undefined; // the interval reaching furthest so far
    for (const cur of list) {
      if (reach && cur.first <= reach.last) {
        const [later, earlier] = cur.order > reach.order ? [cur, reach] : [reach, cur];
        out.push({ later: entryRef(later), earlier: entryRef(earlier) });
      }
      if (!reach || cur.last > reach.last) reach = cur;
    }
  }
  return out;
}

function entryRef(i: PoolEntryRef): PoolEntryRef {
  return { pool: i.pool, name: i.name, index: i.index, text: i.text, entry: i.entry };
}
