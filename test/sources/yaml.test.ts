import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseYamlText, parseEmbeddedYaml } from '../../src/sources/yaml.js';
import { pathKey, unpackPos } from '../../src/sources/types.js';
import type { ParsedDocument } from '../../src/sources/parsed.js';

const fixture = (n: string) => readFileSync(new URL(`../fixtures/sources/${n}`, import.meta.url), 'utf8');

function at(doc: ParsedDocument, ...path: Array<string | number>): string {
  const p = doc.fields.get(pathKey(path));
  if (p === undefined) return 'none';
  const { line, column } = unpackPos(p);
  return `${line}:${column}`;
}

describe('parseYamlText', () => {
  test('multi-document values and exact positions', () => {
    const r = parseYamlText(fixture('multi.yaml'), 'multi.yaml');
    assert.deepEqual(r.issues, []);
    assert.equal(r.documents.length, 2);
    const [pool, l2] = r.documents as [ParsedDocument, ParsedDocument];
    assert.deepEqual(pool.value, {
      apiVersion: 'metallb.io/v1beta1',
      kind: 'IPAddressPool',
      metadata: { name: 'default', namespace: 'metallb-system' },
      spec: { addresses: ['192.168.10.0/24', 'fc00:f853:ccd:e799::/124'], autoAssign: true },
    });
    assert.deepEqual(unpackPos(pool.pos), { line: 2, column: 1 });
    assert.equal(at(pool, 'kind'), '3:7');
    assert.equal(at(pool, 'metadata', 'name'), '5:9');
    // block collections are placed at their key
    assert.equal(at(pool, 'spec'), '7:1');
    assert.equal(at(pool, 'spec', 'addresses'), '8:3');
    assert.equal(at(pool, 'spec', 'addresses', 0), '9:5');
    assert.equal(at(pool, 'spec', 'addresses', 1), '10:5');
    assert.equal(at(pool, 'spec', 'autoAssign'), '11:15');
    assert.equal(l2.docIndex, 1);
    assert.deepEqual(unpackPos(l2.pos), { line: 13, column: 1 });
    // a flow collection is placed at its bracket, its items at themselves
    assert.equal(at(l2, 'spec', 'ipAddressPools'), '19:19');
    assert.equal(at(l2, 'spec', 'ipAddressPools', 0), '19:20');
  });

  test('block scalars are placed at their first content line and indentation', () => {
    const r = parseYamlText('a:\n  lit: |\n\n     x\n     y\n  fold: >-\n    z\n', 'f');
    const d = r.documents[0]!;
    assert.deepEqual(d.value, { a: { lit: '\nx\ny\n', fold: 'z' } });
    // the line after the header (the value's line 0), column of the content indentation
    assert.equal(at(d, 'a', 'lit'), '3:6');
    assert.equal(at(d, 'a', 'fold'), '7:5');
    assert.deepEqual([...(d.literalBlocks ?? [])], [pathKey(['a', 'lit'])]);
  });

  test('embedded YAML maps back into the enclosing file', () => {
    const cm = parseYamlText(fixture('legacy-configmap.yaml'), 'cm.yaml').documents[0]!;
    const config = (cm.value as { data: { config: string } }).data.config;
    const p = unpackPos(cm.fields.get(pathKey(['data', 'config']))!);
    assert.deepEqual(p, { line: 8, column: 5 });
    const inner = parseEmbeddedYaml(config, 'cm.yaml', p).documents[0]!;
    assert.equal(at(inner, 'address-pools', 0, 'protocol'), '10:17');
    assert.equal(at(inner, 'address-pools', 0, 'addresses', 0), '12:9');
    assert.equal(fixture('legacy-configmap.yaml').split('\n')[11]!.slice(8), '192.168.1.240-192.168.1.250');
  });

  test('unquoted YAML 1.1 booleans are read as Kubernetes reads them, and reported', () => {
    const r = parseYamlText('a: yes\nb: "no"\nc: true\nd: off\non: 1\ne: Yes please\n', 'f');
    const d = r.documents[0]!;
    assert.deepEqual(d.value, { a: true, b: 'no', c: true, d: false, true: 1, e: 'Yes please' });
    assert.deepEqual(
      r.issues.map((i) => [i.kind, i.line, i.column]),
      [['ambiguous-boolean', 1, 4], ['ambiguous-boolean', 4, 4], ['ambiguous-boolean', 5, 1]],
    );
  });

  test('duplicate keys: reported at the second key, last value kept', () => {
    const r = parseYamlText('metadata:\n  name: a\n  labels: {}\n  name: b\n', 'f');
    assert.deepEqual(r.documents[0]!.value, { metadata: { name: 'b', labels: {} } });
    assert.equal(r.issues.length, 1);
    assert.equal(r.issues[0]!.kind, 'duplicate-key');
    assert.deepEqual([r.issues[0]!.line, r.issues[0]!.column], [4, 3]);
  });

  test('a syntax error drops its document only, with line:column', () => {
    const r = parseYamlText('a: 1\n---\nb: [1, 2\nc: 3\n---\nd: 4\n', 'f');
    assert.deepEqual(r.documents.map((d) => d.value), [{ a: 1 }, { d: 4 }]);
    assert.deepEqual(r.documents.map((d) => d.docIndex), [0, 2]);
    const syntax = r.issues.filter((i) => i.kind === 'syntax');
    assert.equal(syntax.length, 1);
    assert.equal(syntax[0]!.file, 'f');
    assert.ok(syntax[0]!.line >= 3 && syntax[0]!.line <= 4, `line ${syntax[0]!.line}`);
  });

  test('anchors, aliases and merge keys expand as go-yaml does', () => {
    const r = parseYamlText('base: &b {p: 1, q: 2}\nuse: *b\nm:\n  <<: *b\n  q: 3\n', 'f');
    assert.deepEqual(r.issues, []);
    assert.deepEqual(r.documents[0]!.value, { base: { p: 1, q: 2 }, use: { p: 1, q: 2 }, m: { p: 1, q: 3 } });
    const inline = parseYamlText('m:\n  <<: {p: 1, q: 2}\n  q: 3\n', 'f');
    assert.deepEqual(inline.documents[0]!.value, { m: { p: 1, q: 3 } });
    // a warning inside an anchor is reported once, where the anchor is
    const w = parseYamlText('a: &a {k: on}\nb: *a\nc: *a\n', 'f');
    assert.deepEqual(w.issues.map((i) => [i.kind, i.line]), [['ambiguous-boolean', 1]]);
    assert.deepEqual(w.documents[0]!.value, { a: { k: true }, b: { k: true }, c: { k: true } });
  });

  test('an alias bomb becomes a syntax issue, quickly', () => {
    let text = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
    for (let i = 1; i < 9; i++) {
      const p = String.fromCharCode(96 + i);
      const n = String.fromCharCode(97 + i);
      text += `${n}: &${n} [${Array(9).fill('*' + p).join(',')}]\n`;
    }
    const t0 = Date.now();
    const r = parseYamlText(text, 'bomb.yaml');
    assert.ok(Date.now() - t0 < 5000);
    assert.equal(r.documents.length, 0);
    assert.equal(r.issues.length, 1);
    assert.equal(r.issues[0]!.kind, 'syntax');
    assert.match(r.issues[0]!.message, /alias/);
  });

  test('10,000 levels of nesting become a syntax issue, not a crash', () => {
    const flow = '['.repeat(10000) + ']'.repeat(10000);
    const block = Array.from({ length: 10000 }, (_, i) => ' '.repeat(i) + 'a:').join('\n');
    const maps = '{a: '.repeat(10000) + '1' + '}'.repeat(10000);
    for (const text of [flow, block, maps]) {
      const r = parseYamlText(text, 'deep.yaml');
      assert.equal(r.documents.length, 0);
      assert.equal(r.issues.length, 1);
      assert.equal(r.issues[0]!.kind, 'syntax');
      assert.ok(r.issues[0]!.line >= 1 && r.issues[0]!.column >= 1);
    }
  });

  test('500 levels pass; more than MAX_DEPTH does not', () => {
    const ok = parseYamlText('['.repeat(500) + ']'.repeat(500), 'f');
    assert.equal(ok.documents.length, 1);
    const deep = parseYamlText('['.repeat(1500) + ']'.repeat(1500), 'f');
    assert.equal(deep.documents.length, 0);
    assert.equal(deep.issues[0]!.kind, 'syntax');
  });

  test('empty documents are returned with a null value', () => {
    const r = parseYamlText('---\n# only a comment\n---\na: 1\n', 'f');
    assert.deepEqual(r.documents.map((d) => d.value), [null, { a: 1 }]);
  });

  test('a __proto__ key is data, not a prototype', () => {
    const r = parseYamlText('__proto__: {polluted: 1}\n', 'f');
    const v = r.documents[0]!.value as Record<string, unknown>;
    assert.deepEqual(Object.keys(v), ['__proto__']);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(Object.getPrototypeOf(v), Object.prototype);
  });
});
