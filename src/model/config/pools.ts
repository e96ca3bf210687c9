// The pools section of the parse: addressPoolFromCR and the overlap loop of poolsFor
// (internal/config/config.go), and the native mode's IPv6 check (findIPv6BGPAdvertisement in
// validation.go). The pool webhook re-parses every pool, so all of these but the IPv6 one are
// refused when applied; the IPv6 one needs the BGPAdvertisements, which only their webhook sees.
import type { KubeObject } from '../../sources/types.js';
import { findOverlaps, parsePool, type PoolOverlap } from '../pools.js';
import { formatCIDR, goQuote, poolEntryError, type CIDR } from '../address.js';
import { findDuplicateSelector, selectorCanonicalString, validateSelector } from '../selectors.js';
import { selectedPools } from '../advertisements.js';
import type { ConfigError, ConfigInput, ParseContext } from './types.js';
import { versionAtLeast } from '../../state/installation.js';

type Rec = Record<string, unknown>;
export const rec = (v: unknown): Rec => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Rec) : {});
export const isRec = (v: unknown): v is Rec => v !== null && typeof v === 'object' && !Array.isArray(v);
export const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));

/**
 * Where MetalLB joins errors (errors.Join puts a newline between them), we write "; " so that a
 * finding stays on one line.
 */
export const JOIN = '; ';

/**
 * Go's %v of a metav1.LabelSelector value (not a pointer: no String method applies), e.g.
 * `{map[a:b] [{key In [x y]}]}`. MetalLB's duplicate check sorts each expression's values in
 * place first, so they print sorted where it ran.
 */
