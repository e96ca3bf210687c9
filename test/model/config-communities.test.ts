import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../src/sources/types.js';
import { parseCommunitiesSection, parseCommunity } from '../../src/model/config/communities.js';
import type { ConfigInput, ParseContext } from '../../src/model/config/types.js';

const community = (name: string, entries: { name: string; value: string }[]): KubeObject =>
  ({ apiVersion: 'metallb.io/v1beta1', kind: 'Community', metadata: { name, namespace: 'metallb-system' }, spec: { communities: entries } }) as KubeObject;
const input = (communities: KubeObject[]): ConfigInput => ({ pools: [], peers: [], bfdProfiles: [], communities, l2Advertisements: [], bgpAdvertisements: [] });
const parse = (c: KubeObject[], backend: ParseContext['backend'] = 'frr') => parseCommunitiesSection(input(c), { backend, metallbNamespace: 'metallb-system' });

describe('2.4 Community rules', () => {
  test('2.4 Community value not A:B (uint16) or large:A:B:C (uint32)', () => {
    const errs = parse([community('c', [{ name: 'big', value: '65000:65536' }, { name: 'ok', value: 'large:4294967295:0:1' }, { name: 'neg', value: '-1:2' }])]);
    assert.deepEqual(errs.map((e) => e.code), ['community-invalid', 'community-invalid']);
    assert.equal(errs[0]!.message, 'parsing community "big": invalid community value: invalid section "65536" of community "65000:65536", err: "strconv.ParseUint: parsing \\"65536\\": value out of range"');
    assert.match(errs[1]!.message, /invalid section "-1" .*invalid syntax/);
    assert.equal(errs[0]!.rejectedBy, 'webhook');
    assert.deepEqual(errs[0]!.subjects[0]!.path, ['spec', 'communities', 0, 'value']);
  });
  test('2.4 same alias name in two entries/objects', () => {
    const errs = parse([community('a', [{ name: 'x', value: '1:1' }]), community('b', [{ name: 'x', value: '1:2' }, { name: 'y', value: '1:3' }, { name: 'y', value: '1:4' }])]);
    assert.deepEqual(errs.map((e) => e.code), ['community-duplicate', 'community-duplicate']);
    assert.match(errs[0]!.message, /^duplicate definition of community "x" \(first defined in Community "a"\)/);
    assert.match(errs[1]!.message, /in the same Community/);
  });
  test('2.4 Community parser: 2 fields with non-uint16 part; 4 fields without the lowercase large marker or non-uint32 part', () => {
    assert.deepEqual(parseCommunity('65535:65535'), { ok: true, large: false });
    assert.deepEqual(parseCommunity('large:1:2:3'), { ok: true, large: true });
    for (const bad of ['1:x', ':1', '1:+2', 'LARGE:1:2:3', 'large:1:2:4294967296', 'foo:1:2:3']) {
      const r = parseCommunity(bad);
      assert.equal(r.ok, false, bad);
      assert.equal(!r.ok && r.kind, 'value', bad);
    }
    assert.match((parseCommunity('Large:1:2:3') as { error: string }).error, /invalid marker for large community/);
  });
  test('2.4 Community parser: any other field count is a format error (alias lookup)', () => {
    for (const s of ['no-export', '1:2:3', 'large:1:2', '']) {
      const r = parseCommunity(s);
      assert.deepEqual(r, { ok: false, kind: 'format', error: `invalid community format: ${s}` });
    }
    // a Community value of another shape is not an alias: it is refused as well
    assert.match(parse([community('c', [{ name: 'n', value: 'no-export' }])])[0]!.message, /^parsing community "n": invalid community format: no-export$/);
  });
  test('2.5 native: a large community value in any Community object', () => {
    const c = [community('c', [{ name: 'l', value: 'large:1:2:3' }, { name: 's', value: '1:2' }])];
    const errs = parse(c, 'native');
    assert.deepEqual(errs.map((e) => e.code), ['community-large-native']);
    assert.equal(errs[0]!.message, 'native BGP mode only supports legacy communities, BGP community CR "c" has non legacy community {"l" "large:1:2:3"}');
    assert.deepEqual(parse(c, 'frr'), []);
  });
  test('malformed entries are skipped', () => {
    const odd = { kind: 'Community', metadata: { name: 'o' }, spec: { communities: [null, 3, { name: 5 }] } } as unknown as KubeObject;
    assert.doesNotThrow(() => parse([odd, { kind: 'Community', metadata: { name: 'p' } } as KubeObject]));
  });
});
