// Shared by the replay tests: a replay server on 127.0.0.1 that is always closed, the real
// kubectl run asynchronously against it (never spawnSync: that would block the server in this
// process), plain HTTP requests, and temporary bundles.
import { execFile, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { ROOT } from '../helpers/cli.js';
import { ReplayStore } from '../../src/replay/store.js';
import { startReplay, type ReplayOptions, type ReplayServer, type RequestRecord } from '../../src/replay/server.js';
import { kubeconfigText } from '../../src/replay/kubeconfig.js';

export { ROOT };
export const DEMO = join(ROOT, 'examples', 'demo-cluster');
export const HEALTHY_L2 = join(ROOT, 'examples', 'clusters', 'healthy-l2');

/** The kubectl to run: $KUBECTL, else kubectl on the PATH, else /usr/bin/kubectl; undefined when there is none. */
export function findKubectl(): string | undefined {
  if (process.env.KUBECTL) return existsSync(process.env.KUBECTL) ? process.env.KUBECTL : undefined;
  const onPath = spawnSync('sh', ['-c', 'command -v kubectl'], { encoding: 'utf8' }).stdout.trim();
  if (onPath) return onPath;
  return existsSync('/usr/bin/kubectl') ? '/usr/bin/kubectl' : undefined;
}

/** Skips a test that needs kubectl (with the reason printed), or fails it when CI is set. */
export function kubectlOrSkip(t: { skip(msg: string): void }): string | undefined {
  const k = findKubectl();
  if (k) return k;
  const why = 'no kubectl ($KUBECTL, the PATH, /usr/bin/kubectl); .ci/run installs one';
  if (process.env.CI) assert.fail(`replay kubectl test cannot run (CI is set, so this fails): ${why}`);
  console.log(`replay kubectl test skipped: ${why}`);
  t.skip(why);
  return undefined;
}

export function tempDir(prefix = 'mlbd-replay-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface Running {
  server: ReplayServer;
  store: ReplayStore;
  requests: RequestRecord[];
  /** a private HOME, KUBECACHEDIR and KUBECONFIG for kubectl */
  env: NodeJS.ProcessEnv;
  dir: string;
}

/**
 * Serves a bundle (or a store made in the test) for the duration of fn; the server and the
 * temporary directory are always removed.
 */
export async function withReplay<T>(bundle: string | ReplayStore, fn: (r: Running) => Promise<T>, opts: Omit<ReplayOptions, 'onRequest'> = {}): Promise<T> {
  const store = typeof bundle === 'string' ? await ReplayStore.open(bundle) : bundle;
  const requests: RequestRecord[] = [];
  const server = await startReplay(store, { ...opts, onRequest: (r) => requests.push(r) });
  const dir = tempDir();
  try {
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, kubeconfigText(server.url, typeof bundle === 'string' ? bundle : 'a store made by the test'));
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: dir,
      KUBECACHEDIR: join(dir, 'cache'),
      KUBECONFIG: kubeconfig,
    };
    return await fn({ server, store, requests, env, dir });
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs kubectl asynchronously; killed after timeoutMs. */
export function kubectl(bin: string, env: NodeJS.ProcessEnv, args: string[], timeoutMs = 30_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(bin, args, { env, timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** how the body ended: 'end' (complete) or the error that cut it */
  ended: 'end' | string;
}

/** One request to the server; the body is read to its end (or its error). */
export function http(url: string, path: string, opts: { method?: string; accept?: string; timeoutMs?: number } = {}): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    let cut: ((why: string) => void) | undefined;
    const req = request(`${url}${path}`, { method: opts.method ?? 'GET', headers: opts.accept ? { accept: opts.accept } : {}, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      let settled = false;
      cut = (why) => done(why);
      const done = (ended: string) => {
        if (settled) return;
        settled = true;
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), ended });
      };
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done('end'));
      res.on('error', (e: NodeJS.ErrnoException) => done(e.code ?? e.message));
      res.on('close', () => done(res.complete ? 'end' : 'closed'));
    });
    req.setTimeout(opts.timeoutMs ?? 10_000, () => req.destroy(new Error('timed out')));
    // a reset after the response began: the body was cut
    req.on('error', (e: NodeJS.ErrnoException) => (cut ? cut(e.code ?? e.message) : reject(e)));
    req.end();
  });
}

export async function getJSON<T = Record<string, unknown>>(url: string, path: string, accept?: string): Promise<T> {
  const r = await http(url, path, { accept });
  assert.equal(r.status, 200, `${path}: ${r.body}`);
  return JSON.parse(r.body) as T;
}

/** A copy of the demo bundle with speaker logs of one pod (the demo itself carries none). */
export function demoWithLogs(dir: string): { path: string; lines: string[] } {
  const path = join(dir, 'demo-cluster');
  cpSync(DEMO, path, { recursive: true });
  const pod = join(path, 'logs', 'metallb-system', 'metallb-speaker-k6g92');
  mkdirSync(pod, { recursive: true });
  const lines = Array.from({ length: 80 }, (_, i) =>
    JSON.stringify({ caller: 'main.go:420', level: 'info', msg: `line ${i + 1}`, ts: `2026-11-24T16:${String(Math.floor(i / 60) + 10).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}Z` }),
  );
  writeFileSync(join(pod, 'speaker.log'), lines.join('\n') + '\n');
  writeFileSync(join(pod, 'frr.log'), 'frr started\n');
  const crashing = join(path, 'logs', 'metallb-system', 'metallb-speaker-fpqzs');
  mkdirSync(crashing, { recursive: true });
  writeFileSync(join(crashing, 'speaker.previous.log'), '{"level":"error","msg":"failed to create memberlist: address already in use"}\n');
  return { path, lines };
}

/** A table's rows as arrays of cells (split on runs of two or more spaces; the header first). */
export function tableRows(text: string): string[][] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => l.trim().split(/\s{2,}/));
}
