// diag end to end (in process): the healthy clusters stay clean (the false-positive guard), the
// JSON report keeps cli.md's contract, the text report matches its golden files, and a broken
// cluster shows each problem in its section.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, runInProcess, ROOT } from '../helpers/cli.js';
import { ALL_KINDS, bundleJson, l2Advertisement, node, speakerDaemonSet, speakerPod, endpointSlice } from '../helpers/cluster.js';
import { docs, pool, service } from '../helpers/services.js';
import { validateSarif, validatorUnavailable } from '../helpers/sarif-validator.js';

const L2 = 'examples/clusters/healthy-l2';
const BGP = 'examples/clusters/healthy-bgp';

interface DiagJson {
  tool: { name: string; version: string };
  source: { kind: string; path?: string };
  metallb: { namespace: string; version?: string; bgpBackend?: string; installedBy?: string };
  health: { status: string; score: number };
  summary: Record<'critical' | 'error' | 'warning' | 'info', number>;
  checks: { id: string; status: string; message: string }[];
  findings: { rule: string; severity: string; message: string; objects: { kind: string; namespace?: string; name: string; file?: string; line?: number }[]; evidence: string[]; fix: string; docs: string }[];
  pools: { name: string; addresses: string[]; capacity: { ipv4: number | string; ipv6: number | string }; used: { ipv4: number | string; ipv6: number | string }; advertisedBy: { l2: string[]; bgp: string[] } }[];
  services: { namespace: string; name: string; ips: string[]; ports: string[]; pool?: string; state: string; announcers: { node: string; protocol: string }[]; rules: string[] }[];
  nodes: { name: string; speaker: string; announces: boolean; excludedBy: string[] }[];
  pods?: { component: string; name: string; node?: string; phase: string; ready: boolean; restarts: number; reason?: string }[];
  crds?: { name: string; core: boolean; installed: boolean }[];
  advertisements: { kind: string; name: string; pools: string[] | 'all'; nodes: string[] | 'all' }[];
  bgpPeers: { name: string; address: string; port: number; myASN?: number; peerASN?: number; nodes: string[] | 'all' }[];
  gaps: { what: string; why: string }[];
}

async function diag(...args: string[]): Promise<{ code: number; json: DiagJson; err: string }> {
  const r = await runInProcess(['diag', ...args, '-o', 'json']);
  return { code: r.code, json: JSON.parse(r.out) as DiagJson, err: r.err };
}

