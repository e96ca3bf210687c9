import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../src/sources/types.js';
import { goQuoteRune, parseAdvertisementsSection } from '../../src/model/config/advertisements.js';
import type { ConfigInput, ParseContext } from '../../src/model/config/types.js';

const obj = (kind: string, name: string, spec: unknown, labels?: Record<string, string>): KubeObject =>
  ({ apiVersion: kind === 'Node' ? 'v1' : 'metallb.io/v1beta1', kind, metadata: { name, namespace: 'metallb-system', ...(labels ? { labels } : {}) }, spec }) as KubeObject;
const pool = (name: string, ...addresses: string[]) => obj('IPAddressPool', name, { addresses });
const bgp = (name: string, spec: Record<string, unknown> = {}) => obj('BGPAdvertisement', name, spec);
const l2 = (name: string, spec: Record<string, unknown> = {}) => obj('L2Advertisement', name, spec);
const node = (name: string, labels: Record<string, string>) => obj('Node', name, {}, labels);
const input = (p: Partial<ConfigInput>): ConfigInput => ({ pools: [], peers: [], bfdProfiles: [], communities: [], l2Advertisements: [], bgpAdvertisements: [], ...p });
const parse = (p: Partial<ConfigInput>, backend: ParseContext['backend'] = 'frr') => parseAdvertisementsSection(input(p), { backend, metallbNamespace: 'metallb-system' });
const codes = (p: Partial<ConfigInput>, backend?: ParseContext['backend']) => parse(p, backend).map((e) => e.code);

