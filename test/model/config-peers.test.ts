import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parsePeersSection, parseTimers } from '../../src/model/config/peers.js';
import type { ConfigInput, ParseContext, BGPBackend } from '../../src/model/config/types.js';
import type { KubeObject } from '../../src/sources/types.js';
import { normalizeBGPPeer } from '../../src/model/bgppeer-conversion.js';

const NS = 'metallb-system';
const S = 1_000_000_000n;

function peer(name: string, spec: Record<string, unknown>, apiVersion = 'metallb.io/v1beta2'): KubeObject {
  return { apiVersion, kind: 'BGPPeer', metadata: { name, namespace: NS }, spec: { myASN: 64512, peerASN: 64513, peerAddress: '10.0.0.1', ...spec } };
}
function input(peers: KubeObject[], more: Partial<ConfigInput> = {}): ConfigInput {
  return { pools: [], peers, bfdProfiles: [], communities: [], l2Advertisements: [], bgpAdvertisements: [], ...more };
}
function parse(peers: KubeObject[], more: Partial<ConfigInput> = {}, backend: BGPBackend = 'frr') {
  const ctx: ParseContext = { backend, metallbNamespace: NS };
  return parsePeersSection(input(peers, more), ctx);
}
const codes = (errs: { code: string }[]) => errs.map((e) => e.code);
const node = (name: string, labels: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'Node', metadata: { name, labels } });
const secret = (name: string, type: string | undefined, keys: string[]): KubeObject => ({
  apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: NS }, ...(type ? { type } : {}), data: Object.fromEntries(keys.map((k) => [k, ''])),
});

