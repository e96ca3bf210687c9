// The harness of test/helpers/bgp-daemons.ts against the real daemons: each router, in a namespace
// of its own, answers a hand-made OPEN sent from another namespace with an OPEN carrying its AS (and
// a KEEPALIVE when it accepts us), a NOTIFICATION 2/2 when it expects another AS (and answers again
// once its hold-off has passed), no capability 65 when told so, silence when it wants TCP-MD5; when
// not passive it connects to us; filterPort makes the port time out; stop() leaves nothing behind.
// Skips without root or without a daemon, fails for either under CI.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { DAEMONS, daemonAvailable, filterPort, startRouter, type Daemon, type Router, type RouterOptions } from '../helpers/bgp-daemons.js';
import { TestNet, requireNetns } from '../helpers/netns.js';

const PROBE_ADDRESS = '10.98.0.2';
const PROBE_ASN = 64512;
const ROUTER_ASN = 64600;
const routerAddress = (d: Daemon) => `10.98.0.${11 + DAEMONS.indexOf(d)}`;
const PROBE_ADDRESS6 = 'fd00:98::2';
const routerAddress6 = (d: Daemon) => `fd00:98::${11 + DAEMONS.indexOf(d)}`;

interface Topology {
  net: TestNet;
  /** the switch everyone is linked to */
  sw: string;
  probe: string;
  /** one namespace per daemon, all on one switch with the probe */
  routers: Record<Daemon, string>;
}
let topo: Topology | undefined;
after(() => topo?.net.cleanup());

function topology(t: { skip(msg: string): void }, tools: string[] = []): Topology | undefined {
  if (!requireNetns(t, ['ss', ...tools])) return undefined;
  if (!topo) {
    const net = new TestNet('bgpd');
    const sw = net.addSwitch('sw');
    topo = { net, sw, probe: '', routers: {} as Record<Daemon, string> };
    topo.probe = net.addNs('probe');
    net.link(topo.probe, sw, [`${PROBE_ADDRESS}/24`, `${PROBE_ADDRESS6}/64`]);
    for (const d of DAEMONS) {
      topo.routers[d] = net.addNs(d);
      net.link(topo.routers[d], sw, [`${routerAddress(d)}/24`, `${routerAddress6(d)}/64`]);
    }
  }
  return topo;
}

function need(t: { skip(msg: string): void }, what: string, a: { ok: true } | { ok: false; why: string }): boolean {
  if (a.ok) return true;
  if (process.env.CI) assert.fail(`${what} is required under CI: ${a.why}`);
  t.skip(a.why);
  return false;
}

// ---------------------------------------------------------------------------------------------
// BGP bytes, written by hand (RFC 4271 4.1/4.2, RFC 5492, RFC 6793)

function message(type: number, body: Buffer): Buffer {
  const header = Buffer.alloc(19, 0xff);
  header.writeUInt16BE(19 + body.length, 16);
  header[18] = type;
  return Buffer.concat([header, body]);
}

/** An OPEN from `asn` with multiprotocol IPv4 unicast and (unless no4) the 4-octet-AS capability. */
function open(asn: number, routerId: string, o: { no4?: boolean } = {}): Buffer {
  const caps = [Buffer.from([1, 4, 0, 1, 0, 1])];
  if (!o.no4) {
    const c = Buffer.from([65, 4, 0, 0, 0, 0]);
    c.writeUInt32BE(asn, 2);
    caps.push(c);
  }
  const capabilities = Buffer.concat(caps);
  const fixed = Buffer.alloc(10);
  fixed[0] = 4;
  fixed.writeUInt16BE(asn > 65535 ? 23456 : asn, 1);
  fixed.writeUInt16BE(90, 3);
  Buffer.from(routerId.split('.').map(Number)).copy(fixed, 5);
  fixed[9] = 2 + capabilities.length;
  return message(1, Buffer.concat([fixed, Buffer.from([2, capabilities.length]), capabilities]));
}

