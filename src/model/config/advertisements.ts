// The advertisements section of the parse: l2AdvertisementFromCR, bgpAdvertisementFromCR,
// setL2/BGPAdvertisementsToPools and validateBGPAdvPerPool (internal/config/config.go), and the
// native mode's large-community ban for BGPAdvertisements (validation.go). The L2Advertisement
// webhook re-parses all L2Advertisements and pools; the BGPAdvertisement webhook all
// BGPAdvertisements, pools and Nodes, but no Community object: it drops community items without
// ':' (possible aliases) before it parses.
import type { FieldPath, KubeObject } from '../../sources/types.js';
import { goQuote, type Family } from '../address.js';
import { parsePool } from '../pools.js';
import { findDuplicateSelector, validateSelector } from '../selectors.js';
import { selectedPools } from '../advertisements.js';
import { nodeSetOf } from '../announce/common.js';
import { communityAliases, parseCommunity } from './communities.js';
import { duplicates, goValueSelector, isRec, JOIN, list, rec } from './pools.js';
import { versionAtLeast } from '../../state/installation.js';
import type { ConfigError, ConfigInput, ParseContext } from './types.js';

/** Go's %q of an integer: a quoted rune (33 prints '!'), as MetalLB's aggregation-length error does. */
export function goQuoteRune(n: number): string {
  const cp = Number.isInteger(n) && n >= 0 && n <= 0x10ffff && !(n >= 0xd800 && n <= 0xdfff) ? n : 0xfffd;
  const ch = String.fromCodePoint(cp);
  if (ch === "'" || ch === '\\') return `'\\${ch}'`;
  if (/^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(ch)) return `'${ch}'`;
  const named: Record<number, string> = { 7: '\\a', 8: '\\b', 12: '\\f', 10: '\\n', 13: '\\r', 9: '\\t', 11: '\\v' };
  if (named[cp]) return `'${named[cp]}'`;
  if (cp < 0x80) return `'\\x${cp.toString(16).padStart(2, '0')}'`;
  if (cp < 0x10000) return `'\\u${cp.toString(16).padStart(4, '0')}'`;
  return `'\\U${cp.toString(16).padStart(8, '0')}'`;
}

type Kind = 'L2Advertisement' | 'BGPAdvertisement';

/** The checks both advertisement kinds share: duplicate entries and selectors, invalid selectors. */
function commonErrors(ad: KubeObject, kind: Kind): ConfigError[] {
  const errors: ConfigError[] = [];
  const spec = rec(ad.spec);
  const name = ad.metadata?.name ?? '';
  const lists: [string, string][] =
    kind === 'L2Advertisement'
      ? [['ipAddressPools', 'ipAddressPools']]
      : [
          ['ipAddressPools', 'ipAddressPools'],
          ['communities', 'community'],
          ['peers', 'peers'],
        ];
  for (const [field, what] of lists) {
    for (const d of duplicates(list(spec[field]))) {
      errors.push({
        code: 'adv-duplicate-entry',
        message: `duplicate definition of ${what} ${goQuote(d.value)}`,
        subjects: [
          { obj: ad, path: ['spec', field, d.index] },
          { obj: ad, path: ['spec', field, d.first] },
        ],
        rejectedBy: 'webhook',
      });
    }
  }
  for (const field of ['ipAddressPoolSelectors', 'nodeSelectors', 'serviceSelectors']) {
    const dup = findDuplicateSelector(list(spec[field]), field);
    if (!dup) continue;
    const path: (string | number)[] = ['spec', field, dup.duplicateOf ?? dup.index];
    if (dup.duplicateOf === undefined && dup.expression !== undefined) {
      path.push('matchExpressions', dup.expression);
      if (dup.value !== undefined) path.push('values', dup.value);
    }
    errors.push({
      code: 'adv-selector-duplicate',
      message: dup.message,
      subjects: [{ obj: ad, path }, ...(dup.duplicateOf !== undefined ? [{ obj: ad, path: ['spec', field, dup.index] as FieldPath }] : [])],
      rejectedBy: 'webhook',
    });
  }
  const invalid = (field: string, text: (err: string, sel: unknown) => string, sels: unknown[] = list(spec[field]), at: (i: number) => FieldPath = (i) => ['spec', field, i]) =>
    sels.forEach((sel, i) => {
      const err = validateSelector(sel);
      if (err === undefined) return;
      errors.push({ code: 'adv-selector-invalid', message: text(err, sel), subjects: [{ obj: ad, path: at(i) }], rejectedBy: 'webhook' });
    });
  invalid('nodeSelectors', (err, sel) => `${err}${JOIN}invalid label selector ${goValueSelector(sel)}${JOIN}failed to parse node selector for ${name}`);
  invalid('serviceSelectors', (err, sel) => `invalid service selector ${goValueSelector(sel)}: ${err}${JOIN}failed to parse service selector for ${name}`);
  if (kind === 'L2Advertisement') {
    const preferred = list(spec.preferredNodeSelectors);
    invalid(
      'preferredNodeSelectors',
      (err, sel) => `${err}${JOIN}invalid preferred node selector ${goValueSelector(sel, false)}${JOIN}failed to parse preferred node selectors for ${name}`,
      preferred.map((p) => rec(p).preference),
      (i) => ['spec', 'preferredNodeSelectors', i, 'preference'],
    );
  }
  invalid('ipAddressPoolSelectors', (err, sel) => `${err}${JOIN}invalid label selector ${goValueSelector(sel)}`);
  return errors;
}

