// Large JSON files of a bundle directory are read with JSON.parse and their positions resolved on
// demand: the positions must be exactly those of the positioned parser, values identical, Secret
// values still dropped, and a file JSON.parse refuses still gets its syntax error with a position.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadInputs } from '../../src/sources/load.js';
import { indexListItems, indexPrettyListItems } from '../../src/sources/lazy-json.js';
import { positionOf, sourceOf } from '../../src/sources/types.js';

function services(n: number, indent: number | string | undefined = 4): string {
  const items = Array.from({ length: n }, (_, i) => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: `svc-${i}`, namespace: 'shop', annotations: { 'metallb.io/address-pool': 'lan', 'example.com/owner': i % 7 === 0 ? 'équipe "réseau" ✓' : i % 11 === 0 ? 'C:\\ops\\' : 'ops' } },
    spec: { type: 'LoadBalancer', ports: [{ port: 80 + (i % 5), protocol: 'TCP' }] },
  }));
  return JSON.stringify({ apiVersion: 'v1', kind: 'List', items }, null, indent);
}

test('a bundle directory: the same objects and exactly the same positions as the positioned parser', async () => {
  const d = mkdtempSync(join(tmpdir(), 'mlbd-lazy-'));
  try {
    const text = services(6000);
    assert.ok(text.length > 1 << 20, 'large enough to take the lazy path');
    const secret = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'metallb-system' }, data: { secretkey: 'c2VjcmV0' } }], pad: 'x'.repeat(1 << 20) });
    mkdirSync(join(d, 'bundle', 'resources'), { recursive: true });
    writeFileSync(join(d, 'bundle', 'bundle.json'), JSON.stringify({ format: 'metallb-doctor-bundle/v1', captured: ['Service', 'Secret'] }));
    writeFileSync(join(d, 'bundle', 'resources', 'service.json'), text);
    writeFileSync(join(d, 'bundle', 'resources', 'secret.json'), secret);
    // the same file outside a bundle takes the positioned parser
    mkdirSync(join(d, 'plain'));
    writeFileSync(join(d, 'plain', 'service.json'), text);
    const lazy = await loadInputs([join(d, 'bundle')]);
    const eager = await loadInputs([join(d, 'plain')]);
    const ls = lazy.objects.filter((o) => o.kind === 'Service');
    assert.equal(ls.length, 6000);
    assert.deepEqual(ls.map((o) => JSON.stringify(o)), eager.objects.map((o) => JSON.stringify(o)));
    for (const i of [0, 1, 2999, 5999]) {
      for (const path of [[], ['metadata', 'name'], ['spec', 'ports', 0, 'port'], ['metadata', 'annotations', 'metallb.io/address-pool']]) {
        const a = positionOf(ls[i]!, path)!;
        const b = positionOf(eager.objects[i]!, path)!;
        assert.deepEqual({ line: a.line, column: a.column }, { line: b.line, column: b.column }, `${i} ${path.join('.')}`);
      }
      assert.equal(sourceOf(ls[i]!)!.listIndex, i);
    }
    const s = lazy.objects.find((o) => o.kind === 'Secret')!;
    assert.deepEqual(s.data, { secretkey: '' });
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
});