function writeBundle(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'mlbd-diag-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

describe('diag over the healthy clusters (nothing of warning or worse)', () => {
  for (const dir of [L2, BGP]) {
    test(dir, async () => {
      const { code, json, err } = await diag('--from', dir);
      assert.equal(err, '');
      const bad = json.findings.filter((f) => f.severity !== 'info');
      assert.deepEqual(bad.map((f) => `${f.rule}: ${f.message}`), []);
      assert.equal(code, 0);
      assert.equal(json.health.status, 'healthy');
      assert.equal(json.health.score, 100);
      assert.ok(json.checks.every((c) => c.status === 'ok' || c.status === 'info'), JSON.stringify(json.checks));
      assert.ok(json.services.length > 0 && json.services.every((s) => s.state === 'announced'));
      assert.ok(json.pods && json.pods.every((p) => p.ready));
    });
  }
});

describe('the JSON report (cli.md contract)', () => {
  test('fields, types and sections of the old script', async () => {
    const { json } = await diag('--from', BGP);
    assert.deepEqual(Object.keys(json).slice(0, 7), ['tool', 'source', 'metallb', 'health', 'summary', 'checks', 'findings']);
    assert.equal(json.tool.name, 'metallb-doctor');
    assert.match(json.tool.version, /^\d+\.\d+\.\d+/);
    assert.equal(json.source.kind, 'snapshot');
    assert.equal(json.metallb.namespace, 'metallb-system');
    assert.match(json.metallb.version ?? '', /^v\d+\.\d+\.\d+$/);
    assert.ok(['native', 'frr', 'frr-k8s'].includes(json.metallb.bgpBackend ?? ''));
    assert.ok(['healthy', 'warning', 'error', 'critical'].includes(json.health.status));
    assert.ok(json.health.score >= 0 && json.health.score <= 100);
    for (const k of ['critical', 'error', 'warning', 'info'] as const) assert.equal(typeof json.summary[k], 'number');
    const ids = json.checks.map((c) => c.id);
    for (const id of ['crds', 'pods', 'pools', 'advertisements', 'bgpPeers', 'services']) assert.ok(ids.includes(id), `check ${id}`);
    for (const c of json.checks) assert.ok(['ok', 'info', 'warning', 'error', 'critical'].includes(c.status));
    for (const p of json.pools) {
      assert.ok(Array.isArray(p.addresses) && p.addresses.length > 0);
      assert.ok(['number', 'string'].includes(typeof p.capacity.ipv4) && ['number', 'string'].includes(typeof p.used.ipv6));
      assert.ok(Array.isArray(p.advertisedBy.l2) && Array.isArray(p.advertisedBy.bgp));
    }
    for (const s of json.services) {
      assert.ok(['announced', 'not-announced', 'pending', 'ignored', 'assigned'].includes(s.state));
      assert.ok(s.ports.length > 0 && s.ports.every((p) => /^\d+\/(TCP|UDP|SCTP)$/.test(p)), s.ports.join(','));
      for (const a of s.announcers) assert.ok(['layer2', 'bgp'].includes(a.protocol));
      assert.ok(Array.isArray(s.rules));
    }
    for (const n of json.nodes) assert.ok(['ready', 'not-ready', 'missing', 'unknown'].includes(n.speaker) && typeof n.announces === 'boolean');
    assert.ok(json.bgpPeers.length > 0);
    for (const p of json.bgpPeers) assert.ok(p.address && p.port > 0 && typeof p.myASN === 'number' && typeof p.peerASN === 'number');
    assert.ok(json.advertisements.some((a) => a.kind === 'BGPAdvertisement'));
    assert.ok(json.crds && json.crds.filter((c) => c.core).length === 3);
    assert.ok(Array.isArray(json.gaps));
  });

  test('-o yaml is the same document', async () => {
    const { parse } = await import('yaml');
    const y = await runInProcess(['diag', '--from', L2, '-o', 'yaml']);
    const j = await runInProcess(['diag', '--from', L2, '-o', 'json']);
    assert.deepEqual(parse(y.out), JSON.parse(j.out));
  });
});

// A layer 2 cluster with one speaker down and one Service whose pool is full: each problem in its section.
const broken = () =>
  writeBundle({
    'bundle.json': bundleJson(),
    'resources/c.yaml': docs(
      node('node-a'),
      node('node-b'),
      speakerDaemonSet(),
      speakerPod('node-a'),
      speakerPod('node-b', { running: false }),
      pool('tiny', ['10.0.0.10/32']),
      l2Advertisement('tiny'),
      service('web', { spec: { clusterIPs: '[10.96.0.10]' }, status: ['10.0.0.10'] }),
      endpointSlice('web', [{ node: 'node-a' }]),
      service('api', { spec: { clusterIPs: '[10.96.0.11]' } }),
      endpointSlice('api', [{ node: 'node-a' }], 'shop', 'api-x1'),
      service('other', { ns: 'blog', spec: { clusterIPs: '[10.96.0.12]' } }),
    ),
  });

describe('diag over a broken cluster', () => {
  test('findings land in their sections; health, score and exit code follow them', async () => {
    const dir = broken();
    try {
      const { code, json } = await diag('--from', dir);
      const rules = new Set(json.findings.map((f) => f.rule));
      assert.ok(rules.has('service-pool-exhausted') || rules.has('service-pending'), [...rules].join(','));
      assert.equal(code, 2);
      assert.equal(json.health.status, json.summary.critical > 0 ? 'critical' : 'error');
      const score = 100 * 0.5 ** json.summary.critical * 0.85 ** json.summary.error * 0.95 ** json.summary.warning;
      assert.equal(json.health.score, Math.round(score));
      assert.ok(json.health.score > 0 && json.health.score < 100);
      const services = json.checks.find((c) => c.id === 'services')!;
      assert.ok(services.status === 'error' || services.status === 'critical');
      assert.match(services.message, /3 LoadBalancer Services: 1 announced, 2 pending/);
      const pending = json.services.find((s) => s.name === 'api')!;
      assert.equal(pending.state, 'pending');
      assert.ok(pending.rules.length > 0);
      assert.equal(json.nodes.find((n) => n.name === 'node-b')!.speaker, 'not-ready');
      // -n keeps kubectl's meaning: Services of that namespace only
      const shop = await diag('--from', dir, '-n', 'blog');
      assert.deepEqual(shop.json.services.map((s) => s.name), ['other']);
      assert.ok(shop.json.findings.every((f) => f.objects.every((o) => o.kind !== 'Service' || o.namespace === 'blog')));
      // --fail-on moves the threshold; the report is the same
      const lenient = await runInProcess(['diag', '--from', dir, '--fail-on', 'critical', '-o', 'json']);
      assert.equal(lenient.code, json.summary.critical > 0 ? 2 : 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('-o junit has the failures; -o sarif passes the SARIF validator', async (t) => {
    const dir = broken();
    try {
      const j = await runInProcess(['diag', '--from', dir, '-o', 'junit']);
      assert.match(j.out, /^<\?xml/);
      assert.match(j.out, /<failure/);
      const s = await runInProcess(['diag', '--from', dir, '-o', 'sarif']);
      const sarif = JSON.parse(s.out) as { runs: { results: { ruleId: string }[] }[] };
      assert.ok(sarif.runs[0]!.results.length > 0);
      const v = validateSarif({ 'diag.sarif': s.out });
      if (!v.ok) return validatorUnavailable(t, v.why);
      assert.ok(v.results.some((x) => x.file === 'diag.sarif'), 'the validator analysed the log');
      assert.deepEqual(v.results.filter((x) => x.level === 'error').map((x) => `${x.ruleId}: ${x.text}`), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('diag input errors', () => {
  test('no --from and no kubeconfig: one line, exit 3', () => {
    const home = mkdtempSync(join(tmpdir(), 'md-home-'));
    try {
      const r = cli(['diag'], { env: { HOME: home, KUBECONFIG: '', KUBERNETES_SERVICE_HOST: '' } });
      assert.equal(r.code, 3);
      assert.match(r.stderr, /no cluster to read: no ~\/\.kube\/config, no KUBECONFIG, no --kubeconfig, and not running in a pod; or use --from SNAPSHOT/);
      assert.equal(r.stderr.trim().split('\n').length, 1);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
  test('a --kubeconfig that does not exist: exit 3 naming it', async () => {
    const r = await runInProcess(['diag', '--kubeconfig', 'no/such/kubeconfig']);
    assert.equal(r.code, 3);
    assert.equal(r.err, 'metallb-doctor: no/such/kubeconfig: no such kubeconfig file\n');
  });
  test('a missing bundle: exit 3 naming it', async () => {
    const r = await runInProcess(['diag', '--from', 'no/such/bundle']);
    assert.equal(r.code, 3);
    assert.match(r.err, /no\/such\/bundle/);
  });
});

// Golden text reports (colour off): UPDATE_GOLDEN=1 rewrites them after a deliberate change.
describe('diag text output (golden)', () => {
  for (const [name, dir] of [['healthy-l2', L2], ['healthy-bgp', BGP], ['demo-cluster', 'examples/demo-cluster']] as const) {
    test(name, { skip: !existsSync(join(ROOT, dir)) && `${dir} does not exist` }, async () => {
      const r = await runInProcess(['diag', '--from', dir, '--no-color']);
      const file = join(ROOT, 'test', 'golden', `diag-${name}.txt`);
      if (process.env.UPDATE_GOLDEN) writeFileSync(file, r.out);
      assert.equal(r.out, readFileSync(file, 'utf8'));
      assert.doesNotMatch(r.out, /\u001b\[/);
    });
  }
});

describe('diag over a partial snapshot (absent is not none)', () => {
  test('what the input lacks is said, never shown as none', async () => {
    const r = await runInProcess(['diag', '--from', 'examples/demo', '--no-color', '-q']);
    assert.match(r.out, /^Pods {8}not in the input: the controller and speakers are not checked$/m);
    assert.match(r.out, /^CRDs {8}not in the input$/m);
    assert.match(r.out, /^Not seen {4}\d+ gaps in the input/m);
    assert.doesNotMatch(r.out, /^Speakers/m);
    const j = await diag('--from', 'examples/demo');
    assert.equal(j.json.pods, undefined);
    assert.equal(j.json.crds, undefined);
    assert.ok(j.json.gaps.some((g) => g.what === 'list Pod'));
  });
});

// One layer 2 cluster, its bundle without one kind (the kind's objects gone with it)
const partial = (kinds: string[], ...keep: ('pool' | 'ad' | 'svc')[]) =>
  writeBundle({
    'bundle.json': bundleJson(kinds),
    'resources/c.yaml': docs(
      node('node-a'),
      speakerDaemonSet(),
      speakerPod('node-a'),
      ...(keep.includes('pool') ? [pool('lan', ['10.0.0.0/24'])] : []),
      ...(keep.includes('ad') ? [l2Advertisement('lan')] : []),
      ...(keep.includes('svc') ? [service('web', { spec: { clusterIPs: '[10.96.0.10]' }, status: ['10.0.0.0'] })] : []),
      endpointSlice('web', [{ node: 'node-a' }]),
    ),
  });
const without = (kind: string) => ALL_KINDS.filter((k) => k !== kind);

describe('diag: a kind the bundle did not capture is never shown as none or 0', () => {
  test('IPAddressPools not captured: pools, Services and nodes say so', async () => {
    const dir = partial(without('IPAddressPool'), 'ad', 'svc');
    const r = await runInProcess(['diag', '--from', dir, '--no-color']);
    assert.match(r.out, /^Pools {7}not in the input$/m);
    assert.match(r.out, /^Services {4}1 LoadBalancer: addresses not computed/m);
    assert.match(r.out, /^ {2}shop\/web {2}assigned {2}10\.0\.0\.0 /m); // the address it holds, not "pending: no IPAddressPool"
    assert.doesNotMatch(r.out, /no IPAddressPool:|0 announcing/);
    const { json } = await diag('--from', dir);
    const check = (id: string) => json.checks.find((c) => c.id === id)?.message ?? '';
    assert.equal(check('pools'), 'not captured');
    assert.match(check('nodes'), /announcement not computed \(IPAddressPool not captured\)/);
    assert.ok(json.gaps.some((g) => g.what === 'list IPAddressPool'));
  });
  test('Services not captured: no Service count, and the pools\' use is unknown, not 0', async () => {
    const dir = partial(without('Service'), 'pool', 'ad');
    const r = await runInProcess(['diag', '--from', dir, '--no-color']);
    assert.match(r.out, /^Services {4}not in the input$/m);
    assert.match(r.out, /^Pools {7}lan {2}use unknown/m);
    assert.match(r.out, /IPv4 \?\/256/);
    const { json } = await diag('--from', dir);
    assert.equal(json.checks.find((c) => c.id === 'services')?.message, 'not captured');
    assert.match(json.checks.find((c) => c.id === 'pools')?.message ?? '', /use unknown \(Services not captured\)/);
  });
  test('advertisements and peers not captured: their checks say so, and no Service counts as not announced', async () => {
    const dir = partial(without('L2Advertisement').filter((k) => k !== 'BGPPeer'), 'pool', 'svc');
    const { json } = await diag('--from', dir);
    assert.equal(json.checks.find((c) => c.id === 'advertisements')?.message, 'L2 not captured, 0 BGP');
    assert.equal(json.checks.find((c) => c.id === 'bgpPeers')?.message, 'not captured');
    assert.equal(json.checks.find((c) => c.id === 'services')?.message, '1 LoadBalancer Service: 1 assigned, announcement not computed');
    const r = await runInProcess(['diag', '--from', dir, '--no-color', '-q']);
    assert.match(r.out, /^Services {4}1 LoadBalancer: 1 assigned, announcement not computed$/m);
  });
  test('Services read in some namespaces only (Service@ns): no crash, no Service views', async () => {
    const { code, json, err } = await diag('--from', partial([...without('Service'), 'Service@shop'], 'pool', 'ad', 'svc'));
    assert.equal(err, '');
    assert.notEqual(code, 3);
    assert.deepEqual(json.services, []);
    assert.equal(json.checks.find((c) => c.id === 'services')?.message, 'not captured');
  });
});
