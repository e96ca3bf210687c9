// The fault matrix: the replay misbehaves as API servers and the networks before them do (slow
// answers, 500s, RBAC denials, connections cut mid-body, truncated JSON, 410 on watches), and
// diag must finish within its timeout, report what it could not read as a gap (never as "none"),
// and exit as cli.md says: by its findings, or 3 when no cluster could be reached at all.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { rmSync, writeFileSync } from 'node:fs';
import { runInProcess } from '../helpers/cli.js';
import { HEALTHY_L2, tempDir, withReplay } from '../replay/helpers.js';
import { comparable } from './helpers.js';

type Json = Record<string, unknown>;
interface Gap {
  what: string;
  why: string;
  kind?: string;
}

const baseline = async () => {
  const r = await runInProcess(['diag', '--from', HEALTHY_L2, '-o', 'json']);
  return { code: r.code, report: JSON.parse(r.out) as Json };
};

/** diag through a replay with these faults; elapsed is wall time (a bound, not a speed target). */
async function diagUnder(faults: string[], args: string[] = []) {
  return withReplay(
    HEALTHY_L2,
    async (r) => {
      const t0 = Date.now();
      const res = await runInProcess(['diag', '--kubeconfig', r.env.KUBECONFIG!, '-o', 'json', ...args]);
      const elapsed = Date.now() - t0;
      const report = res.out ? (JSON.parse(res.out) as Json) : undefined;
      return { ...res, report, elapsed, requests: r.requests };
    },
    { faults },
  );
}

const gapsOf = (report: Json | undefined) => (report?.gaps ?? []) as Gap[];
const rulesOf = (report: Json | undefined) => ((report?.findings ?? []) as Json[]).map((f) => String(f.rule));

describe('diag under faults', () => {
  test('a list slower than --request-timeout is a gap "timed out"; diag still finishes and exits by its findings', async () => {
    // the pods answer after a minute; a run bounded by the 1.5 s timeout ends far sooner, however
    // loaded the machine is
    const r = await diagUnder(['delay=60s@pods'], ['--request-timeout', '1500ms']);
    assert.ok(r.elapsed < 30_000, `took ${r.elapsed} ms: the timeout did not bound the run`);
    const g = gapsOf(r.report).find((x) => x.kind === 'Pod');
    assert.ok(g, JSON.stringify(gapsOf(r.report)));
    assert.equal(g.why, 'timed out');
    assert.match(g.what, /^list Pods in /);
    // absent is not none: without Pods nothing is said about the speakers' pods
    assert.ok(!rulesOf(r.report).some((id) => id === 'speaker-unavailable' || id === 'controller-unavailable'));
    assert.equal(r.code, (await baseline()).code);
  });

  test('500 on every request of a kind: retried with backoff, then a gap; no rule concludes from the missing pools', async () => {
    const r = await diagUnder(['500@ipaddresspools']);
    const g = gapsOf(r.report).find((x) => x.kind === 'IPAddressPool');
    assert.ok(g, JSON.stringify(gapsOf(r.report)));
    assert.match(g.why, /^500 InternalError/);
    const tries = r.requests.filter((q) => q.path.endsWith('/ipaddresspools')).length;
    assert.equal(tries, 5, 'one request and four retries');
    assert.ok(!rulesOf(r.report).includes('pool-missing'), 'a gap is not "no pools"');
    assert.notEqual(r.code, 3);
  });

  // on kinds read by one request each, so that a read's retries meet the fault at most once in a row
  for (const fault of ['500=every:2@ipaddresspools,nodes,customresourcedefinitions', 'reset=every:2@ipaddresspools,nodes,customresourcedefinitions', 'truncate=every:2@nodes,deployments', 'gone', 'delay=100ms']) {
    test(`${fault}: retried (or harmless), so the report is the one --from gives`, async () => {
      const r = await diagUnder([fault]);
      const base = await baseline();
      assert.deepEqual(gapsOf(r.report), []);
      assert.equal(r.code, base.code);
      assert.deepEqual(comparable(r.report!), comparable(base.report));
      if (fault !== 'gone' && fault !== 'delay=100ms') assert.ok(r.requests.some((q) => q.faults.length > 0), 'the fault never fired');
    });
  }

  test('403 on Nodes: the gap says forbidden, the text report says what was not seen', async () => {
    const json = await diagUnder(['403@nodes']);
    const g = gapsOf(json.report).find((x) => x.kind === 'Node');
    assert.deepEqual(g && { what: g.what, why: g.why }, { what: 'list Nodes', why: 'forbidden' });
    assert.ok(!rulesOf(json.report).some((id) => id.startsWith('node-')));
    const text = await withReplay(HEALTHY_L2, (r) => runInProcess(['diag', '--kubeconfig', r.env.KUBECONFIG!, '--no-color']), { faults: ['403@nodes'] });
    assert.match(text.out, /Not seen\s+1 gap/);
    assert.match(text.out, /could not see: list Nodes \(forbidden\)/);
  });

  test('truncated JSON on every Services list: a gap "truncated answer", not a crash', async () => {
    const r = await diagUnder(['truncate@services']);
    const g = gapsOf(r.report).find((x) => x.kind === 'Service');
    assert.ok(g, JSON.stringify(gapsOf(r.report)));
    assert.equal(g.why, 'truncated answer');
    assert.equal(r.err, '');
  });

  test('an API server that answers nothing in time: exit 3 within the timeout, one line', async () => {
    const r = await diagUnder(['delay=5s'], ['--request-timeout', '1s']);
    assert.equal(r.code, 3);
    assert.ok(r.elapsed < 5000, `took ${r.elapsed} ms`);
    assert.match(r.err, /^metallb-doctor: read nothing from the API server http:\/\/127\.0\.0\.1:\d+ \(context "replay"\): list \S.*: timed out \(and \d+ more reads failed\)\n$/);
  });

  test('every list forbidden: exit 3, one line', async () => {
    const kinds = 'customresourcedefinitions,nodes,namespaces,services,deployments,daemonsets,validatingwebhookconfigurations,events,ipaddresspools,l2advertisements,bgpadvertisements,bgppeers,bfdprofiles,communities,servicel2statuses,servicebgpstatuses,pods,configmaps,endpoints,networkpolicies,secrets,endpointslices';
    const r = await diagUnder([`403@${kinds}`]);
    assert.equal(r.code, 3);
    assert.match(r.err, /^metallb-doctor: read nothing from the API server .*: forbidden/);
    assert.equal(r.err.trim().split('\n').length, 1);
  });

  test('no API server at all: exit 3, one line naming the server and the context', async () => {
    // a port that was free a moment ago: nothing listens there
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const dir = tempDir('mlbd-faults-');
    try {
      const kc = join(dir, 'kubeconfig');
      writeFileSync(
        kc,
        `apiVersion: v1\nkind: Config\nclusters:\n- name: gone\n  cluster:\n    server: http://127.0.0.1:${port}\ncontexts:\n- name: gone\n  context:\n    cluster: gone\n    user: u\ncurrent-context: gone\nusers:\n- name: u\n  user:\n    token: x\n`,
      );
      const r = await runInProcess(['diag', '--kubeconfig', kc]);
      assert.equal(r.code, 3);
      assert.equal(r.out, '');
      assert.match(r.err, new RegExp(`^metallb-doctor: cannot reach the API server http://127\\.0\\.0\\.1:${port} \\(context "gone"\\): refused`));
      assert.equal(r.err.trim().split('\n').length, 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
