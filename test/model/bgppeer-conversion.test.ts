import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { convertV1beta1ToV1beta2, convertV1beta2ToV1beta1, normalizeBGPPeer } from '../../src/model/bgppeer-conversion.js';
import { validateObject } from '../../src/model/schema/index.js';
import { attachSource, packPos, pathKey, positionOf, type KubeObject } from '../../src/sources/types.js';

const meta = { name: 'peer1', namespace: 'metallb-system' };
const v1 = (spec: Record<string, unknown>): KubeObject => ({ apiVersion: 'metallb.io/v1beta1', kind: 'BGPPeer', metadata: { ...meta }, spec });
const v2 = (spec: Record<string, unknown>): KubeObject => ({ apiVersion: 'metallb.io/v1beta2', kind: 'BGPPeer', metadata: { ...meta }, spec });

describe('v1beta1 -> v1beta2', () => {
  test('every field, durations re-printed by Go, selectors converted', () => {
    const r = convertV1beta1ToV1beta2(
      v1({
        myASN: 42,
        peerASN: 142,
        peerAddress: '1.2.3.4',
        peerPort: 1179,
        holdTime: '180s',
        keepaliveTime: '1s',
        routerID: '10.20.30.40',
        sourceAddress: '10.20.30.41',
        ebgpMultiHop: true,
        bfdProfile: 'default',
        password: 'nopass',
        nodeSelectors: [{ matchLabels: { foo: 'bar' }, matchExpressions: [{ key: 'k', operator: 'In', values: ['quux'] }] }],
      }),
    );
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.object, {
      apiVersion: 'metallb.io/v1beta2',
      kind: 'BGPPeer',
      metadata: meta,
      spec: {
        myASN: 42,
        peerASN: 142,
        peerAddress: '1.2.3.4',
        sourceAddress: '10.20.30.41',
        peerPort: 1179,
        holdTime: '3m0s',
        keepaliveTime: '1s',
        routerID: '10.20.30.40',
        nodeSelectors: [{ matchLabels: { foo: 'bar' }, matchExpressions: [{ key: 'k', operator: 'In', values: ['quux'] }] }],
        password: 'nopass',
        bfdProfile: 'default',
        ebgpMultiHop: true,
      },
    });
  });
  test('quirk: absent timers are stored as explicit 0s', () => {
    const r = convertV1beta1ToV1beta2(v1({ myASN: 1, peerASN: 2, peerAddress: '10.0.0.1' }));
    const spec = r.object.spec as Record<string, unknown>;
    assert.equal(spec.holdTime, '0s');
    assert.equal(spec.keepaliveTime, '0s');
  });
  test('zero values disappear (peerPort 0 then reads as the v1beta2 default)', () => {
    const spec = convertV1beta1ToV1beta2(v1({ myASN: 1, peerASN: 0, peerAddress: '', peerPort: 0, ebgpMultiHop: false })).object.spec as Record<string, unknown>;
    assert.deepEqual(Object.keys(spec).sort(), ['holdTime', 'keepaliveTime', 'myASN']);
  });
  test('an empty node selector stays empty (selects everything)', () => {
    const spec = convertV1beta1ToV1beta2(v1({ myASN: 1, peerASN: 2, peerAddress: 'a', nodeSelectors: [{}, { matchLabels: {} }] })).object.spec as Record<string, unknown>;
    assert.deepEqual(spec.nodeSelectors, [{}, {}]);
  });
  test('an unparsable duration is a conversion problem', () => {
    const r = convertV1beta1ToV1beta2(v1({ myASN: 1, peerASN: 2, peerAddress: 'a', holdTime: '90' }));
    assert.deepEqual(r.problems, [{ path: ['spec', 'holdTime'], message: 'cannot convert spec.holdTime: time: missing unit in duration "90"' }]);
  });
  test('the result satisfies the v1beta2 schema when the input satisfies v1beta1 (property, 200 runs)', () => {
    const sel = fc.record(
      {
        matchLabels: fc.dictionary(fc.constantFrom('a', 'b', 'kubernetes.io/hostname'), fc.constantFrom('x', 'y')),
        matchExpressions: fc.array(fc.record({ key: fc.constantFrom('a', 'b'), operator: fc.constantFrom('In', 'NotIn'), values: fc.array(fc.constantFrom('x', 'y'), { minLength: 1, maxLength: 3 }) }), { maxLength: 2 }),
      },
      { requiredKeys: [] },
    );
    const spec = fc.record(
      {
        myASN: fc.integer({ min: 0, max: 4294967295 }),
        peerASN: fc.integer({ min: 0, max: 4294967295 }),
        peerAddress: fc.constantFrom('10.0.0.1', 'fc00::1'),
        peerPort: fc.integer({ min: 1, max: 16384 }),
        holdTime: fc.constantFrom('90s', '3s', '0s', '1m', '1h30m'),
        keepaliveTime: fc.constantFrom('30s', '1s', '1m'),
        nodeSelectors: fc.array(sel, { maxLength: 3 }),
        password: fc.string({ maxLength: 5 }),
        ebgpMultiHop: fc.boolean(),
      },
      { requiredKeys: ['myASN', 'peerASN', 'peerAddress'] },
    );
    fc.assert(
      fc.property(spec, (s) => {
        const src = v1(s);
        assert.deepEqual(validateObject(src), []);
        const r = convertV1beta1ToV1beta2(src);
        assert.deepEqual(r.problems, []);
        assert.deepEqual(validateObject(r.object), []);
        // and back: nothing is dropped, the common fields survive the round trip
        const back = convertV1beta2ToV1beta1(r.object);
        assert.deepEqual(back.dropped, []);
        const b = back.object.spec as Record<string, unknown>;
        assert.equal(b.myASN, s.myASN);
        assert.equal(b.peerASN, s.peerASN);
        assert.equal(b.peerAddress, s.peerAddress);
        assert.equal(b.password || undefined, s.password || undefined);
      }),
      { numRuns: 200 },
    );
  });
});