describe('2.3 BGPPeer rules', () => {
  test('a well-formed peer parses clean', () => {
    assert.deepEqual(parse([peer('a', { holdTime: '90s', keepaliveTime: '30s', routerID: '10.1.1.1', sourceAddress: '10.0.0.5' })]), []);
  });
  test('2.3 myASN == 0: "missing local ASN"', () => {
    const e = parse([peer('a', { myASN: 0 })]);
    assert.deepEqual(codes(e), ['peer-my-asn-missing']);
    assert.equal(e[0]!.message, 'parsing peer a missing local ASN');
    assert.equal(e[0]!.rejectedBy, 'webhook');
    assert.deepEqual(e[0]!.subjects[0]!.path, ['spec', 'myASN']);
  });
  test('2.3 peerASN == 0 and dynamicASN empty', () => {
    const e = parse([peer('a', { peerASN: 0 })]);
    assert.deepEqual(codes(e), ['peer-asn-missing']);
    assert.match(e[0]!.message, /missing peer ASN and dynamicASN/);
  });
  test('2.3 peerASN != 0 and dynamicASN set', () => {
    assert.deepEqual(codes(parse([peer('a', { dynamicASN: 'external' })])), ['peer-asn-both']);
    assert.deepEqual(parse([peer('a', { peerASN: 0, dynamicASN: 'external' })]), []);
  });
  test('2.3 dynamicASN not internal/external', () => {
    const e = parse([peer('a', { peerASN: 0, dynamicASN: 'sideways' })]);
    assert.deepEqual(codes(e), ['peer-dynamic-asn-invalid']);
    assert.match(e[0]!.message, /invalid dynamicASN sideways/);
  });
  test('2.3 peerASN == myASN and ebgpMultiHop (not caught for dynamicASN=internal)', () => {
    assert.deepEqual(codes(parse([peer('a', { peerASN: 64512, ebgpMultiHop: true })])), ['peer-ebgp-multihop-ibgp']);
    assert.deepEqual(parse([peer('a', { peerASN: 0, dynamicASN: 'internal', ebgpMultiHop: true })]), []);
    assert.deepEqual(parse([peer('a', { ebgpMultiHop: true })]), []);
  });
  test('2.3 neither peerAddress nor interface', () => {
    const e = parse([peer('a', { peerAddress: undefined })]);
    assert.deepEqual(codes(e), ['peer-address-missing']);
    assert.match(e[0]!.message, /peer has no Address or Interface specified/);
    assert.deepEqual(parse([peer('a', { peerAddress: undefined, interface: 'eth1' })]), []);
  });
  test('2.3 both peerAddress and interface set', () => {
    assert.deepEqual(codes(parse([peer('a', { interface: 'eth1' })])), ['peer-address-both']);
  });
  test('2.3 peerAddress not an IP', () => {
    const e = parse([peer('a', { peerAddress: '10.0.0.1/32' })]);
    assert.deepEqual(codes(e), ['peer-address-invalid']);
    assert.equal(e[0]!.message, 'parsing peer a invalid BGPPeer address "10.0.0.1/32"');
    assert.deepEqual(codes(parse([peer('a', { peerAddress: 'fe80::1%eth0' })])), ['peer-address-invalid']);
    assert.deepEqual(parse([peer('a', { peerAddress: '2001:db8::1' })]), []);
  });
  test('2.3 routerID not an IP', () => {
    const e = parse([peer('a', { routerID: 'router-1' })]);
    assert.deepEqual(codes(e), ['peer-router-id-invalid']);
    assert.match(e[0]!.message, /invalid router ID "router-1"/);
  });
  test('2.3 sourceAddress set but not an IP', () => {
    const e = parse([peer('a', { sourceAddress: '010.0.0.1' })]);
    assert.deepEqual(codes(e), ['peer-source-address-invalid']);
    assert.match(e[0]!.message, /invalid source IP "010\.0\.0\.1"/);
  });
  test('2.3 duplicate / invalid nodeSelectors', () => {
    const dup = parse([peer('a', { nodeSelectors: [{ matchLabels: { rack: 'a' } }, { matchLabels: { rack: 'a' } }] })]);
    assert.deepEqual(codes(dup), ['peer-node-selector']);
    assert.match(dup[0]!.message, /duplicate definition of nodeSelectors/);
    const bad = parse([peer('a', { nodeSelectors: [{ matchExpressions: [{ key: 'rack', operator: 'In' }] }] })]);
    assert.deepEqual(codes(bad), ['peer-node-selector']);
    assert.match(bad[0]!.message, /failed to convert peer a node selector/);
    assert.deepEqual(bad[0]!.subjects[0]!.path, ['spec', 'nodeSelectors', 0]);
  });
  test('2.3 password and passwordSecret.name both set (runtime: the webhook blanks passwordSecret)', () => {
    const e = parse([peer('a', { password: 'x', passwordSecret: { name: 's' } })]);
    assert.deepEqual(codes(e), ['peer-password-both']);
    assert.equal(e[0]!.rejectedBy, 'runtime');
    assert.match(e[0]!.message, /can not have both password and secret ref set in peer config "metallb-system"\/"a"/);
  });
  test('2.3 passwordSecret not found in MetalLB ns (transient; silent when Secrets were not captured)', () => {
    const p = peer('a', { passwordSecret: { name: 's' } });
    assert.deepEqual(parse([p]), [], 'no Secrets captured: nothing said');
    const e = parse([p], { secrets: [secret('other', 'kubernetes.io/basic-auth', ['password'])] });
    assert.deepEqual(codes(e), ['peer-secret-missing']);
    assert.equal(e[0]!.transient, true);
    assert.equal(e[0]!.rejectedBy, 'runtime');
    assert.match(e[0]!.message, /secret ref not found for peer config "metallb-system"\/"a"; failed to parse peer a password secret/);
  });
  test('2.3 secret type != kubernetes.io/basic-auth (absent type is Opaque)', () => {
    const p = peer('a', { passwordSecret: { name: 's' } });
    assert.deepEqual(codes(parse([p], { secrets: [secret('s', 'Opaque', ['password'])] })), ['peer-secret-type']);
    assert.deepEqual(codes(parse([p], { secrets: [secret('s', undefined, ['password'])] })), ['peer-secret-type']);
    assert.deepEqual(parse([p], { secrets: [secret('s', 'kubernetes.io/basic-auth', ['username', 'password'])] }), []);
  });
  test('2.3 secret lacks key password', () => {
    const e = parse([peer('a', { passwordSecret: { name: 's' } })], { secrets: [secret('s', 'kubernetes.io/basic-auth', ['username'])] });
    assert.deepEqual(codes(e), ['peer-secret-no-password']);
    assert.match(e[0]!.message, /password not specified in the secret "metallb-system"\/"s"/);
  });
  test('2.3 bfdProfile names a non-existent BFDProfile (transient, runtime)', () => {
    const e = parse([peer('a', { bfdProfile: 'fast' })]);
    assert.deepEqual(codes(e), ['peer-bfd-profile-missing']);
    assert.equal(e[0]!.message, 'peer a referencing non existing bfd profile fast');
    assert.equal(e[0]!.transient, true);
    assert.equal(e[0]!.rejectedBy, 'runtime');
    const fast: KubeObject = { apiVersion: 'metallb.io/v1beta1', kind: 'BFDProfile', metadata: { name: 'fast', namespace: NS }, spec: {} };
    assert.deepEqual(parse([peer('a', { bfdProfile: 'fast' })], { bfdProfiles: [fast] }), []);
  });
  test('2.3 parsed peer identical to another: never fires for distinct objects', () => {
    assert.deepEqual(parse([peer('a', {}), peer('b', {})], {}, 'native'), []);
  });
  test('every error is reported, not the first', () => {
    const e = parse([peer('a', { myASN: 0, peerASN: 0, peerAddress: 'x', routerID: 'y' })]);
    assert.deepEqual(codes(e), ['peer-my-asn-missing', 'peer-asn-missing', 'peer-address-invalid', 'peer-router-id-invalid']);
  });
  test('the webhook lets disableMP: true through on create: runtime', () => {
    const e = parse([peer('a', { myASN: 0, disableMP: true })]);
    assert.equal(e[0]!.rejectedBy, 'runtime');
  });
});

