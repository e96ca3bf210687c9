// `migrate`: legacy ConfigMaps of each shape convert as MetalLB's configmaptocrs would (the
// expected resources are written by hand in test/fixtures/migrate/*/expected.yaml), problems are
// reported at the ConfigMap's lines, and what is written passes `lint`.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { cli, ROOT, runInProcess } from '../helpers/cli.js';
import { withReplay } from '../replay/helpers.js';

const FIX = join(ROOT, 'test', 'fixtures', 'migrate');
/** fixture paths as the user would type them: relative to the working directory */
const fx = (...p: string[]) => relative(process.cwd(), join(FIX, ...p));
const LINE = /^(\S+):(\d+):(\d+)\s+(critical|error|warning|info)\s+(.+?)\s+([a-z0-9-]+)$/;

interface Line {
  file: string;
  line: number;
  column: number;
  severity: string;
  message: string;
  rule: string;
}

function findingLines(text: string): Line[] {
  return text
    .split('\n')
    .map((l) => LINE.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ file: m[1]!, line: Number(m[2]), column: Number(m[3]), severity: m[4]!, message: m[5]!, rule: m[6]! }));
}

function docs(text: string): unknown[] {
  const all = parseAllDocuments(text);
  for (const d of all) assert.equal(d.errors.length, 0, String(d.errors[0]));
  return all.map((d) => d.toJS() as unknown).filter((v) => v !== null);
}

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'mlbd-migrate-'));
}

async function lintClean(paths: string[]): Promise<void> {
  const r = await runInProcess(['lint', ...paths]);
  assert.equal(r.code, 0, `lint of the result:\n${r.out}${r.err}`);
  assert.match(r.out, /no problems/);
}

const CLEAN: { name: string; kinds: string[] }[] = [
  { name: 'l2', kinds: ['IPAddressPool', 'IPAddressPool', 'L2Advertisement', 'L2Advertisement'] },
  {
    name: 'bgp',
    kinds: ['BGPPeer', 'BGPPeer', 'IPAddressPool', 'IPAddressPool', 'IPAddressPool', 'BGPAdvertisement', 'BGPAdvertisement', 'BGPAdvertisement', 'BGPAdvertisement', 'BFDProfile', 'Community'],
  },
  { name: 'names', kinds: ['BGPPeer', 'IPAddressPool', 'IPAddressPool', 'BGPAdvertisement', 'L2Advertisement', 'BFDProfile'] },
];

