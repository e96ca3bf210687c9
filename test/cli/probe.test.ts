// `probe` and `diag --probe` end to end, against a network the tests build with ip netns: a client
// namespace the tool runs in, node namespaces that own service addresses (two that both claim one:
// a split brain), and router namespaces running real BGP daemons (GoBGP, FRR's bgpd, BIRD 2).
// Without root, netns or the daemons these tests skip with the reason; under CI they fail instead.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ROOT } from '../helpers/cli.js';
import { TestNet, requireNetns } from '../helpers/netns.js';
import { daemonAvailable, filterPort, startRouter, type Daemon } from '../helpers/bgp-daemons.js';
import { bgpPeer, bundleJson, endpointSlice, l2Advertisement, node, speakerDaemonSet, speakerPod } from '../helpers/cluster.js';
import { docs, pool, service } from '../helpers/services.js';
import { tempDir } from '../replay/helpers.js';

type Json = Record<string, unknown>;

/** The real CLI (through tsx) inside a namespace. */
function cliIn(net: TestNet, ns: string, args: string[], timeoutMs = 60_000): { code: number; out: string; err: string } {
  const r = net.exec(ns, [process.execPath, '--import', 'tsx', join(ROOT, 'src', 'cli', 'metallb-doctor.ts'), ...args], { timeoutMs });
  return { code: r.code, out: r.stdout, err: r.stderr };
}

/** A client (10.98.0.2) and a router namespace (10.98.0.1) on one switch. */
function clientAndRouter(net: TestNet): { client: string; router: string } {
  const sw = net.addSwitch('sw');
  const client = net.addNs('client');
  const router = net.addNs('router');
  net.link(client, sw, ['10.98.0.2/24']);
  net.link(router, sw, ['10.98.0.1/24']);
  return { client, router };
}

/** The daemon is installed; else the test skips with why (and fails under CI). */
function haveDaemon(t: { skip(msg: string): void }, d: Daemon): boolean {
  const a = daemonAvailable(d);
  if (a.ok) return true;
  if (process.env.CI) assert.fail(`${d}: ${a.why}`);
  t.skip(a.why);
  return false;
}

const rulesOf = (out: string) => ((JSON.parse(out) as Json).findings as Json[]).map((f) => String(f.rule));
const probesOf = (out: string) => (JSON.parse(out) as Json).probes as Json[];

describe('probe arp and ndp in namespaces', () => {
  test('one owner, two owners (split brain), no owner; the MACs named after their nodes', (t) => {
    if (!requireNetns(t, ['arping', 'ndisc6'])) return;
    const net = new TestNet('probearp');
    try {
      const sw = net.addSwitch('sw');
      const client = net.addNs('client');
      const a = net.addNs('node-a');
      const b = net.addNs('node-b');
      net.link(client, sw, ['10.99.0.2/24', 'fd00:99::2/64']);
      const ma = net.link(a, sw, ['10.99.0.11/24', '10.99.0.10/32', '10.99.0.20/32', 'fd00:99::11/64', 'fd00:99::20/128']);
      const mb = net.link(b, sw, ['10.99.0.12/24', '10.99.0.20/32', 'fd00:99::12/64', 'fd00:99::20/128']);
      const macs = ['--node-mac', `node-a=${ma.mac}`, '--node-mac', `node-b=${mb.mac}`];

      const one = cliIn(net, client, ['probe', 'arp', '10.99.0.10', '--count', '2', '-o', 'json', ...macs]);
      assert.equal(one.code, 0, one.err);
      assert.equal(probesOf(one.out)[0]!.result, 'answered');
      assert.deepEqual(((probesOf(one.out)[0]!.details as Json).replies as Json[]).map((r) => r.mac), [ma.mac]);

      const split = cliIn(net, client, ['probe', 'arp', '10.99.0.20', '--count', '3', '--no-color', ...macs]);
      assert.equal(split.code, 2, split.err);
      assert.match(split.out, /answered by several: /);
      assert.ok(split.out.includes(`(node node-a, from --node-mac)`) && split.out.includes(`(node node-b, from --node-mac)`), split.out);
      assert.match(split.out, /probe-arp-multiple-macs/);

      const none = cliIn(net, client, ['probe', 'arp', '10.99.0.30', '--count', '2', '--timeout', '2s', '-o', 'json']);
      assert.equal(none.code, 2);
      assert.deepEqual(rulesOf(none.out), ['probe-arp-no-reply']);

      const ndp = cliIn(net, client, ['probe', 'ndp', 'fd00:99::20', '--count', '2', '-o', 'json', ...macs]);
      assert.equal(ndp.code, 2, ndp.err);
      assert.deepEqual(rulesOf(ndp.out), ['probe-arp-multiple-macs']);
      assert.deepEqual(((probesOf(ndp.out)[0]!.details as Json).replies as Json[]).map((r) => r.mac).sort(), [ma.mac, mb.mac].sort());

      // a bad argument is exit 3, one line
      const bad = cliIn(net, client, ['probe', 'arp', 'fd00:99::20']);
      assert.equal(bad.code, 3);
      assert.equal(bad.err.trim().split('\n').length, 1);
    } finally {
      net.cleanup();
    }
  });
});