interface Received {
  type: number;
  body: Buffer;
}
interface DecodedOpen {
  version: number;
  myAsn: number;
  holdTime: number;
  routerId: string;
  capabilities: { code: number; value: Buffer }[];
}

function decodeOpen(body: Buffer): DecodedOpen {
  const capabilities: { code: number; value: Buffer }[] = [];
  const end = 10 + body[9]!;
  for (let i = 10; i < end; ) {
    const [type, len] = [body[i]!, body[i + 1]!];
    if (type === 2) {
      for (let j = i + 2; j < i + 2 + len; ) {
        capabilities.push({ code: body[j]!, value: body.subarray(j + 2, j + 2 + body[j + 1]!) });
        j += 2 + body[j + 1]!;
      }
    }
    i += 2 + len;
  }
  return { version: body[0]!, myAsn: body.readUInt16BE(1), holdTime: body.readUInt16BE(3), routerId: [...body.subarray(5, 9)].join('.'), capabilities };
}

// ---------------------------------------------------------------------------------------------
// The probe side: a node process in the probe namespace sends our bytes and reports what came back.

const CLIENT = `
const net = require('node:net');
const [host, port, hex, waitMs] = process.argv.slice(1);
const out = { connected: false, timedOut: false, closed: false, messages: [] };
let buf = Buffer.alloc(0), gotOpen = false;
const s = net.connect({ host, port: Number(port) });
const done = () => { clearTimeout(timer); s.destroy(); process.stdout.write(JSON.stringify(out)); process.exit(0); };
const timer = setTimeout(() => { out.timedOut = true; done(); }, Number(waitMs));
s.on('connect', () => { out.connected = true; s.write(Buffer.from(hex, 'hex')); });
s.on('data', (d) => {
  buf = Buffer.concat([buf, d]);
  while (buf.length >= 19 && buf.length >= buf.readUInt16BE(16)) {
    const len = buf.readUInt16BE(16), m = buf.subarray(0, len);
    buf = buf.subarray(len);
    out.messages.push(m.toString('hex'));
    if (m[18] === 1) gotOpen = true;
    if (m[18] === 3 || (m[18] === 4 && gotOpen)) return done();
  }
});
s.on('error', (e) => { out.error = e.code; });
s.on('close', () => { out.closed = true; done(); });
`;

interface Exchange {
  connected: boolean;
  timedOut: boolean;
  closed: boolean;
  error?: string;
  received: Received[];
}

function exchange(tp: Topology, host: string, bytes: Buffer, waitMs = 4000): Exchange {
  const r = tp.net.exec(tp.probe, [process.execPath, '-e', CLIENT, host, '179', bytes.toString('hex'), String(waitMs)], { timeoutMs: waitMs + 5000 });
  assert.equal(r.code, 0, `probe client failed: ${r.stderr}`);
  const out = JSON.parse(r.stdout) as { connected: boolean; timedOut: boolean; closed: boolean; error?: string; messages: string[] };
  const received = out.messages.map((h) => {
    const m = Buffer.from(h, 'hex');
    return { type: m[18]!, body: m.subarray(19) };
  });
  return { connected: out.connected, timedOut: out.timedOut, closed: out.closed, ...(out.error ? { error: out.error } : {}), received };
}

/** A TcpExt counter of /proc/net/netstat, as seen in `ns`. */
function tcpExt(tp: Topology, ns: string, name: string): number {
  const r = tp.net.exec(ns, ['cat', '/proc/net/netstat'], { timeoutMs: 2000 });
  const lines = r.stdout.split('\n').filter((l) => l.startsWith('TcpExt:'));
  const [names, values] = lines.map((l) => l.trim().split(/\s+/));
  const i = names?.indexOf(name) ?? -1;
  assert.ok(i > 0 && values, `no TcpExt ${name} in /proc/net/netstat`);
  return Number(values[i]);
}

function listening179(tp: Topology, ns: string): boolean {
  return tp.net.exec(ns, ['ss', '-Hltn', 'sport = :179'], { timeoutMs: 2000 }).stdout.trim() !== '';
}