describe('2.3 timer rules (parseTimers)', () => {
  const t = (hold?: string, keepalive?: string) => parse([peer('a', { holdTime: hold, keepaliveTime: keepalive })]);
  test('2.3 both unset stays unset (backend default)', () => {
    assert.deepEqual(parseTimers(undefined, undefined), {});
  });
  test('2.3 only holdTime: keepalive = hold/3; only keepalive: hold = 3 x keepalive', () => {
    assert.deepEqual(parseTimers(90n * S, undefined), { holdTime: 90n * S, keepaliveTime: 30n * S });
    assert.deepEqual(parseTimers(undefined, 20n * S), { holdTime: 60n * S, keepaliveTime: 20n * S });
  });
  test('2.3 hold truncated to whole seconds, non-zero and < 3s rejected', () => {
    const e = t('2s');
    assert.deepEqual(codes(e), ['peer-timers-invalid']);
    assert.equal(e[0]!.message, 'parsing peer a invalid BGPPeer timers: invalid hold time "2s": must be 0 or >=3s');
    assert.deepEqual(e[0]!.subjects[0]!.path, ['spec', 'holdTime']);
    assert.deepEqual(t('3.9s'), [], '3.9s truncates to 3s');
    assert.deepEqual(codes(t('2.9s')), ['peer-timers-invalid'], '2.9s truncates to 2s');
    assert.deepEqual(t('900ms', '0s'), [], '900ms truncates to 0: allowed');
    assert.deepEqual(t('0s'), []);
  });
  test('2.3 only keepalive and 3 x keepalive < 3s: the message prints the nil holdTime', () => {
    const e = t(undefined, '500ms');
    assert.equal(e[0]!.message, 'parsing peer a invalid BGPPeer timers: invalid hold time <nil>: must be 0 or >=3s');
    assert.deepEqual(e[0]!.subjects[0]!.path, ['spec', 'keepaliveTime']);
  });
  test('2.3 keepalive > hold rejected; equal allowed; hold 0 with keepalive > 0 rejected', () => {
    const e = t('1m30s', '2m');
    assert.equal(e[0]!.message, 'parsing peer a invalid BGPPeer timers: invalid keepaliveTime "2m0s", must be lower than holdTime "1m30s"');
    assert.deepEqual(t('30s', '30s'), []);
    assert.deepEqual(codes(t('0s', '10s')), ['peer-timers-invalid']);
  });
  test('1.5 v1beta1 quirk: keepaliveTime alone is stored with an explicit 0s holdTime', () => {
    const v1 = normalizeBGPPeer(peer('a', { keepaliveTime: '30s' }, 'metallb.io/v1beta1'));
    const e = parse([v1]);
    assert.deepEqual(codes(e), ['peer-timers-invalid']);
    assert.match(e[0]!.message, /invalid keepaliveTime "30s", must be lower than holdTime "0s"/);
    assert.deepEqual(parse([peer('a', { keepaliveTime: '30s' })]), [], 'v1beta2 derives hold = 90s');
  });
  test('property: the result obeys the rules for any pair of whole-millisecond timers', () => {
    const ms = 1_000_000n;
    const opt = fc.option(fc.integer({ min: 0, max: 400_000 }), { nil: undefined });
    fc.assert(
      fc.property(opt, opt, (h, k) => {
        const r = parseTimers(h === undefined ? undefined : BigInt(h) * ms, k === undefined ? undefined : BigInt(k) * ms);
        if (h === undefined && k === undefined) return r.error === undefined && r.holdTime === undefined;
        const hold = h !== undefined ? BigInt(h) * ms : BigInt(k!) * 3n * ms;
        const ka = k !== undefined ? BigInt(k) * ms : (BigInt(h!) * ms) / 3n;
        const secs = hold / S;
        const bad = (secs !== 0n && secs < 3n) || ka > hold;
        return bad ? r.error !== undefined : r.holdTime === hold && r.keepaliveTime === ka;
      }),
      { numRuns: 500, seed: 42 },
    );
  });
});

