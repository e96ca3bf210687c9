// The rules whose evidence is `api, logs`: their log part fires on the lines alone, and is quiet
// where the lines say the problem went away (or another rule owns it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCase } from '../helpers/rule-tester.js';
import { kit, logBundle, reconcile, sp } from '../helpers/logs.js';
import { service } from '../helpers/services.js';
import { bgpPeer } from '../helpers/cluster.js';

const announce = (ts: string) => sp(ts, 'info', { event: 'serviceAnnounced', ips: ['10.0.0.5'], msg: 'service has IP, announcing', pool: 'default', protocol: 'layer2' });
const withdraw = (ts: string) => sp(ts, 'info', { event: 'serviceWithdrawn', ip: ['10.0.0.5'], msg: 'withdrawing service announcement', reason: 'notOwner' });

test('service-multiple-announcers: two speakers announce one L2 address in the same minutes (split brain)', async () => {
  const files = logBundle(
    {
      'speaker-node-a/speaker': [...reconcile('10:00:00', 'shop/web', [announce('10:00:00')]), ...reconcile('10:20:00', 'shop/web', [announce('10:20:00')])],
      'speaker-node-b/speaker': [...reconcile('10:05:00', 'shop/web', [announce('10:05:00')]), ...reconcile('10:20:00', 'shop/web', [announce('10:20:00')])],
    },
    service('web', { status: ['10.0.0.5'] }),
  );
  const found = (await runCase('service-multiple-announcers', { name: 'split', files })).filter((f) => /logs show/.test(f.message));
  assert.equal(found.length, 1);
  assert.match(found[0]!.message, /Service shop\/web \(10\.0\.0\.5\) announced in layer 2 by node-a and node-b at the same time, from 2026-11-20 10:05:00Z to 2026-11-20 10:20:00Z/);
});

test('service-multiple-announcers: a failover (the old node withdraws as the new one announces) is no split brain', async () => {
  const files = logBundle(
    {
      'speaker-node-a/speaker': [...reconcile('10:00:00', 'shop/web', [announce('10:00:00')]), ...reconcile('10:05:01', 'shop/web', [withdraw('10:05:01')])],
      'speaker-node-b/speaker': [...reconcile('10:05:00', 'shop/web', [announce('10:05:00')]), ...reconcile('10:20:00', 'shop/web', [announce('10:20:00')])],
    },
    service('web', { status: ['10.0.0.5'] }),
  );
  const found = (await runCase('service-multiple-announcers', { name: 'failover', files })).filter((f) => /logs show/.test(f.message));
  assert.deepEqual(found, []);
});

const native = (ts: string, level: string, fields: Record<string, unknown>) => kit(ts, { caller: 'native.go:123', level, localASN: 64512, peer: '192.168.1.1:179', peerASN: 64513, ...fields });

test('bgp-session-down: a session that went down and did not come back before the log ends', async () => {
  const lines = [native('10:00:00', 'info', { event: 'sessionUp', msg: 'BGP session established' }), native('10:30:00', 'warn', { event: 'sessionDown', msg: 'BGP session down' }), native('10:30:05', 'error', { error: 'dial "192.168.1.1:179": dial tcp 192.168.1.1:179: connect: connection refused', msg: 'failed to connect to peer', op: 'connect' })];
  const files = logBundle({ 'speaker-node-a/speaker': lines }, bgpPeer('tor', { peerAddress: '192.168.1.1' }));
  const found = await runCase('bgp-session-down', { name: 'down', files, bgpBackend: 'native' });
  assert.equal(found.length, 1);
  assert.match(found[0]!.message, /The BGP session to 192\.168\.1\.1 \(BGPPeer "tor"\) went down on node-a and the log ends before it came up again/);
  assert.equal(found[0]!.objects[1]!.line, 2, 'the BGPPeer, then the log line');
  // the BGPPeer deleted since (the bundle has none): the session was closed on purpose
  assert.deepEqual(await runCase('bgp-session-down', { name: 'peer gone', files: logBundle({ 'speaker-node-a/speaker': lines }), bgpBackend: 'native' }), []);
  assert.ok(found[0]!.evidence.some((e) => /1 failed reconnect\(s\) after it.*connection refused/.test(e)));
});

