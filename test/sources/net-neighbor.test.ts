// ARP and NDP probes (issue 8): the parsers on what iputils arping and ndisc6 print, then real
// probes in network namespaces: a client and two nodes on one switch, one address owned by
// node-a, one by both (a split brain), one by nobody; IPv4 through arping, IPv6 through ndisc6.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { classifyFailure, interfaceFor, parseArping, parseNdisc6, probeArp, probeNdp } from '../../src/sources/net/neighbor.js';
import { netnsAvailable, onPath, requireNetns, TestNet } from '../helpers/netns.js';

// Captured from arping (iputils 20221126) in the namespaces below.
const ARPING_ONE = `ARPING 10.99.0.10 from 10.99.0.1 eth0
Unicast reply from 10.99.0.10 [92:18:DE:18:E8:31]  0.543ms
Unicast reply from 10.99.0.10 [92:18:DE:18:E8:31]  0.530ms
Unicast reply from 10.99.0.10 [92:18:DE:18:E8:31]  0.529ms
Sent 3 probes (1 broadcast(s))
Received 3 response(s)
`;
const ARPING_TWO = `ARPING 10.99.0.20 from 10.99.0.1 eth0
Unicast reply from 10.99.0.20 [AA:E9:24:60:E5:55]  0.538ms
Unicast reply from 10.99.0.20 [92:18:DE:18:E8:31]  0.550ms
Unicast reply from 10.99.0.20 [92:18:DE:18:E8:31]  0.540ms
Sent 2 probes (1 broadcast(s))
Received 3 response(s)
`;
const ARPING_NONE = `ARPING 10.99.0.30 from 10.99.0.1 eth0
Sent 2 probes (2 broadcast(s))
Received 0 response(s)
`;
// Thomas Habets' arping, written from its printf formats (not installed here).
const HABETS = `ARPING 10.99.0.20
60 bytes from aa:e9:24:60:e5:55 (10.99.0.20): index=0 time=612.345 usec
60 bytes from 92:18:de:18:e8:31 (10.99.0.20): index=1 time=1.250 msec
60 bytes from 0:1b:2:3c:4d:5e (10.99.0.20): index=2 time=2 sec

--- 10.99.0.20 statistics ---
3 packets transmitted, 3 packets received,   0% unanswered (0 extra)
rtt min/avg/max/std-dev = 0.612/0.931/1.250/0.319 ms
`;
// busybox arping, from its printf formats.
const BUSYBOX = `ARPING 10.99.0.10 from 10.99.0.1 eth0
Unicast reply from 10.99.0.10 [92:18:de:18:e8:31] 0.612ms
Sent 1 probe(s) (1 broadcast(s))
Received 1 response(s)
`;

// Captured from ndisc6 1.0.5 (`-m -n -r 3 -w 1000`).
const NDISC_ONE = `Soliciting fd00:99::10 (fd00:99::10) on eth0...
Target link-layer address: 92:18:DE:18:E8:31
 from fd00:99::10
`;
const NDISC_TWO = `Soliciting fd00:99::20 (fd00:99::20) on eth0...
Target link-layer address: AA:E9:24:60:E5:55
 from fd00:99::20
Target link-layer address: 92:18:DE:18:E8:31
 from fd00:99::20
`;
const NDISC_NONE = `Soliciting fd00:99::30 (fd00:99::30) on eth0...
Timed out.
Timed out.
Timed out.
No response.
`;

