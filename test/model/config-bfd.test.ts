import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseBFDSection } from '../../src/model/config/bfd.js';
import type { BGPBackend, ConfigInput } from '../../src/model/config/types.js';
import type { KubeObject } from '../../src/sources/types.js';

const NS = 'metallb-system';
const bfd = (name: string, spec: Record<string, unknown> = {}): KubeObject => ({ apiVersion: 'metallb.io/v1beta1', kind: 'BFDProfile', metadata: { name, namespace: NS }, spec });
const parse = (profiles: KubeObject[], backend: BGPBackend = 'frr') => {
  const input: ConfigInput = { pools: [], peers: [], bfdProfiles: profiles, communities: [], l2Advertisements: [], bgpAdvertisements: [] };
  return parseBFDSection(input, { backend, metallbNamespace: NS });
};

describe('2.4 BFDProfile rules', () => {
  test('in-range values parse clean', () => {
    assert.deepEqual(parse([bfd('a', { detectMultiplier: 2, receiveInterval: 10, transmitInterval: 60000, minimumTtl: 254, echoInterval: 10, echoMode: true })]), []);
  });
  test('2.4 detectMultiplier / intervals / minimumTtl out of range (each reported, runtime)', () => {
    const e = parse([bfd('a'), bfd('b', { detectMultiplier: 1, receiveInterval: 9, transmitInterval: 60001, minimumTtl: 0, echoInterval: 70000 })]);
    assert.deepEqual(e.map((x) => x.code), ['bfd-range', 'bfd-range', 'bfd-range', 'bfd-range', 'bfd-range']);
    assert.equal(e[0]!.message, 'parsing bfd profile #2: invalid value 1, must be in 2-255 range; invalid detect multiplier value');
    assert.match(e[3]!.message, /invalid value 0, must be in 1-254 range; invalid minimum ttl value/);
    assert.deepEqual(e.map((x) => x.subjects[0]!.path), [
      ['spec', 'detectMultiplier'], ['spec', 'receiveInterval'], ['spec', 'transmitInterval'], ['spec', 'minimumTtl'], ['spec', 'echoInterval'],
    ]);
    assert.ok(e.every((x) => x.rejectedBy === 'runtime'));
  });
  test('unreadable values are left to object-schema-invalid', () => {
    assert.deepEqual(parse([bfd('a', { detectMultiplier: 'three', receiveInterval: -5 })]), []);
  });
  test('2.4 duplicate name: "found duplicate bfd profile name"', () => {
    const first = bfd('fast');
    const second = bfd('fast');
    const e = parse([first, bfd('slow'), second]);
    assert.deepEqual(e.map((x) => x.message), ['found duplicate bfd profile name fast']);
    assert.equal(e[0]!.subjects[0]!.obj, second);
    assert.equal(e[0]!.subjects[1]!.obj, first);
  });
  test('2.5 native: any BFDProfile, even unused, "bfd profiles section set"', () => {
    const e = parse([bfd('a'), bfd('b')], 'native');
    assert.deepEqual(e.map((x) => [x.code, x.message, x.rejectedBy]), [
      ['bfd-native', 'bfd profiles section set', 'runtime'],
      ['bfd-native', 'bfd profiles section set', 'runtime'],
    ]);
    assert.deepEqual(parse([bfd('a')], 'frr-k8s'), []);
    assert.deepEqual(parse([], 'native'), []);
  });
});