describe('probe bgp against real daemons', () => {
  const cases: { daemon: Daemon; name: string; router: { localAsn: number; remoteAsn: number; no4ByteAsn?: boolean }; args: string[]; result: string; rules: string[]; check?: (p: Json) => void }[] = [
    { daemon: 'gobgp', name: 'the router accepts our AS: Established', router: { localAsn: 64513, remoteAsn: 64512 }, args: ['--my-asn', '64512', '--peer-asn', '64513'], result: 'established', rules: [], check: (d) => assert.equal((d.received as Json).asn, 64513) },
    { daemon: 'frr', name: 'the router expects another AS from us: its NOTIFICATION 2/2', router: { localAsn: 64513, remoteAsn: 64999 }, args: ['--my-asn', '64512', '--peer-asn', '64513'], result: 'notification', rules: ['probe-bgp-asn-mismatch'], check: (d) => assert.deepEqual([(d.notification as Json).code, (d.notification as Json).subcode, (d.notification as Json).direction], [2, 2, 'received']) },
    { daemon: 'gobgp', name: "the router is another AS than the BGPPeer says: we refuse its OPEN", router: { localAsn: 65001, remoteAsn: 64512 }, args: ['--my-asn', '64512', '--peer-asn', '64513'], result: 'notification', rules: ['probe-bgp-asn-mismatch'], check: (d) => assert.equal((d.received as Json).asn, 65001) },
    { daemon: 'bird', name: 'no 4-byte-ASN capability while MetalLB speaks as AS 4200000001', router: { localAsn: 64513, remoteAsn: 23456, no4ByteAsn: true }, args: ['--my-asn', '4200000001', '--peer-asn', '64513'], result: '', rules: ['probe-bgp-no-4byte-asn'], check: (d) => assert.equal((d.received as Json).fourByteAsn, false) },
    { daemon: 'frr', name: 'FRR without capabilities (dont-capability-negotiate)', router: { localAsn: 64513, remoteAsn: 23456, no4ByteAsn: true }, args: ['--my-asn', '4200000001'], result: '', rules: ['probe-bgp-no-4byte-asn'] },
  ];
  for (const c of cases) {
    test(`${c.daemon}: ${c.name}`, async (t) => {
      if (!requireNetns(t)) return;
      if (!haveDaemon(t, c.daemon)) return;
      const net = new TestNet(`probebgp${c.daemon}`);
      try {
        const sw = net.addSwitch('sw');
        const client = net.addNs('client');
        const r = net.addNs('router');
        net.link(client, sw, ['10.98.0.2/24']);
        net.link(r, sw, ['10.98.0.1/24']);
        const router = await startRouter(net, { daemon: c.daemon, ns: r, routerId: '10.98.0.1', localAsn: c.router.localAsn, neighbor: { address: '10.98.0.2', remoteAsn: c.router.remoteAsn }, ...(c.router.no4ByteAsn ? { no4ByteAsn: true } : {}) });
        await router.ready;
        const p = cliIn(net, client, ['probe', 'bgp', '10.98.0.1', ...c.args, '--timeout', '5s', '-o', 'json']);
        assert.ok(p.out.startsWith('{'), `${p.err}\n${router.logs()}`);
        const probe = probesOf(p.out)[0]!;
        if (c.result) assert.equal(probe.result, c.result, `${JSON.stringify(probe)}\n${router.logs()}`);
        assert.deepEqual(rulesOf(p.out), c.rules, JSON.stringify(probe));
        assert.equal(p.code, c.rules.length > 0 ? 2 : 0);
        c.check?.(probe.details as Json);
        await router.stop();
      } finally {
        net.cleanup();
      }
    });
  }

  test('--peer NAME takes the address, port and ASNs from a BGPPeer of the snapshot', async (t) => {
    if (!requireNetns(t)) return;
    if (!haveDaemon(t, 'gobgp')) return;
    const net = new TestNet('probebgppeer');
    const dir = tempDir('mlbd-probepeer-');
    try {
      const { client, router: r } = clientAndRouter(net);
      const router = await startRouter(net, { daemon: 'gobgp', ns: r, routerId: '10.98.0.1', localAsn: 64513, neighbor: { address: '10.98.0.2', remoteAsn: 64512 } });
      await router.ready;
      writeFileSync(join(dir, 'peer.yaml'), 'apiVersion: metallb.io/v1beta2\nkind: BGPPeer\nmetadata: { name: tor, namespace: metallb-system }\nspec: { myASN: 64512, peerASN: 64513, peerAddress: 10.98.0.1, holdTime: 30s }\n');
      const p = cliIn(net, client, ['probe', 'bgp', '--peer', 'tor', '--from', dir, '-o', 'json']);
      assert.equal(p.code, 0, p.err);
      const d = probesOf(p.out)[0]!.details as Json;
      assert.equal(probesOf(p.out)[0]!.result, 'established');
      assert.deepEqual([(d.sent as Json).asn, (d.sent as Json).holdTime, (d.expected as Json).peerAsn, (d.expected as Json).name], [64512, 30, 64513, 'tor']);
      const none = cliIn(net, client, ['probe', 'bgp', '--peer', 'nope', '--from', dir]);
      assert.equal(none.code, 3);
      await router.stop();
    } finally {
      net.cleanup();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('nothing listens on 179: refused; a filtered port: timeout; both probe-bgp-unreachable', async (t) => {
    if (!requireNetns(t, ['nft'])) return;
    const net = new TestNet('probebgpdown');
    try {
      const { client, router: r } = clientAndRouter(net);
      const refused = cliIn(net, client, ['probe', 'bgp', '10.98.0.1', '--my-asn', '64512', '-o', 'json']);
      assert.deepEqual([probesOf(refused.out)[0]!.result, (probesOf(refused.out)[0]!.details as Json).reason], ['unreachable', 'refused']);
      assert.deepEqual(rulesOf(refused.out), ['probe-bgp-unreachable']);
      filterPort(net, r, 179);
      const started = Date.now();
      const filtered = cliIn(net, client, ['probe', 'bgp', '10.98.0.1', '--my-asn', '64512', '--timeout', '2s', '-o', 'json']);
      assert.deepEqual([probesOf(filtered.out)[0]!.result, (probesOf(filtered.out)[0]!.details as Json).reason], ['unreachable', 'timeout']);
      assert.deepEqual(rulesOf(filtered.out), ['probe-bgp-unreachable']);
      assert.ok(Date.now() - started < 20_000, 'the probe is bounded by --timeout');
      // the note: the probe ran from outside the nodes
      assert.ok(((probesOf(filtered.out)[0]!.details as Json).notes as string[]).some((n) => /not from a node/.test(n)));
    } finally {
      net.cleanup();
    }
  });
});

describe('diag --probe folds the probes into the report', () => {
  test('a split brain seen as two MACs, and a BGP peer refusing our AS, from a snapshot', async (t) => {
    if (!requireNetns(t, ['arping'])) return;
    if (!haveDaemon(t, 'frr')) return;
    const net = new TestNet('diagprobe');
    const dir = tempDir('mlbd-diagprobe-');
    try {
      const sw = net.addSwitch('sw');
      const client = net.addNs('client');
      const a = net.addNs('node-a');
      const b = net.addNs('node-b');
      const r = net.addNs('router');
      net.link(client, sw, ['10.97.0.2/24']);
      const ma = net.link(a, sw, ['10.97.0.11/24', '10.97.0.100/32']);
      const mb = net.link(b, sw, ['10.97.0.12/24', '10.97.0.100/32']);
      net.link(r, sw, ['10.97.0.1/24']);
      const router = await startRouter(net, { daemon: 'frr', ns: r, routerId: '10.97.0.1', localAsn: 64513, neighbor: { address: '10.97.0.2', remoteAsn: 64999 } });
      await router.ready;
      const peer = bgpPeer('tor', { peerAddress: '10.97.0.1' });
      const files: Record<string, string> = {
        'bundle.json': bundleJson(),
        'resources/c.yaml': docs(node('node-a'), node('node-b'), speakerDaemonSet(), speakerPod('node-a'), speakerPod('node-b'), pool('lan', ['10.97.0.100-10.97.0.120']), l2Advertisement('lan'), service('web', { status: ['10.97.0.100'] }), endpointSlice('web', [{ node: 'node-a' }]), peer),
      };
      for (const [name, text] of Object.entries(files)) {
        mkdirSync(dirname(join(dir, name)), { recursive: true });
        writeFileSync(join(dir, name), text);
      }
      const d = cliIn(net, client, ['diag', '--from', dir, '--probe', '--probe-timeout', '8s', '-o', 'json']);
      assert.ok(d.out.startsWith('{'), d.err);
      const report = JSON.parse(d.out) as Json;
      const rules = rulesOf(d.out);
      assert.ok(rules.includes('probe-arp-multiple-macs'), rules.join(', '));
      assert.ok(rules.includes('probe-bgp-asn-mismatch'), rules.join(', '));
      const kinds = (report.probes as Json[]).map((p) => `${p.kind} ${p.target}`).sort();
      assert.deepEqual(kinds, ['arp 10.97.0.100', 'bgp 10.97.0.1:179']);
      const check = (report.checks as Json[]).find((c) => c.id === 'probes')!;
      assert.match(String(check.message), /1 ARP, 1 BGP probed from this machine/);
      // the nodes' MACs given: the finding names who answered
      const named = cliIn(net, client, ['diag', '--from', dir, '--probe', '--probe-timeout', '8s', '-o', 'json', '--node-mac', `node-a=${ma.mac}`, '--node-mac', `node-b=${mb.mac}`]);
      const split = ((JSON.parse(named.out) as Json).findings as Json[]).find((f) => f.rule === 'probe-arp-multiple-macs')!;
      assert.ok(String(split.message).includes(`${ma.mac} (node node-a, from --node-mac)`) && String(split.message).includes(`${mb.mac} (node node-b, from --node-mac)`), String(split.message));
      const unnamed = ((report.findings as Json[]).find((f) => f.rule === 'probe-arp-multiple-macs')!).message;
      assert.ok(!String(unnamed).includes('from --node-mac'), String(unnamed));
      // without --probe, nothing is probed
      const plain = cliIn(net, client, ['diag', '--from', dir, '-o', 'json']);
      assert.equal((JSON.parse(plain.out) as Json).probes, undefined);
      await router.stop();
    } finally {
      net.cleanup();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

test('diag --node-mac without --probe is a usage error (exit 3), and a malformed one too', async () => {
  const { runInProcess } = await import('../helpers/cli.js');
  const alone = await runInProcess(['diag', '--from', 'examples/demo-cluster', '--node-mac', 'worker-1=52:54:00:12:34:56']);
  assert.equal(alone.code, 3);
  assert.match(alone.err, /--node-mac names who answers the probes: it needs --probe/);
  const bad = await runInProcess(['diag', '--from', 'examples/demo-cluster', '--probe', '--node-mac', 'worker-1']);
  assert.equal(bad.code, 3);
  assert.match(bad.err, /--node-mac worker-1: expected NODE=MAC/);
});

describe('probe service and probe tcp (on 127.0.0.1)', () => {
  test("each TCP port of the Service on each address: an HTTP server answers, a closed port refuses", async () => {
    const { createServer } = await import('node:http');
    const { runInProcess } = await import('../helpers/cli.js');
    const server = createServer((_q, res) => res.writeHead(204, { server: 'probe-test' }).end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const open = (server.address() as { port: number }).port;
    // a port nothing listens on: bind one, close it
    const closed = await new Promise<number>((r) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => r(p));
      });
    });
    const dir = tempDir('mlbd-probesvc-');
    try {
      writeFileSync(
        join(dir, 'svc.yaml'),
        `apiVersion: v1
kind: Service
metadata: { name: web, namespace: shop }
spec:
  type: LoadBalancer
  ports:
  - { name: http, port: ${open}, protocol: TCP }
  - { name: admin, port: ${closed}, protocol: TCP }
  - { name: dns, port: 53, protocol: UDP }
status:
  loadBalancer:
    ingress: [{ ip: 127.0.0.1 }]
`,
      );
      const r = await runInProcess(['probe', 'service', 'shop/web', '--from', dir, '-o', 'json']);
      assert.equal(r.code, 2, r.err);
      const report = JSON.parse(r.out) as Json;
      const probes = report.probes as Json[];
      assert.deepEqual(probes.map((p) => `${p.target} ${p.result}`), [`127.0.0.1:${open} open`, `127.0.0.1:${closed} refused`]);
      assert.deepEqual(((probes[0]!.details as Json).http as Json).status, 204);
      assert.deepEqual(rulesOf(r.out), ['probe-tcp-refused']);
      // the text names the HTTP answer
      const text = await runInProcess(['probe', 'tcp', `127.0.0.1:${open}`, '--no-color']);
      assert.equal(text.code, 0);
      assert.match(text.out, new RegExp(`tcp 127\\.0\\.0\\.1:${open}: open in [\\d.]+ ms, HTTP 204 .*\\(probe-test\\)`));
      // a Service without an address, or an unknown one: exit 3, one line
      const none = await runInProcess(['probe', 'service', 'shop/nope', '--from', dir]);
      assert.equal(none.code, 3);
      assert.equal(none.err.trim().split('\n').length, 1);
    } finally {
      server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
