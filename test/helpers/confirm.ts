// The commands we print to confirm by hand, run for real where that needs no cluster: a printed
// `kubectl logs ... | FILTER` gets what kubectl would print from a bundle's log files, and its
// filter runs in a real shell, so a pattern that does not match MetalLB's lines shows.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What `kubectl logs` prints for the pods the command names (`-l` with a speaker selector: the
 * speaker pods; `deploy/...controller`: the controller; a pod name: that pod), without the
 * kubelet's timestamp and with `[pod/P/C] ` first under --prefix, piped into the command's filter.
 * Returns the filter's output lines; fails on anything the shell or grep writes to stderr.
 */
export function pipeOverLogs(command: string, dir: string): string[] {
  const bar = command.indexOf(' | ');
  assert.ok(bar > 0, `${command}: not kubectl logs | FILTER`);
  const kubectl = command.slice(0, bar);
  assert.match(kubectl, /^kubectl (-n \S+ )?logs /);
  const container = / -c (\S+)/.exec(kubectl)?.[1] ?? 'speaker';
  const root = join(dir, 'logs', 'metallb-system');
  const named = / logs (?:-n \S+ )?((?:speaker|controller)-[a-z0-9-]+)/.exec(kubectl)?.[1];
  const pods = readdirSync(root).filter((p) => (named ? p === named : /deploy\/\S*controller/.test(kubectl) ? p.startsWith('controller') : p.startsWith('speaker')));
  // kubectl logs -l prints the last 10 lines of each pod unless --tail says otherwise
  const tail = / -l /.test(kubectl) && !/--tail=-1/.test(kubectl) ? 10 : Infinity;
  const input = pods
    .flatMap((pod) => {
      const file = join(root, pod, `${container}.log`);
      if (!existsSync(file)) return [];
      const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
      return lines.slice(Number.isFinite(tail) ? -tail : 0).map((l) => `${kubectl.includes('--prefix') ? `[pod/${pod}/${container}] ` : ''}${l.replace(/^\S+Z /, '')}`);
    })
    .join('\n');
  const r = spawnSync('bash', ['-c', command.slice(bar + 3)], { input: input + '\n', encoding: 'utf8' });
  assert.equal(r.stderr, '', `${command}: ${r.stderr}`);
  return r.stdout.split('\n').filter(Boolean);
}

/** The commands in backticks of a finding's fix. */
export function backticked(text: string): string[] {
  return [...text.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
}