describe('parseArping', () => {
  test('iputils: every reply, MACs in lower case, rtt in ms, the requests sent', () => {
    const p = parseArping(ARPING_ONE);
    assert.equal(p.sent, 3);
    assert.deepEqual(p.replies, [
      { mac: '92:18:de:18:e8:31', rttMs: 0.543 },
      { mac: '92:18:de:18:e8:31', rttMs: 0.53 },
      { mac: '92:18:de:18:e8:31', rttMs: 0.529 },
    ]);
  });

  test('iputils: two MACs answering show as two MACs', () => {
    const p = parseArping(ARPING_TWO);
    assert.equal(p.sent, 2);
    assert.deepEqual(
      p.replies.map((r) => r.mac),
      ['aa:e9:24:60:e5:55', '92:18:de:18:e8:31', '92:18:de:18:e8:31'],
    );
  });

  test('iputils: no reply', () => {
    assert.deepEqual(parseArping(ARPING_NONE), { replies: [], sent: 2 });
  });

  test("Habets' arping: MACs padded to two digits, usec/msec/sec in ms, packets transmitted", () => {
    const p = parseArping(HABETS);
    assert.equal(p.sent, 3);
    assert.deepEqual(p.replies, [
      { mac: 'aa:e9:24:60:e5:55', rttMs: 0.612345 },
      { mac: '92:18:de:18:e8:31', rttMs: 1.25 },
      { mac: '00:1b:02:3c:4d:5e', rttMs: 2000 },
    ]);
  });

  test('busybox: probe(s)', () => {
    assert.deepEqual(parseArping(BUSYBOX), { replies: [{ mac: '92:18:de:18:e8:31', rttMs: 0.612 }], sent: 1 });
  });

  test('a killed run: replies without a summary, nothing invented', () => {
    const p = parseArping(ARPING_ONE.split('\n').slice(0, 3).join('\n'));
    assert.equal(p.sent, undefined);
    assert.equal(p.replies.length, 2);
    assert.deepEqual(parseArping(''), { replies: [] });
  });
});

describe('parseNdisc6', () => {
  test('one answer: one MAC, no rtt (ndisc6 prints none), one request', () => {
    assert.deepEqual(parseNdisc6(NDISC_ONE), { replies: [{ mac: '92:18:de:18:e8:31' }], sent: 1 });
  });

  test('two answers to one solicitation', () => {
    assert.deepEqual(parseNdisc6(NDISC_TWO), { replies: [{ mac: 'aa:e9:24:60:e5:55' }, { mac: '92:18:de:18:e8:31' }], sent: 1 });
  });

  test('no answer: every attempt timed out', () => {
    assert.deepEqual(parseNdisc6(NDISC_NONE), { replies: [], sent: 3 });
  });

  test('an answer after a timed-out attempt counts both requests', () => {
    const out = `Soliciting fd00:99::10 (fd00:99::10) on eth0...\nTimed out.\nTarget link-layer address: 92:18:DE:18:E8:31\n from fd00:99::10\n`;
    assert.deepEqual(parseNdisc6(out), { replies: [{ mac: '92:18:de:18:e8:31' }], sent: 2 });
  });

  test('-q: bare MACs', () => {
    assert.deepEqual(parseNdisc6('AA:E9:24:60:E5:55\n92:18:DE:18:E8:31\n').replies.map((r) => r.mac), ['aa:e9:24:60:e5:55', '92:18:de:18:e8:31']);
  });

  test('only the banner (killed): no count invented', () => {
    assert.deepEqual(parseNdisc6('Soliciting fd00:99::10 (fd00:99::10) on eth0...\n'), { replies: [] });
  });
});

describe('classifyFailure on what the tools and their wrappers print', () => {
  const argv = ['ip', 'netns', 'exec', 'client', 'arping', '-c', '3', '-w', '3', '-I', 'eth0', '10.99.0.10'];
  const cases: [string, string, number, string | undefined][] = [
    ['ip netns exec', 'exec of "arping" failed: No such file or directory\n', 255, 'missing-tool'],
    ['env', 'env: ‘arping’: No such file or directory\n', 127, 'missing-tool'],
    ['sudo', 'sudo: arping: command not found\n', 1, 'missing-tool'],
    ['arping without CAP_NET_RAW', 'arping: socket: Operation not permitted\n', 2, 'no-privileges'],
    ['ndisc6 without privileges', 'Raw IPv6 socket: Operation not permitted\n', 1, 'no-privileges'],
    ['arping, unknown device', 'arping: Device nope0 not available.\n', 2, 'bad-interface'],
    ['ndisc6, unknown device', 'nope0: No such device\n', 1, 'bad-interface'],
    ['a namespace that does not exist', 'Cannot open network namespace "client": No such file or directory\n', 1, 'failed'],
  ];
  for (const [what, stderr, code, expected] of cases) {
    test(`${what} -> ${expected}`, () => {
      assert.equal(classifyFailure('arping', argv, { stderr, stdout: '', code })?.code, expected);
    });
  }

  test('the missing-tool message names the Debian package; no-privileges says how to grant it', () => {
    assert.match(classifyFailure('arping', argv, { stderr: 'env: ‘arping’: No such file or directory\n', stdout: '', code: 127 })!.message, /apt-get install iputils-arping/);
    assert.match(classifyFailure('ndisc6', argv, { stderr: 'exec of "ndisc6" failed: No such file or directory\n', stdout: '', code: 255 })!.message, /apt-get install ndisc6/);
    assert.match(classifyFailure('arping', argv, { stderr: 'arping: socket: Operation not permitted\n', stdout: '', code: 2 })!.message, /root or CAP_NET_RAW: sudo, or setcap cap_net_raw\+ep \$\(command -v arping\)/);
  });

  test('no answer is not a failure: arping exits 1, ndisc6 2, after their normal output', () => {
    assert.equal(classifyFailure('arping', argv, { stderr: '', stdout: ARPING_NONE, code: 1 }), undefined);
    assert.equal(classifyFailure('ndisc6', argv, { stderr: '', stdout: NDISC_NONE, code: 2 }), undefined);
  });
});

