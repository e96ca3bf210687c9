// Progress on stderr while a live read works: on a terminal only, and never under CI (cli.md).
// util-linux `script` gives the command a pseudo-terminal, as a person's shell would.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../helpers/cli.js';
import { HEALTHY_L2, withReplay } from '../replay/helpers.js';

const hasScript = spawnSync('sh', ['-c', 'command -v script'], { encoding: 'utf8' }).stdout.trim() !== '';

function onTerminal(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const cmd = [process.execPath, '--import', 'tsx', join(ROOT, 'src', 'cli', 'metallb-doctor.ts'), ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  return new Promise((resolve) => {
    execFile('script', ['-qefc', `${cmd} >/dev/null`, '/dev/null'], { env, cwd: ROOT, timeout: 60_000, maxBuffer: 1 << 24 }, (_e, stdout) => resolve(stdout));
  });
}

describe('progress', () => {
  test('a live read shows what it reads on a terminal, on one line it clears; not under CI, not on a pipe', async (t) => {
    if (!hasScript) {
      const why = 'no `script` (util-linux) to give the command a terminal';
      if (process.env.CI) assert.fail(`progress test cannot run (CI is set): ${why}`);
      t.skip(why);
      return;
    }
    await withReplay(HEALTHY_L2, async (r) => {
      const base: NodeJS.ProcessEnv = { ...process.env, KUBECONFIG: r.env.KUBECONFIG!, HOME: r.env.HOME! };
      delete base.CI;
      const tty = await onTerminal(['diag', '-o', 'json'], base);
      assert.match(tty, /\r\x1b\[Kreading /, JSON.stringify(tty.slice(0, 300)));
      assert.ok(tty.endsWith('\r\x1b[K'), 'the line is cleared at the end');
      const ci = await onTerminal(['diag', '-o', 'json'], { ...base, CI: 'true' });
      assert.doesNotMatch(ci, /reading /);
    });
  });
});