test('a large bundle file JSON.parse refuses: the syntax error comes with its line', async () => {
  const d = mkdtempSync(join(tmpdir(), 'mlbd-lazy-'));
  try {
    mkdirSync(join(d, 'resources'), { recursive: true });
    writeFileSync(join(d, 'bundle.json'), JSON.stringify({ format: 'metallb-doctor-bundle/v1', captured: ['Service'] }));
    const text = services(6000);
    const broken = text.slice(0, 1000) + ',,' + text.slice(1000);
    writeFileSync(join(d, 'resources', 'service.json'), broken);
    const r = await loadInputs([d]);
    const syntax = r.issues.filter((i) => i.kind === 'syntax');
    assert.equal(syntax.length, 1);
    assert.equal(syntax[0]!.line, broken.slice(0, 1000).split('\n').length);
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
});

for (const [label, indent] of [['pretty-printed', 4], ['tab-indented', '\t'], ['on one line', undefined]] as const) {
  test(`positions of a ${label} List: each item parsed alone lands where the whole-file parse puts it`, async () => {
    const d = mkdtempSync(join(tmpdir(), 'mlbd-lazy-'));
    try {
      const text = services(5000, indent);
      mkdirSync(join(d, 'b', 'resources'), { recursive: true });
      writeFileSync(join(d, 'b', 'bundle.json'), JSON.stringify({ format: 'metallb-doctor-bundle/v1', captured: ['Service'] }));
      writeFileSync(join(d, 'b', 'resources', 'service.json'), text);
      mkdirSync(join(d, 'p'));
      writeFileSync(join(d, 'p', 'service.json'), text);
      const lazy = (await loadInputs([join(d, 'b')])).objects;
      const eager = (await loadInputs([join(d, 'p')])).objects;
      for (const i of [0, 7, 2500, 4999]) {
        for (const path of [[], ['metadata', 'annotations', 'example.com/owner'], ['spec', 'ports', 0, 'protocol']]) {
          const a = positionOf(lazy[i]!, path)!;
          const b = positionOf(eager[i]!, path)!;
          assert.deepEqual([a.line, a.column], [b.line, b.column], `item ${i} ${path.join('.')}`);
        }
      }
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
}

test('placing findings opens the file once per burst, and closes it when the burst is over', async (t) => {
  // open descriptors are counted in /proc/self/fd (Linux; CI runs there, so it fails without it)
  if (!existsSync('/proc/self/fd')) {
    if (process.env.CI) assert.fail('/proc/self/fd is missing (CI is set, so this fails)');
    console.log('descriptor test skipped: no /proc/self/fd on this system');
    return t.skip('no /proc/self/fd');
  }
  const d = mkdtempSync(join(tmpdir(), 'mlbd-lazy-'));
  const openFds = () => readdirSync('/proc/self/fd').length;
  try {
    mkdirSync(join(d, 'resources'), { recursive: true });
    writeFileSync(join(d, 'bundle.json'), JSON.stringify({ format: 'metallb-doctor-bundle/v1', captured: ['Service'] }));
    writeFileSync(join(d, 'resources', 'service.json'), services(3000, 2));
    const objects = (await loadInputs([d])).objects;
    const before = openFds();
    const first = [10, 20, 30].map((i) => positionOf(objects[i]!, ['metadata', 'name'])!.line);
    assert.equal(openFds(), before + 1, 'one descriptor for the whole burst');
    await new Promise((r) => setImmediate(r));
    assert.equal(openFds(), before, 'closed once the burst is over');
    // a later burst opens it again and lands on the same lines
    assert.deepEqual([10, 20, 30].map((i) => positionOf(objects[i]!, ['metadata', 'name'])!.line), first);
    assert.ok(first[1]! > first[0]! && first[2]! > first[1]!);
    await new Promise((r) => setImmediate(r));
    assert.equal(openFds(), before);
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
});

test('the pretty-printed List index finds what the byte scan finds, and declines any other layout', () => {
  const items = JSON.parse(services(40)).items as unknown[];
  const layouts: Record<string, string> = {
    'indent 2': JSON.stringify({ apiVersion: 'v1', kind: 'List', items }, null, 2),
    'indent 4': JSON.stringify({ apiVersion: 'v1', kind: 'List', items }, null, 4),
    // kubectl: items before kind and metadata, so the last item is not at the end of the file
    kubectl: JSON.stringify({ apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } }, null, 4),
    // the bundle writer: one item per line
    'one per line': `{"apiVersion":"v1","kind":"List","metadata":{},"items":[${items.map((it) => `\n${JSON.stringify(it)}`).join(',')}\n]}\n`,
    'CRLF': JSON.stringify({ apiVersion: 'v1', kind: 'List', items }, null, 2).replace(/\n/g, '\r\n'),
  };
  for (const [name, text] of Object.entries(layouts)) {
    const buf = Buffer.from(text);
    const fast = indexPrettyListItems(buf, items.length);
    assert.ok(fast, `${name}: taken`);
    assert.deepEqual(fast, indexListItems(buf), name);
    for (let i = 0; i < items.length; i++) assert.deepEqual(JSON.parse(buf.subarray(fast.start[i], fast.end[i]).toString()), items[i], `${name} item ${i}`);
  }
  const one = Buffer.from(JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
  assert.equal(indexPrettyListItems(one, items.length), undefined, 'one line: no line starts to find');
  assert.equal(indexPrettyListItems(Buffer.from(layouts['indent 2']!), items.length + 1), undefined, 'a count that differs');
  // an inner object at the items' indentation (inconsistent hand-made layout): the count tells
  const odd = `{"items": [\n  {"a": 1},\n  {"b":\n  {"c": 2}}\n]}`;
  assert.equal(indexPrettyListItems(Buffer.from(odd), 2), undefined);
});
