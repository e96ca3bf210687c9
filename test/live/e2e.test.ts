// End to end through the real API path: every scenario is served by `replay`, the tool reads it
// through a kubeconfig as it reads a cluster (@kubernetes/client-node for the kubeconfig, HTTP GETs),
// and what `diag` reports must be what `diag --from` reports on the same input. The replay counts
// every request by method: nothing but GET may reach it.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join, dirname } from 'node:path';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { runInProcess, ROOT } from '../helpers/cli.js';
import { DEMO, HEALTHY_L2, tempDir, withReplay } from '../replay/helpers.js';
import { bundleVariant, comparable, gapKinds } from './helpers.js';

const HEALTHY_BGP = join(ROOT, 'examples', 'clusters', 'healthy-bgp');

/** Every snapshot the project ships: bundles, and manifests read "as given". */
const SCENARIOS: [string, string, boolean][] = [
  ['the demo cluster', DEMO, false],
  ['healthy layer 2', HEALTHY_L2, false],
  ['healthy BGP (frr-k8s)', HEALTHY_BGP, false],
  // manifests keep the files' order; an API server lists by namespace and name
  ['the demo manifests (as given)', join(ROOT, 'examples', 'demo'), true],
  ['healthy-l2 manifests (as given)', join(ROOT, 'examples', 'healthy-l2'), true],
  ['healthy-bgp manifests (as given)', join(ROOT, 'examples', 'healthy-bgp'), true],
];

type Json = Record<string, unknown>;

async function diagBoth(bundle: string, kubeconfig: string, extra: string[] = [], liveOnly: string[] = []): Promise<{ live: Json; from: Json; liveCode: number; fromCode: number; liveErr: string }> {
  const live = await runInProcess(['diag', '--kubeconfig', kubeconfig, '-o', 'json', ...extra, ...liveOnly]);
  const from = await runInProcess(['diag', '--from', bundle, '-o', 'json', ...extra]);
  assert.ok(live.out.startsWith('{'), `live diag printed no report: ${live.err}`);
  return { live: JSON.parse(live.out) as Json, from: JSON.parse(from.out) as Json, liveCode: live.code, fromCode: from.code, liveErr: live.err };
}