export function goValueSelector(sel: unknown, sortValues = true): string {
  const s = rec(sel);
  const labels = Object.entries(rec(s.matchLabels)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const ml = `map[${labels.map(([k, v]) => `${k}:${str(v)}`).join(' ')}]`;
  const me = list(s.matchExpressions).map((e) => {
    const r = rec(e);
    const vals = list(r.values).map(str);
    if (sortValues) vals.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${str(r.key)} ${str(r.operator)} [${vals.join(' ')}]}`;
  });
  return `{${ml} [${me.join(' ')}]}`;
}

/** Duplicate strings of a list: each repeated value once, at its second occurrence. */
export function duplicates(values: unknown[]): { index: number; first: number; value: string }[] {
  const seen = new Map<string, number>();
  const reported = new Set<string>();
  const out: { index: number; first: number; value: string }[] = [];
  values.forEach((v, index) => {
    if (typeof v !== 'string') return;
    const first = seen.get(v);
    if (first === undefined) seen.set(v, index);
    else if (!reported.has(v)) {
      reported.add(v);
      out.push({ index, first, value: v });
    }
  });
  return out;
}

const POOL_WEBHOOK = 'webhook' as const;

export function parsePoolsSection(input: ConfigInput, ctx: ParseContext): ConfigError[] {
  const errors: ConfigError[] = [];
  for (const pool of input.pools) errors.push(...poolErrors(pool));
  errors.push(...overlapErrors(input.pools));
  if (ctx.backend === 'native') errors.push(...nativeIPv6Errors(input, ctx.version));
  return errors;
}

/** addressPoolFromCR, every error of one pool, each wrapped as poolsFor wraps it. */
function poolErrors(pool: KubeObject): ConfigError[] {
  const errors: ConfigError[] = [];
  const name = pool.metadata?.name ?? '';
  const wrap = (msg: string) => `parsing address pool ${name}: ${msg}`;
  const spec = rec(pool.spec);
  if (name === '') {
    errors.push({ code: 'pool-name-missing', message: wrap('missing pool name'), subjects: [{ obj: pool, path: ['metadata'] }], rejectedBy: POOL_WEBHOOK });
  }
  // a non-array addresses is object-schema-invalid's; absent or empty is "no prefixes"
  if (spec.addresses === undefined || spec.addresses === null || (Array.isArray(spec.addresses) && spec.addresses.length === 0)) {
    errors.push({
      code: 'pool-no-prefixes',
      message: wrap('pool has no prefixes defined'),
      subjects: [{ obj: pool, path: spec.addresses === undefined ? ['spec'] : ['spec', 'addresses'] }],
      rejectedBy: POOL_WEBHOOK,
    });
  }
  for (const e of parsePool(pool).entries) {
    if (e.result.ok) continue;
    errors.push({
      code: 'pool-cidr-invalid',
      message: wrap(poolEntryError(e.text, name, e.result.error)),
      subjects: [{ obj: pool, path: ['spec', 'addresses', e.index] }],
      rejectedBy: POOL_WEBHOOK,
    });
  }
  if (isRec(spec.serviceAllocation)) errors.push(...serviceAllocationErrors(pool, name, spec.serviceAllocation, wrap));
  return errors;
}

function serviceAllocationErrors(pool: KubeObject, name: string, alloc: Rec, wrap: (m: string) => string): ConfigError[] {
  const errors: ConfigError[] = [];
  const base = ['spec', 'serviceAllocation'];
  const namespaces = list(alloc.namespaces);
  for (const d of duplicates(namespaces)) {
    errors.push({
      code: 'pool-namespaces-duplicate',
      message: wrap('duplicate definition in namespaces field') + ` (${goQuote(d.value)})`,
      subjects: [
        { obj: pool, path: [...base, 'namespaces', d.index] },
        { obj: pool, path: [...base, 'namespaces', d.first] },
      ],
      rejectedBy: POOL_WEBHOOK,
    });
  }
  const nsSels = list(alloc.namespaceSelectors);
  const svcSels = list(alloc.serviceSelectors);
  // no namespaces and no selectors: the pool serves everything, MetalLB checks nothing further
  if (namespaces.length === 0 && nsSels.length === 0 && svcSels.length === 0) return errors;
  for (const [field, sels] of [
    ['namespaceSelectors', nsSels],
    ['serviceSelectors', svcSels],
  ] as const) {
    const dup = findDuplicateSelector(sels, field);
    if (!dup) continue;
    const path: (string | number)[] = [...base, field, dup.duplicateOf ?? dup.index];
    if (dup.duplicateOf === undefined && dup.expression !== undefined) {
      path.push('matchExpressions', dup.expression);
      if (dup.value !== undefined) path.push('values', dup.value);
    }
    errors.push({
      code: 'pool-selector-duplicate',
      message: wrap(dup.message),
      subjects: [{ obj: pool, path }, ...(dup.duplicateOf !== undefined ? [{ obj: pool, path: [...base, field, dup.index] }] : [])],
      rejectedBy: POOL_WEBHOOK,
    });
  }
  nsSels.forEach((sel, i) => {
    const err = validateSelector(sel);
    if (err === undefined) return;
    errors.push({
      code: 'pool-selector-invalid',
      message: wrap(`${err}${JOIN}invalid namespace label selector ${selectorCanonicalString(sel)} in ip pool ${name}`),
      subjects: [{ obj: pool, path: [...base, 'namespaceSelectors', i] }],
      rejectedBy: POOL_WEBHOOK,
    });
  });
  svcSels.forEach((sel, i) => {
    const err = validateSelector(sel);
    if (err === undefined) return;
    errors.push({
      code: 'pool-selector-invalid',
      message: wrap(`${err}${JOIN}invalid service label selector ${goValueSelector(sel)} in ip pool ${name}`),
      subjects: [{ obj: pool, path: [...base, 'serviceSelectors', i] }],
      rejectedBy: POOL_WEBHOOK,
    });
  });
  return errors;
}

/**
 * MetalLB's own words for an overlap (poolsFor): the first CIDRs of the two entries that overlap.
 * `withPool` false leaves out which pool MetalLB met second, which depends on the order it lists them in.
 */
export function overlapText(later: PoolOverlap['later'], earlier: PoolOverlap['earlier'], withPool = true): string {
  const [a, b] = overlappingCIDRs(later.entry.cidrs, earlier.entry.cidrs);
  return `CIDR ${goQuote(formatCIDR(a))}${withPool ? ` in pool ${goQuote(later.name)}` : ''} overlaps with already defined CIDR ${goQuote(formatCIDR(b))}`;
}

/** The overlap loop of poolsFor, with the CIDRs MetalLB prints. */
function overlapErrors(pools: readonly KubeObject[]): ConfigError[] {
  return findOverlaps(pools).map(({ later, earlier }) => {
    return {
      code: 'pool-overlap' as const,
      message: `${overlapText(later, earlier)} ("${later.text}" and "${earlier.text}"${later.pool === earlier.pool ? ', in the same pool' : ` of pool "${earlier.name}"`})`,
      subjects: [
        { obj: later.pool, path: ['spec', 'addresses', later.index] },
        { obj: earlier.pool, path: ['spec', 'addresses', earlier.index] },
      ],
      rejectedBy: POOL_WEBHOOK,
    };
  });
}

/** The first CIDR of `later` that overlaps a CIDR of `earlier`, and that one (covers of overlapping ranges always nest). */
function overlappingCIDRs(later: CIDR[], earlier: CIDR[]): [CIDR, CIDR] {
  for (const a of later) {
    for (const b of earlier) {
      const bits = a.family === 4 ? 32n : 128n;
      const p = BigInt(Math.min(a.prefix, b.prefix));
      if (a.family === b.family && a.base >> (bits - p) === b.base >> (bits - p)) return [a, b];
    }
  }
  return [later[0]!, earlier[0]!];
}

/**
 * findIPv6BGPAdvertisement: in native mode, with at least one BGPAdvertisement, any pool that a
 * BGPAdvertisement selects (all pools if one selects none explicitly) must hold no IPv6 CIDR.
 * Before v0.14.9 every pool, selected or not (a layer 2 IPv6 pool beside any BGPAdvertisement).
 */
function nativeIPv6Errors(input: ConfigInput, version: string | undefined): ConfigError[] {
  if (input.bgpAdvertisements.length === 0) return [];
  const everyPool = versionAtLeast(version, 0, 14, 9) === false;
  const errors: ConfigError[] = [];
  for (const pool of input.pools) {
    const selecting = input.bgpAdvertisements.filter((ad) => selectedPools(ad, input.pools).includes(pool));
    const ads = selecting.length === 0 && everyPool ? input.bgpAdvertisements : selecting;
    if (ads.length === 0) continue;
    const parsed = parsePool(pool);
    for (const e of parsed.entries) {
      if (!e.result.ok) continue;
      const v6 = e.result.entry.cidrs.find((c) => c.family === 6);
      if (!v6) continue;
      const names = ads.map((a) => `"${a.metadata?.name ?? ''}"`).join(', ');
      errors.push({
        code: 'pool-ipv6-native-bgp',
        message:
          `pool ${goQuote(parsed.name)} has ipv6 CIDR ${formatCIDR(v6)}, native bgp mode does not support ipv6` +
          (selecting.length === 0
            ? ` (no BGPAdvertisement selects it, but MetalLB ${version} refuses any IPv6 pool once BGPAdvertisement ${names} exists; v0.14.9 looks only at the pools they select;`
            : ` (selected by BGPAdvertisement ${names};`) +
          ` the BGPAdvertisement webhook refuses an advertisement applied after the pool,` +
          ` while a pool changed afterwards passes its own webhook, which does not read advertisements, and fails at runtime)`,
        subjects: [{ obj: pool, path: ['spec', 'addresses', e.index] }, ...ads.map((obj) => ({ obj, path: adPoolPath(obj) }))],
        rejectedBy: 'webhook',
      });
      break; // MetalLB reports a pool's first IPv6 CIDR
    }
  }
  return errors;
}

function adPoolPath(ad: KubeObject): (string | number)[] {
  const spec = rec(ad.spec);
  if (spec.ipAddressPools !== undefined) return ['spec', 'ipAddressPools'];
  if (spec.ipAddressPoolSelectors !== undefined) return ['spec', 'ipAddressPoolSelectors'];
  return ['spec'];
}