describe('2.5 native mode (DiscardFRROnly) peer checks', () => {
  test('2.5 native: each FRR-only field, named by the peer address', () => {
    const e = parse(
      [peer('a', { bfdProfile: 'fast', keepaliveTime: '10s', vrf: 'red', connectTime: '5s', enableGracefulRestart: true, dualStackAddressFamily: true, localASN: 65000 })],
      { bfdProfiles: [{ apiVersion: 'metallb.io/v1beta1', kind: 'BFDProfile', metadata: { name: 'fast' }, spec: {} }] },
      'native',
    );
    const native = e.filter((x) => x.code === 'peer-native-unsupported');
    assert.deepEqual(native.map((x) => x.message), [
      'peer 10.0.0.1 has bfd-profile set on native bgp mode',
      'peer 10.0.0.1 has keepalive-time set on native bgp mode',
      'peer 10.0.0.1 has vrf set on native bgp mode',
      'peer 10.0.0.1 has connect time set on native bgp mode',
      'peer 10.0.0.1 has EnableGracefulRestart flag set on native bgp mode',
      'peer 10.0.0.1 has dualstackaddressfamily flag set on native bgp mode',
      'peer 10.0.0.1 has localASN set on native bgp mode',
    ]);
    assert.equal(native[0]!.rejectedBy, 'runtime', 'bfdProfile is blanked by the webhook');
    assert.equal(native[1]!.rejectedBy, 'webhook');
  });
  test('2.5 native: dynamicASN, interface, disableMP (the last escapes the webhook on create)', () => {
    const e = parse([peer('a', { peerASN: 0, dynamicASN: 'external', peerAddress: undefined, interface: 'eth0', disableMP: true })], {}, 'native');
    assert.deepEqual(e.map((x) => x.message), [
      'peer  has disable MP flag set on native bgp mode',
      'peer  has dynamicASN set on native bgp mode',
      'peer  has interface set on native bgp mode',
    ]);
    assert.ok(e.every((x) => x.rejectedBy === 'runtime'));
  });
  test('2.5 native: keepaliveTime 0s is allowed; the same fields under frr are fine', () => {
    assert.deepEqual(parse([peer('a', { keepaliveTime: '0s', holdTime: '90s' })], {}, 'native'), []);
    assert.deepEqual(parse([peer('a', { vrf: 'red', keepaliveTime: '10s' })], {}, 'frr'), []);
  });
});

