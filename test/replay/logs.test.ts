// pods/log as the API server serves it from the kubelet: the timestamp prefix our snapshots keep
// on every line is stripped unless timestamps=true; sinceSeconds / sinceTime cut by that time
// (sinceSeconds counts back from the snapshot's createdAt); follow=true streams what is appended to
// a directory bundle's log file until the client leaves or the replay closes. Driven through the
// real kubectl where it shows the behaviour, and plain HTTP where kubectl cannot (headers, close).
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request, type IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { create as createTar } from 'tar';
import { kubectl, kubectlOrSkip, tempDir, withReplay, http } from './helpers.js';
import { ReplayStore } from '../../src/replay/store.js';
import { logLinePrefix, logSince, parseLogTime, selectLogLines, startReplay } from '../../src/replay/server.js';

const NS = 'metallb-system';
const POD = 'speaker-x1';
const CREATED = '2026-11-27T06:00:00Z';
const LOG_PATH = `/api/v1/namespaces/${NS}/pods/${POD}/log`;

/** The speaker's lines as the kubelet stamps them: [time, text]. */
const SPEAKER: [string, string][] = [
  ['2026-11-27T05:50:00.000000000Z', '{"level":"info","msg":"speaker starting"}'],
  ['2026-11-27T05:57:59.999999999Z', '{"level":"info","msg":"config loaded"}'], // a nanosecond before createdAt - 2m
  ['2026-11-27T05:58:00.000000000Z', '{"level":"info","msg":"node became leader"}'], // exactly createdAt - 2m
  ['2026-11-27T05:59:30.123456789Z', '{"level":"info","msg":"service announced","ip":"192.168.50.200"}'],
  ['2026-11-27T05:59:59.500000000Z', '{"level":"info","msg":"memberlist: joined"}'],
];
const stamped = (lines: [string, string][]) => lines.map(([t, l]) => `${t} ${l}\n`).join('');
const bare = (lines: [string, string][]) => lines.map(([, l]) => `${l}\n`).join('');
/** frr's log without prefixes (a bundle written before prefixes were kept); frr is crash-looping */
const FRR = 'frr started\nbgpd ready\n';
const FRR_PREVIOUS = '2026-11-27T05:55:00.000000000Z bgpd exited\n';
/**
 * Prefixed lines with unprefixed ones among them (a line without a time is kept whatever since
 * says), old ones first: since (2m) keeps [u1, u2, new]; tailLines=3 after it shows all three,
 * where tail first would have kept only [u2, new].
 */
const RELOADER =
  '2026-11-27T05:40:00.000000000Z reloading\n  u1 continued without a time\n2026-11-27T05:41:00.000000000Z reload failed\n  u2 continued without a time\n2026-11-27T05:59:00.000000000Z reloaded\n';

/** A directory bundle with one speaker Pod (speaker, frr, reloader) and its three logs. */
function writeBundle(dir: string, createdAt: string | undefined): string {
  mkdirSync(join(dir, 'resources'), { recursive: true });
  writeFileSync(
    join(dir, 'bundle.json'),
    JSON.stringify({ format: 'metallb-doctor-bundle/v1', ...(createdAt ? { createdAt } : {}), kubernetesVersion: 'v1.31.4', metallbNamespace: NS, captured: ['Pod'], gaps: [] }),
  );
  const status = (name: string) =>
    name === 'frr'
      ? '  - {name: frr, ready: false, started: false, restartCount: 3, image: "quay.io/frrouting/frr:9.1.0", imageID: "", state: {waiting: {reason: CrashLoopBackOff}}, lastState: {terminated: {exitCode: 1, reason: Error}}}\n'
      : `  - {name: ${name}, ready: true, started: true, restartCount: 0, image: "quay.io/metallb/${name}:v0.14.9", imageID: "", state: {running: {startedAt: "2026-11-27T05:49:58Z"}}}\n`;
  writeFileSync(
    join(dir, 'resources', 'pods.yaml'),
    `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${POD}\n  namespace: ${NS}\n  creationTimestamp: "2026-11-27T05:49:50Z"\n` +
      '  labels: {app: metallb, component: speaker}\n' +
      'spec:\n  nodeName: worker-1\n  containers:\n' +
      ['speaker', 'frr', 'reloader'].map((c) => `  - {name: ${c}, image: "quay.io/metallb/${c}:v0.14.9"}\n`).join('') +
      'status:\n  phase: Running\n  podIP: 192.168.60.11\n  containerStatuses:\n' +
      ['speaker', 'frr', 'reloader'].map(status).join(''),
  );
  const logs = join(dir, 'logs', NS, POD);
  mkdirSync(logs, { recursive: true });
  writeFileSync(join(logs, 'speaker.log'), stamped(SPEAKER));
  writeFileSync(join(logs, 'frr.log'), FRR);
  writeFileSync(join(logs, 'frr.previous.log'), FRR_PREVIOUS);
  writeFileSync(join(logs, 'reloader.log'), RELOADER);
  return join(logs, 'speaker.log');
}