describe('a missing tool (no namespace needed)', () => {
  test('arping not on PATH -> error/missing-tool naming iputils-arping, without throwing', async () => {
    const p = await probeArp('127.0.0.1', { interface: 'lo', prefix: ['env', 'PATH=/nonexistent'] });
    assert.equal(p.result, 'error');
    assert.equal(p.error?.code, 'missing-tool');
    assert.match(p.error!.message, /iputils-arping/);
    assert.equal(p.command, 'env PATH=/nonexistent arping -c 3 -w 3 -I lo 127.0.0.1');
    assert.deepEqual(p.replies, []);
  });

  test('ndisc6 not on PATH -> error/missing-tool naming ndisc6', async () => {
    const p = await probeNdp('::1', { interface: 'lo', prefix: ['env', 'PATH=/nonexistent'] });
    assert.equal(p.error?.code, 'missing-tool');
    assert.match(p.error!.message, /apt-get install ndisc6/);
  });

  test('a program that does not exist at all (spawn ENOENT)', async () => {
    const p = await probeArp('127.0.0.1', { interface: 'lo', tool: '/nonexistent/arping' });
    assert.equal(p.result, 'error');
    assert.equal(p.error?.code, 'missing-tool');
    assert.match(p.error!.message, /iputils-arping/);
  });

  test('an address of the other family is refused before anything runs', async () => {
    const v6 = await probeArp('fd00:99::10', { interface: 'lo' });
    assert.equal(v6.error?.code, 'failed');
    assert.match(v6.error!.message, /probe ndp/);
    const v4 = await probeNdp('10.99.0.10', { interface: 'lo' });
    assert.match(v4.error!.message, /probe arp/);
  });
});