async function withRouter(tp: Topology, o: Omit<RouterOptions, 'ns' | 'routerId'>, fn: (r: Router) => void | Promise<void>): Promise<Router> {
  const r = await startRouter(tp.net, { ns: tp.routers[o.daemon], routerId: routerAddress(o.daemon), ...o });
  try {
    await r.ready;
    await fn(r);
  } catch (e) {
    (e as Error).message += `\n--- ${o.daemon} logs ---\n${r.logs()}`;
    throw e;
  } finally {
    await r.stop();
  }
  return r;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) assert.fail(`no ${what} within ${ms} ms`);
    await sleep(50);
  }
}

/** A BGP listener for the probe namespace: prints `listening`, then `open HEX` of the first message it gets. */
const LISTENER = `
const [host, port] = process.argv.slice(1);
const server = require('node:net').createServer((c) => {
  let buf = Buffer.alloc(0);
  c.on('data', (d) => {
    buf = Buffer.concat([buf, d]);
    if (buf.length >= 19 && buf.length >= buf.readUInt16BE(16)) {
      process.stdout.write('open ' + buf.subarray(0, buf.readUInt16BE(16)).toString('hex') + '\\n', () => process.exit(0));
    }
  });
});
server.listen(Number(port), host, () => process.stdout.write('listening\\n'));
`;

function capability(o: DecodedOpen, code: number) {
  return o.capabilities.find((c) => c.code === code);
}

/** what each daemon logs when the neighbour's AS is 64512 and it expected 64513 */
const BAD_PEER_AS_LOG: Record<Daemon, RegExp> = {
  gobgp: /as number mismatch expected 64513, received 64512/,
  frr: /bad OPEN, remote AS is 64512, expected 64513/,
  bird: /Bad peer AS: 64512/,
};

// ---------------------------------------------------------------------------------------------