describe('diag through a kubeconfig reports what diag --from reports', () => {
  for (const [name, bundle, orderFree] of SCENARIOS) {
    test(name, async () => {
      await withReplay(bundle, async (r) => {
        // with --logs the live read fetches the logs the bundle holds (the replay serves them)
        // what is about the files themselves (YAML spelling, a document twice) no API server keeps
        const files = orderFree ? ['--disable', 'yaml-syntax-error,yaml-ambiguous-value,object-duplicate'] : [];
        const { live, from, liveCode, fromCode, liveErr } = await diagBoth(bundle, r.env.KUBECONFIG!, files, ['--logs']);
        assert.equal(liveErr, '');
        assert.equal(liveCode, fromCode);
        assert.deepEqual(comparable(live, orderFree), comparable(from, orderFree));
        // the same kinds unknown: the replay forbids what the input did not capture
        assert.deepEqual(gapKinds(live), gapKinds(from));
        assert.deepEqual((live.source as Json).kind, 'cluster');
        // only GET reached the server
        assert.ok(r.requests.length > 10, `${r.requests.length} requests`);
        assert.deepEqual([...new Set(r.requests.map((q) => q.method))], ['GET']);
      });
    });
  }

  test('the demo cluster has findings of every kind of evidence the live read feeds', async () => {
    await withReplay(DEMO, async (r) => {
      const { live } = await diagBoth(DEMO, r.env.KUBECONFIG!);
      const rules = new Set((live.findings as Json[]).map((f) => f.rule));
      // Pods of MetalLB's namespace, kube-system's ConfigMap, Nodes, EndpointSlices, Services
      for (const id of ['speaker-unavailable', 'kube-proxy-strict-arp', 'node-excluded-from-lb', 'service-no-announcing-node']) assert.ok(rules.has(id), `${id} in ${[...rules].join(', ')}`);
    });
  });

  test('read only what the rules need: no Pods of other namespaces unless a Service there has no serving endpoint, Secrets by name', async () => {
    await withReplay(DEMO, async (r) => {
      await runInProcess(['diag', '--kubeconfig', r.env.KUBECONFIG!, '-o', 'json']);
      const paths = r.requests.map((q) => q.path);
      // no cluster-wide list of Pods, Secrets or ConfigMaps
      for (const p of ['/api/v1/pods', '/api/v1/secrets', '/api/v1/configmaps']) assert.ok(!paths.includes(p), `${p} was listed`);
      // Secrets: only single GETs in MetalLB's namespace
      const secrets = paths.filter((p) => p.includes('/secrets'));
      assert.ok(secrets.length > 0);
      for (const p of secrets) assert.match(p, /^\/api\/v1\/namespaces\/metallb-system\/secrets\/[a-z0-9-]+$/);
      // LoadBalancer Services by field selector (the demo claims Kubernetes 1.31)
      const svc = r.requests.find((q) => q.path === '/api/v1/services');
      assert.ok(svc && decodeURIComponent(svc.query).includes('fieldSelector=spec.type=LoadBalancer'), svc?.query);
      // lists page as kubectl does
      assert.ok(r.requests.filter((q) => !q.path.includes('/secrets/') && q.path !== '/version' && !q.path.endsWith('/kubernetes')).every((q) => /(^|&)limit=500(&|$)/.test(q.query)));
    });
  });

  test('a server before Kubernetes 1.31 answers 400 to the spec.type field selector: the Services are filtered on the client', async () => {
    const old = bundleVariant(HEALTHY_L2, (m) => (m.kubernetesVersion = 'v1.29.6'));
    try {
      await withReplay(old, async (r) => {
        const { live, from } = await diagBoth(old, r.env.KUBECONFIG!);
        const svc = r.requests.filter((q) => q.path === '/api/v1/services');
        assert.deepEqual(svc.map((q) => q.status), [400, 200]);
        assert.ok(!svc[1]!.query.includes('fieldSelector'));
        assert.deepEqual(comparable(live), comparable(from));
        assert.equal((live.services as Json[]).length, 2);
      });
    } finally {
      rmSync(dirname(old), { recursive: true, force: true });
    }
  });

  test('paging: --chunk-size 1 reads every list a page at a time, with the same report', async () => {
    await withReplay(HEALTHY_L2, async (r) => {
      const { live, from } = await diagBoth(HEALTHY_L2, r.env.KUBECONFIG!, ['--chunk-size', '1']);
      assert.deepEqual(comparable(live), comparable(from));
      assert.ok(r.requests.some((q) => q.query.includes('continue=')), 'no continue token was followed');
    });
  });
});

