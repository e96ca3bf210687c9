// `logs`: the timeline and the log-* findings, from a bundle (directory and .tar.gz), with the
// filters; and `diag` with and without logs.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { runInProcess } from '../helpers/cli.js';
import { kit, logBundle, reconcile, sp } from '../helpers/logs.js';
import { service } from '../helpers/services.js';
import { tempDir } from '../replay/helpers.js';

type Json = Record<string, unknown>;

const native = (ts: string, level: string, fields: Record<string, unknown>) => kit(ts, { caller: 'native.go:115', level, localASN: 64512, peer: '192.168.1.1:179', peerASN: 64513, ...fields });
const announce = (ts: string) => sp(ts, 'info', { event: 'serviceAnnounced', ips: ['10.0.0.5'], msg: 'service has IP, announcing', pool: 'default', protocol: 'layer2' });

/** A bundle directory: speaker logs with announcements, a Bad Peer AS session, and garbage. */
function writeScenario(root: string): string {
  const dir = join(root, 'bundle');
  const files = logBundle(
    {
      'speaker-node-a/speaker': [
        kit('10:00:00', { caller: 'config_controller.go:205', controller: 'ConfigReconciler', event: 'config reloaded', level: 'info' }),
        ...reconcile('10:00:01', 'shop/web', [announce('10:00:01')]),
        ...reconcile('10:10:01', 'shop/web', [announce('10:10:01')]),
        ...reconcile('10:20:01', 'shop/web', [announce('10:20:01')]),
        native('10:30:00', 'error', { error: 'read OPEN from "192.168.1.1:179": got BGP notification code 0x0202 (Bad peer AS)', msg: 'failed to connect to peer', op: 'connect' }),
        'panic: runtime error: invalid memory address or nil pointer dereference',
        sp('10:59:00', 'debug', { event: 'skipping should announce bgp', msg: '', reason: 'no advertisement matching service on my node', service: 'shop/db' }),
      ],
      'speaker-node-b/speaker': [...reconcile('09:00:00', 'shop/db', [sp('09:00:00', 'info', { event: 'serviceAnnounced', ips: ['10.0.0.6'], msg: 'service has IP, announcing', protocol: 'layer2' })])],
    },
    [service('web', { status: ['10.0.0.5'] }), service('db', { status: ['10.0.0.6'] })].join('---\n'),
  );
  files['bundle.json'] = JSON.stringify({ ...JSON.parse(files['bundle.json']!), createdAt: '2026-11-20T11:00:00Z' });
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

async function logsJson(args: string[]): Promise<{ code: number; report: Json; err: string }> {
  const r = await runInProcess(['logs', ...args, '-o', 'json']);
  assert.ok(r.out.startsWith('{'), r.err);
  return { code: r.code, report: JSON.parse(r.out) as Json, err: r.err };
}

describe('logs --from a bundle', () => {
  const root = tempDir('mlbd-logs-');
  const dir = writeScenario(root);
  test.after(() => rmSync(root, { recursive: true, force: true }));

  test('-o json: events as cli.md names them, repeats folded, the findings, exit 2', async () => {
    const { code, report } = await logsJson(['--from', dir]);
    assert.equal(code, 2);
    const events = report.events as Json[];
    const announced = events.filter((e) => e.kind === 'service-announced' && e.service === 'shop/web');
    assert.equal(announced.length, 1, 'three announcements of the same Service fold into one');
    assert.equal(announced[0]!.count, 3);
    assert.equal(announced[0]!.lastTime, '2026-11-20T10:20:01.000Z');
    for (const k of ['time', 'node', 'pod', 'container', 'component', 'kind', 'service', 'message', 'file', 'line']) assert.ok(k in announced[0]!, k);
    assert.equal(announced[0]!.node, 'node-a');
    assert.equal(announced[0]!.line, 3, 'the line of the first of them');
    const n = events.find((e) => e.kind === 'bgp-notification-received')!;
    assert.equal(n.peer, '192.168.1.1');
    assert.deepEqual({ code: (n.details as Json).code, subcode: (n.details as Json).subcode, name: (n.details as Json).notification }, { code: '2', subcode: '2', name: 'OPEN Message Error / Bad Peer AS' });
    // in time order across nodes
    const times = events.map((e) => String(e.time));
    assert.deepEqual(times, [...times].sort());
    assert.deepEqual((report.findings as Json[]).map((f) => f.rule), ['log-bgp-notification']);
    // debug events and raw lines are left out by default, and counted in the streams
    assert.ok(!events.some((e) => e.kind === 'raw' || e.kind === 'service-not-announced'));
    const streams = report.streams as Json[];
    assert.equal(streams.length, 2);
    assert.equal(streams.find((s) => s.node === 'node-a')!.raw, 1);
  });

  test('--all keeps the raw line and the debug events', async () => {
    const { report } = await logsJson(['--from', dir, '--all']);
    const kinds = (report.events as Json[]).map((e) => e.kind);
    assert.ok(kinds.includes('raw'));
    assert.ok(kinds.includes('service-not-announced'));
  });

  test('--service, --peer, --node, --since and --tail narrow the timeline', async () => {
    const only = async (args: string[]) => ((await logsJson(['--from', dir, ...args])).report.events as Json[]).map((e) => `${e.node} ${e.kind} ${e.service ?? e.peer ?? ''}`);
    assert.deepEqual(await only(['--service', 'shop/db']), ['node-b service-announced shop/db']);
    assert.deepEqual(await only(['--peer', '192.168.1.1:179']), ['node-a bgp-notification-received 192.168.1.1']);
    assert.ok((await only(['--node', 'node-b'])).every((l) => l.startsWith('node-b ')));
    // the bundle was captured at 11:00: the last 45 minutes start at 10:15
    assert.deepEqual(await only(['--since', '45m']), ['node-a service-announced shop/web', 'node-a bgp-notification-received 192.168.1.1']);
    // the last 3 lines of each container
    assert.deepEqual(await only(['--tail', '3']), ['node-b service-announced shop/db', 'node-a bgp-notification-received 192.168.1.1']);
    // findings about other peers are left out with --peer
    assert.deepEqual(((await logsJson(['--from', dir, '--peer', '10.9.9.9'])).report.findings as Json[]).length, 0);
  });

  test('text: grouped by node, the count of a folded event, then the findings', async () => {
    const r = await runInProcess(['logs', '--from', dir, '--no-color']);
    assert.equal(r.code, 2);
    const nodeA = r.out.indexOf('\nnode-a');
    const nodeB = r.out.indexOf('\nnode-b');
    assert.ok(nodeA > 0 && nodeB > nodeA, r.out);
    assert.match(r.out, /service-announced\s+shop\/web  service has IP, announcing: layer2 \(x3 until 10:20:01Z\)/);
    assert.match(r.out, /1 line in no known format \(--all shows them\)/);
    assert.match(r.out, /error\s+Router 192\.168\.1\.1 sent a NOTIFICATION 2\/2/);
  });

  test('a .tar.gz of the bundle gives the same events', async () => {
    const tgz = join(root, 'bundle.tar.gz');
    execFileSync('tar', ['-czf', tgz, '-C', dir, '.']);
    const a = (await logsJson(['--from', dir])).report.events as Json[];
    const b = (await logsJson(['--from', tgz])).report.events as Json[];
    const strip = (es: Json[]) => es.map(({ file: _f, ...rest }) => rest);
    assert.deepEqual(strip(b), strip(a));
    assert.match(String(b[0]!.file), /bundle\.tar\.gz!logs\/metallb-system\//);
  });

  test('read in worker threads, the same report (threads finish in any order)', async () => {
    const one = await logsJson(['--from', dir]);
    process.env.METALLB_DOCTOR_LOG_THREADS = '2';
    try {
      const two = await logsJson(['--from', dir]);
      assert.deepEqual(two.report, one.report);
    } finally {
      delete process.env.METALLB_DOCTOR_LOG_THREADS;
    }
  });

  test('bad arguments exit 3 with one line', async () => {
    for (const args of [['--service', 'web'], ['--follow'], ['--since', 'soon']]) {
      const r = await runInProcess(['logs', '--from', dir, ...args]);
      assert.equal(r.code, 3, args.join(' '));
      assert.equal(r.err.trim().split('\n').length, 1, r.err);
    }
  });
});

describe('diag with logs', () => {
  const root = tempDir('mlbd-logs-');
  const dir = writeScenario(root);
  test.after(() => rmSync(root, { recursive: true, force: true }));

  test('the log findings join the report, and the logs check says what was read', async () => {
    const r = await runInProcess(['diag', '--from', dir, '-o', 'json']);
    const report = JSON.parse(r.out) as Json;
    assert.ok((report.findings as Json[]).some((f) => f.rule === 'log-bgp-notification'));
    const check = (report.checks as Json[]).find((c) => c.id === 'logs')!;
    assert.match(String(check.message), /^2 container logs, 16 lines, 2026-11-20 09:00:00Z to 2026-11-20 10:59:00Z/);
  });

  test('without logs, diag says it had none', async () => {
    rmSync(join(dir, 'logs'), { recursive: true, force: true });
    const r = await runInProcess(['diag', '--from', dir, '-o', 'json']);
    const check = ((JSON.parse(r.out) as Json).checks as Json[]).find((c) => c.id === 'logs')!;
    assert.match(String(check.message), /^no container logs read/);
  });
});