describe('probes in network namespaces', () => {
  const TOOLS = ['arping', 'ndisc6'];
  let net: TestNet | undefined;
  let client = '';
  let prefix: string[] = [];
  let macA = '';
  let macB = '';

  before(() => {
    if (!netnsAvailable().ok || TOOLS.some((p) => onPath(p) === undefined)) return;
    net = new TestNet('neighbor');
    const sw = net.addSwitch('sw');
    client = net.addNs('client');
    const a = net.addNs('node-a');
    const b = net.addNs('node-b');
    net.link(client, sw, ['10.99.0.1/24', 'fd00:99::1/64']);
    // the service addresses as MetalLB's speakers would hold them: a /32 (/128) on the node's
    // interface; both nodes claim .20 (split brain)
    macA = net.link(a, sw, ['10.99.0.10/32', '10.99.0.20/32', 'fd00:99::10/128', 'fd00:99::20/128']).mac;
    macB = net.link(b, sw, ['10.99.0.20/32', 'fd00:99::20/128']).mac;
    for (const ns of [a, b]) {
      // Linux answers ARP for any local address unless arp_ignore says otherwise; a new namespace
      // copies the host's IPv4 settings, which may not be the defaults
      net.execOk(ns, ['sysctl', '-q', '-w', 'net.ipv4.conf.all.arp_ignore=0', 'net.ipv4.conf.eth0.arp_ignore=0', 'net.ipv4.conf.all.rp_filter=0', 'net.ipv4.conf.eth0.rp_filter=0']);
    }
    prefix = ['ip', 'netns', 'exec', client];
  });

  after(() => net?.cleanup());

  describe('ARP through arping', () => {
    test('(i) an address one node owns: answered, with that node\'s MAC, on the interface the route picks', async (t) => {
      if (!requireNetns(t, TOOLS)) return;
      assert.equal(await interfaceFor('10.99.0.10', prefix), 'eth0');
      const p = await probeArp('10.99.0.10', { prefix, count: 2, timeoutMs: 3000 });
      assert.equal(p.result, 'answered', JSON.stringify(p));
      assert.equal(p.kind, 'arp');
      assert.equal(p.target, '10.99.0.10');
      assert.equal(p.interface, 'eth0');
      assert.deepEqual(p.replies.map((r) => r.mac), [macA]);
      assert.equal(p.replies[0]!.count, 2);
      assert.ok(p.replies[0]!.rttMs! > 0 && p.replies[0]!.rttMs! < 1000, `rtt ${p.replies[0]!.rttMs}`);
      assert.equal(p.sent, 2);
      assert.equal(p.command, `ip netns exec ${client} arping -c 2 -w 3 -I eth0 10.99.0.10`);
      assert.ok(p.durationMs < 3000, `${p.durationMs} ms`);
      // the command is the one to run by hand: it does what the probe saw
      const byHand = spawnSync('sh', ['-c', p.command], { encoding: 'utf8', timeout: 10_000 });
      assert.match(byHand.stdout.toLowerCase(), new RegExp(`\\[${macA}\\]`));
    });

    test('(ii) an address two nodes own (split brain): multiple-macs with both MACs', async (t) => {
      if (!requireNetns(t, TOOLS)) return;
      const p = await probeArp('10.99.0.20', { prefix, timeoutMs: 3000 });
      assert.equal(p.result, 'multiple-macs', JSON.stringify(p));
      assert.deepEqual(p.replies.map((r) => r.mac).sort(), [macA, macB].sort());
      assert.ok(p.replies.every((r) => r.count >= 1 && r.rttMs !== undefined));
    });

    test('(ii) a count of 1 still shows the second owner', async (t) => {
      if (!requireNetns(t, TOOLS)) return;
      const p = await probeArp('10.99.0.20', { prefix, count: 1, timeoutMs: 2000 });
      assert.equal(p.result, 'multiple-macs', JSON.stringify(p));
    });

    test('(iii) an address nobody owns: no-reply within the timeout', async (t) => {
      if (!requireNetns(t, TOOLS)) return;
      const p = await probeArp('10.99.0.30', { prefix, timeoutMs: 2000 });
      assert.equal(p.result, 'no-reply', JSON.stringify(p));
      assert.deepEqual(p.replies, []);
      assert.equal(p.error, undefined);
      assert.ok(p.sent >= 2, `sent ${p.sent}`);
      assert.ok(p.durationMs >= 1500 && p.durationMs < 2000 + 1000, `${p.durationMs} ms`);
    });
  });

  describe('NDP through ndisc6', () => {
    test('(iv) an address one node owns: answered with its MAC', async (t) => {
      if (!requireNetns(t, TOOLS)) return;
      const p = await probeNdp('fd00:99:0::10', { prefix, timeoutMs: 3000 });
      assert.equal(p.result, 'answered', JSON.stringify(p));
      assert.equal(p.kind, 'ndp');
      assert.equal(p.target, 'fd00:99::10');
      assert.equal(p.interface, 'eth0');
      assert.deepEqual(p.replies, [{ mac: macA, count: 1 }]);
      assert.equal(p.sent, 1);
      assert.equal(p.command, `ip netns exec ${client} ndisc6 -m -n -r 3 -w 1000 fd00:99::10 eth0`);
    });

    test('(iv) split brain: multiple-macs with both MACs', async (t) => {
      if (!requireNetns(t, TOOLS)) return;
      const p = await probeNdp('fd00:99::20', { prefix, interface: 'eth0', timeoutMs: 3000 });
      assert.equal(p.result, 'multiple-macs', JSON.stringify(p));
      assert.deepEqual(p.replies.map((r) => r.mac).sort(), [macA, macB].sort());
    });

    test('(iv) nobody: no-reply within the timeout', async (t) => {
      if (!requireNetns(t, TOOLS)) return;
      const p = await probeNdp('fd00:99::30', { prefix, count: 2, timeoutMs: 1200 });
      assert.equal(p.result, 'no-reply', JSON.stringify(p));
      assert.equal(p.sent, 2);
      assert.ok(p.durationMs >= 1000 && p.durationMs < 1200 + 1000, `${p.durationMs} ms`);
    });
  });

  describe('when the probe cannot run', () => {
    test('(v) the tool missing inside the namespace -> missing-tool', async (t) => {
      if (!requireNetns(t, TOOLS)) return;
      const p = await probeArp('10.99.0.10', { prefix: [...prefix, 'env', 'PATH=/nonexistent'], interface: 'eth0' });
      assert.equal(p.error?.code, 'missing-tool');
      assert.match(p.error!.message, /iputils-arping/);
      const q = await probeNdp('fd00:99::10', { prefix, interface: 'eth0', tool: 'ndisc6-not-installed' });
      assert.equal(q.error?.code, 'missing-tool');
      assert.match(q.error!.message, /ndisc6-not-installed/);
    });

    test('(vi) an interface that does not exist -> bad-interface, for both tools', async (t) => {
      if (!requireNetns(t, TOOLS)) return;
      const p = await probeArp('10.99.0.10', { prefix, interface: 'nope0' });
      assert.equal(p.result, 'error');
      assert.equal(p.error?.code, 'bad-interface', JSON.stringify(p));
      assert.match(p.error!.message, /nope0/);
      assert.equal(p.interface, 'nope0');
      const q = await probeNdp('fd00:99::10', { prefix, interface: 'nope0' });
      assert.equal(q.error?.code, 'bad-interface', JSON.stringify(q));
    });

    test('(vi) no interface given and no route toward the address -> bad-interface', async (t) => {
      if (!requireNetns(t, TOOLS)) return;
      assert.equal(await interfaceFor('192.0.2.1', prefix), undefined);
      const p = await probeArp('192.0.2.1', { prefix });
      assert.equal(p.error?.code, 'bad-interface');
      assert.match(p.error!.message, /no route toward 192\.0\.2\.1/);
    });

    test('no CAP_NET_RAW (a copy of the tool without its file capability, run as nobody) -> no-privileges', async (t) => {
      if (!requireNetns(t, [...TOOLS, 'setpriv'])) return;
      const dir = mkdtempSync(join(tmpdir(), 'mlbd-neighbor-'));
      try {
        chmodSync(dir, 0o755);
        for (const tool of TOOLS) {
          // copyFileSync drops file capabilities; chmod drops ndisc6's setuid bit
          copyFileSync(onPath(tool)!, join(dir, tool));
          chmodSync(join(dir, tool), 0o755);
        }
        const asNobody = [...prefix, 'setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'];
        const p = await probeArp('10.99.0.10', { prefix: asNobody, interface: 'eth0', tool: join(dir, 'arping') });
        assert.equal(p.error?.code, 'no-privileges', JSON.stringify(p));
        assert.match(p.error!.message, /root or CAP_NET_RAW/);
        const q = await probeNdp('fd00:99::10', { prefix: asNobody, interface: 'eth0', tool: join(dir, 'ndisc6') });
        assert.equal(q.error?.code, 'no-privileges', JSON.stringify(q));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});

describe('TestNet', () => {
  test('cleanup deletes every namespace it made and is idempotent', (t) => {
    if (!requireNetns(t)) return;
    const net = new TestNet('cleanup');
    const sw = net.addSwitch('sw');
    const ns = net.addNs('n1');
    const { ifname, mac } = net.link(ns, sw, ['10.98.0.1/24']);
    assert.equal(ifname, 'eth0');
    assert.match(net.execOk(ns, ['ip', '-br', 'link', 'show', 'eth0']), new RegExp(mac));
    const child = net.spawn(ns, ['sleep', '30']);
    const listed = () => spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout;
    assert.ok(listed().includes(ns) && listed().includes(sw));
    net.cleanup();
    net.cleanup();
    assert.ok(!listed().includes(ns) && !listed().includes(sw), listed());
    assert.ok(child.killed || child.signalCode !== null || child.exitCode !== null);
  });
});
