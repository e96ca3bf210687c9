// The built program (what the executables run, and what `npm run bench` measures): dist/cli/program.js
// is one esbuild bundle of the sources (scripts/postbuild.mjs), so everything found relative to a
// module (package.json, the rule pages, the log worker, the client-node bundle) must still be found
// from it, and it must answer exactly as the sources do.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, runInProcess } from '../helpers/cli.js';

const PROGRAM = join(ROOT, 'dist', 'cli', 'program.js');
const BIN = join(ROOT, 'dist', 'cli', 'metallb-doctor.js');

function newest(dir: string): number {
  let t = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    t = Math.max(t, st.isDirectory() ? newest(p) : st.mtimeMs);
  }
  return t;
}

/** Why the built program cannot be tested (absent, or older than the sources), or undefined. */
function unavailable(): string | undefined {
  if (!existsSync(PROGRAM)) return 'dist/ is not built (npm run build)';
  if (newest(join(ROOT, 'src')) > statSync(PROGRAM).mtimeMs) return 'dist/ is older than src/ (npm run build)';
  return undefined;
}

const why = unavailable();
if (why && process.env.CI) throw new Error(`the built program cannot be tested (CI is set, so this fails): ${why}`);
if (why) console.log(`# skipping the built program's tests: ${why}`);

function built(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env }, timeout: 60_000 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

describe('the built program', { skip: why }, () => {
  test('is one bundle: it and its chunks import only packages, each other and the client-node bundle', () => {
    const dir = join(ROOT, 'dist', 'cli');
    const files = ['program.js', ...readdirSync(dir).filter((f) => /^chunk-.*\.js$/.test(f))];
    const relative: string[] = [];
    for (const f of files) {
      const text = readFileSync(join(dir, f), 'utf8');
      for (const m of text.matchAll(/(?:\bfrom|\bimport\s*\(?)\s*["'](\.[^"']*)["']/g)) relative.push(m[1]!);
    }
    assert.ok(relative.some((s) => /^\.\/chunk-/.test(s)), 'the program loads its chunks');
    const ours = relative.filter((s) => !/^\.\/chunk-[A-Z0-9]+\.js$/.test(s) && s !== '../sources/live/k8s.js');
    assert.deepEqual(ours, [], 'modules of ours loaded from dist/ instead of bundled');
  });

  test('answers as the sources do: --version, diag of the demo, a rule page', async () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    assert.equal(built(['--version']).out.trim(), pkg.version);
    for (const args of [['diag', '--from', 'examples/demo-cluster', '-o', 'json'], ['rules', 'show', 'pool-overlap'], ['lint', 'examples/demo', '-o', 'json']]) {
      const b = built(args);
      const s = await runInProcess(args);
      assert.equal(b.code, s.code, args.join(' '));
      assert.equal(b.out, s.out, args.join(' '));
    }
    assert.match(built(['rules', 'show', 'pool-overlap']).out, /^# pool-overlap/);
  });

  test('reads logs in worker threads from dist/sources/log-worker.js', async () => {
    const args = ['logs', '--from', 'examples/demo-cluster', '-o', 'json'];
    const threaded = built(args, { METALLB_DOCTOR_LOG_THREADS: '2' });
    assert.equal(threaded.err, '');
    assert.equal(threaded.out, (await runInProcess(args)).out);
    assert.match(threaded.out, /"events"/);
  });
});
