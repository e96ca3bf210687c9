// The kubectl commands we print for the demo cluster (explain's steps, diag's fixes), run with the
// real kubectl against replay of it: none may fail the way a wrong command fails on a cluster (a
// usage error, an unknown flag or resource type, a bad selector or jsonpath, a container or object
// that is not there, a selector that matches no pod). Writes go through --dry-run=client.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DEMO, findKubectl, kubectlOrSkip, tempDir } from './helpers.js';
import { ReplayStore } from '../../src/replay/store.js';
import { startReplay, type ReplayServer } from '../../src/replay/server.js';
import { kubeconfigText } from '../../src/replay/kubeconfig.js';
import { runInProcess } from '../helpers/cli.js';

/** One Service of each kind in the demo: BGP, layer 2, dual-stack, pending, not announced. */
const SERVICES = ['edge/ingress-nginx', 'shop/storefront', 'monitoring/grafana', 'edge/openvpn', 'data/postgres'];

/** kubectl's own words for a command that is wrong, whatever the cluster holds. */
const WRONG = [
  /unknown (flag|shorthand flag|command)/,
  /the server doesn't have a resource type/,
  /error: (unable to parse|couldn't parse|error parsing|invalid)/i,
  /unable to parse requirement|found '.*', expected/,
  /error executing jsonpath|template: .*: (executing|function)/,
  /container .* is not valid for pod/,
  /Error from server \((NotFound|BadRequest)\)/,
  /^No resources found/m,
  /^(grep|sed|bash): /m,
];

/** The `kubectl ...` commands in a text: a whole confirm line, or the ones a fix names in prose. */
function commands(text: string): string[] {
  if (text.startsWith('kubectl ')) return [text];
  return [...text.matchAll(/kubectl [^`;()]+/g)].map((m) => m[0].replace(/[.,]?\s*$/, '').replace(/,? (and|or)$/, ''));
}

const WRITES = /^kubectl (?:-n \S+ )?(label|annotate|rollout restart|delete|apply|create|patch|scale|taint|uncordon|edit)\b/;

describe('the commands we print, with the real kubectl against replay of examples/demo-cluster', () => {
  const bin = findKubectl();
  let server: ReplayServer | undefined;
  let dir = '';
  let env: NodeJS.ProcessEnv = {};

  before(async () => {
    if (!bin) return;
    server = await startReplay(await ReplayStore.open(DEMO));
    dir = tempDir();
    writeFileSync(join(dir, 'kubeconfig'), kubeconfigText(server.url, DEMO));
    env = { PATH: `${dirname(bin)}:${process.env.PATH ?? ''}`, HOME: dir, KUBECACHEDIR: join(dir, 'cache'), KUBECONFIG: join(dir, 'kubeconfig') };
  });
  after(async () => {
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Runs a command line in bash (pipes included), never blocking the loop that serves kubectl. */
  const sh = (line: string): Promise<{ code: number; stderr: string }> =>
    new Promise((resolve) => {
      execFile('bash', ['-o', 'pipefail', '-c', line], { env, timeout: 20_000, killSignal: 'SIGKILL', maxBuffer: 16 << 20 }, (err, _stdout, stderr) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? -1) : 0, stderr });
      });
    });

  test("explain's confirm lines and diag's fixes: no usage error, nothing missing", async (t) => {
    if (!kubectlOrSkip(t)) return;
    const printed = new Set<string>();
    for (const ref of SERVICES) {
      const r = await runInProcess(['explain', 'service', ref, '--from', DEMO, '-o', 'json']);
      const steps = (JSON.parse(r.out) as { steps: { confirm: string[] }[] }).steps;
      for (const c of steps.flatMap((s) => s.confirm)) for (const k of commands(c)) printed.add(k);
    }
    const diag = await runInProcess(['diag', '--from', DEMO, '-o', 'json']);
    for (const f of (JSON.parse(diag.out) as { findings: { fix: string }[] }).findings) for (const k of commands(f.fix)) printed.add(k);
    const runnable = [...printed].filter((c) => !/<[a-z -]+>|\bPOD\b|\bNAME\b/.test(c));
    assert.ok(runnable.length >= 25, `only ${runnable.length} commands:\n${runnable.join('\n')}`);
    const failures: string[] = [];
    // four at a time: the server answers them all from this process
    for (let i = 0; i < runnable.length; i += 4) {
      await Promise.all(
        runnable.slice(i, i + 4).map(async (c) => {
          // rollout restart has no --dry-run: its object must exist
          const bare = c.replace(/\s+#.*$/, '');
          const line = /rollout restart/.test(bare) ? bare.replace('rollout restart', 'get') : WRITES.test(bare) ? `${bare} --dry-run=client -o yaml` : c;
          const r = await sh(line);
          // 403: a log or a kind the snapshot did not capture; grep's 1: no line matched
          const wrong = WRONG.find((w) => w.test(r.stderr));
          if (wrong || (r.code !== 0 && r.code !== 1 && !/Forbidden/.test(r.stderr))) failures.push(`${line}\n  exit ${r.code}: ${r.stderr.trim().split('\n').slice(0, 2).join(' | ')}`);
        }),
      );
    }
    console.log(`# ${runnable.length} printed kubectl commands run against replay`);
    assert.deepEqual(failures, [], failures.join('\n'));
  });
});
