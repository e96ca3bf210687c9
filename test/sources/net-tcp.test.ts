// probe tcp against real servers on 127.0.0.1 and ::1: an HTTP server, ports that speak first,
// say nothing, close at once or stream without end, and a closed port. The timeout and unreachable
// verdicts need SYNs that vanish or a host that is not there, which the host's loopback cannot
// give: those run in a network namespace of test/helpers/netns.ts (nftables dropping a port, a
// subnet with nobody on it, no route), skipped without root and failing under CI.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createHttpServer, type IncomingHttpHeaders } from 'node:http';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { TcpProbe } from '../../src/model/probe.js';
import { classifyConnectError, parseHttpHead, parseTarget, probeTcp } from '../../src/sources/net/tcp.js';
import { filterPort } from '../helpers/bgp-daemons.js';
import { requireNetns, TestNet } from '../helpers/netns.js';

type Host = '127.0.0.1' | '::1';

async function listen(server: Server, host: Host): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => {
      server.removeListener('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Whether this machine has ::1 (a container without IPv6 has not). */
async function hasIPv6Loopback(): Promise<boolean> {
  const s = createServer();
  try {
    await listen(s, '::1');
    await close(s);
    return true;
  } catch {
    return false;
  }
}
const v6 = await hasIPv6Loopback();
const HOSTS: { host: Host; skip: string | false }[] = [
  { host: '127.0.0.1', skip: false },
  { host: '::1', skip: v6 ? false : 'no ::1 on this machine' },
];
const target = (host: Host, port: number) => (host === '::1' ? `[::1]:${port}` : `${host}:${port}`);

/**
 * A raw TCP server: `onSocket` runs for each accepted connection. `received` collects what each
 * client sent; `closed` resolves once every accepted socket has closed (the probe let go of it).
 */
async function rawServer(host: Host, onSocket: (s: Socket) => void) {
  const sockets: Socket[] = [];
  const received: string[] = [];
  const closes: Promise<void>[] = [];
  const server = createServer((s) => {
    sockets.push(s);
    const i = received.push('') - 1;
    s.on('data', (d) => (received[i] += d.toString('latin1')));
    s.on('error', () => {});
    closes.push(new Promise((resolve) => s.once('close', () => resolve())));
    onSocket(s);
  });
  const port = await listen(server, host);
  return {
    port,
    received,
    accepted: () => sockets.length,
    closed: () => Promise.all(closes),
    close: async () => {
      for (const s of sockets) s.destroy();
      await close(server);
    },
  };
}

/** A port nothing listens on: one the kernel just handed out, then released. */
async function freePort(host: Host): Promise<number> {
  const s = createServer();
  const port = await listen(s, host);
  await close(s);
  return port;
}

for (const { host, skip } of HOSTS) {
  describe(`probeTcp on ${host}`, { skip }, () => {
    test('an HTTP server: open, its status and Server header, and the request it got', async () => {
      const seen: { method?: string; url?: string; headers: IncomingHttpHeaders }[] = [];
      const server = createHttpServer((req, res) => {
        seen.push({ method: req.method, url: req.url, headers: req.headers });
        res.writeHead(200, 'OK', { Server: 'nginx/1.25.3', 'Content-Type': 'text/plain' });
        res.end('hello\n');
      });
      const port = await listen(server, host);
      try {
        const p = await probeTcp(host, port);
        assert.equal(p.kind, 'tcp');
        assert.equal(p.result, 'open');
        assert.equal(p.target, target(host, port));
        assert.equal(p.address, host);
        assert.equal(p.port, port);
        assert.deepEqual(p.http, { status: 200, statusText: 'OK', server: 'nginx/1.25.3' });
        assert.equal(p.error, undefined);
        assert.ok(typeof p.connectMs === 'number' && p.connectMs >= 0 && p.connectMs <= p.durationMs);
        assert.equal(seen.length, 1);
        assert.equal(seen[0]!.method, 'GET');
        assert.equal(seen[0]!.url, '/');
        assert.equal(seen[0]!.headers.host, host === '::1' ? `[::1]:${port}` : `${host}:${port}`);
        assert.equal(seen[0]!.headers['user-agent'], 'metallb-doctor');
        assert.equal(seen[0]!.headers.connection, 'close');
      } finally {
        server.closeAllConnections();
        await close(server);
      }
    });

    test('a 404 without a Server header is still HTTP', async () => {
      const server = createHttpServer((_req, res) => {
        res.statusCode = 404;
        res.end();
      });
      const port = await listen(server, host);
      try {
        const p = await probeTcp(host, port);
        assert.equal(p.result, 'open');
        assert.deepEqual(p.http, { status: 404, statusText: 'Not Found' });
      } finally {
        server.closeAllConnections();
        await close(server);
      }
    });

    test('an old server that answers a bare status line and closes', async () => {
      const srv = await rawServer(host, (s) => s.once('data', () => s.end('HTTP/1.0 503')));
      try {
        const p = await probeTcp(host, srv.port, { httpTimeoutMs: 5000 });
        assert.equal(p.result, 'open');
        assert.deepEqual(p.http, { status: 503 });
        assert.ok(p.durationMs < 4000, `ended by the close, not the timeout: ${p.durationMs} ms`);
      } finally {
        await srv.close();
      }
    });

    test('a port that speaks first (an SMTP banner): open, not HTTP, without waiting out the timeout', async () => {
      const srv = await rawServer(host, (s) => s.write('220 mail.example.org ESMTP Postfix\r\n'));
      try {
        const p = await probeTcp(host, srv.port, { httpTimeoutMs: 5000 });
        assert.equal(p.result, 'open');
        assert.equal(p.http, undefined);
        assert.equal(p.error, undefined);
        assert.ok(p.durationMs < 4000, `stopped at the banner: ${p.durationMs} ms`);
        await srv.closed();
      } finally {
        await srv.close();
      }
    });

    test('an answer that is not HTTP/1.x NNN (SSH, HTTP/2 preface, a bad status) is not HTTP', async () => {
      for (const answer of ['SSH-2.0-OpenSSH_9.6\r\n', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'HTTP/1.1 OK\r\n\r\n', 'HTTP/1.1 20000 OK\r\n\r\n']) {
        const srv = await rawServer(host, (s) => s.once('data', () => s.end(answer)));
        try {
          const p = await probeTcp(host, srv.port, { httpTimeoutMs: 5000 });
          assert.equal(p.result, 'open', answer);
          assert.equal(p.http, undefined, answer);
          assert.ok(p.durationMs < 4000, `${JSON.stringify(answer)}: ${p.durationMs} ms`);
        } finally {
          await srv.close();
        }
      }
    });

    test('a port that says nothing: open, not HTTP, after httpTimeoutMs, and the socket is let go', async () => {
      const srv = await rawServer(host, () => {});
      try {
        const p = await probeTcp(host, srv.port, { httpTimeoutMs: 300 });
        assert.equal(p.result, 'open');
        assert.equal(p.http, undefined);
        assert.ok(p.durationMs >= 290, `waited for the answer: ${p.durationMs} ms`);
        assert.ok(p.durationMs < 3000, `${p.durationMs} ms`);
        assert.match(srv.received[0]!, /^GET \/ HTTP\/1\.1\r\n/);
        await srv.closed();
      } finally {
        await srv.close();
      }
    });

    test('a port that closes at once: open, not HTTP', async () => {
      const srv = await rawServer(host, (s) => s.end());
      try {
        const p = await probeTcp(host, srv.port, { httpTimeoutMs: 5000 });
        assert.equal(p.result, 'open');
        assert.equal(p.http, undefined);
        assert.ok(p.durationMs < 4000, `${p.durationMs} ms`);
      } finally {
        await srv.close();
      }
    });

    test('headers without end: the probe stops at 64 KB, keeps the status, and closes', async () => {
      let sent = 0;
      const srv = await rawServer(host, (s) => {
        s.once('data', () => {
          s.write('HTTP/1.1 200 OK\r\nServer: endless\r\nX-Filler: ');
          const chunk = 'x'.repeat(16 * 1024);
          // up to 8 MB, as fast as the client reads; stops when the client goes away
          const pump = () => {
            while (sent < 8 * 1024 * 1024 && !s.destroyed) {
              sent += chunk.length;
              if (!s.write(chunk)) return void s.once('drain', pump);
            }
          };
          pump();
        });
      });
      try {
        const p = await probeTcp(host, srv.port, { httpTimeoutMs: 5000 });
        assert.equal(p.result, 'open');
        assert.deepEqual(p.http, { status: 200, statusText: 'OK', server: 'endless' });
        assert.ok(p.durationMs < 4000, `stopped at the limit, not the timeout: ${p.durationMs} ms`);
        await srv.closed();
        assert.ok(sent < 8 * 1024 * 1024, `the server could not send it all: ${sent} bytes`);
      } finally {
        await srv.close();
      }
    });

    test('http: false connects and sends nothing', async () => {
      const srv = await rawServer(host, () => {});
      try {
        const p = await probeTcp(host, srv.port, { http: false });
        assert.equal(p.result, 'open');
        assert.equal(p.http, undefined);
        assert.ok(p.durationMs < 2000, `${p.durationMs} ms`);
        await srv.closed();
        assert.equal(srv.accepted(), 1);
        assert.equal(srv.received[0], '');
      } finally {
        await srv.close();
      }
    });

    test('a closed port: refused, no connect time, no HTTP', async () => {
      const port = await freePort(host);
      const p = await probeTcp(host, port);
      assert.equal(p.result, 'refused');
      assert.equal(p.target, target(host, port));
      assert.equal(p.connectMs, undefined);
      assert.equal(p.http, undefined);
      assert.equal(p.error, undefined);
      assert.ok(p.durationMs < 2000, `${p.durationMs} ms`);
    });
  });
}

describe('probeTcp in a network namespace', () => {
  let net: TestNet | undefined;
  let lans = 0;
  after(() => net?.cleanup());
  const TCP_MODULE = fileURLToPath(new URL('../../src/sources/net/tcp.ts', import.meta.url));
  const TSX = import.meta.resolve('tsx');

  /** probeTcp run by a node inside `ns`, one probe per target, in order. */
  function probeIn(ns: string, targets: [string, number][], timeoutMs: number): TcpProbe[] {
    const script =
      `import { probeTcp } from ${JSON.stringify(TCP_MODULE)};\n` +
      `for (const [a, p] of ${JSON.stringify(targets)}) console.log(JSON.stringify(await probeTcp(a, p, { timeoutMs: ${timeoutMs} })));`;
    const r = net!.exec(ns, [process.execPath, '--import', TSX, '--input-type=module', '-e', script], { timeoutMs: 60_000 });
    assert.equal(r.code, 0, r.stderr);
    return r.stdout.trim().split('\n').map((l) => JSON.parse(l) as TcpProbe);
  }

  /** A namespace on a switch with 192.0.2.1/24 and 2001:db8::1/64, nobody else on the segment. */
  function lan(): string {
    net ??= new TestNet('tcpprobe');
    const n = ++lans;
    const sw = net.addSwitch(`sw${n}`);
    const ns = net.addNs(`node${n}`);
    net.link(ns, sw, ['192.0.2.1/24', '2001:db8::1/64']);
    return ns;
  }

  test('a port whose SYNs are dropped: timeout after timeoutMs, on IPv4 and IPv6', (t) => {
    if (!requireNetns(t, ['nft'])) return;
    const ns = lan();
    filterPort(net!, ns, 8080);
    const [v4, v6, control] = probeIn(ns, [['127.0.0.1', 8080], ['::1', 8080], ['127.0.0.1', 8081]], 400);
    for (const p of [v4!, v6!]) {
      assert.equal(p.result, 'timeout', JSON.stringify(p));
      assert.equal(p.connectMs, undefined);
      assert.equal(p.error, undefined);
      assert.ok(p.durationMs >= 390 && p.durationMs < 3000, `${p.target}: ${p.durationMs} ms`);
    }
    assert.equal(v6!.target, '[::1]:8080');
    // the port beside it is not filtered: nothing listens there, and the kernel says so at once
    assert.equal(control!.result, 'refused');
    const counters = net!.execOk(ns, ['nft', 'list', 'table', 'inet', 'mld_filter']);
    const dropped = Number(/counter packets (\d+)/.exec(counters)?.[1] ?? 0);
    assert.ok(dropped >= 2, `the filter dropped the SYNs: ${counters}`);
  });

  test('nobody at the address on the subnet, or no route: unreachable', (t) => {
    if (!requireNetns(t)) return;
    const ns = lan();
    // one ARP / NDP solicitation, 100 ms for its answer: the kernel gives up (EHOSTUNREACH) at once
    const neigh = ['ipv4', 'ipv6'].map((f) => `echo 1 > /proc/sys/net/${f}/neigh/eth0/mcast_solicit; echo 100 > /proc/sys/net/${f}/neigh/eth0/retrans_time_ms`);
    net!.execOk(ns, ['sh', '-c', neigh.join('; ')]);
    const probes = probeIn(ns, [['192.0.2.99', 80], ['2001:db8::99', 80], ['198.51.100.1', 80], ['2001:db8:1::1', 80]], 5000);
    assert.deepEqual(
      probes.map((p) => [p.target, p.result]),
      [
        ['192.0.2.99:80', 'unreachable'],
        ['[2001:db8::99]:80', 'unreachable'],
        ['198.51.100.1:80', 'unreachable'],
        ['[2001:db8:1::1]:80', 'unreachable'],
      ],
    );
    for (const p of probes) assert.ok(p.durationMs < 4000, `${p.target}: ${p.durationMs} ms, not the timeout`);
  });
});

describe('probeTcp refuses what it cannot probe', () => {
  test('a name or a malformed address: error, nothing looked up', async () => {
    for (const address of ['localhost', '127.0.0.1.', '010.0.0.1', 'fe80::1%eth0', '']) {
      const p = await probeTcp(address, 80);
      assert.equal(p.result, 'error', address);
      assert.deepEqual(p.error && { code: p.error.code }, { code: 'failed' }, address);
      assert.match(p.error!.message, /not an IP address/, address);
    }
  });

  test('a port outside 1-65535: error', async () => {
    for (const port of [0, 65536, -1, 80.5, Number.NaN]) {
      const p = await probeTcp('127.0.0.1', port);
      assert.equal(p.result, 'error', String(port));
      assert.match(p.error!.message, /not a TCP port/, String(port));
    }
  });

  test('an IPv4-mapped address is probed and named as the IPv4 address it is', async () => {
    const port = await freePort('127.0.0.1');
    const p = await probeTcp('::ffff:127.0.0.1', port);
    assert.equal(p.address, '127.0.0.1');
    assert.equal(p.target, `127.0.0.1:${port}`);
    assert.equal(p.result, 'refused');
  });
});

describe('classifyConnectError', () => {
  // errors shaped as node raises them from connect(2): an Error with the errno name in code
  const sysErr = (code: string) => Object.assign(new Error(`connect ${code} 192.0.2.1:80`), { code, errno: -1, syscall: 'connect' });

  test('each errno to its verdict', () => {
    assert.deepEqual(classifyConnectError(sysErr('ECONNREFUSED')), { result: 'refused' });
    assert.deepEqual(classifyConnectError(sysErr('ETIMEDOUT')), { result: 'timeout' });
    assert.deepEqual(classifyConnectError(sysErr('EHOSTUNREACH')), { result: 'unreachable' });
    assert.deepEqual(classifyConnectError(sysErr('ENETUNREACH')), { result: 'unreachable' });
    assert.deepEqual(classifyConnectError(sysErr('EHOSTDOWN')), { result: 'unreachable' });
  });

  test('anything else is an error with its code and message', () => {
    assert.deepEqual(classifyConnectError(sysErr('EADDRNOTAVAIL')), {
      result: 'error',
      error: { code: 'EADDRNOTAVAIL', message: 'connect EADDRNOTAVAIL 192.0.2.1:80' },
    });
    assert.deepEqual(classifyConnectError(new Error('boom')), { result: 'error', error: { code: 'failed', message: 'boom' } });
    assert.deepEqual(classifyConnectError('odd'), { result: 'error', error: { code: 'failed', message: 'odd' } });
  });
});

describe('parseHttpHead', () => {
  test('status, text and Server (any case), LF or CRLF', () => {
    assert.deepEqual(parseHttpHead('HTTP/1.1 301 Moved Permanently\r\nLocation: /x\r\nserver:  Caddy \r\n\r\n', false), {
      status: 301,
      statusText: 'Moved Permanently',
      server: 'Caddy',
    });
    assert.deepEqual(parseHttpHead('HTTP/1.0 200 OK\nSERVER: lighttpd\n\n', false), { status: 200, statusText: 'OK', server: 'lighttpd' });
  });

  test('a Server line in the body is not the header', () => {
    assert.deepEqual(parseHttpHead('HTTP/1.1 200 OK\r\n\r\nServer: body\r\n', false), { status: 200, statusText: 'OK' });
  });

  test('an unfinished line counts only at the end of the stream', () => {
    assert.equal(parseHttpHead('HTTP/1.1 200 OK', false), undefined);
    assert.deepEqual(parseHttpHead('HTTP/1.1 200 OK', true), { status: 200, statusText: 'OK' });
    assert.deepEqual(parseHttpHead('HTTP/1.1 200 OK\r\nServer: ngi', false), { status: 200, statusText: 'OK' });
  });

  test('not HTTP/1.x NNN', () => {
    for (const head of ['', 'HTTP/2 200\r\n', 'HTTP/1.1 2000\r\n', 'http/1.1 200 OK\r\n', ' HTTP/1.1 200 OK\r\n', '220 smtp\r\n']) {
      assert.equal(parseHttpHead(head, true), undefined, JSON.stringify(head));
    }
  });
});

describe('parseTarget', () => {
  test('IPv4 and bracketed IPv6, canonical', () => {
    assert.deepEqual(parseTarget('192.0.2.10:80'), { address: '192.0.2.10', port: 80 });
    assert.deepEqual(parseTarget('[::1]:443'), { address: '::1', port: 443 });
    assert.deepEqual(parseTarget('[2001:DB8:0:0::10]:8080'), { address: '2001:db8::10', port: 8080 });
    assert.deepEqual(parseTarget('[::ffff:192.0.2.1]:1'), { address: '192.0.2.1', port: 1 });
    assert.deepEqual(parseTarget('10.0.0.1:65535'), { address: '10.0.0.1', port: 65535 });
  });

  test('rejects what is not IP:PORT', () => {
    for (const t of [
      '192.0.2.10',
      '192.0.2.10:',
      '192.0.2.10:0',
      '192.0.2.10:65536',
      '192.0.2.10:8o',
      '192.0.2.10:+80',
      '192.0.2.10:123456',
      ' 192.0.2.10:80',
      '256.0.0.1:80',
      '010.0.0.1:80',
      'example.com:80',
      '::1:80',
      '[::1]',
      '[::1]80',
      '[::1:80',
      '[192.0.2.10]:80',
      '[fe80::1%eth0]:80',
      '',
    ]) {
      assert.equal(parseTarget(t), undefined, JSON.stringify(t));
    }
  });
});
