// `metallb-doctor replay` on the command line: exit 3 with one line when it cannot serve, the
// kubeconfig it writes, and exit 0 on SIGINT/SIGTERM (in a child process, as a user runs it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { runInProcess } from '../helpers/cli.js';
import { DEMO, ROOT, http, tempDir } from './helpers.js';

test('exit 3 with one line naming the cause: no bundle, nothing in it, bad flags', async () => {
  const missing = await runInProcess(['replay', 'no/such/bundle']);
  assert.equal(missing.code, 3);
  assert.equal(missing.err, 'metallb-doctor: no/such/bundle: no such file or directory\n');
  const dir = tempDir();
  try {
    const empty = await runInProcess(['replay', dir]);
    assert.equal(empty.code, 3);
    assert.match(empty.err, /nothing to serve: no Kubernetes objects in it\n$/);
    writeFileSync(join(dir, 'bundle.json'), '{"format":"something-else"}');
    const notBundle = await runInProcess(['replay', dir]);
    assert.equal(notBundle.code, 3);
    assert.match(notBundle.err, /not a bundle: format "something-else"/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const port = await runInProcess(['replay', DEMO, '--port', '70000']);
  assert.deepEqual([port.code, port.err], [3, 'metallb-doctor: --port 70000: not a port number (0-65535)\n']);
  const fault = await runInProcess(['replay', DEMO, '--fault', '500=often']);
  assert.equal(fault.code, 3);
  assert.match(fault.err, /--fault 500=often: "often" is not a frequency/);
  const resource = await runInProcess(['replay', DEMO, '--fault', '403@widgets']);
  assert.equal(resource.code, 3);
  assert.match(resource.err, /the server has no resource "widgets"/);
});

test('exit 3 when the port is taken', async () => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  try {
    const port = (blocker.address() as { port: number }).port;
    const r = await runInProcess(['replay', DEMO, '--port', String(port)]);
    assert.equal(r.code, 3);
    assert.equal(r.err, `metallb-doctor: cannot listen on 127.0.0.1:${port}: address already in use\n`);
  } finally {
    await new Promise((resolve) => blocker.close(resolve));
  }
});

test('exit 3 rather than overwrite a kubeconfig replay did not write', async () => {
  const dir = tempDir();
  try {
    const file = join(dir, 'config');
    writeFileSync(file, 'apiVersion: v1\nkind: Config\n# someone\'s real kubeconfig\n');
    const r = await runInProcess(['replay', DEMO, '--kubeconfig-out', file]);
    assert.equal(r.code, 3);
    assert.match(r.err, /exists and was not written by replay: not overwriting it/);
    assert.match(readFileSync(file, 'utf8'), /someone's real kubeconfig/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

interface Child {
  stderr: () => string;
  exited: Promise<number | null>;
  kill(sig: NodeJS.Signals): void;
}

/** Runs `metallb-doctor replay ARGS` in a child process, killed after 30 s whatever happens. */
function startChild(args: string[]): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'cli', 'metallb-doctor.ts'), 'replay', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const bound = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => {
    clearTimeout(bound);
    resolve(code);
  }));
  return { stderr: () => err, exited, kill: (sig) => child.kill(sig) };
}

async function until(what: string, cond: () => boolean, child: Child): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 100));
  if (!cond()) {
    child.kill('SIGKILL');
    assert.fail(`${what} did not happen: ${child.stderr()}`);
  }
}

test('serves until SIGINT (exit 0); the kubeconfig points kubectl and clients at it', async () => {
  const dir = tempDir();
  const kubeconfig = join(dir, 'demo.kubeconfig');
  const child = startChild([DEMO, '--kubeconfig-out', kubeconfig, '--fault', '403@pods']);
  try {
    await until('startup', () => /Ctrl-C stops it/.test(child.stderr()), child);
    const err = child.stderr();
    assert.match(err, /^metallb-doctor replay: serving .*demo-cluster \(Kubernetes v1\.31\.4, context demo, taken 2026-11-24T16:40:00Z, 203 objects\) at http:\/\/127\.0\.0\.1:\d+\n/);
    assert.match(err, new RegExp(`export KUBECONFIG=${kubeconfig.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\n  kubectl get svc -A\n`));
    assert.match(err, /Faults: 403@pods\n/);
    const text = readFileSync(kubeconfig, 'utf8');
    assert.match(text, /^# written by metallb-doctor replay/);
    assert.match(text, /insecure-skip-tls-verify: true/);
    const server = /server: (http:\/\/127\.0\.0\.1:\d+)/.exec(text)![1]!;
    assert.equal(JSON.parse((await http(server, '/version')).body).gitVersion, 'v1.31.4');
    assert.equal((await http(server, '/api/v1/pods')).status, 403);
    child.kill('SIGINT');
    assert.equal(await child.exited, 0);
    assert.match(child.stderr(), /replay: stopped \(SIGINT\)\n$/);
    assert.ok(existsSync(kubeconfig), 'a kubeconfig the user named is kept');
    await assert.rejects(http(server, '/version', { timeoutMs: 2000 }));
  } finally {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

test('SIGTERM: exit 0, and the default temporary kubeconfig is removed', async () => {
  const child = startChild([DEMO]);
  try {
    await until('startup', () => /Ctrl-C stops it/.test(child.stderr()), child);
    const kubeconfig = /export KUBECONFIG=(\S+)/.exec(child.stderr())![1]!;
    assert.match(kubeconfig, /metallb-doctor-replay-\d+\.kubeconfig$/);
    assert.ok(existsSync(kubeconfig));
    child.kill('SIGTERM');
    assert.equal(await child.exited, 0);
    assert.ok(!existsSync(kubeconfig));
  } finally {
    child.kill('SIGKILL');
  }
});

test('--help documents the flags and the faults', async () => {
  const r = await runInProcess(['replay', '--help']);
  assert.equal(r.code, 0);
  for (const s of ['--port <n>', '--kubeconfig-out <path>', '--fault <spec>', '403@R', 'truncate[=FREQ][@R]', 'Exit codes: 0 stopped by SIGINT or SIGTERM, 3 cannot serve']) assert.ok(r.out.includes(s), s);
});