describe('explain, simulate, lint --cluster and snapshot: GET only, and the same answers as --from', () => {
  test('explain service through the kubeconfig = explain --from', async () => {
    await withReplay(DEMO, async (r) => {
      // with --logs the live read fetches the logs the bundle holds, so both quote the same log events
      const live = await runInProcess(['explain', 'service', 'edge/openvpn', '--kubeconfig', r.env.KUBECONFIG!, '--logs', '-o', 'json']);
      const from = await runInProcess(['explain', 'service', 'edge/openvpn', '--from', DEMO, '-o', 'json']);
      assert.equal(live.code, from.code);
      const a = JSON.parse(live.out) as Json;
      const b = JSON.parse(from.out) as Json;
      assert.deepEqual(a.steps, b.steps);
      assert.deepEqual(a.service, b.service);
      assert.deepEqual([...new Set(r.requests.map((q) => q.method))], ['GET']);
    });
  });

  test('simulate --fail-node through the kubeconfig = simulate --from', async () => {
    await withReplay(HEALTHY_L2, async (r) => {
      const live = await runInProcess(['simulate', '--kubeconfig', r.env.KUBECONFIG!, '--fail-node', 'worker-2', '-o', 'json']);
      const from = await runInProcess(['simulate', '--from', HEALTHY_L2, '--fail-node', 'worker-2', '-o', 'json']);
      assert.equal(live.code, from.code);
      const a = comparable(JSON.parse(live.out) as Json);
      const b = comparable(JSON.parse(from.out) as Json);
      assert.deepEqual(a.services, b.services);
      assert.deepEqual(a.changes, b.changes);
      assert.deepEqual([...new Set(r.requests.map((q) => q.method))], ['GET']);
    });
  });

  test('lint FILE --cluster = lint FILE --from', async () => {
    const pool = join(ROOT, 'examples', 'demo', 'pools.yaml');
    await withReplay(DEMO, async (r) => {
      const live = await runInProcess(['lint', pool, '--cluster', '--kubeconfig', r.env.KUBECONFIG!, '-o', 'json']);
      const from = await runInProcess(['lint', pool, '--from', DEMO, '-o', 'json']);
      assert.equal(live.code, from.code);
      const rules = (o: string) => (JSON.parse(o) as { findings: Json[] }).findings.map((f) => `${f.rule} ${f.message}`).sort();
      assert.deepEqual(rules(live.out), rules(from.out));
      assert.ok(rules(live.out).length > 0);
      assert.deepEqual([...new Set(r.requests.map((q) => q.method))], ['GET']);
    });
  });

  test('a snapshot taken from replay, analysed offline, matches diag on the cluster (directory and .tar.gz)', async () => {
    const dir = tempDir('mlbd-snap-');
    try {
      await withReplay(DEMO, async (r) => {
        const live = await runInProcess(['diag', '--kubeconfig', r.env.KUBECONFIG!, '-o', 'json', '--logs']);
        for (const out of [join(dir, 'snap'), join(dir, 'snap.tar.gz')]) {
          const s = await runInProcess(['snapshot', out, '--kubeconfig', r.env.KUBECONFIG!, '--logs']);
          assert.equal(s.code, 0, s.err);
          assert.equal(s.out, `${out}\n`);
          const off = await runInProcess(['diag', '--from', out, '-o', 'json']);
          assert.equal(off.code, live.code);
          assert.deepEqual(comparable(JSON.parse(off.out) as Json), comparable(JSON.parse(live.out) as Json));
        }
        assert.deepEqual([...new Set(r.requests.map((q) => q.method))], ['GET']);
      });
      // the layout of cli.md: bundle.json, resources as JSON Lists, the crash-looping speaker's logs
      const snap = join(dir, 'snap');
      const manifest = JSON.parse(readFileSync(join(snap, 'bundle.json'), 'utf8')) as Json;
      assert.equal(manifest.format, 'metallb-doctor-bundle/v1');
      assert.equal(manifest.context, 'replay');
      assert.equal(manifest.metallbNamespace, 'metallb-system');
      assert.ok((manifest.captured as string[]).includes('Pod@metallb-system'));
      assert.ok((manifest.captured as string[]).includes('IPAddressPool'));
      for (const f of readdirSync(join(snap, 'resources'))) {
        assert.match(f, /\.json$/);
        assert.equal((JSON.parse(readFileSync(join(snap, 'resources', f), 'utf8')) as Json).kind, 'List');
      }
      assert.ok(existsSync(join(snap, 'logs', 'metallb-system', 'metallb-speaker-fpqzs', 'speaker.previous.log')));
      assert.ok(statSync(join(dir, 'snap.tar.gz')).size > 1000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('snapshot never overwrites: an existing file or a non-empty directory is exit 3, untouched', async () => {
    const dir = tempDir('mlbd-snap-');
    try {
      await withReplay(HEALTHY_L2, async (r) => {
        const first = await runInProcess(['snapshot', join(dir, 's.tar.gz'), '--kubeconfig', r.env.KUBECONFIG!]);
        assert.equal(first.code, 0, first.err);
        const before = readFileSync(join(dir, 's.tar.gz'));
        const again = await runInProcess(['snapshot', join(dir, 's.tar.gz'), '--kubeconfig', r.env.KUBECONFIG!]);
        assert.equal(again.code, 3);
        assert.match(again.err, /s\.tar\.gz: already exists: a snapshot never overwrites a file/);
        assert.deepEqual(readFileSync(join(dir, 's.tar.gz')), before);
        const nonEmpty = await runInProcess(['snapshot', dir, '--kubeconfig', r.env.KUBECONFIG!]);
        assert.equal(nonEmpty.code, 3);
        assert.match(nonEmpty.err, /already exists and is not empty/);
        assert.deepEqual(readdirSync(dir), ['s.tar.gz']);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('--metrics: read through the pod proxy, kept in a snapshot, and the same findings as --from', () => {
  test('a speaker whose session is down and a controller whose configuration is stale', async () => {
    const variant = bundleVariant(DEMO, () => {});
    const dir = tempDir('mlbd-metrics-');
    try {
      const put = (pod: string, port: string, text: string) => {
        mkdirSync(join(variant, 'metrics', 'metallb-system', pod), { recursive: true });
        writeFileSync(join(variant, 'metrics', 'metallb-system', pod, `${port}.prom`), text);
      };
      put('metallb-speaker-k6g92', '7472', '# TYPE metallb_bgp_session_up gauge\nmetallb_bgp_session_up{peer="192.168.50.1:179"} 0\nmetallb_k8s_client_config_stale_bool 0\n');
      put('metallb-speaker-pzd4h', '7472', 'metallb_bgp_session_up{peer="192.168.50.1:179"} 1\n');
      put('metallb-controller-z42xdtd627-6lj5f', '7472', 'metallb_k8s_client_config_stale_bool 1\n');
      await withReplay(variant, async (r) => {
        const { live, from, liveCode, fromCode } = await diagBoth(variant, r.env.KUBECONFIG!, [], ['--metrics', '--logs']);
        assert.equal(liveCode, fromCode);
        assert.deepEqual(comparable(live), comparable(from));
        const findings = live.findings as { rule: string; evidence: string[] }[];
        const session = findings.find((f) => f.rule === 'bgp-session-down');
        assert.ok(session, findings.map((f) => f.rule).join(', '));
        assert.ok(session.evidence.some((e) => e.includes('metallb_bgp_session_up{peer="192.168.50.1:179"} 0')));
        assert.ok(findings.some((f) => f.rule === 'config-invalid' && f.evidence.some((e) => e.includes('metallb_k8s_client_config_stale_bool 1'))));
        // the metrics went through the API server's pod proxy, GET only
        const proxied = r.requests.filter((q) => q.path.includes('/proxy/metrics'));
        assert.ok(proxied.some((q) => q.path === '/api/v1/namespaces/metallb-system/pods/metallb-speaker-k6g92:7472/proxy/metrics' && q.status === 200));
        assert.deepEqual([...new Set(r.requests.map((q) => q.method))], ['GET']);
        // and a snapshot keeps them: offline, the same findings
        const s = await runInProcess(['snapshot', join(dir, 'snap'), '--kubeconfig', r.env.KUBECONFIG!, '--metrics', '--logs']);
        assert.equal(s.code, 0, s.err);
        assert.ok(existsSync(join(dir, 'snap', 'metrics', 'metallb-system', 'metallb-speaker-k6g92', '7472.prom')));
        const off = await runInProcess(['diag', '--from', join(dir, 'snap'), '-o', 'json']);
        assert.deepEqual(comparable(JSON.parse(off.out) as Json), comparable(live));
      });
      // without --metrics, nothing of it: the metrics are evidence only when read
      await withReplay(variant, async (r) => {
        const plain = await runInProcess(['diag', '--kubeconfig', r.env.KUBECONFIG!, '-o', 'json']);
        assert.ok(!(JSON.parse(plain.out) as { findings: { rule: string }[] }).findings.some((f) => f.rule === 'bgp-session-down'));
        assert.ok(!r.requests.some((q) => q.path.includes('/proxy/')));
      });
    } finally {
      rmSync(dirname(variant), { recursive: true, force: true });
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