test('bgp-session-down: down and up again (a router restart) is not reported; FRR ADJCHANGE is read the same way', async () => {
  const frr = (ts: string, text: string) => `2026/11/20 ${ts} BGP: [M59KS-A3ZXZ] ${text}`;
  const files = logBundle({
    'speaker-node-a/speaker': [native('10:00:00', 'info', { event: 'sessionUp', msg: 'BGP session established' }), native('10:30:00', 'warn', { event: 'sessionDown', msg: 'BGP session down' }), native('10:31:00', 'info', { event: 'sessionUp', msg: 'BGP session established' })],
    'speaker-node-b/frr': [frr('10:00:00', '%ADJCHANGE: neighbor 192.168.1.1(Unknown) in vrf default Up'), frr('10:30:00', '%ADJCHANGE: neighbor 192.168.1.1(Unknown) in vrf default Down Peer closed the session'), frr('10:30:40', '%ADJCHANGE: neighbor 192.168.1.1(Unknown) in vrf default Up')],
  });
  assert.deepEqual(await runCase('bgp-session-down', { name: 'recovered', files, bgpBackend: 'native' }), []);
});

const parseError = (ts: string) => kit(ts, { caller: 'config_controller.go:186', controller: 'ConfigReconciler', error: 'parsing peer peer1: invalid peer ASN 0', level: 'error' });

test('config-invalid: a parse error in the logs, with no ConfigurationState to say it, quotes MetalLB\'s error', async () => {
  const found = await runCase('config-invalid', { name: 'parse', files: logBundle({ 'speaker-node-a/speaker': [parseError('10:00:00')] }) });
  assert.equal(found.length, 1);
  assert.match(found[0]!.message, /MetalLB rejected its configuration \(the speaker on node-a, in its log\): "parsing peer peer1: invalid peer ASN 0"/);
});

test('config-invalid: a handler rejection is not a parse error (log-config-rejected reports it); a later reload clears it', async () => {
  const handler = sp('10:00:00', 'error', { error: 'bfd profile not supported in native mode', msg: 'applying new configuration to protocol handler failed', op: 'setConfig', protocol: 'bgp' });
  const reloaded = kit('10:05:00', { caller: 'config_controller.go:205', controller: 'ConfigReconciler', event: 'config reloaded', level: 'info' });
  assert.deepEqual(await runCase('config-invalid', { name: 'handler', files: logBundle({ 'speaker-node-a/speaker': [handler] }) }), []);
  assert.deepEqual(await runCase('config-invalid', { name: 'fixed', files: logBundle({ 'speaker-node-a/speaker': [parseError('10:00:00'), reloaded] }) }), []);
});

const noInterfaces = (ts: string) => sp(ts, 'warn', { IPAdvertisement: '{"ip":"10.0.0.5","interfaces":["eth9"]}', localIfs: ['lo', 'eth0'], msg: "the specified interfaces used to announce LB IP don't exist", op: 'SetBalancer', protocol: 'layer2', service: 'shop/web' });

test("l2-interface-announce-failed: the speaker's warning line, with the node's own interfaces", async () => {
  const found = await runCase('l2-interface-announce-failed', { name: 'ifs', files: logBundle({ 'speaker-node-a/speaker': [noInterfaces('10:00:00'), noInterfaces('10:01:00')] }, service('web', { status: ['10.0.0.5'] })) });
  assert.equal(found.length, 1);
  assert.match(found[0]!.message, /Service shop\/web: the speaker on node-a logged that the interfaces its L2Advertisement allows do not exist there \(2 times/);
  assert.ok(found[0]!.evidence.includes('interfaces on node-a: lo, eth0'));
});

test('l2-interface-announce-failed: a Service that no longer exists makes the line history', async () => {
  const found = await runCase('l2-interface-announce-failed', { name: 'gone', files: logBundle({ 'speaker-node-a/speaker': [noInterfaces('10:00:00')] }) });
  assert.deepEqual(found, []);
});