for (const daemon of DAEMONS) {
  describe(daemon, () => {
    const setup = (t: { skip(msg: string): void }) => (need(t, daemon, daemonAvailable(daemon)) ? topology(t) : undefined);
    const routerId = routerAddress(daemon);

    test('answers our OPEN with its own, then a KEEPALIVE; stop() leaves nothing behind', async (t) => {
      const tp = setup(t);
      if (!tp) return;
      const r = await withRouter(tp, { daemon, localAsn: ROUTER_ASN, neighbor: { address: PROBE_ADDRESS, remoteAsn: PROBE_ASN } }, (r) => {
        assert.ok(listening179(tp, r.ns));
        const x = exchange(tp, routerId, open(PROBE_ASN, PROBE_ADDRESS));
        assert.ok(x.connected, JSON.stringify(x));
        assert.deepEqual(x.received.map((m) => m.type), [1, 4], JSON.stringify(x));
        const o = decodeOpen(x.received[0]!.body);
        assert.equal(o.version, 4);
        assert.equal(o.myAsn, ROUTER_ASN);
        assert.equal(o.routerId, routerId);
        assert.equal(capability(o, 65)?.value.readUInt32BE(0), ROUTER_ASN);
      });
      // the daemon is gone, and so are its config, pid file, sockets and logs on disk
      const configFile = r.command.find((a) => a.endsWith('.conf') || a.endsWith('.toml'))!;
      assert.ok(configFile.startsWith('/'), r.command.join(' '));
      assert.equal(existsSync(dirname(configFile)), false);
      assert.equal(listening179(tp, r.ns), false);
      assert.notEqual(r.logs(), '');
    });

    test('an IPv6 neighbour: the same over IPv6 (our OPEN offers IPv4 unicast only)', async (t) => {
      const tp = setup(t);
      if (!tp) return;
      await withRouter(tp, { daemon, localAsn: ROUTER_ASN, neighbor: { address: PROBE_ADDRESS6, remoteAsn: PROBE_ASN } }, () => {
        const x = exchange(tp, routerAddress6(daemon), open(PROBE_ASN, PROBE_ADDRESS));
        assert.deepEqual(x.received.map((m) => m.type), [1, 4], JSON.stringify(x));
        assert.equal(decodeOpen(x.received[0]!.body).myAsn, ROUTER_ASN);
      });
    });

    test('a 4-byte local AS: AS_TRANS in the OPEN, the real one in capability 65', async (t) => {
      const tp = setup(t);
      if (!tp) return;
      await withRouter(tp, { daemon, localAsn: 4200000001, neighbor: { address: PROBE_ADDRESS, remoteAsn: PROBE_ASN } }, () => {
        const x = exchange(tp, routerId, open(PROBE_ASN, PROBE_ADDRESS));
        assert.deepEqual(x.received.map((m) => m.type), [1, 4], JSON.stringify(x));
        const o = decodeOpen(x.received[0]!.body);
        assert.equal(o.myAsn, 23456);
        assert.equal(capability(o, 65)?.value.readUInt32BE(0), 4200000001);
      });
    });

    test('a neighbour with another AS gets a NOTIFICATION 2/2 (Bad Peer AS)', async (t) => {
      const tp = setup(t);
      if (!tp) return;
      await withRouter(tp, { daemon, localAsn: ROUTER_ASN, neighbor: { address: PROBE_ADDRESS, remoteAsn: PROBE_ASN + 1 } }, async (r) => {
        const x = exchange(tp, routerId, open(PROBE_ASN, PROBE_ADDRESS));
        assert.deepEqual(x.received.map((m) => m.type), [1, 3], JSON.stringify(x));
        assert.equal(decodeOpen(x.received[0]!.body).myAsn, ROUTER_ASN);
        assert.deepEqual([...x.received[1]!.body.subarray(0, 2)], [2, 2]);
        await r.waitForLog(BAD_PEER_AS_LOG[daemon]);
        // holdOffMs is what it says: once it has passed, the router answers again
        await sleep(r.holdOffMs + 500);
        const again = exchange(tp, routerId, open(PROBE_ASN, PROBE_ADDRESS));
        // it answers: with its OPEN first, or (FRR, when the refused neighbour's state has not been
        // reset yet) the NOTIFICATION alone
        const types = again.received.map((m) => m.type);
        assert.ok(types.length > 0 && types.at(-1) === 3 && types.slice(0, -1).every((t) => t === 1), `after ${r.holdOffMs} ms: ${JSON.stringify(again)}`);
        assert.deepEqual([...again.received.at(-1)!.body.subarray(0, 2)], [2, 2]);
      });
    });

    test('no4ByteAsn: no capability 65 in its OPEN (GoBGP cannot: startRouter throws)', async (t) => {
      const tp = setup(t);
      if (!tp) return;
      const o = { daemon, localAsn: ROUTER_ASN, neighbor: { address: PROBE_ADDRESS, remoteAsn: PROBE_ASN }, no4ByteAsn: true };
      if (daemon === 'gobgp') {
        await assert.rejects(startRouter(tp.net, { ns: tp.routers[daemon], routerId, ...o }), /GoBGP/);
        return;
      }
      await withRouter(tp, o, () => {
        const x = exchange(tp, routerId, open(PROBE_ASN, PROBE_ADDRESS));
        assert.deepEqual(x.received.map((m) => m.type), [1, 4], JSON.stringify(x));
        const open2 = decodeOpen(x.received[0]!.body);
        assert.equal(open2.myAsn, ROUTER_ASN);
        assert.equal(capability(open2, 65), undefined, `capabilities: ${open2.capabilities.map((c) => c.code).join(',')}`);
      });
      // and a 4-byte AS is refused up front: such a router could not be configured with one
      await assert.rejects(startRouter(tp.net, { ns: tp.routers[daemon], routerId, ...o, localAsn: 4200000001 }), /AS_TRANS/);
    });

    test('passive: false: it connects to the neighbour itself and sends its OPEN', async (t) => {
      const tp = setup(t);
      if (!tp) return;
      const listener = tp.net.spawn(tp.probe, [process.execPath, '-e', LISTENER, PROBE_ADDRESS, '179']);
      let out = '';
      listener.stdout?.on('data', (b: Buffer) => (out += b.toString()));
      listener.stderr?.on('data', (b: Buffer) => (out += b.toString()));
      try {
        await until(() => out.includes('listening'), 5000, `listener in the probe namespace (${out})`);
        await withRouter(tp, { daemon, localAsn: ROUTER_ASN, neighbor: { address: PROBE_ADDRESS, remoteAsn: PROBE_ASN }, passive: false }, async () => {
          // GoBGP waits 5 to 10 s (at random) before its first connect, BIRD 1 s (connect delay time), FRR none
          await until(() => /open [0-9a-f]+\n/.test(out), 15_000, `connection from ${daemon}`);
        });
        const m = Buffer.from(/open ([0-9a-f]+)/.exec(out)![1]!, 'hex');
        assert.equal(m[18], 1);
        const o = decodeOpen(m.subarray(19));
        assert.equal(o.myAsn, ROUTER_ASN);
        assert.equal(o.routerId, routerId);
      } finally {
        listener.kill('SIGKILL');
      }
    });

    test('password: a connection without TCP-MD5 never gets through (the kernel drops the SYNs)', async (t) => {
      const tp = setup(t);
      if (!tp) return;
      await withRouter(tp, { daemon, localAsn: ROUTER_ASN, neighbor: { address: PROBE_ADDRESS, remoteAsn: PROBE_ASN }, password: 's3cret-md5' }, (r) => {
        const before = tcpExt(tp, r.ns, 'TCPMD5NotFound');
        const x = exchange(tp, routerId, open(PROBE_ASN, PROBE_ADDRESS), 1500);
        assert.equal(x.connected, false, JSON.stringify(x));
        assert.equal(x.timedOut, true);
        assert.ok(tcpExt(tp, r.ns, 'TCPMD5NotFound') > before, 'the router namespace dropped SYNs without an MD5 signature');
      });
    });
  });
}

