// The real kubectl finds the built kubectl-metallb on the PATH and runs it as `kubectl metallb`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { ROOT } from '../helpers/cli.js';

const plugin = join(ROOT, 'dist', 'cli', 'kubectl-metallb.js');

function unavailable(t: { skip(msg: string): void }, why: string): void {
  if (process.env.CI) assert.fail(`kubectl plugin test cannot run (CI is set, so this fails): ${why}`);
  console.log(`kubectl plugin test skipped: ${why}`);
  t.skip(why);
}

test('kubectl metallb runs the plugin', (t) => {
  if (spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).error) return unavailable(t, 'no kubectl on the PATH');
  if (!existsSync(plugin)) return unavailable(t, `${plugin} is not built (npm run build)`);
  const bin = mkdtempSync(join(tmpdir(), 'mlbd-plugin-'));
  try {
    symlinkSync(plugin, join(bin, 'kubectl-metallb'));
    const env = { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH ?? ''}`, KUBECONFIG: join(bin, 'none') };
    const list = spawnSync('kubectl', ['plugin', 'list'], { env, encoding: 'utf8' });
    assert.match(list.stdout, /kubectl-metallb/, list.stderr);
    const version = spawnSync('kubectl', ['metallb', '--version'], { env, encoding: 'utf8' });
    assert.equal(version.status, 0, version.stderr);
    assert.equal(version.stdout.trim(), JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
    const lint = spawnSync('kubectl', ['metallb', 'lint', 'examples/demo', '-o', 'json'], { env, encoding: 'utf8', cwd: ROOT });
    assert.equal(lint.status, 2, lint.stderr);
    assert.ok(JSON.parse(lint.stdout).findings.length > 0);
    const help = spawnSync('kubectl', ['metallb', '--help'], { env, encoding: 'utf8' });
    assert.match(help.stdout, /Usage: kubectl metallb/);
  } finally {
    rmSync(bin, { recursive: true, force: true });
  }
});