describe('2.5 FRR / FRR-K8s peer pairs sharing a node', () => {
  const nodes = [node('n1', { rack: 'a' }), node('n2', { rack: 'b' })];
  const rackA = { nodeSelectors: [{ matchLabels: { rack: 'a' } }] };
  const rackB = { nodeSelectors: [{ matchLabels: { rack: 'b' } }] };
  test('2.5 routerID strings differ ("" vs a value counts)', () => {
    for (const backend of ['frr', 'frr-k8s'] as const) {
      const e = parse([peer('a', { routerID: '10.9.9.9' }), peer('b', { peerAddress: '10.0.0.2' })], {}, backend);
      assert.deepEqual(codes(e), ['peer-frr-router-id']);
      assert.match(e[0]!.message, /^peer  has RouterID different from 10\.9\.9\.9, in FRR mode peers selecting the same node must all have the same RouterID/);
      assert.match(e[0]!.message, /Nodes not captured/);
      assert.equal(e[0]!.rejectedBy, 'webhook');
    }
  });
  test('2.5 same identifier (address, plus -vrf): duplicate, even with different ports', () => {
    const e = parse([peer('a', { peerPort: 179 }), peer('b', { peerPort: 1179 })]);
    assert.deepEqual(codes(e), ['peer-frr-duplicate']);
    assert.match(e[0]!.message, /^peer 10\.0\.0\.1 already exists, FRR mode doesn't support duplicate BGPPeers selecting the same node/);
    assert.deepEqual(parse([peer('a', { vrf: 'red', myASN: 1 }), peer('b', {})]), [], 'different VRF: different identifier, myASN free');
    assert.deepEqual(codes(parse([peer('a', { vrf: 'red' }), peer('b', { vrf: 'red' })])), ['peer-frr-duplicate']);
  });
  test('2.5 myASN differs while vrf equal', () => {
    const e = parse([peer('a', { myASN: 64600 }), peer('b', { peerAddress: '10.0.0.2' })]);
    assert.deepEqual(codes(e), ['peer-frr-my-asn']);
    assert.match(e[0]!.message, /^peer 10\.0\.0\.2 has myAsn different from 10\.0\.0\.1/);
  });
  test('2.5 node sets from nodeSelectors against captured Nodes: disjoint peers are exempt', () => {
    assert.deepEqual(parse([peer('a', rackA), peer('b', rackB)], { nodes }), []);
    assert.deepEqual(codes(parse([peer('a', rackA), peer('b', {})], { nodes })), ['peer-frr-duplicate']);
    const e = parse([peer('a', rackA), peer('b', rackB)], {});
    assert.deepEqual(codes(e), ['peer-frr-duplicate'], 'no Nodes captured: assumed to share');
    assert.deepEqual(codes(parse([peer('a', rackA), peer('b', rackB)], { nodes: [] })), ['peer-frr-duplicate'], 'no Node at all: MetalLB assumes they share');
  });
  test('2.5 native mode skips the FRR pair rules', () => {
    assert.deepEqual(parse([peer('a', {}), peer('b', { routerID: '1.1.1.1' })], {}, 'native'), []);
  });
});
