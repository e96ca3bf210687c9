import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, symlinkSync, chmodSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { spawnSync } from 'node:child_process';
import { create as createTar } from 'tar';
import { loadInputs, readBundleFile, decodeText } from '../../src/sources/load.js';
import { InputError, positionOf, sourceOf } from '../../src/sources/types.js';
import type { KubeObject } from '../../src/sources/types.js';

const fixtures = new URL('../fixtures/sources/', import.meta.url).pathname;
let tmp: string;
before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'mld-sources-'));
});
after(() => rmSync(tmp, { recursive: true, force: true }));

function dir(name: string, files: Record<string, string | Buffer>): string {
  const root = join(tmp, name);
  for (const [p, content] of Object.entries(files)) {
    const full = join(root, p);
    mkdirSync(join(full, '..'), { recursive: true });
    writeFileSync(full, content);
  }
  return root;
}
const names = (objs: KubeObject[]) => objs.map((o) => `${o.kind}/${o.metadata.name}`);
const manifest = JSON.stringify({ format: 'metallb-doctor-bundle/v1', captured: ['IPAddressPool', 'Service'], gaps: [{ what: 'list nodes', why: 'forbidden' }] });
const pool = (name: string) => `apiVersion: metallb.io/v1beta1\nkind: IPAddressPool\nmetadata:\n  name: ${name}\nspec:\n  addresses: [10.0.0.0/24]\n`;

async function rejects(p: Promise<unknown>, file: string, message: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof InputError, String(e));
    assert.equal(e.file, file);
    assert.match(e.message, message);
    assert.ok(!e.oneLine.includes('\n'));
    return true;
  });
}