describe('v1beta2 -> v1beta1', () => {
  test('drops the v1beta2-only fields and lists them', () => {
    const r = convertV1beta2ToV1beta1(
      v2({
        myASN: 42,
        peerASN: 142,
        peerAddress: '1.2.3.4',
        holdTime: '180s',
        passwordSecret: { name: 'nosecret', namespace: 'metallb-system' },
        vrf: 'red',
        connectTime: '10s',
        localASN: 7,
        enableGracefulRestart: true,
        dualStackAddressFamily: true,
        disableMP: false,
        nodeSelectors: [{ matchLabels: { foo: 'bar' }, matchExpressions: [{ key: 'k', operator: 'Exists' }] }],
      }),
    );
    assert.deepEqual(r.dropped, ['passwordSecret', 'vrf', 'connectTime', 'localASN', 'enableGracefulRestart', 'dualStackAddressFamily']);
    assert.deepEqual(r.object.spec, {
      myASN: 42,
      peerASN: 142,
      peerAddress: '1.2.3.4',
      holdTime: '3m0s',
      keepaliveTime: '0s',
      // the legacy type always carries values
      nodeSelectors: [{ matchLabels: { foo: 'bar' }, matchExpressions: [{ key: 'k', operator: 'Exists', values: [] }] }],
    });
  });
  test('unnumbered and dynamic peers lose their identity in v1beta1', () => {
    const r = convertV1beta2ToV1beta1(v2({ myASN: 1, dynamicASN: 'external', interface: 'eth1' }));
    assert.deepEqual(r.dropped, ['dynamicASN', 'interface']);
    const s = r.object.spec as Record<string, unknown>;
    assert.equal(s.peerASN, 0);
    assert.equal(s.peerAddress, '');
  });
  test('an empty passwordSecret is not a dropped field', () => {
    assert.deepEqual(convertV1beta2ToV1beta1(v2({ myASN: 1, passwordSecret: {} })).dropped, []);
  });
});

describe('normalizeBGPPeer', () => {
  test('v1beta2 is returned as is', () => {
    const o = v2({ myASN: 1 });
    assert.equal(normalizeBGPPeer(o), o);
  });
  test('v1beta1 is converted and keeps its positions', () => {
    const o = v1({ myASN: 1, peerASN: 2, peerAddress: '10.0.0.1', nodeSelectors: [{ matchLabels: { a: 'b' } }] });
    attachSource(o, {
      file: 'peers.yaml',
      line: 1,
      column: 1,
      docIndex: 0,
      fields: new Map([
        [pathKey(['spec', 'peerAddress']), packPos(9, 16)],
        [pathKey(['spec', 'nodeSelectors', 0, 'matchLabels', 'a']), packPos(12, 12)],
      ]),
    });
    const n = normalizeBGPPeer(o);
    assert.equal(n.apiVersion, 'metallb.io/v1beta2');
    assert.deepEqual(positionOf(n, ['spec', 'peerAddress']), { file: 'peers.yaml', line: 9, column: 16 });
    assert.deepEqual(positionOf(n, ['spec', 'nodeSelectors', 0, 'matchLabels', 'a']), { file: 'peers.yaml', line: 12, column: 12 });
    // absent timers point at the object itself
    assert.deepEqual(positionOf(n, ['spec', 'holdTime']), { file: 'peers.yaml', line: 1, column: 1 });
  });
  test('never throws on garbage specs', () => {
    fc.assert(
      fc.property(fc.anything(), (spec) => {
        const o = { apiVersion: 'metallb.io/v1beta1', kind: 'BGPPeer', metadata: {}, spec } as KubeObject;
        assert.equal(normalizeBGPPeer(o).apiVersion, 'metallb.io/v1beta2');
        assert.equal(convertV1beta2ToV1beta1(o).object.apiVersion, 'metallb.io/v1beta1');
      }),
      { numRuns: 200 },
    );
  });
});
