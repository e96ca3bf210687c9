import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { crossObjectChecks } from '../../src/model/config/cross.js';
import type { BGPBackend, ConfigInput } from '../../src/model/config/types.js';
import type { KubeObject } from '../../src/sources/types.js';

const NS = 'metallb-system';
const obj = (kind: string, name: string, spec: Record<string, unknown>, labels?: Record<string, string>): KubeObject => ({
  apiVersion: 'metallb.io/v1beta1', kind, metadata: { name, namespace: NS, ...(labels ? { labels } : {}) }, spec,
});
const pool = (name: string, ...addresses: string[]) => obj('IPAddressPool', name, { addresses });
const peer = (name: string, bfdProfile?: string) => ({ ...obj('BGPPeer', name, { myASN: 1, peerASN: 2, peerAddress: '10.0.0.1', ...(bfdProfile ? { bfdProfile } : {}) }), apiVersion: 'metallb.io/v1beta2' });
const echo = obj('BFDProfile', 'echo', { echoMode: true });
const plain = obj('BFDProfile', 'plain', { echoMode: false });
const adv = (name: string, spec: Record<string, unknown> = {}) => obj('BGPAdvertisement', name, spec);

function run(more: Partial<ConfigInput>, backend: BGPBackend = 'frr') {
  const input: ConfigInput = { pools: [], peers: [], bfdProfiles: [echo, plain], communities: [], l2Advertisements: [], bgpAdvertisements: [], ...more };
  return crossObjectChecks(input, { backend, metallbNamespace: NS });
}

describe('2.5 cross-object: BFD echo with IPv6 pools', () => {
  test('2.5 pool with an IPv6 CIDR, advertisement to all peers, a peer with echoMode', () => {
    const e = run({ pools: [pool('v6', '2001:db8::/120')], peers: [peer('tor', 'echo')], bgpAdvertisements: [adv('all')] });
    assert.deepEqual(e.map((x) => x.message), ['pool v6 has bgpadvertisement all which references peer tor which has bfd echo enabled, which is not possible']);
    assert.equal(e[0]!.code, 'bfd-echo-ipv6');
    assert.equal(e[0]!.rejectedBy, 'runtime');
    assert.deepEqual(e[0]!.subjects.map((s) => s.obj.kind), ['BGPAdvertisement', 'BGPPeer', 'BFDProfile', 'IPAddressPool']);
  });
  test('2.5 a dual-stack pool counts; an IPv4-only pool or an echo-less profile does not', () => {
    assert.equal(run({ pools: [pool('dual', '10.0.0.0/24', '2001:db8::1-2001:db8::5')], peers: [peer('tor', 'echo')], bgpAdvertisements: [adv('all')] }).length, 1);
    assert.deepEqual(run({ pools: [pool('v4', '10.0.0.0/24', '::ffff:10.1.0.0/120')], peers: [peer('tor', 'echo')], bgpAdvertisements: [adv('all')] }), []);
    assert.deepEqual(run({ pools: [pool('v6', '2001:db8::/120')], peers: [peer('tor', 'plain'), peer('x')], bgpAdvertisements: [adv('all')] }), []);
  });
  test('2.5 named peers: only those named (and existing) count; the finding points at the name', () => {
    const peers = [peer('tor-a', 'echo'), peer('tor-b')];
    assert.deepEqual(run({ pools: [pool('v6', 'fd00::/64')], peers, bgpAdvertisements: [adv('b', { peers: ['tor-b', 'ghost'] })] }), []);
    const e = run({ pools: [pool('v6', 'fd00::/64')], peers, bgpAdvertisements: [adv('a', { peers: ['tor-b', 'tor-a'] })] });
    assert.equal(e.length, 1);
    assert.deepEqual(e[0]!.subjects[0]!.path, ['spec', 'peers', 1]);
  });
  test('2.5 only advertisements selecting the IPv6 pool count', () => {
    const pools = [pool('v6', 'fd00::/64'), pool('v4', '10.0.0.0/24')];
    assert.deepEqual(run({ pools, peers: [peer('tor', 'echo')], bgpAdvertisements: [adv('v4only', { ipAddressPools: ['v4'] })] }), []);
    assert.equal(run({ pools, peers: [peer('tor', 'echo')], bgpAdvertisements: [adv('v6', { ipAddressPools: ['v6'] })] }).length, 1);
  });
  test('2.5 no BGPAdvertisement: nothing to check', () => {
    assert.deepEqual(run({ pools: [pool('v6', 'fd00::/64')], peers: [peer('tor', 'echo')] }), []);
  });
});

describe('2.5 speaker handler: bgpextras', () => {
  const extras = (value: string): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'bgpextras', namespace: NS }, data: { extras: value } });
  test('2.5 bgpextras non-empty: native and frr-k8s refuse it, frr takes it', () => {
    assert.deepEqual(run({ bgpExtras: extras('router bgp 64512') }, 'native').map((x) => [x.code, x.message, x.rejectedBy]), [
      ['bgpextras-unsupported', 'bgp extra info not supported in native mode', 'runtime'],
    ]);
    assert.deepEqual(run({ bgpExtras: extras('x') }, 'frr-k8s').map((x) => x.message), ['extra info not supported in frr-k8s mode']);
    assert.deepEqual(run({ bgpExtras: extras('x') }, 'frr'), []);
    assert.deepEqual(run({ bgpExtras: extras('') }, 'native'), []);
  });
});
