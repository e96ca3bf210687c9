// IPAddressPool as MetalLB's runtime parse sees it (addressPoolFromCR): each addresses entry parsed
// with ParseCIDR's semantics. The full config parse (config.For) builds on this.
import type { KubeObject } from '../sources/types.js';
import { parsePoolEntry, type PoolEntry, type PoolEntryParse } from './address.js';

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
    name: pool.metadata?.name ?? '',
    // CRD default: autoAssign true; avoidBuggyIPs false
    autoAssign: spec.autoAssign !== false,
    avoidBuggyIPs: spec.avoidBuggyIPs === true,
    entries,
    valid,
  };
  cache.set(pool, parsed);
  return parsed;
}