describe('migrate: each shape converts as configmaptocrs would', () => {
  for (const c of CLEAN) {
    test(`${c.name}: the expected resources, in configmaptocrs' order, and they lint clean`, async () => {
      const r = await runInProcess(['migrate', fx(c.name, 'configmap.yaml')]);
      assert.equal(r.code, 0, r.err);
      const got = docs(r.out);
      assert.deepEqual(got, docs(readFileSync(join(FIX, c.name, 'expected.yaml'), 'utf8')));
      assert.deepEqual(got.map((o) => (o as { kind: string }).kind), c.kinds);
      assert.ok(r.out.startsWith('# Converted by metallb-doctor migrate from ConfigMap metallb-system/config'), r.out.slice(0, 200));
      // nothing but the resources on stdout; the summary on stderr
      assert.match(r.err, /converted ConfigMap metallb-system\/config from .*configmap\.yaml: /);
      assert.ok(findingLines(r.err).every((l) => l.severity === 'info'), r.err);
      const dir = tmp();
      try {
        writeFileSync(join(dir, 'crs.yaml'), r.out);
        await lintClean([join(dir, 'crs.yaml')]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  test('l2: the exact text on stdout (golden), through the real command line', () => {
    const r = cli(['migrate', 'test/fixtures/migrate/l2/configmap.yaml']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, readFileSync(join(FIX, 'l2', 'golden.yaml'), 'utf8'));
    assert.equal(r.stderr, 'converted ConfigMap metallb-system/config from test/fixtures/migrate/l2/configmap.yaml: 2 IPAddressPool, 2 L2Advertisement; no problems\n');
  });

  test('bgp: read as YAML 1.1 (Go, kubectl) the output is the same: 65000:20 stays a string, not a base-60 number', async () => {
    const r = await runInProcess(['migrate', fx('bgp', 'configmap.yaml')]);
    const yaml11 = parseAllDocuments(r.out, { version: '1.1' }).map((d) => d.toJS() as unknown);
    assert.deepEqual(yaml11, docs(readFileSync(join(FIX, 'bgp', 'expected.yaml'), 'utf8')));
    assert.match(r.out, /- "65000:20"\n/);
  });

  test('names: every rename is reported at the name in the ConfigMap, as info (exit 0)', async () => {
    const r = await runInProcess(['migrate', fx('names', 'configmap.yaml')]);
    assert.equal(r.code, 0, r.err);
    const renamed = findingLines(r.err).filter((l) => l.rule === 'legacy-renamed');
    assert.deepEqual(
      renamed.map((l) => [l.file, l.line, l.column, l.severity]),
      [
        [fx('names', 'configmap.yaml'), 12, 20, 'info'], // the peer's bfd-profile reference
        [fx('names', 'configmap.yaml'), 14, 13, 'info'], // Pool_One
        [fx('names', 'configmap.yaml'), 18, 13, 'info'], // 2nd_pool
        [fx('names', 'configmap.yaml'), 23, 13, 'info'], // the profile itself
      ],
    );
    assert.match(renamed[1]!.message, /"Pool_One" becomes "pool-one"/);
    assert.match(renamed[2]!.message, /"2nd_pool" becomes "nd-pool"/);
  });

  test('an unknown protocol: the pool is converted without advertisement, and that is said (error, and the unannounced pool), exit 2', async () => {
    const r = await runInProcess(['migrate', fx('unknown-protocol', 'configmap.yaml')]);
    assert.equal(r.code, 2, r.err);
    assert.deepEqual(docs(r.out), docs(readFileSync(join(FIX, 'unknown-protocol', 'expected.yaml'), 'utf8')));
    const lines = findingLines(r.err);
    const proto = lines.find((l) => l.rule === 'legacy-invalid');
    assert.ok(proto, r.err);
    assert.deepEqual([proto.line, proto.column, proto.severity], [10, 17, 'error']);
    assert.match(proto.message, /unknown protocol "l2".*no advertisement/);
    const unannounced = lines.find((l) => l.rule === 'pool-not-advertised');
    assert.ok(unannounced && unannounced.line === 9 && /"lab"/.test(unannounced.message), r.err);
    assert.ok(!lines.some((l) => /"office"/.test(l.message) && l.rule === 'pool-not-advertised'));
  });

  test('an invalid configuration: converted as configmaptocrs does, every mistake at its line, exit 2', async () => {
    const r = await runInProcess(['migrate', fx('invalid', 'configmap.yaml')]);
    assert.equal(r.code, 2, r.err);
    assert.deepEqual(docs(r.out), docs(readFileSync(join(FIX, 'invalid', 'expected.yaml'), 'utf8')));
    const at = findingLines(r.err).map((l) => `${l.line}:${l.column} ${l.severity} ${l.rule}`);
    for (const want of ['13:7 error legacy-invalid', '17:7 error legacy-invalid', '15:7 error pool-address-invalid', '14:9 error bgp-advertisement-without-peer']) {
      assert.ok(at.includes(want), `${want} in\n${r.err}`);
    }
    assert.match(r.err, /bgp-advertisements configuration element in a layer2 address pool/);
    assert.match(r.err, /field adresses not found .*did you mean "addresses"/);
  });

  test('two pools renamed to the same name: configmaptocrs writes both; the duplicate is a warning (exit 1)', async () => {
    const r = await runInProcess(['migrate', fx('collision', 'configmap.yaml')]);
    assert.equal(r.code, 1, r.err);
    const objs = docs(r.out) as { kind: string; metadata: { name: string }; spec: { addresses?: string[]; ipAddressPools?: string[] } }[];
    assert.deepEqual(
      objs.map((o) => `${o.kind}/${o.metadata.name} ${JSON.stringify(o.spec.addresses ?? o.spec.ipAddressPools)}`),
      ['IPAddressPool/pool-a ["10.1.0.10-10.1.0.20"]', 'IPAddressPool/pool-a ["10.2.0.10-10.2.0.20"]', 'L2Advertisement/l2advertisement1 ["pool-a"]', 'L2Advertisement/l2advertisement2 ["pool-a"]'],
    );
    const dup = findingLines(r.err).find((l) => l.rule === 'object-duplicate');
    assert.ok(dup && dup.severity === 'warning' && dup.line === 9, r.err);
  });

  test('a YAML syntax error inside data.config: a finding at its line, nothing converted, exit 2', async () => {
    const r = await runInProcess(['migrate', fx('syntax', 'configmap.yaml')]);
    assert.equal(r.code, 2, r.err);
    assert.equal(docs(r.out).length, 0);
    const syntax = findingLines(r.err).filter((l) => l.rule === 'yaml-syntax-error');
    assert.ok(syntax.length > 0, r.err);
    for (const l of syntax) {
      assert.equal(l.file, fx('syntax', 'configmap.yaml'));
      assert.ok(l.line >= 8 && l.line <= 13, r.err);
    }
  });
});

describe('migrate: input forms and flags', () => {
  test('bare data.config (configmaptocrs -only-data): positions in that file, default namespace metallb-system', async () => {
    const r = await runInProcess(['migrate', fx('bare', 'config.yaml')]);
    assert.equal(r.code, 0, r.err);
    const objs = docs(r.out) as { kind: string; metadata: { name: string; namespace: string } }[];
    assert.deepEqual(objs.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`), ['IPAddressPool/metallb-system/default', 'L2Advertisement/metallb-system/l2advertisement1']);
    const [renamed] = findingLines(r.err);
    assert.deepEqual([renamed?.file, renamed?.line, renamed?.column, renamed?.rule], [fx('bare', 'config.yaml'), 3, 9, 'legacy-renamed']);
  });

  test('stdin (-): kubectl get configmap -o yaml | migrate -', async () => {
    const r = await runInProcess(['migrate', '-'], readFileSync(join(FIX, 'l2', 'configmap.yaml'), 'utf8'));
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(docs(r.out), docs(readFileSync(join(FIX, 'l2', 'expected.yaml'), 'utf8')));
    const bad = await runInProcess(['migrate', '-'], readFileSync(join(FIX, 'unknown-protocol', 'configmap.yaml'), 'utf8'));
    assert.equal(bad.code, 2);
    assert.ok(findingLines(bad.err).some((l) => l.file === '<stdin>' && l.line === 10 && l.rule === 'legacy-invalid'), bad.err);
  });

  test('--namespace puts every resource in that namespace, and the result still lints clean', async () => {
    const r = await runInProcess(['migrate', fx('bgp', 'configmap.yaml'), '--namespace', 'metallb']);
    assert.equal(r.code, 0, r.err);
    const objs = docs(r.out) as { metadata: { namespace: string } }[];
    assert.equal(objs.length, 11);
    assert.ok(objs.every((o) => o.metadata.namespace === 'metallb'));
    const dir = tmp();
    try {
      writeFileSync(join(dir, 'crs.yaml'), r.out);
      await lintClean([join(dir, 'crs.yaml')]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('-o json: a v1 List of the same resources', async () => {
    const r = await runInProcess(['migrate', fx('bgp', 'configmap.yaml'), '-o', 'json']);
    assert.equal(r.code, 0, r.err);
    const list = JSON.parse(r.out) as { apiVersion: string; kind: string; items: unknown[] };
    assert.equal(list.kind, 'List');
    assert.equal(list.apiVersion, 'v1');
    assert.deepEqual(list.items, docs(readFileSync(join(FIX, 'bgp', 'expected.yaml'), 'utf8')));
  });

  test('--out: one file per kind and a kustomization.yaml; never overwritten without --force; the folder lints clean', async () => {
    const dir = tmp();
    const out = join(dir, 'metallb');
    try {
      const r = await runInProcess(['migrate', fx('bgp', 'configmap.yaml'), '--out', out]);
      assert.equal(r.code, 0, r.err + r.out);
      const files = ['bfdprofiles.yaml', 'bgpadvertisements.yaml', 'bgppeers.yaml', 'communities.yaml', 'ipaddresspools.yaml', 'kustomization.yaml'];
      assert.deepEqual(readdirSync(out).sort(), files);
      assert.match(r.out, /wrote .*kustomization\.yaml/);
      const kust = docs(readFileSync(join(out, 'kustomization.yaml'), 'utf8'))[0] as { kind: string; resources: string[] };
      assert.equal(kust.kind, 'Kustomization');
      assert.deepEqual(kust.resources, ['bgppeers.yaml', 'ipaddresspools.yaml', 'bgpadvertisements.yaml', 'bfdprofiles.yaml', 'communities.yaml']);
      // the files together hold exactly the expected resources
      const all = kust.resources.flatMap((f) => docs(readFileSync(join(out, f), 'utf8')));
      assert.deepEqual(all, docs(readFileSync(join(FIX, 'bgp', 'expected.yaml'), 'utf8')));
      await lintClean([out]);

      // a second run would overwrite: exit 3, nothing touched
      writeFileSync(join(out, 'bgppeers.yaml'), '# mine\n');
      const again = await runInProcess(['migrate', fx('bgp', 'configmap.yaml'), '--out', out]);
      assert.equal(again.code, 3);
      assert.match(again.err, /would overwrite .*bgppeers\.yaml.*--force/);
      assert.equal(readFileSync(join(out, 'bgppeers.yaml'), 'utf8'), '# mine\n');

      const forced = await runInProcess(['migrate', fx('bgp', 'configmap.yaml'), '--out', out, '--force']);
      assert.equal(forced.code, 0, forced.err);
      assert.match(readFileSync(join(out, 'bgppeers.yaml'), 'utf8'), /kind: BGPPeer/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('--out with an L2-only configuration writes only the kinds it has', async () => {
    const dir = tmp();
    try {
      const r = await runInProcess(['migrate', fx('l2', 'configmap.yaml'), '--out', dir]);
      assert.equal(r.code, 0, r.err);
      assert.deepEqual(readdirSync(dir).sort(), ['ipaddresspools.yaml', 'kustomization.yaml', 'l2advertisements.yaml']);
      await lintClean([dir]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('exit 3: no such file, not a legacy ConfigMap, a CR file, no argument, a file and --cluster, --out with -o', async () => {
    const dir = tmp();
    try {
      writeFileSync(join(dir, 'pool.yaml'), 'apiVersion: metallb.io/v1beta1\nkind: IPAddressPool\nmetadata: {name: p, namespace: metallb-system}\nspec: {addresses: [10.0.0.0/28]}\n');
      const cases: [string[], RegExp][] = [
        [['migrate', join(dir, 'missing.yaml')], /no such file/],
        [['migrate', fx('not-legacy', 'configmap.yaml')], /nothing to migrate.*no legacy MetalLB configuration/],
        [['migrate', join(dir, 'pool.yaml')], /nothing to migrate/],
        [['migrate'], /needs a ConfigMap file/],
        [['migrate', fx('l2', 'configmap.yaml'), '--cluster'], /either a file or --cluster/],
        [['migrate', fx('l2', 'configmap.yaml'), '--out', dir, '-o', 'json'], /--out writes YAML/],
      ];
      for (const [args, msg] of cases) {
        const r = await runInProcess(args);
        assert.equal(r.code, 3, `${args.join(' ')}: ${r.err}`);
        assert.match(r.err, msg);
        assert.equal(r.out, '');
      }
      assert.ok(!existsSync(join(dir, 'kustomization.yaml')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('migrate --cluster', () => {
  test('reads the ConfigMap the legacy controller names with --config, from a cluster on 127.0.0.1; the password becomes a Secret reference, never printed', async () => {
    const bundle = tmp();
    try {
      mkdirSync(join(bundle, 'resources'));
      writeFileSync(
        join(bundle, 'bundle.json'),
        JSON.stringify({ format: 'metallb-doctor-bundle/v1', metallbNamespace: 'metallb-system', captured: ['ConfigMap', 'Deployment', 'DaemonSet', 'Namespace', 'Pod'], gaps: [] }),
      );
      writeFileSync(
        join(bundle, 'resources', 'metallb.yaml'),
        `apiVersion: v1
kind: Namespace
metadata: {name: metallb-system}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: controller, namespace: metallb-system, labels: {app: metallb, component: controller}}
spec:
  selector: {matchLabels: {app: metallb, component: controller}}
  template:
    metadata: {labels: {app: metallb, component: controller}}
    spec:
      containers:
      - name: controller
        image: quay.io/metallb/controller:v0.12.1
        args: [--port=7472, --config=metallb-config]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: config, namespace: metallb-system}
data:
  config: |
    address-pools:
    - name: decoy
      protocol: layer2
      addresses: [10.9.0.0/28]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: metallb-config, namespace: metallb-system}
data:
  config: |
    peers:
    - peer-address: 10.0.0.1
      peer-asn: 65001
      my-asn: 65000
      password: s3cret
    address-pools:
    - name: Public
      protocol: bgp
      addresses: [10.8.0.10-10.8.0.20]
`,
      );
      await withReplay(bundle, async ({ env }) => {
        const r = await runInProcess(['migrate', '--cluster', '--kubeconfig', env.KUBECONFIG!]);
        // the Secret to create first is a warning
        assert.equal(r.code, 1, r.err);
        const objs = docs(r.out) as { kind: string; metadata: { name: string }; spec: Record<string, unknown> }[];
        assert.deepEqual(objs.map((o) => `${o.kind}/${o.metadata.name}`), ['BGPPeer/peer1', 'IPAddressPool/public', 'BGPAdvertisement/bgpadvertisement1']);
        assert.equal(objs[0]!.spec.password, undefined);
        assert.deepEqual(objs[0]!.spec.passwordSecret, { name: 'peer1-bgp-password', namespace: 'metallb-system' });
        assert.ok(!r.out.includes('s3cret') && !r.err.includes('s3cret'), 'no password printed');
        // positions count lines of data.config, in a name that says where it came from
        const lines = findingLines(r.err);
        const renamed = lines.find((l) => l.rule === 'legacy-renamed');
        assert.deepEqual([renamed?.file, renamed?.line], ['metallb-system/configmap/metallb-config', 7]);
        const secret = lines.find((l) => l.rule === 'legacy-password-secret');
        assert.deepEqual([secret?.file, secret?.line], ['metallb-system/configmap/metallb-config', 5]);
        assert.match(r.err, /kubectl create secret generic peer1-bgp-password -n metallb-system --type=kubernetes\.io\/basic-auth/);
      });
    } finally {
      rmSync(bundle, { recursive: true, force: true });
    }
  });
});