test('filterPort: the router listens, yet the SYNs to 179 are dropped and the connect times out', async (t) => {
  const daemon = DAEMONS.find((d) => daemonAvailable(d).ok);
  if (!need(t, 'a BGP daemon', daemon ? { ok: true } : { ok: false, why: 'none of gobgpd, frr, bird2 is installed' })) return;
  const tp = topology(t, ['nft']);
  if (!tp || !daemon) return;
  // a router namespace of its own, so the filter stays out of the other tests
  const ns = tp.net.addNs('filtered');
  const address = '10.98.0.20';
  tp.net.link(ns, tp.sw, [`${address}/24`]);
  const r = await startRouter(tp.net, { daemon, ns, routerId: address, localAsn: ROUTER_ASN, neighbor: { address: PROBE_ADDRESS, remoteAsn: PROBE_ASN } });
  try {
    await r.ready;
    const open1 = exchange(tp, address, open(PROBE_ASN, PROBE_ADDRESS));
    assert.equal(open1.received[0]?.type, 1, `unfiltered, ${daemon} answers: ${JSON.stringify(open1)}`);
    filterPort(tp.net, ns, 179);
    const x = exchange(tp, address, open(PROBE_ASN, PROBE_ADDRESS), 1500);
    assert.equal(x.connected, false, JSON.stringify(x));
    assert.equal(x.timedOut, true);
    assert.ok(listening179(tp, ns), 'the daemon still listens behind the filter');
    const table = tp.net.exec(ns, ['nft', 'list', 'table', 'inet', 'mld_filter'], { timeoutMs: 2000 }).stdout;
    const dropped = Number(/tcp dport 179 counter packets (\d+)/.exec(table)?.[1] ?? 0);
    assert.ok(dropped >= 1, table);
  } finally {
    await r.stop();
  }
});