describe('2.4 advertisement rules', () => {
  test('2.4 L2/BGP Adv duplicate entry in ipAddressPools / communities / peers', () => {
    assert.deepEqual(codes({ l2Advertisements: [l2('a', { ipAddressPools: ['p', 'p'] })] }), ['adv-duplicate-entry']);
    const errs = parse({ bgpAdvertisements: [bgp('b', { communities: ['1:1', '1:1'], peers: ['r', 's', 'r'] })] });
    assert.deepEqual(errs.map((e) => e.message), ['duplicate definition of community "1:1"', 'duplicate definition of peers "r"']);
    assert.deepEqual(errs[1]!.subjects[0]!.path, ['spec', 'peers', 2]);
  });
  test('2.4 L2/BGP Adv duplicate selectors in ipAddressPoolSelectors / nodeSelectors / serviceSelectors, or invalid selector', () => {
    const s = { matchLabels: { a: 'b' } };
    assert.deepEqual(codes({ l2Advertisements: [l2('a', { ipAddressPoolSelectors: [s, s], nodeSelectors: [s, s], serviceSelectors: [s, s] })] }), ['adv-selector-duplicate', 'adv-selector-duplicate', 'adv-selector-duplicate']);
    const bad = { matchExpressions: [{ key: 'k', operator: 'In' }] };
    const errs = parse({ bgpAdvertisements: [bgp('b', { nodeSelectors: [bad], serviceSelectors: [bad], ipAddressPoolSelectors: [bad] })] });
    assert.deepEqual(errs.map((e) => e.code), ['adv-selector-invalid', 'adv-selector-invalid', 'adv-selector-invalid']);
    assert.match(errs[0]!.message, /; failed to parse node selector for b$/);
    assert.match(errs[1]!.message, /^invalid service selector \{map\[\] \[\{k In \[\]\}\]\}: .*; failed to parse service selector for b$/);
    assert.match(errs[2]!.message, /; invalid label selector \{map\[\] \[\{k In \[\]\}\]\}$/);
  });
  test('2.4 L2Adv [HEAD] invalid preferredNodeSelectors preference', () => {
    const errs = parse({ l2Advertisements: [l2('a', { preferredNodeSelectors: [{ weight: 10, preference: { matchExpressions: [{ key: 'k', operator: 'Bad' }] } }] })] });
    assert.deepEqual(errs.map((e) => e.code), ['adv-selector-invalid']);
    assert.match(errs[0]!.message, /failed to parse preferred node selectors for a$/);
    assert.deepEqual(errs[0]!.subjects[0]!.path, ['spec', 'preferredNodeSelectors', 0, 'preference']);
  });
  test('2.4 BGPAdv serviceSelectors set and aggregationLength != 32 (or V6 != 128)', () => {
    const sel = [{ matchLabels: { app: 'x' } }];
    assert.deepEqual(codes({ bgpAdvertisements: [bgp('a', { serviceSelectors: sel, aggregationLength: 24, aggregationLengthV6: 64 })] }), ['adv-service-selectors-aggregation', 'adv-service-selectors-aggregation']);
    assert.deepEqual(codes({ bgpAdvertisements: [bgp('a', { serviceSelectors: sel, aggregationLength: 32, aggregationLengthV6: 128 })] }), []);
  });
  test('2.4 BGPAdv aggregationLength > 32 / aggregationLengthV6 > 128', () => {
    const errs = parse({ bgpAdvertisements: [bgp('a', { aggregationLength: 33, aggregationLengthV6: 129 })] });
    assert.deepEqual(errs.map((e) => e.code), ['adv-aggregation-range', 'adv-aggregation-range']);
    assert.match(errs[0]!.message, /^invalid aggregation length '!' for IPv4/);
    assert.match(errs[1]!.message, /^invalid aggregation length '\\u0081' for IPv6/);
    assert.equal(goQuoteRune(100), "'d'");
  });
  test('2.4 BGPAdv <-> pool: aggregation length shorter than an entry\'s widest prefix, per family', () => {
    const pools = [pool('p', '10.0.0.0/26', '10.0.1.0-10.0.1.127', 'fc00::/120')];
    const errs = parse({ pools, bgpAdvertisements: [bgp('a', { aggregationLength: 25, aggregationLengthV6: 112 })] });
    assert.deepEqual(errs.map((e) => e.code), ['adv-aggregation-prefix', 'adv-aggregation-prefix']);
    assert.match(errs[0]!.message, /^invalid aggregation length 25: prefix 26 in this pool is more specific than the aggregation length for addresses 10\.0\.0\.0\/26/);
    // the IPv6 entry: MetalLB prints the IPv4 length
    assert.match(errs[1]!.message, /^invalid aggregation length 25: prefix 120 .* for addresses fc00::\/120/);
    assert.deepEqual(codes({ pools, bgpAdvertisements: [bgp('a', { aggregationLength: 26, aggregationLengthV6: 120 })] }), []);
    // only the pools it selects
    assert.deepEqual(codes({ pools, bgpAdvertisements: [bgp('a', { aggregationLength: 8, ipAddressPools: ['other'] })] }), []);
  });
  test('2.4 BGPAdv <-> BGPAdv on same pool: different localPref and they collide', () => {
    const pools = [pool('p', '10.0.0.0/24')];
    const nodes = [node('n1', { zone: 'a' }), node('n2', { zone: 'b' })];
    const za = { nodeSelectors: [{ matchLabels: { zone: 'a' } }] };
    const zb = { nodeSelectors: [{ matchLabels: { zone: 'b' } }] };
    const c = (ads: KubeObject[], n?: KubeObject[]) => codes({ pools, bgpAdvertisements: ads, ...(n ? { nodes: n } : {}) });
    assert.deepEqual(c([bgp('a', { localPref: 100 }), bgp('b', { localPref: 200 })], nodes), ['adv-localpref-conflict']);
    assert.deepEqual(c([bgp('a', { localPref: 100 }), bgp('b', { localPref: 100 })], nodes), [], 'equal');
    assert.deepEqual(c([bgp('a', { localPref: 100 }), bgp('b', { localPref: 200, aggregationLength: 30 })], nodes), [], 'v4 length differs on a v4 pool');
    assert.deepEqual(c([bgp('a', { localPref: 100 }), bgp('b', { localPref: 200, aggregationLengthV6: 64 })], nodes), ['adv-localpref-conflict'], 'only the v6 length differs on a v4 pool');
    assert.deepEqual(c([bgp('a', { localPref: 100, peers: ['r1'] }), bgp('b', { localPref: 200, peers: ['r2'] })], nodes), [], 'disjoint peers');
    assert.deepEqual(c([bgp('a', { localPref: 100, peers: ['r1'] }), bgp('b', { localPref: 200 })], nodes), ['adv-localpref-conflict'], 'empty peers = all');
    assert.deepEqual(c([bgp('a', { localPref: 100, ...za }), bgp('b', { localPref: 200, ...zb })], nodes), [], 'disjoint nodes');
    assert.deepEqual(c([bgp('a', { localPref: 100 }), bgp('b', { localPref: 200 })], []), [], 'no Node at all: MetalLB finds no collision');
    assert.deepEqual(c([bgp('a', { localPref: 100 }), bgp('b', { localPref: 200, serviceSelectors: [{ matchLabels: { a: 'b' } }] })], nodes), [], 'serviceSelectors');
    const unknown = parse({ pools, bgpAdvertisements: [bgp('a', { localPref: 100, ...za }), bgp('b', { localPref: 200, ...zb })] });
    assert.deepEqual(unknown.map((e) => e.code), ['adv-localpref-conflict']);
    assert.match(unknown[0]!.message, /^invalid local preference 200: local preferernce 100 was already set for the same type of BGP update\. .*node sets were not known/);
  });
  test('2.4 dual-stack pool: both lengths must differ', () => {
    const pools = [pool('p', '10.0.0.0/24', 'fc00::/120')];
    const nodes = [node('n1', {})];
    const c = (b: Record<string, unknown>) => codes({ pools, nodes, bgpAdvertisements: [bgp('a', { localPref: 100 }), bgp('b', { localPref: 200, ...b })] });
    assert.deepEqual(c({ aggregationLength: 30 }), ['adv-localpref-conflict']);
    assert.deepEqual(c({ aggregationLength: 30, aggregationLengthV6: 126 }), []);
  });
  test('2.4 BGPAdv community neither literal nor known alias', () => {
    const communities = [obj('Community', 'c', { communities: [{ name: 'known', value: '1:1' }] })];
    const errs = parse({ communities, bgpAdvertisements: [bgp('a', { communities: ['known', 'unknown', '1:99999', '1:2:3'] })] });
    assert.deepEqual(errs.map((e) => [e.code, e.rejectedBy, e.transient ?? false]), [
      ['adv-community-invalid', 'runtime', true],
      ['adv-community-invalid', 'webhook', false],
      ['adv-community-invalid', 'webhook', true],
    ]);
    assert.match(errs[0]!.message, /^invalid community format: unknown; invalid community "unknown" in BGP advertisement/);
  });
  test('2.5 native: a large community literal in a BGPAdvertisement', () => {
    const ads = [bgp('a', { communities: ['large:1:2:3', '1:2'] })];
    assert.deepEqual(codes({ bgpAdvertisements: ads }, 'native'), ['community-large-native']);
    assert.equal(parse({ bgpAdvertisements: ads }, 'native')[0]!.message, 'native BGP mode only supports legacy communities, BGP advertisement "a" has non legacy community "large:1:2:3"');
    assert.deepEqual(codes({ bgpAdvertisements: ads }, 'frr'), []);
  });
  test('malformed advertisements are skipped', () => {
    const odd = { kind: 'BGPAdvertisement', metadata: { name: 'o' }, spec: { communities: 'x', aggregationLength: 'y', nodeSelectors: [null], peers: [1] } } as unknown as KubeObject;
    assert.doesNotThrow(() => parse({ pools: [pool('p', '10.0.0.0/24')], bgpAdvertisements: [odd, { kind: 'BGPAdvertisement', metadata: { name: 'n' } } as KubeObject], l2Advertisements: [odd] }));
  });
});
