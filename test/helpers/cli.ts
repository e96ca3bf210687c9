// Runs the real command line in a child process (through tsx on the sources), as a user would.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function cli(args: string[], opts: { input?: string; cwd?: string; env?: Record<string, string>; bin?: string } = {}): CliResult {
  const entry = join(ROOT, 'src', 'cli', opts.bin ?? 'metallb-doctor.ts');
  const r = spawnSync(process.execPath, ['--import', 'tsx', entry, ...args], {
    cwd: opts.cwd ?? ROOT,
    input: opts.input ?? '',
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '', ...opts.env },
    timeout: 60_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Runs the command line in this process (faster than a child; stdin given as text). */
export async function runInProcess(args: string[], stdin = ''): Promise<{ code: number; out: string; err: string }> {
  const { Readable } = await import('node:stream');
  const { runCli } = await import('../../src/cli/program.js');
  let out = '';
  let err = '';
  const code = await runCli(args, {
    name: 'metallb-doctor',
    stdin: Readable.from([Buffer.from(stdin)]),
    out: (s) => void (out += s),
    err: (s) => void (err += s),
    warn: (m) => void (err += m + '\n'),
    verbose: false,
    exitCode: 0,
  });
  return { code, out, err };
}