/** Polls until check() holds; fails with what() after timeoutMs. */
async function until(check: () => boolean, what: () => string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms: ${what()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A streamed response read as it arrives (the helpers' http() waits for the end). */
interface Stream {
  res: IncomingMessage;
  text: () => string;
  /** how the body ended: 'end', or the error or close that cut it */
  ended: Promise<string>;
  destroy: () => void;
}

function openStream(url: string, path: string): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      const ended = new Promise<string>((done) => {
        res.on('end', () => done('end'));
        res.on('error', (e: NodeJS.ErrnoException) => done(e.code ?? e.message));
        res.on('close', () => done(res.complete ? 'end' : 'closed'));
      });
      resolve({ res, text: () => body, ended, destroy: () => req.destroy() });
    });
    req.setTimeout(15_000, () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}

const within = <T>(p: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms).unref())]);

const dirs: string[] = [];
const children: ChildProcess[] = [];
after(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
/** A bundle in a temporary directory (removed after the file's tests); null: no createdAt. */
function bundleDir(createdAt: string | null = CREATED): { dir: string; speakerLog: string } {
  const dir = tempDir('mlbd-replay-logs-');
  dirs.push(dir);
  return { dir, speakerLog: writeBundle(dir, createdAt ?? undefined) };
}

describe('kubectl logs: timestamps and since', () => {
  test('the prefix is stripped unless --timestamps; a file without prefixes is served as it is either way', async (t) => {
    const bin = kubectlOrSkip(t);
    if (!bin) return;
    const { dir } = bundleDir();
    await withReplay(dir, async ({ env, requests }) => {
      const plain = await kubectl(bin, env, ['logs', '-n', NS, POD, '-c', 'speaker']);
      assert.equal(plain.code, 0, plain.stderr);
      assert.equal(plain.stdout, bare(SPEAKER));
      const withTimes = await kubectl(bin, env, ['logs', '-n', NS, POD, '-c', 'speaker', '--timestamps']);
      assert.equal(withTimes.code, 0, withTimes.stderr);
      assert.equal(withTimes.stdout, stamped(SPEAKER));
      assert.ok(requests.some((r) => r.path === LOG_PATH && new URLSearchParams(r.query).get('timestamps') === 'true'));
      for (const flags of [[], ['--timestamps']]) {
        const frr = await kubectl(bin, env, ['logs', '-n', NS, POD, '-c', 'frr', ...flags]);
        assert.equal(frr.code, 0, frr.stderr);
        assert.equal(frr.stdout, FRR, `frr ${flags.join(' ')}`);
      }
      // only the lines that start with a time lose it
      const reloader = await kubectl(bin, env, ['logs', '-n', NS, POD, '-c', 'reloader']);
      assert.equal(reloader.stdout, 'reloading\n  u1 continued without a time\nreload failed\n  u2 continued without a time\nreloaded\n');
    });
  });

  test('--since counts back from the snapshot\'s createdAt, --since-time cuts at that time, --tail counts after since', async (t) => {
    const bin = kubectlOrSkip(t);
    if (!bin) return;
    const { dir } = bundleDir();
    await withReplay(dir, async ({ env, requests }) => {
      const since = await kubectl(bin, env, ['logs', '-n', NS, POD, '-c', 'speaker', '--since=2m']);
      assert.equal(since.code, 0, since.stderr);
      assert.equal(since.stdout, bare(SPEAKER.slice(2))); // 05:58:00 exactly is kept, a nanosecond before is not
      assert.equal(new URLSearchParams(requests.filter((r) => r.path === LOG_PATH).at(-1)?.query).get('sinceSeconds'), '120');

      const sinceTime = await kubectl(bin, env, ['logs', '-n', NS, POD, '-c', 'speaker', '--since-time=2026-11-27T05:59:30Z', '--timestamps']);
      assert.equal(sinceTime.code, 0, sinceTime.stderr);
      assert.equal(sinceTime.stdout, stamped(SPEAKER.slice(3)));
      assert.equal(new URLSearchParams(requests.filter((r) => r.path === LOG_PATH).at(-1)?.query).get('sinceTime'), '2026-11-27T05:59:30Z');

      const tail = await kubectl(bin, env, ['logs', '-n', NS, POD, '-c', 'speaker', '--since=2m', '--tail=2']);
      assert.equal(tail.stdout, bare(SPEAKER.slice(3)));
      const wide = await kubectl(bin, env, ['logs', '-n', NS, POD, '-c', 'speaker', '--since=1h', '--tail=10']);
      assert.equal(wide.stdout, bare(SPEAKER));
      // lines without a time are kept by since, and tail counts them after it
      const reloader = await kubectl(bin, env, ['logs', '-n', NS, POD, '-c', 'reloader', '--since=2m', '--tail=3']);
      assert.equal(reloader.stdout, '  u1 continued without a time\n  u2 continued without a time\nreloaded\n');
      const frr = await kubectl(bin, env, ['logs', '-n', NS, POD, '-c', 'frr', '--since=1s']);
      assert.equal(frr.stdout, FRR);
    });
  });
});

describe('pods/log over HTTP: since, tailLines and limitBytes in the kubelet\'s order', () => {
  test('limitBytes is applied last, to the lines as served (prefix included with timestamps=true)', async () => {
    const { dir } = bundleDir();
    await withReplay(dir, async ({ server }) => {
      const both = stamped(SPEAKER.slice(3));
      const r = await http(server.url, `${LOG_PATH}?container=speaker&sinceSeconds=120&tailLines=2&timestamps=true&limitBytes=45`);
      assert.equal(r.status, 200);
      assert.equal(r.body, both.slice(0, 45));
      const stripped = await http(server.url, `${LOG_PATH}?container=speaker&sinceSeconds=120&tailLines=2&limitBytes=45`);
      assert.equal(stripped.body, bare(SPEAKER.slice(3)).slice(0, 45));
      // since in the future: nothing
      assert.equal((await http(server.url, `${LOG_PATH}?container=speaker&sinceTime=2026-11-27T06:00:00Z`)).body, '');
      // both given: the later cut wins, as the kubelet takes them
      const later = await http(server.url, `${LOG_PATH}?container=speaker&sinceSeconds=3600&sinceTime=2026-11-27T05:59:00Z`);
      assert.equal(later.body, bare(SPEAKER.slice(3)));
    });
  });

  test('without createdAt, sinceSeconds counts back from the newest time in the log', async () => {
    const { dir } = bundleDir(null);
    await withReplay(dir, async ({ server, store }) => {
      assert.equal(store.snapshotTime, undefined);
      // newest: 05:59:59.5; 30 s before it is 05:59:29.5
      const r = await http(server.url, `${LOG_PATH}?container=speaker&sinceSeconds=30`);
      assert.equal(r.body, bare(SPEAKER.slice(3)));
      const r2 = await http(server.url, `${LOG_PATH}?container=speaker&sinceSeconds=29`);
      assert.equal(r2.body, bare(SPEAKER.slice(4)));
    });
  });

  test('a directory bundle\'s log that grows is served grown, not from a stale cache', async () => {
    const { dir, speakerLog } = bundleDir();
    await withReplay(dir, async ({ server }) => {
      const path = `${LOG_PATH}?container=speaker&timestamps=true`;
      assert.equal((await http(server.url, path)).body, stamped(SPEAKER));
      assert.equal((await http(server.url, path)).body, stamped(SPEAKER)); // from the cache
      const more = '2026-11-27T06:00:05.000000000Z {"level":"info","msg":"appended"}\n';
      appendFileSync(speakerLog, more);
      assert.equal((await http(server.url, path)).body, stamped(SPEAKER) + more);
    });
  });
});

describe('follow=true', () => {
  test('kubectl logs -f prints the existing lines, then the lines appended to the file, whole', async (t) => {
    const bin = kubectlOrSkip(t);
    if (!bin) return;
    const { dir, speakerLog } = bundleDir();
    await withReplay(dir, async ({ env, requests }) => {
      const child = spawn(bin, ['logs', '-f', '-n', NS, POD, '-c', 'speaker', '--tail=2'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      children.push(child);
      const killer = setTimeout(() => child.kill('SIGKILL'), 30_000); // bound: never hang the suite
      let out = '';
      let err = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr.on('data', (c: Buffer) => (err += c.toString()));
      try {
        const running = () => child.exitCode === null && child.signalCode === null;
        const seen = (s: string) => () => out.includes(s) || !running();
        await until(seen(bare(SPEAKER.slice(3))), () => `existing lines; stdout ${JSON.stringify(out)}, stderr ${err}`);
        assert.ok(running(), `kubectl exited: ${err}`);
        assert.equal(out, bare(SPEAKER.slice(3)));

        appendFileSync(speakerLog, '2026-11-27T06:00:01.000000000Z {"level":"info","msg":"appended while following"}\n');
        await until(seen('appended while following"}\n'), () => `appended line; stdout ${JSON.stringify(out)}`);
        // a line written in two parts, cut inside its time: it waits for its newline, so it is stripped whole
        appendFileSync(speakerLog, '2026-11-27T06:00:02.0000');
        await new Promise((r) => setTimeout(r, 400)); // several polls
        appendFileSync(speakerLog, '00000Z {"level":"info","msg":"written in two parts"}\n');
        await until(seen('two parts"}\n'), () => `completed line; stdout ${JSON.stringify(out)}`);
        assert.ok(running(), `kubectl exited: ${err}`);
        assert.equal(out, bare(SPEAKER.slice(3)) + '{"level":"info","msg":"appended while following"}\n{"level":"info","msg":"written in two parts"}\n');
      } finally {
        child.kill('SIGKILL');
        clearTimeout(killer);
      }
      await until(() => requests.some((r) => r.path === LOG_PATH), () => 'the server saw the follow end');
      const q = new URLSearchParams(requests.find((r) => r.path === LOG_PATH)!.query);
      assert.equal(q.get('follow'), 'true');
      assert.equal(q.get('tailLines'), '2');
    });
  });

  test('a follow is chunked, keeps since and stripping for appended lines, and ends when the server closes', async () => {
    const { dir, speakerLog } = bundleDir();
    const server = await startReplay(await ReplayStore.open(dir));
    let stream: Stream | undefined;
    try {
      stream = await openStream(server.url, `${LOG_PATH}?container=speaker&follow=true&sinceSeconds=120`);
      const s = stream;
      assert.equal(s.res.statusCode, 200);
      assert.equal(s.res.headers['transfer-encoding'], 'chunked');
      assert.equal(s.res.headers['content-length'], undefined);
      assert.match(String(s.res.headers['content-type']), /^text\/plain/);
      await until(() => s.text() === bare(SPEAKER.slice(2)), () => JSON.stringify(s.text()));
      // an old line appended is cut by since as the first lines were; a new one is sent, stripped
      appendFileSync(speakerLog, '2026-11-27T05:00:00.000000000Z old\n2026-11-27T06:00:03.000000000Z new\n');
      await until(() => s.text().endsWith('new\n'), () => JSON.stringify(s.text()));
      assert.equal(s.text(), bare(SPEAKER.slice(2)) + 'new\n');
      // a partial line is held back until its newline
      appendFileSync(speakerLog, '2026-11-27T06:00:04.000000000Z par');
      await new Promise((r) => setTimeout(r, 400)); // several polls
      assert.equal(s.text(), bare(SPEAKER.slice(2)) + 'new\n');
      appendFileSync(speakerLog, 'tial\n');
      await until(() => s.text().endsWith('partial\n'), () => JSON.stringify(s.text()));
      assert.equal(s.text(), bare(SPEAKER.slice(2)) + 'new\npartial\n');
      await within(server.close(), 5_000, 'server.close() with a follow open');
      assert.equal(await within(s.ended, 5_000, 'the follow ends'), 'end');
    } finally {
      stream?.destroy();
      await server.close();
    }
  });

  test('limitBytes ends a follow once that many bytes are sent, appended ones included', async () => {
    const { dir, speakerLog } = bundleDir();
    await withReplay(dir, async ({ server }) => {
      const first = stamped(SPEAKER.slice(4));
      const more = '2026-11-27T06:00:04.000000000Z 0123456789\n';
      const limit = first.length + 20;
      const s = await openStream(server.url, `${LOG_PATH}?container=speaker&follow=true&tailLines=1&timestamps=true&limitBytes=${limit}`);
      try {
        await until(() => s.text() === first, () => JSON.stringify(s.text()));
        appendFileSync(speakerLog, more);
        assert.equal(await within(s.ended, 5_000, 'the follow ends at limitBytes'), 'end');
        assert.equal(s.text(), first + more.slice(0, 20));
      } finally {
        s.destroy();
      }
    });
  });

  test('a tarball bundle: the content, then the stream stays open until the server closes', async () => {
    const { dir } = bundleDir();
    const tarball = join(dir, 'snap.tar.gz');
    await createTar({ gzip: true, file: tarball, cwd: dir }, ['bundle.json', 'resources', 'logs']);
    const store = await ReplayStore.open(tarball);
    assert.ok(store.logs.some((l) => l.file === `${tarball}!logs/${NS}/${POD}/speaker.log`));
    const server = await startReplay(store);
    let stream: Stream | undefined;
    try {
      stream = await openStream(server.url, `${LOG_PATH}?container=speaker&follow=true&timestamps=true`);
      const s = stream;
      assert.equal(s.res.headers['transfer-encoding'], 'chunked');
      await until(() => s.text() === readFileSync(join(dir, 'logs', NS, POD, 'speaker.log'), 'utf8'), () => JSON.stringify(s.text()));
      const open = await Promise.race([s.ended, new Promise<string>((r) => setTimeout(() => r('open'), 400))]);
      assert.equal(open, 'open');
      await within(server.close(), 5_000, 'server.close() with a follow open');
      assert.equal(await within(s.ended, 5_000, 'the follow ends'), 'end');
    } finally {
      stream?.destroy();
      await server.close();
    }
  });

  test('a container that is not running, and the previous container, end where their log ends (the kubelet follows running ones only)', async () => {
    const { dir } = bundleDir();
    await withReplay(dir, async ({ server }) => {
      const waiting = await http(server.url, `${LOG_PATH}?container=frr&follow=true`, { timeoutMs: 5_000 });
      assert.deepEqual([waiting.status, waiting.body, waiting.ended], [200, FRR, 'end']);
      const previous = await http(server.url, `${LOG_PATH}?container=frr&previous=true&follow=true`, { timeoutMs: 5_000 });
      assert.deepEqual([previous.status, previous.body, previous.ended], [200, 'bgpd exited\n', 'end']);
    });
  });

  test('a client that leaves ends the follow: the server closes promptly afterwards', async () => {
    const { dir } = bundleDir();
    const requests: string[] = [];
    const server = await startReplay(await ReplayStore.open(dir), { onRequest: (r) => requests.push(`${r.path} ${r.status}`) });
    try {
      const s = await openStream(server.url, `${LOG_PATH}?container=speaker&follow=true`);
      await until(() => s.text() === bare(SPEAKER), () => JSON.stringify(s.text()));
      s.destroy();
      await until(() => requests.length === 1, () => 'the server saw the client leave');
      assert.deepEqual(requests, [`${LOG_PATH} 200`]);
    } finally {
      await within(server.close(), 5_000, 'server.close()');
    }
  });
});

describe('the log helpers', () => {
  const b = (s: string) => Buffer.from(s);
  test('logLinePrefix: RFC 3339 with fractions and offsets, then a space; anything else is no prefix', () => {
    const p = (s: string) => logLinePrefix(b(s), 0, s.length);
    assert.deepEqual(p('2026-11-27T05:34:58.123456789Z hello'), { length: 31, time: { s: Date.UTC(2026, 10, 27, 5, 34, 58) / 1000, ns: 123456789 } });
    assert.deepEqual(p('2026-11-27T05:34:58Z x')?.time, { s: Date.UTC(2026, 10, 27, 5, 34, 58) / 1000, ns: 0 });
    assert.deepEqual(p('2026-11-27T07:34:58.5+02:00 x'), { length: 28, time: { s: Date.UTC(2026, 10, 27, 5, 34, 58) / 1000, ns: 500000000 } });
    assert.equal(p('2026-11-27T05:34:58.123Z{"msg":"no space"}'), undefined);
    assert.equal(p('2026-13-27T05:34:58Z month 13'), undefined);
    assert.equal(p('I1127 05:34:58.123456 klog line'), undefined);
    assert.equal(p('2026-11-27 05:34:58 not RFC 3339'), undefined);
  });

  test('parseLogTime takes a whole RFC 3339 time only', () => {
    assert.deepEqual(parseLogTime('2026-11-27T05:59:30Z'), { s: Date.UTC(2026, 10, 27, 5, 59, 30) / 1000, ns: 0 });
    assert.equal(parseLogTime('2026-11-27T05:59:30Z trailing'), undefined);
    assert.equal(parseLogTime('yesterday'), undefined);
  });

  test('selectLogLines: since before tail; a final line without a newline is a line', () => {
    const text = b('2026-11-27T05:00:00Z a\nb\n2026-11-27T06:00:00Z c\n2026-11-27T06:00:01Z d');
    const since = parseLogTime('2026-11-27T05:30:00Z')!;
    assert.equal(selectLogLines(text, { timestamps: false }).toString(), 'a\nb\nc\nd');
    assert.equal(selectLogLines(text, { timestamps: true, tail: 2 }).toString(), '2026-11-27T06:00:00Z c\n2026-11-27T06:00:01Z d');
    assert.equal(selectLogLines(text, { timestamps: false, since }).toString(), 'b\nc\nd');
    assert.equal(selectLogLines(text, { timestamps: true, since, tail: 3 }).toString(), 'b\n2026-11-27T06:00:00Z c\n2026-11-27T06:00:01Z d');
    assert.equal(selectLogLines(text, { timestamps: false, since, tail: 0 }).toString(), '');
    assert.equal(selectLogLines(b(''), { timestamps: false, since }).toString(), '');
  });

  test('logSince: sinceSeconds from the snapshot time, else the newest line; invalid values ignored', () => {
    const log = b('2026-11-27T05:00:00.25Z a\n2026-11-27T05:10:00.5Z b\n');
    const q = (s: string) => new URLSearchParams(s);
    const at = (iso: string, ns = 0) => ({ s: Date.parse(iso) / 1000, ns });
    assert.deepEqual(logSince(q('sinceSeconds=60'), Date.parse('2026-11-27T06:00:00.750Z'), log), at('2026-11-27T05:59:00Z', 750000000));
    assert.deepEqual(logSince(q('sinceSeconds=60'), undefined, log), at('2026-11-27T05:09:00Z', 500000000));
    assert.equal(logSince(q('sinceSeconds=60'), undefined, b('no times\n')), undefined);
    assert.equal(logSince(q('sinceSeconds=0'), Date.parse(CREATED), log), undefined);
    assert.equal(logSince(q('sinceSeconds=abc'), Date.parse(CREATED), log), undefined);
    assert.equal(logSince(q(''), Date.parse(CREATED), log), undefined);
    assert.deepEqual(logSince(q('sinceTime=2026-11-27T05:30:00Z'), undefined, log), at('2026-11-27T05:30:00Z'));
  });
});
