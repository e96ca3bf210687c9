import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../src/sources/types.js';
import { parsePoolsSection } from '../../src/model/config/pools.js';
import type { ConfigInput, ParseContext } from '../../src/model/config/types.js';

const pool = (name: string, addresses: unknown, extra: Record<string, unknown> = {}, labels?: Record<string, string>): KubeObject =>
  ({ apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', metadata: { name, namespace: 'metallb-system', ...(labels ? { labels } : {}) }, spec: { addresses, ...extra } }) as KubeObject;
const bgpAd = (name: string, spec: Record<string, unknown> = {}): KubeObject =>
  ({ apiVersion: 'metallb.io/v1beta1', kind: 'BGPAdvertisement', metadata: { name, namespace: 'metallb-system' }, spec }) as KubeObject;
const input = (pools: KubeObject[], bgpAdvertisements: KubeObject[] = []): ConfigInput => ({
  pools, peers: [], bfdProfiles: [], communities: [], l2Advertisements: [], bgpAdvertisements,
});
const ctx = (backend: ParseContext['backend'] = 'frr'): ParseContext => ({ backend, metallbNamespace: 'metallb-system' });
const parse = (i: ConfigInput, b?: ParseContext['backend']) => parsePoolsSection(i, ctx(b));
const codes = (i: ConfigInput, b?: ParseContext['backend']) => parse(i, b).map((e) => e.code);

describe('2.2 IPAddressPool rules', () => {
  test('2.2 name empty: "missing pool name"', () => {
    const [e] = parse(input([pool('', ['10.0.0.0/24'])]));
    assert.equal(e?.code, 'pool-name-missing');
    assert.match(e!.message, /missing pool name/);
    assert.equal(e!.rejectedBy, 'webhook');
  });
  test('2.2 addresses empty: "pool has no prefixes defined" (absent too; a non-list is the schema\'s)', () => {
    assert.deepEqual(codes(input([pool('a', [])])), ['pool-no-prefixes']);
    assert.deepEqual(codes(input([pool('a', undefined)])), ['pool-no-prefixes']);
    assert.deepEqual(codes(input([pool('a', 'x')])), []);
    assert.equal(parse(input([pool('a', [])]))[0]!.message, 'parsing address pool a: pool has no prefixes defined');
  });
  test('2.2 entry that is not a CIDR (a bare IP too)', () => {
    const errs = parse(input([pool('a', ['10.0.0.1', '10.0.0.0/24'])]));
    assert.deepEqual(errs.map((e) => e.code), ['pool-cidr-invalid']);
    assert.equal(errs[0]!.message, 'parsing address pool a: invalid CIDR "10.0.0.1" in pool "a": invalid CIDR "10.0.0.1"');
    assert.deepEqual(errs[0]!.subjects[0]!.path, ['spec', 'addresses', 0]);
  });
  test('2.2 range with unparsable start / end', () => {
    const errs = parse(input([pool('a', ['10.0.0.x-10.0.0.5', '10.0.0.1-zz'])]));
    assert.match(errs[0]!.message, /invalid IP range "10\.0\.0\.x-10\.0\.0\.5": invalid start IP "10\.0\.0\.x"/);
    assert.match(errs[1]!.message, /invalid end IP "zz"/);
  });
  test('2.2 range start > end', () => {
    assert.match(parse(input([pool('a', ['10.0.0.9-10.0.0.2'])]))[0]!.message, /start IP "10\.0\.0\.9" is after the end IP "10\.0\.0\.2"/);
  });
  test('2.2 CIDR with host bits set is accepted', () => {
    assert.deepEqual(codes(input([pool('a', ['10.0.0.5/24'])])), []);
  });
  test('2.2 CIDR equal to / containing / contained in one seen before, same or other pool', () => {
    const errs = parse(input([pool('a', ['10.0.0.0/16']), pool('b', ['10.0.5.0/24', '192.168.0.0/24', '192.168.0.10-192.168.0.20'])]));
    assert.deepEqual(errs.map((e) => e.code), ['pool-overlap', 'pool-overlap']);
    assert.match(errs[0]!.message, /^CIDR "10\.0\.5\.0\/24" in pool "b" overlaps with already defined CIDR "10\.0\.0\.0\/16"/);
    assert.match(errs[1]!.message, /^CIDR "192\.168\.0\.10\/31" in pool "b" overlaps with already defined CIDR "192\.168\.0\.0\/24".*in the same pool/);
    assert.deepEqual(codes(input([pool('a', ['10.0.0.0/25']), pool('b', ['10.0.0.128/25'])])), []);
  });
  test('2.2 serviceAllocation.namespaces has a duplicate', () => {
    const errs = parse(input([pool('a', ['10.0.0.0/24'], { serviceAllocation: { namespaces: ['x', 'y', 'x'] } })]));
    assert.deepEqual(errs.map((e) => e.code), ['pool-namespaces-duplicate']);
    assert.match(errs[0]!.message, /duplicate definition in namespaces field/);
    assert.deepEqual(errs[0]!.subjects[0]!.path, ['spec', 'serviceAllocation', 'namespaces', 2]);
  });
  test('2.2 two identical selectors in namespaceSelectors / serviceSelectors', () => {
    const sel = { matchExpressions: [{ key: 'k', operator: 'In', values: ['b', 'a'] }] };
    const same = { matchExpressions: [{ key: 'k', operator: 'In', values: ['a', 'b'] }] };
    assert.deepEqual(codes(input([pool('a', ['10.0.0.0/24'], { serviceAllocation: { namespaceSelectors: [sel, same] } })])), ['pool-selector-duplicate']);
    assert.match(parse(input([pool('a', ['10.0.0.0/24'], { serviceAllocation: { serviceSelectors: [sel, same] } })]))[0]!.message, /duplicate definition of serviceSelectors/);
  });
  test('2.2 duplicate values inside one matchExpression; duplicate matchExpressions', () => {
    const vals = parse(input([pool('a', ['10.0.0.0/24'], { serviceAllocation: { serviceSelectors: [{ matchExpressions: [{ key: 'k', operator: 'In', values: ['a', 'a'] }] }] } })]));
    assert.match(vals[0]!.message, /duplicate definition of match expression value in label selector "a"/);
    const e = { key: 'k', operator: 'Exists' };
    const exprs = parse(input([pool('a', ['10.0.0.0/24'], { serviceAllocation: { serviceSelectors: [{ matchExpressions: [e, e] }] } })]));
    assert.match(exprs[0]!.message, /duplicate definition of match expressions/);
  });
  test('2.2 invalid label selector (bad operator, In without values, Exists with values)', () => {
    const errs = parse(input([pool('a', ['10.0.0.0/24'], {
      serviceAllocation: {
        namespaceSelectors: [{ matchExpressions: [{ key: 'k', operator: 'Equals', values: ['x'] }] }],
        serviceSelectors: [{ matchExpressions: [{ key: 'k', operator: 'In' }] }, { matchExpressions: [{ key: 'k', operator: 'Exists', values: ['x'] }] }],
      },
    })]));
    assert.deepEqual(errs.map((e) => e.code), ['pool-selector-invalid', 'pool-selector-invalid', 'pool-selector-invalid']);
    assert.match(errs[0]!.message, /"Equals" is not a valid label selector operator; invalid namespace label selector &LabelSelector\{.* in ip pool a$/);
    assert.match(errs[1]!.message, /values set can't be empty; invalid service label selector \{map\[\] \[\{k In \[\]\}\]\} in ip pool a$/);
    assert.match(errs[2]!.message, /values set must be empty/);
    // no namespaces and no selectors: nothing is checked
    assert.deepEqual(codes(input([pool('a', ['10.0.0.0/24'], { serviceAllocation: { priority: 1 } })])), []);
  });
  test('2.2 IPv6 pool selected by a BGPAdvertisement in native mode', () => {
    const pools = [pool('v4', ['10.0.0.0/24'], {}, { family: 'v4' }), pool('v6', ['fc00::/64'], {}, { family: 'v6' })];
    assert.deepEqual(codes(input(pools, [bgpAd('all')]), 'native'), ['pool-ipv6-native-bgp']);
    assert.match(parse(input(pools, [bgpAd('all')]), 'native')[0]!.message, /^pool "v6" has ipv6 CIDR fc00::\/64, native bgp mode does not support ipv6/);
    // only checked with BGPAdvertisements, only the pools they select, only in native mode
    assert.deepEqual(codes(input(pools), 'native'), []);
    assert.deepEqual(codes(input(pools, [bgpAd('v4', { ipAddressPoolSelectors: [{ matchLabels: { family: 'v4' } }] })]), 'native'), []);
    assert.deepEqual(codes(input(pools, [bgpAd('v4', { ipAddressPools: ['v4'] }), bgpAd('sel', { ipAddressPoolSelectors: [{ matchLabels: { family: 'v6' } }] })]), 'native'), ['pool-ipv6-native-bgp']);
    assert.deepEqual(codes(input(pools, [bgpAd('all')]), 'frr'), []);
  });
  test('malformed objects are skipped, never thrown on', () => {
    const odd = { apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', metadata: { name: 'odd' }, spec: { addresses: [1, null], serviceAllocation: { namespaces: 'x', serviceSelectors: [null, 3] } } } as unknown as KubeObject;
    assert.doesNotThrow(() => parse(input([odd, { kind: 'IPAddressPool', metadata: { name: 'x' } } as KubeObject], [bgpAd('a', { ipAddressPools: 'p' })]), 'native'));
  });
});