/** A BGPAdvertisement as bgpAdvertisementFromCR builds it, when it gets that far. */
interface ParsedBGPAd {
  ad: KubeObject;
  name: string;
  order: number;
  aggregationLength: number;
  aggregationLengthV6: number;
  localPref: number;
  peers: string[];
  hasServiceSelectors: boolean;
  /** node names (undefined when the input did not capture Nodes) */
  nodes: Set<string> | undefined;
  /** whether it has nodeSelectors (with unknown nodes: no nodeSelectors means every node) */
  hasNodeSelectors: boolean;
  /** the pools it is attached to */
  pools: KubeObject[];
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

function bgpAdErrors(ad: KubeObject, ctx: ParseContext, aliasNames: Set<string>, aliasesKnown: boolean): ConfigError[] {
  const errors: ConfigError[] = [];
  const spec = rec(ad.spec);
  const name = ad.metadata?.name ?? '';
  const agg4 = num(spec.aggregationLength);
  const agg6 = num(spec.aggregationLengthV6);
  if (list(spec.serviceSelectors).length > 0) {
    for (const [field, v, def] of [
      ['aggregationLength', agg4, 32],
      ['aggregationLengthV6', agg6, 128],
    ] as const) {
      if (v !== undefined && v !== def) {
        errors.push({
          code: 'adv-service-selectors-aggregation',
          message: `serviceSelectors and ${field} are mutually exclusive, both cannot be set in ${name}`,
          subjects: [{ obj: ad, path: ['spec', field] }, { obj: ad, path: ['spec', 'serviceSelectors'] }],
          rejectedBy: 'webhook',
        });
      }
    }
  }
  if (agg4 !== undefined && agg4 > 32) {
    errors.push({
      code: 'adv-aggregation-range',
      message: `invalid aggregation length ${goQuoteRune(agg4)} for IPv4 (aggregationLength ${agg4}: at most 32)`,
      subjects: [{ obj: ad, path: ['spec', 'aggregationLength'] }],
      rejectedBy: 'webhook',
    });
  }
  if (agg6 !== undefined && agg6 > 128) {
    errors.push({
      code: 'adv-aggregation-range',
      message: `invalid aggregation length ${goQuoteRune(agg6)} for IPv6 (aggregationLengthV6 ${agg6}: at most 128)`,
      subjects: [{ obj: ad, path: ['spec', 'aggregationLengthV6'] }],
      rejectedBy: 'webhook',
    });
  }
  list(spec.communities).forEach((c, i) => {
    if (typeof c !== 'string') return;
    const at: FieldPath = ['spec', 'communities', i];
    const literal = parseCommunity(c);
    const withColon = c.includes(':');
    if (aliasNames.has(c)) {
      // the runtime parse finds the alias; the webhook, reading no Community, parses it as a literal
      if (!literal.ok && withColon) {
        errors.push({
          code: 'adv-community-invalid',
          message:
            `${literal.error}${JOIN}invalid community ${goQuote(c)} in BGP advertisement` +
            ` (an alias with ':' in its name: the runtime parse resolves it, but the BGPAdvertisement webhook, which reads no Community object, parses it as a literal)`,
          subjects: [{ obj: ad, path: at }],
          rejectedBy: 'webhook',
        });
      }
    } else if (!literal.ok) {
      const transient = literal.kind === 'format';
      // a possible alias, and the Communities were not captured: it may well be defined
      if (transient && !withColon && !aliasesKnown) return;
      errors.push({
        code: 'adv-community-invalid',
        message:
          `${literal.error}${JOIN}invalid community ${goQuote(c)} in BGP advertisement` +
          (transient && !withColon ? ' (no Community object defines this alias; the webhook does not check aliases)' : ''),
        subjects: [{ obj: ad, path: at }],
        // an item without ':' is dropped by the webhook as a possible alias
        rejectedBy: transient && !withColon ? 'runtime' : 'webhook',
        ...(transient ? { transient: true } : {}),
      });
    }
    if (ctx.backend === 'native' && literal.ok && literal.large) {
      errors.push({
        code: 'community-large-native',
        message: `native BGP mode only supports legacy communities, BGP advertisement ${goQuote(name)} has non legacy community ${goQuote(c)}`,
        subjects: [{ obj: ad, path: at }],
        rejectedBy: 'webhook',
      });
    }
  });
  errors.push(...commonErrors(ad, 'BGPAdvertisement'));
  return errors;
}

function parseBGPAd(ad: KubeObject, order: number, input: ConfigInput): ParsedBGPAd {
  const spec = rec(ad.spec);
  const hasNodeSelectors = list(spec.nodeSelectors).length > 0;
  return {
    ad,
    name: ad.metadata?.name ?? '',
    order,
    aggregationLength: num(spec.aggregationLength) ?? 32,
    aggregationLengthV6: num(spec.aggregationLengthV6) ?? 128,
    localPref: num(spec.localPref) ?? 0,
    peers: list(spec.peers).filter((p): p is string => typeof p === 'string'),
    hasServiceSelectors: list(spec.serviceSelectors).length > 0,
    // the announcement's node set of the advertisement (one shared Set when it selects every node)
    nodes: input.nodes ? (nodeSetOf(ad, input.nodes).names as Set<string>) : undefined,
    hasNodeSelectors,
    pools: selectedPools(ad, input.pools).filter((p) => (p.metadata?.name ?? '') !== ''),
  };
}

/** For each addresses entry of a pool (deduplicated by text, as MetalLB's map is): family and widest prefix. */
function poolPrefixes(pool: KubeObject): { index: number; text: string; family: Family; lowest: number }[] {
  const seen = new Set<string>();
  const out: { index: number; text: string; family: Family; lowest: number }[] = [];
  for (const e of parsePool(pool).entries) {
    if (!e.result.ok || seen.has(e.text)) continue;
    seen.add(e.text);
    const cidrs = e.result.entry.cidrs;
    if (cidrs.length === 0) continue; // a mixed-family range: MetalLB skips it
    out.push({ index: e.index, text: e.text, family: cidrs[0]!.family, lowest: Math.min(...cidrs.map((c) => c.prefix)) });
  }
  return out;
}

/** validateBGPAdvPerPool's first half: the aggregation length against each entry's widest prefix. */
function aggregationPrefixErrors(p: ParsedBGPAd): ConfigError[] {
  const errors: ConfigError[] = [];
  const spec = rec(p.ad.spec);
  for (const pool of p.pools) {
    for (const e of poolPrefixes(pool)) {
      const max = e.family === 4 ? p.aggregationLength : p.aggregationLengthV6;
      if (max >= e.lowest) continue;
      const field = e.family === 4 ? 'aggregationLength' : 'aggregationLengthV6';
      errors.push({
        code: 'adv-aggregation-prefix',
        // MetalLB prints the IPv4 length even for an IPv6 entry
        message:
          `invalid aggregation length ${p.aggregationLength}: prefix ${e.lowest} in this pool is more specific than the aggregation length for addresses ${e.text}` +
          ` (BGPAdvertisement "${p.name}", ${field} ${max}, pool "${pool.metadata?.name ?? ''}"; the BGPAdvertisement webhook refuses the advertisement,` +
          ` while a pool changed afterwards passes its own webhook and fails at runtime)`,
        subjects: [
          { obj: p.ad, path: spec[field] !== undefined ? ['spec', field] : ['spec'] },
          { obj: pool, path: ['spec', 'addresses', e.index] },
        ],
        rejectedBy: 'webhook',
      });
    }
  }
  return errors;
}

/**
 * isAggrLengthDifferent: the lengths differ for the families present in the pool. Before v0.15.0
 * (advertisementsAreCompatible) both lengths had to differ, whatever families the pool holds.
 */
function aggregationDiffers(a: ParsedBGPAd, b: ParsedBGPAd, pool: KubeObject, perFamily = true): boolean {
  if (!perFamily) return a.aggregationLength !== b.aggregationLength && a.aggregationLengthV6 !== b.aggregationLengthV6;
  const families = new Set(poolPrefixes(pool).map((e) => e.family));
  const hasV4 = families.has(4);
  const hasV6 = families.has(6);
  if (!hasV4 && !hasV6) return true;
  const d4 = a.aggregationLength !== b.aggregationLength;
  const d6 = a.aggregationLengthV6 !== b.aggregationLengthV6;
  if (d4 && !hasV6) return true;
  if (d6 && !hasV4) return true;
  return d4 && d6;
}

/**
 * BGPAdvertisementsHaveCompatibleLocalPref. With unknown Nodes the node test assumes the two
 * share a node; `assumed` says so.
 */
export function localPrefCompatible(a: ParsedBGPAd, b: ParsedBGPAd, pool: KubeObject, perFamily = true): { compatible: boolean; assumed: boolean } {
  if (a.localPref === b.localPref) return { compatible: true, assumed: false };
  if (aggregationDiffers(a, b, pool, perFamily)) return { compatible: true, assumed: false };
  if (a.peers.length > 0 && b.peers.length > 0 && !a.peers.some((p) => b.peers.includes(p))) return { compatible: true, assumed: false };
  if (a.nodes && b.nodes) {
    for (const n of a.nodes) if (b.nodes.has(n)) return { compatible: false, assumed: false };
    return { compatible: true, assumed: false };
  }
  // both without nodeSelectors announce from every node: they share one in any cluster with a node
  return { compatible: false, assumed: a.hasNodeSelectors || b.hasNodeSelectors };
}

function localPrefErrors(ads: ParsedBGPAd[], input: ConfigInput, version: string | undefined): ConfigError[] {
  // MetalLB checks LOCAL_PREF collisions from v0.13.10, per address family from v0.15.0
  if (versionAtLeast(version, 0, 13, 10) === false) return [];
  const perFamily = versionAtLeast(version, 0, 15) !== false;
  // per pair (earlier, later): the pools where they collide
  const pairs = new Map<string, { earlier: ParsedBGPAd; later: ParsedBGPAd; pools: KubeObject[]; assumed: boolean }>();
  for (const pool of input.pools) {
    const attached = ads.filter((a) => !a.hasServiceSelectors && a.pools.includes(pool));
    for (let j = 0; j < attached.length; j++) {
      for (let i = 0; i < j; i++) {
        const earlier = attached[i]!;
        const later = attached[j]!;
        const r = localPrefCompatible(later, earlier, pool, perFamily);
        if (r.compatible) continue;
        const key = `${earlier.order}/${later.order}`;
        const hit = pairs.get(key) ?? { earlier, later, pools: [], assumed: false };
        hit.pools.push(pool);
        hit.assumed ||= r.assumed;
        pairs.set(key, hit);
      }
    }
  }
  const lpPath = (p: ParsedBGPAd): FieldPath => (rec(p.ad.spec).localPref !== undefined ? ['spec', 'localPref'] : ['spec']);
  return [...pairs.values()].map(({ earlier, later, pools, assumed }) => {
    const poolNames = pools.map((p) => `"${p.metadata?.name ?? ''}"`).join(', ');
    let nodes: string;
    if (later.nodes) nodes = 'they announce from at least one common node';
    else if (!assumed) nodes = 'both announce from every node (no nodeSelectors)';
    else
      nodes =
        'the node sets were not known (Nodes not captured): assumed they share a node; MetalLB decides with the cluster\'s Nodes' +
        ' (it finds no collision when their nodeSelectors select disjoint nodes, or when no Node exists)';
    return {
      code: 'adv-localpref-conflict' as const,
      message:
        `invalid local preference ${later.localPref}: local preferernce ${earlier.localPref} was already set for the same type of BGP update. ` +
        `Check existing BGP advertisements with common pools and aggregation lengths` +
        ` (BGPAdvertisement "${later.name}" and "${earlier.name}" on pool ${poolNames}: same aggregation lengths, ` +
        `${later.peers.length && earlier.peers.length ? 'a common peer' : 'peers in common (an empty peers list means every peer)'}, ${nodes})`,
      subjects: [
        { obj: later.ad, path: lpPath(later) },
        { obj: earlier.ad, path: lpPath(earlier) },
        ...pools.map((obj) => ({ obj })),
      ],
      rejectedBy: 'webhook' as const,
    };
  });
}

export function parseAdvertisementsSection(input: ConfigInput, ctx: ParseContext): ConfigError[] {
  const errors: ConfigError[] = [];
  for (const ad of input.l2Advertisements) errors.push(...commonErrors(ad, 'L2Advertisement'));
  const aliasNames = new Set(communityAliases(input.communities).map((a) => a.name));
  const parsed: ParsedBGPAd[] = [];
  input.bgpAdvertisements.forEach((ad, order) => {
    const own = bgpAdErrors(ad, ctx, aliasNames, !input.notCaptured?.has('Community'));
    errors.push(...own);
    // an advertisement MetalLB cannot build is never attached to a pool: no per-pool checks for it
    const spec = rec(ad.spec);
    const selectorsBroken = ['nodeSelectors', 'serviceSelectors', 'ipAddressPoolSelectors'].some((f) => list(spec[f]).some((s) => validateSelector(s) !== undefined));
    if (own.some((e) => e.code === 'adv-aggregation-range' || e.code === 'adv-service-selectors-aggregation')) return;
    if (selectorsBroken || !isRec(ad.metadata)) return;
    parsed.push(parseBGPAd(ad, order, input));
  });
  for (const p of parsed) errors.push(...aggregationPrefixErrors(p));
  errors.push(...localPrefErrors(parsed, input, ctx.version));
  return errors;
}
