import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, ROOT } from '../helpers/cli.js';
import { ipAddressPool } from '../helpers/manifests.js';
import type { Report } from '../../src/report/types.js';
import { validateSarif, validatorUnavailable } from '../helpers/sarif-validator.js';

const LINE = /^(\S+):(\d+):(\d+)\s+(critical|error|warning|info)\s+(.+?)\s+([a-z0-9-]+)$/;

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'mlbd-cli-'));
}

const pool = ipAddressPool;
// an advertisement to go with the pools, so that advertisement-missing stays out of the way
const l2 = '---\napiVersion: metallb.io/v1beta1\nkind: L2Advertisement\nmetadata:\n  name: l2\n  namespace: metallb-system\n';

describe('lint', () => {
  test('the demo: one greppable line per finding, a summary, exit 2', () => {
    const r = cli(['lint', 'examples/demo']);
    assert.equal(r.code, 2, r.stderr);
    const lines = r.stdout.split('\n').filter((l) => LINE.test(l));
    const rules = lines.map((l) => LINE.exec(l)![6]);
    for (const id of ['advertisement-missing', 'pool-cidr-host-bits', 'pool-address-invalid', 'pool-overlap', 'object-schema-invalid', 'yaml-ambiguous-value', 'advertisement-wrong-namespace', 'pool-includes-network-or-broadcast']) {
      assert.ok(rules.includes(id), `${id} fires on the demo:\n${r.stdout}`);
    }
    assert.ok(lines.some((l) => l.startsWith('examples/demo/pools.yaml:8:5 ') && l.endsWith(' pool-cidr-host-bits')), r.stdout);
    assert.match(r.stdout, /\d+ problems \(1 critical, \d+ errors, \d+ warnings, 0 info\)/);
    assert.match(r.stdout, /assumed BGP backend: frr-k8s/);
    assert.match(r.stdout, /skipped 1 file/, 'helmwave.yml is skipped and counted');
    assert.equal(r.stderr, '');
  });

  test('the healthy L2 and BGP examples: no problems under FRR-K8s and FRR, exit 0', () => {
    for (const backend of ['frr-k8s', 'frr']) {
      const r = cli(['lint', 'examples/healthy-l2', 'examples/healthy-bgp', '--bgp-backend', backend]);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /no problems/);
      assert.ok(!r.stdout.split('\n').some((l) => LINE.test(l)));
    }
  });

  test('--bgp-backend native applies native BGP restrictions: the L2 example stays healthy, the BGP one (BFD, IPv6) does not', () => {
    const l2 = cli(['lint', 'examples/healthy-l2', '--bgp-backend', 'native']);
    assert.equal(l2.code, 0, l2.stdout);
    const bgp = JSON.parse(cli(['lint', 'examples/healthy-bgp', '--bgp-backend', 'native', '-o', 'json']).stdout) as Report;
    assert.equal(bgp.metallb.bgpBackend, 'native');
    const rules = new Set(bgp.findings.map((f) => f.rule));
    assert.deepEqual([...rules].sort(), ['bgppeer-backend-unsupported', 'pool-ipv6-native-bgp']);
    const messages = bgp.findings.map((f) => f.message).join('\n');
    assert.match(messages, /bfd profiles section set/);
    assert.match(messages, /has bfd-profile set on native bgp mode/);
    assert.match(messages, /native bgp mode does not support ipv6/);
    for (const f of bgp.findings) assert.match(f.message, /rejected when applied|accepted when applied, then MetalLB keeps its old configuration/);
  });

  test('the backend a speaker in the input runs with wins over the flag', () => {
    const speaker = `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: speaker, namespace: metallb-system, labels: {app: metallb, component: speaker}}
spec:
  template:
    spec:
      containers:
      - {name: speaker, image: "quay.io/metallb/speaker:v0.14.8"}
---
`;
    const r = JSON.parse(cli(['lint', '-', '-o', 'json', '--bgp-backend', 'frr-k8s'], { input: speaker + readFileSync(join(ROOT, 'examples/healthy-bgp/metallb.yaml'), 'utf8') }).stdout) as Report;
    assert.equal(r.metallb.bgpBackend, 'native');
    assert.ok(r.findings.some((f) => f.rule === 'bgppeer-backend-unsupported'));
  });

  test('-o json follows the report contract of cli.md', () => {
    const r = cli(['lint', 'examples/demo', '-o', 'json']);
    assert.equal(r.code, 2);
    const report = JSON.parse(r.stdout) as Report;
    assert.equal(report.tool.name, 'metallb-doctor');
    assert.equal(report.tool.version, JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
    assert.equal(report.source.kind, 'manifests');
    assert.equal(report.metallb.namespace, 'metallb-system');
    assert.equal(report.metallb.bgpBackend, 'frr-k8s');
    assert.equal(report.health.status, 'critical', 'no advertisement MetalLB can see: advertisement-missing');
    assert.ok(report.health.score >= 0 && report.health.score < 100);
    const counted = { critical: 0, error: 0, warning: 0, info: 0 };
    for (const f of report.findings) counted[f.severity]++;
    assert.deepEqual(report.summary, counted);
    for (const f of report.findings) {
      assert.ok(f.rule && f.message && f.fix, JSON.stringify(f));
      assert.equal(f.docs, `docs/rules/${f.rule}.md`);
      assert.ok(Array.isArray(f.evidence));
      const o = f.objects[0]!;
      assert.ok(o.file?.startsWith('examples/demo/') && o.line! > 0 && o.column! > 0, JSON.stringify(o));
    }
    // one check per category of the rules lint ran, each as bad as its worst finding
    assert.deepEqual(report.checks.map((c) => c.id).sort(), ['advertisements', 'bgp', 'input', 'installation', 'pools', 'services']);
    assert.equal(report.checks.find((c) => c.id === 'advertisements')?.status, 'critical');
    assert.equal(report.checks.find((c) => c.id === 'services')?.status, 'ok');
    assert.deepEqual(report.gaps, []);
  });

  test('-o yaml is the same document', async () => {
    const { parse } = await import('yaml');
    const j = JSON.parse(cli(['lint', 'examples/demo', '-o', 'json']).stdout);
    const y = parse(cli(['lint', 'examples/demo', '-o', 'yaml']).stdout);
    assert.deepEqual(y, j);
  });

  test('stdin with -', () => {
    const r = cli(['lint', '-'], { input: pool('a', 'metallb-system', '10.0.0.5/24') + l2 });
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^<stdin>:8:5\s+warning .* pool-cidr-host-bits$/m);
  });

  test('--disable and the metallb-doctor.io/ignore annotation suppress findings', () => {
    const d = tmp();
    try {
      const annotated = pool('b', 'metallb-system', '10.1.0.5/24').replace('  name: b\n', '  name: b\n  annotations:\n    metallb-doctor.io/ignore: "pool-cidr-host-bits, pool-includes-network-or-broadcast"\n');
      writeFileSync(join(d, 'p.yaml'), pool('a', 'metallb-system', '10.0.0.5/24') + '---\n' + annotated + l2);
      const all = JSON.parse(cli(['lint', d, '-o', 'json']).stdout) as Report;
      assert.deepEqual(all.findings.map((f) => `${f.rule}:${f.objects[0]!.name}`).sort(), ['pool-cidr-host-bits:a', 'pool-includes-network-or-broadcast:a']);
      assert.equal(all.suppressed, 2);
      const r = cli(['lint', d, '-o', 'json', '--disable', 'pool-cidr-host-bits', '--disable', 'pool-includes-network-or-broadcast']);
      assert.equal(r.code, 0);
      assert.deepEqual((JSON.parse(r.stdout) as Report).findings, []);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  test('manifests without MetalLB configuration: one gap says so, no rule concludes anything', () => {
    const svc = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: x\nspec:\n  type: LoadBalancer\n  ports: [{port: 80}]\n';
    const r = cli(['lint', '-', '-o', 'json'], { input: svc });
    const report = JSON.parse(r.stdout) as Report;
    assert.equal(r.code, 0);
    assert.deepEqual(report.findings, []);
    assert.equal(report.gaps.length, 1);
    assert.match(report.gaps[0]!.what, /^MetalLB configuration \(IPAddressPool, /);
    assert.match(cli(['lint', '-'], { input: svc }).stdout, /could not see: MetalLB configuration/);
  });

  test('--disable of a rule that does not exist is warned about', () => {
    const r = cli(['lint', 'examples/healthy-l2', '--disable', 'pool-overlapp']);
    assert.equal(r.code, 0);
    assert.match(r.stderr, /--disable pool-overlapp: no such rule/);
  });

  test('--fail-on moves the threshold', () => {
    const input = pool('a', 'metallb-system', '10.0.0.5/24') + l2;
    assert.equal(cli(['lint', '-'], { input }).code, 1);
    assert.equal(cli(['lint', '-', '--fail-on', 'error'], { input }).code, 0);
    const errorsOnly = pool('a', 'metallb-system', '10.0.0.5') + l2;
    assert.equal(cli(['lint', '-', '--fail-on', 'critical'], { input: errorsOnly }).code, 0);
    assert.equal(cli(['lint', '-', '--fail-on', 'error'], { input: errorsOnly }).code, 2);
    assert.equal(cli(['lint', 'examples/demo', '--fail-on', 'critical']).code, 2, 'the demo has a critical finding');
    assert.equal(cli(['lint', 'examples/demo', '--fail-on', 'never']).code, 0);
    assert.equal(cli(['lint', 'examples/demo', '--fail-on', 'error']).code, 2);
  });

  test('--from: files checked against a snapshot bundle', () => {
    const d = tmp();
    try {
      mkdirSync(join(d, 'snap', 'resources'), { recursive: true });
      writeFileSync(join(d, 'snap', 'bundle.json'), JSON.stringify({ format: 'metallb-doctor-bundle/v1', metallbNamespace: 'lb', captured: ['IPAddressPool', 'L2Advertisement', 'BGPAdvertisement', 'BGPPeer', 'BFDProfile', 'Community'] }));
      writeFileSync(join(d, 'snap', 'resources', 'pools.json'), JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [JSON.parse(JSON.stringify({ apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', metadata: { name: 'old', namespace: 'lb' }, spec: { addresses: ['10.9.0.0/24'] } }))] }));
      writeFileSync(join(d, 'snap', 'resources', 'l2.yaml'), l2.replace('metallb-system', 'lb'));
      writeFileSync(join(d, 'new.yaml'), pool('new', 'lb', '10.9.0.10-10.9.0.20'));
      const r = cli(['lint', join(d, 'new.yaml'), '--from', join(d, 'snap'), '-o', 'json']);
      const report = JSON.parse(r.stdout) as Report;
      assert.equal(report.source.kind, 'snapshot');
      assert.equal(report.metallb.namespace, 'lb', 'namespace recorded in the bundle');
      // the snapshot's own pool includes 10.9.0.0 and .255, but lint --from reports only what concerns the files
      assert.deepEqual(report.findings.map((f) => f.rule), ['pool-overlap']);
      assert.match(report.findings[0]!.message, /pool "new" overlaps with "10\.9\.0\.0\/24" in pool "old"/);
      assert.equal(r.code, 2);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  test('unreadable input: one line naming the file, exit 3, no stack trace', () => {
    for (const p of ['does/not/exist.yaml', 'README.md/inside.yaml']) {
      const r = cli(['lint', p]);
      assert.equal(r.code, 3, `${p}: ${r.stdout}${r.stderr}`);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.ok(r.stderr.includes(p), r.stderr);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
      assert.equal(r.stdout, '');
    }
    const v = cli(['lint', 'does/not/exist.yaml', '-v']);
    assert.equal(v.code, 3);
    assert.match(v.stderr, /\n\s+at /, '-v adds the stack trace');
  });

  test('bad arguments exit 3', () => {
    assert.equal(cli(['lint', 'examples/demo', '-o', 'xml']).code, 3);
    assert.equal(cli(['lint']).code, 3);
    assert.equal(cli(['lint', '.', '--bgp-backend', 'bird']).code, 3);
    assert.equal(cli(['frobnicate']).code, 3);
  });

  test('-q prints only the findings; no colour when not a terminal', () => {
    const r = cli(['lint', 'examples/demo', '-q']);
    const lines = r.stdout.trim().split('\n');
    assert.ok(lines.length > 3 && lines.every((l) => LINE.test(l)), r.stdout);
    assert.doesNotMatch(r.stdout, /\x1b\[/);
  });

  test('a user\'s files are never modified', () => {
    const before = readFileSync(join(ROOT, 'examples/demo/pools.yaml'), 'utf8');
    cli(['lint', 'examples/demo', '-o', 'sarif']);
    assert.equal(readFileSync(join(ROOT, 'examples/demo/pools.yaml'), 'utf8'), before);
  });
});

describe('program', () => {
  test('--version prints the package version', () => {
    const r = cli(['--version']);
    assert.equal(r.code, 0);
    assert.equal(r.stdout.trim(), JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
  });

  test('as a kubectl plugin the help says "kubectl metallb"', () => {
    const r = cli(['lint', '--help'], { bin: 'kubectl-metallb.ts' });
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Usage: kubectl metallb lint/);
    assert.match(r.stdout, /kubectl metallb lint . -o sarif/);
  });

  test('rules lists the catalog and shows a page', () => {
    const list = cli(['rules']);
    assert.equal(list.code, 0);
    assert.match(list.stdout, /^pool-overlap\s+error\s+pools\s+files\s+/m);
    const json = JSON.parse(cli(['rules', '-o', 'json']).stdout) as { id: string; docs: string }[];
    assert.ok(json.some((r) => r.id === 'yaml-syntax-error' && r.docs === 'docs/rules/yaml-syntax-error.md'));
    const show = cli(['rules', 'show', 'pool-overlap']);
    assert.equal(show.code, 0);
    assert.match(show.stdout, /^# pool-overlap/);
    assert.match(show.stdout, /## What MetalLB does/);
    const bad = cli(['rules', 'show', 'no-such-rule']);
    assert.equal(bad.code, 3);
    assert.match(bad.stderr, /unknown rule "no-such-rule"/);
  });
});

describe('lint -o sarif', () => {
  test('passes the real SARIF validator, with physical locations for GitHub code scanning', (t) => {
    const r = cli(['lint', 'examples/demo', '-o', 'sarif']);
    assert.equal(r.code, 2);
    const log = JSON.parse(r.stdout);
    const results = log.runs[0].results as { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } } }[] }[];
    assert.ok(results.length > 5);
    for (const res of results) {
      const loc = res.locations[0]!.physicalLocation;
      assert.match(loc.artifactLocation.uri, /^examples\/demo\/[a-z]+\.yaml$/);
      assert.ok(loc.region.startLine >= 1 && loc.region.startColumn >= 1);
    }
    const v = validateSarif({ 'lint.sarif': r.stdout });
    if (!v.ok) return validatorUnavailable(t, v.why);
    assert.ok(v.results.some((x) => x.file === 'lint.sarif'), 'the validator analysed the log');
    assert.deepEqual(v.results.filter((x) => x.level === 'error').map((x) => `${x.ruleId}: ${x.text}`), []);
  });
});