describe('loadInputs', () => {
  test('files: positions of objects and fields, non-Kubernetes documents counted', async () => {
    const r = await loadInputs([join(fixtures, 'multi.yaml'), join(fixtures, 'helmwave.yml')]);
    assert.deepEqual(names(r.objects), ['IPAddressPool/default', 'L2Advertisement/l2']);
    assert.equal(r.files, 2);
    assert.equal(r.skippedNotKubernetes, 1);
    assert.deepEqual(r.issues, []);
    const p = positionOf(r.objects[0]!, ['spec', 'addresses', 1]);
    assert.deepEqual(p, { file: join(fixtures, 'multi.yaml'), line: 10, column: 5 });
    // a missing field falls back to its nearest ancestor
    assert.equal(positionOf(r.objects[1]!, ['spec', 'nodeSelectors', 0])!.line, 18);
    assert.equal(sourceOf(r.objects[1]!)!.docIndex, 1);
  });

  test('a List expands into its items, each with its own positions', async () => {
    const r = await loadInputs([join(fixtures, 'list.json')]);
    assert.deepEqual(names(r.objects), ['IPAddressPool/a', 'Service/web']);
    const s = sourceOf(r.objects[1]!)!;
    assert.deepEqual([s.line, s.column, s.listIndex, s.docIndex], [10, 5, 1, 0]);
    assert.deepEqual(positionOf(r.objects[1]!, ['spec', 'type']), { file: join(fixtures, 'list.json'), line: 14, column: 25 });
  });

  test('typed lists (IPAddressPoolList) give their items kind and apiVersion', async () => {
    const text = JSON.stringify({ apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPoolList', items: [{ metadata: { name: 'p' }, spec: {} }] });
    const r = await loadInputs(['-'], { stdin: Readable.from([text]) });
    assert.equal(r.objects[0]!.kind, 'IPAddressPool');
    assert.equal(r.objects[0]!.apiVersion, 'metallb.io/v1beta1');
  });

  test('YAML List from kubectl get -o yaml', async () => {
    const text = 'apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata:\n    name: a\n- apiVersion: v1\n  kind: Service\n  metadata:\n    name: b\nkind: List\nmetadata:\n  resourceVersion: ""\n';
    const r = await loadInputs(['-'], { stdin: Readable.from([Buffer.from(text)]) });
    assert.deepEqual(names(r.objects), ['Service/a', 'Service/b']);
    assert.deepEqual(positionOf(r.objects[1]!, ['metadata', 'name']), { file: '<stdin>', line: 10, column: 11 });
    assert.equal(sourceOf(r.objects[1]!)!.line, 7);
  });

  test('directories: recursive, sorted, other extensions ignored, symlink loops survived', async () => {
    const d = dir('tree', {
      'b.yaml': pool('b'),
      'a/z.yml': pool('z'),
      'a/y.json': JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'y' } }),
      'README.md': 'apiVersion: v1\nkind: Service\nmetadata: {name: readme}\n',
      'c.txt': pool('txt'),
    });
    symlinkSync(d, join(d, 'a', 'loop'));
    const r = await loadInputs([d]);
    assert.deepEqual(names(r.objects), ['Service/y', 'IPAddressPool/z', 'IPAddressPool/b']);
    assert.equal(r.files, 3);
    // a file named explicitly is read whatever its extension
    const t = await loadInputs([join(d, 'c.txt')]);
    assert.deepEqual(names(t.objects), ['IPAddressPool/txt']);
  });

  test('stdin: YAML or JSON, sniffed', async () => {
    const y = await loadInputs(['-'], { stdin: Readable.from([pool('in')]) });
    assert.deepEqual(names(y.objects), ['IPAddressPool/in']);
    assert.equal(sourceOf(y.objects[0]!)!.file, '<stdin>');
    const j = await loadInputs(['-'], { stdin: Readable.from(['  {"apiVersion":"v1","kind":"Service","metadata":{"name":"j"}}']) });
    assert.deepEqual(names(j.objects), ['Service/j']);
    const flow = await loadInputs(['-'], { stdin: Readable.from(['{apiVersion: v1, kind: Service, metadata: {name: f}}']) });
    assert.deepEqual(names(flow.objects), ['Service/f']);
  });

  test('Secret values never reach the result; types and key names stay', async () => {
    const secret = 'c3VwZXItc2VjcmV0LXZhbHVl';
    const plain = 'hunter2-plain-text';
    const text = [
      `apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  annotations:\n    kubectl.kubernetes.io/last-applied-configuration: '{"data":{"password":"${secret}"}}'\ntype: kubernetes.io/basic-auth\ndata:\n  password: ${secret}\nstringData:\n  username: ${plain}\n  flag: yes\n`,
      JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 't' }, data: { k: secret } }] }),
    ].join('\n---\n');
    const r = await loadInputs(['-'], { stdin: Readable.from([text]) });
    assert.deepEqual(names(r.objects), ['Secret/s', 'Secret/t']);
    const s = r.objects[0]!;
    assert.equal(s.type, 'kubernetes.io/basic-auth');
    assert.deepEqual(s.data, { password: '' });
    assert.deepEqual(s.stringData, { username: '', flag: '' });
    assert.deepEqual(r.objects[1]!.data, { k: '' });
    const everything = JSON.stringify(r) + JSON.stringify(r.objects.map((o) => [...sourceOf(o)!.fields.keys()]));
    assert.ok(!everything.includes(secret));
    assert.ok(!everything.includes(plain));
    assert.equal(r.issues.length, 0); // not even which YAML 1.1 word a value was
    // the positions of the (dropped) values remain
    assert.equal(positionOf(s, ['data', 'password'])!.line, 9);
  });

  test('a bundle directory: bundle.json, resources/, logs/', async () => {
    const d = dir('bundle', {
      'bundle.json': manifest,
      'resources/pools.yaml': pool('p1'),
      'resources/services.json': JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'Service', metadata: { name: 's1', namespace: 'default' } }] }),
      'notes.yaml': pool('outside-resources'),
      'logs/metallb-system/speaker-abc/speaker.log': 'line\n',
      'logs/metallb-system/speaker-abc/speaker.previous.log': 'old\n',
    });
    const r = await loadInputs([d]);
    assert.deepEqual(names(r.objects), ['IPAddressPool/p1', 'Service/s1']);
    assert.equal(r.bundle?.format, 'metallb-doctor-bundle/v1');
    assert.deepEqual(r.bundle?.captured, ['IPAddressPool', 'Service']);
    assert.deepEqual(r.logFiles, [join(d, 'logs/metallb-system/speaker-abc/speaker.log'), join(d, 'logs/metallb-system/speaker-abc/speaker.previous.log')]);
    assert.equal((await readBundleFile(r.logFiles[0]!)).toString(), 'line\n');
  });

  test('a .tar.gz bundle, read in memory, wrapped in a directory or not', async () => {
    const d = dir('tb/snap', {
      'bundle.json': manifest,
      'resources/pools.yaml': pool('tp'),
      'logs/metallb-system/controller-x/controller.log': 'hello\n',
    });
    const tarball = join(tmp, 'snap.tar.gz');
    await createTar({ gzip: true, file: tarball, cwd: join(tmp, 'tb') }, ['snap']);
    const r = await loadInputs([tarball]);
    assert.deepEqual(names(r.objects), ['IPAddressPool/tp']);
    assert.equal(sourceOf(r.objects[0]!)!.file, `${tarball}!resources/pools.yaml`);
    assert.equal(positionOf(r.objects[0]!, ['spec', 'addresses', 0])!.line, 6);
    assert.equal(r.bundle?.format, 'metallb-doctor-bundle/v1');
    assert.deepEqual(r.logFiles, [`${tarball}!logs/metallb-system/controller-x/controller.log`]);
    assert.equal((await readBundleFile(r.logFiles[0]!)).toString(), 'hello\n');
    const flat = join(tmp, 'flat.tgz');
    await createTar({ gzip: true, file: flat, cwd: d }, ['bundle.json', 'resources']);
    assert.deepEqual(names((await loadInputs([flat])).objects), ['IPAddressPool/tp']);
  });

  test('ASCII and non-ASCII UTF-8 text read alike, small and large (lazy JSON) files, JSON and YAML', async () => {
    const owner = 'équipe "réseau" ✓ 😀';
    const svc = (name: string, o: string) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'shop', annotations: { owner: o } } });
    // past LAZY_JSON_FROM: the lazy path; padded by more Services
    const big = (o: string) => JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [svc('first', o), ...Array.from({ length: 9000 }, (_, i) => svc(`s-${i}`, 'x'.repeat(100)))] }, null, 2);
    const d = dir('utf8-ascii', {
      'ascii.yaml': 'apiVersion: v1\nkind: Service\nmetadata: {name: a, namespace: shop, annotations: {owner: plain}}\n',
      'utf8.yaml': `apiVersion: v1\nkind: Service\nmetadata: {name: u, namespace: shop, annotations: {owner: '${owner}'}}\n`,
      'big-ascii.json': big('plain'),
      'big-utf8.json': big(owner).replace('"first"', '"first-u"'),
    });
    assert.ok(big('x').length > 1 << 20);
    const r = await loadInputs([d]);
    assert.deepEqual(r.issues, []);
    const owners = Object.fromEntries(r.objects.filter((o) => !o.metadata.name?.startsWith('s-')).map((o) => [o.metadata.name, o.metadata.annotations?.owner]));
    assert.deepEqual(owners, { a: 'plain', u: owner, first: 'plain', 'first-u': owner });
    const t = decodeText(Buffer.from(`a: ${owner}\n`), 'x.yaml');
    assert.ok('text' in t && t.text === `a: ${owner}\n`);
  });

  test('bad input is a finding: empty, binary, invalid UTF-8, wrong types, unknown kinds', async () => {
    const d = dir('bad', {
      'empty.yaml': '',
      'blank.yaml': '  \n\n',
      'binary.yaml': Buffer.from([0x61, 0x3a, 0x0a, 0x00, 0x01, 0x02]),
      'latin1.yaml': Buffer.concat([Buffer.from('a: 1\nb: caf'), Buffer.from([0xe9]), Buffer.from('\n')]),
      'types.yaml': 'apiVersion: metallb.io/v1beta1\nkind: IPAddressPool\nmetadata: 7\nspec: [1, {a: b}]\nstatus: "x"\n',
      'unknown.yaml': 'apiVersion: example.com/v1\nkind: Gadget\nmetadata: {name: g}\n',
      'notkube.yaml': 'apiVersion: 1\nkind: [x]\n---\n- a\n- b\n---\n',
      'syntax.yaml': 'a: b: c\n',
    });
    const r = await loadInputs([d]);
    const byFile = (f: string) => r.issues.filter((i) => i.file === join(d, f));
    assert.deepEqual(byFile('empty.yaml').map((i) => [i.kind, i.line, i.column, i.message]), [['syntax', 1, 1, 'empty file']]);
    assert.deepEqual(byFile('blank.yaml').map((i) => i.message), ['empty file']);
    assert.deepEqual(byFile('binary.yaml').map((i) => [i.kind, i.line, i.column]), [['syntax', 2, 1]]);
    assert.deepEqual(byFile('latin1.yaml').map((i) => [i.kind, i.line, i.column, i.message]), [['syntax', 2, 7, 'invalid UTF-8']]);
    assert.deepEqual(byFile('syntax.yaml').map((i) => [i.kind, i.line]), [['syntax', 1]]);
    // wrong types pass through for the schema rule; metadata is always an object
    const typed = r.objects.find((o) => o.kind === 'IPAddressPool')!;
    assert.deepEqual(typed.metadata, {});
    assert.deepEqual(typed.spec, [1, { a: 'b' }]);
    assert.deepEqual(names(r.objects).sort(), ['Gadget/g', 'IPAddressPool/undefined']);
    assert.equal(r.skippedNotKubernetes, 3);
    assert.equal(r.files, 8);
  });

  test('unreadable input: InputError naming the file', async () => {
    await rejects(loadInputs([join(tmp, 'does-not-exist.yaml')]), join(tmp, 'does-not-exist.yaml'), /^no such file or directory$/);
    const notGzip = join(tmp, 'not.tar.gz');
    writeFileSync(notGzip, 'just text, no tar here\n'.repeat(40));
    await rejects(loadInputs([notGzip]), notGzip, /^not a bundle: /);
    const truncated = join(tmp, 'trunc.tar.gz');
    await createTar({ gzip: true, file: join(tmp, 'whole.tar.gz'), cwd: fixtures }, ['multi.yaml', 'list.json']);
    const whole = await import('node:fs').then((fs) => fs.readFileSync(join(tmp, 'whole.tar.gz')));
    writeFileSync(truncated, whole.subarray(0, whole.length >> 1));
    await rejects(loadInputs([truncated]), truncated, /^not a bundle: /);
    const badManifest = dir('badmanifest', { 'bundle.json': '{"format":"something-else"}' });
    await rejects(loadInputs([badManifest]), join(badManifest, 'bundle.json'), /^not a bundle: format/);
    await rejects(readBundleFile(`${join(tmp, 'whole.tar.gz')}!logs/none.log`), `${join(tmp, 'whole.tar.gz')}!logs/none.log`, /no such file/);
  });

  test('a bundle without resources/ whose bundle.json lists captured kinds is refused, not read as an empty cluster', async () => {
    // (every captured kind would otherwise read as "none exist": no pools, no CRDs, no nodes)
    const noResources = dir('no-resources', { 'bundle.json': manifest, 'logs/metallb-system/speaker-abc/speaker.log': 'line\n' });
    await rejects(loadInputs([noResources]), noResources, /^not a bundle: no resources\/ directory, though bundle.json lists 2 captured kinds/);
    const tarball = join(tmp, 'no-resources.tar.gz');
    await createTar({ gzip: true, file: tarball, cwd: noResources }, ['bundle.json', 'logs']);
    await rejects(loadInputs([tarball]), tarball, /^not a bundle: no resources\//);
    // an empty resources/ is a capture that found nothing, and nothing captured needs none
    const empty = dir('empty-resources', { 'bundle.json': manifest });
    mkdirSync(join(empty, 'resources'));
    assert.deepEqual((await loadInputs([empty])).objects, []);
    const emptyTar = join(tmp, 'empty-resources.tar.gz');
    await createTar({ gzip: true, file: emptyTar, cwd: empty }, ['bundle.json', 'resources']);
    assert.deepEqual((await loadInputs([emptyTar])).bundle?.captured, ['IPAddressPool', 'Service']);
    const nothing = dir('nothing-captured', { 'bundle.json': JSON.stringify({ format: 'metallb-doctor-bundle/v1', captured: [], gaps: [] }) });
    assert.deepEqual((await loadInputs([nothing])).objects, []);
  });

  test('permission denied: InputError (as root: checked in a child process running as nobody)', async () => {
    const d = join(tmp, 'perm');
    mkdirSync(d, { mode: 0o755 });
    chmodSync(tmp, 0o755);
    const f = join(d, 'private.yaml');
    copyFileSync(join(fixtures, 'multi.yaml'), f);
    chmodSync(f, 0o000);
    if (process.getuid?.() !== 0) {
      await rejects(loadInputs([f]), f, /^permission denied$/);
      return;
    }
    const loader = new URL('../../src/sources/load.ts', import.meta.url).pathname;
    const script = `import('${loader}').then(m => m.loadInputs([${JSON.stringify(f)}])).then(() => console.log('READ'), e => console.log(e.name + '|' + e.oneLine))`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { uid: 65534, gid: 65534, encoding: 'utf8', cwd: new URL('../..', import.meta.url).pathname });
    assert.equal(r.stdout.trim(), `InputError|${f}: permission denied`, r.stderr);
  });

  test('a directory named like a manifest is walked, not read as a file', async () => {
    const d = dir('isdir', { 'x.yaml/inner.yaml': pool('i') });
    const r = await loadInputs([d]);
    assert.deepEqual(names(r.objects), ['IPAddressPool/i']);
  });

  test('a directory of 10,000 files loads without running out of file descriptors', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 10000; i++) files[`f${String(i).padStart(5, '0')}.yaml`] = pool(`p${i}`);
    const d = dir('many', files);
    const r = await loadInputs([d]);
    assert.equal(r.objects.length, 10000);
    assert.equal(r.files, 10000);
    assert.equal(r.objects[9999]!.metadata.name, 'p9999');
  });

  test('decodeText strips a BOM and rejects UTF-16', () => {
    const ok = decodeText(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('a: 1')]), 'f');
    assert.deepEqual(ok, { text: 'a: 1' });
    const u16 = decodeText(Buffer.from('\ufeffa: 1', 'utf16le'), 'f');
    assert.ok('issue' in u16 && /UTF-16/.test(u16.issue.message));
  });
});
