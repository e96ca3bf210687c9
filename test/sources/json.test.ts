import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseJsonText } from '../../src/sources/json.js';
import { pathKey, unpackPos } from '../../src/sources/types.js';
import type { PositionMap } from '../../src/sources/parsed.js';

const fixture = (n: string) => readFileSync(new URL(`../fixtures/sources/${n}`, import.meta.url), 'utf8');

function at(m: PositionMap, ...path: Array<string | number>): string {
  const p = m.fields.get(pathKey(path));
  if (p === undefined) return 'none';
  const { line, column } = unpackPos(p);
  return `${line}:${column}`;
}

describe('parseJsonText', () => {
  test('values equal JSON.parse, with exact positions; a List keeps per-item positions', () => {
    const text = fixture('list.json');
    const r = parseJsonText(text, 'list.json');
    assert.deepEqual(r.issues, []);
    assert.equal(r.documents.length, 1);
    const d = r.documents[0]!;
    assert.deepEqual(d.value, JSON.parse(text));
    assert.equal(at(d, 'kind'), '17:11');
    assert.equal(at(d, 'items', 1), '10:5');
    const [a, b] = d.items!;
    assert.deepEqual(unpackPos(a!.pos), { line: 4, column: 5 });
    assert.equal(at(a!, 'metadata', 'name'), '7:29');
    assert.equal(at(a!, 'spec', 'addresses', 0), '8:31');
    assert.equal(at(b!, 'spec', 'ports', 0, 'port'), '14:62');
  });

  test('escapes, numbers and literals', () => {
    const text = '{"a":"x\\"y\\u00e9\\n","b":-1.5e3,"c":[true,false,null],"d":0}';
    const r = parseJsonText(text, 'f');
    assert.deepEqual(r.documents[0]!.value, JSON.parse(text));
  });

  test('a stream of values is several documents', () => {
    const r = parseJsonText('{"a":1}\n{"b":2}\n[3]', 'f');
    assert.deepEqual(r.documents.map((d) => [d.docIndex, d.value]), [[0, { a: 1 }], [1, { b: 2 }], [2, [3]]]);
    assert.deepEqual(unpackPos(r.documents[1]!.pos), { line: 2, column: 1 });
  });

  test('invalid JSON: a syntax issue with line:column', () => {
    const cases: Array<[string, number, number]> = [
      ['{\n  "a": 1,\n  "b" 2\n}', 3, 7],
      ['{"a": [1, 2}', 1, 12],
      ['{"a": "x\ny"}', 1, 9],
      ['{"a": tru}', 1, 7],
      ['{"a": 1', 1, 8],
      ['{"a": "\\q"}', 1, 7],
    ];
    for (const [text, line, column] of cases) {
      const r = parseJsonText(text, 'f.json');
      assert.equal(r.documents.length, 0, text);
      assert.equal(r.issues.length, 1, text);
      assert.equal(r.issues[0]!.kind, 'syntax');
      assert.deepEqual([r.issues[0]!.line, r.issues[0]!.column], [line, column], text);
    }
  });

  test('duplicate keys: reported at the second key, last value kept', () => {
    const r = parseJsonText('{\n "a": {"x": 1},\n "a": 2\n}', 'f');
    assert.deepEqual(r.documents[0]!.value, { a: 2 });
    assert.deepEqual(r.issues.map((i) => [i.kind, i.line, i.column]), [['duplicate-key', 3, 2]]);
  });

  test('10,000 levels of nesting: a syntax issue, not a crash', () => {
    for (const text of ['['.repeat(10000) + ']'.repeat(10000), '{"a":'.repeat(10000) + '1' + '}'.repeat(10000)]) {
      const r = parseJsonText(text, 'deep.json');
      assert.equal(r.documents.length, 0);
      assert.equal(r.issues[0]!.kind, 'syntax');
      assert.match(r.issues[0]!.message, /nesting/);
    }
  });

  test('a __proto__ key is data, not a prototype', () => {
    const v = parseJsonText('{"__proto__": {"polluted": 1}}', 'f').documents[0]!.value as object;
    assert.deepEqual(Object.keys(v), ['__proto__']);
    assert.equal(Object.getPrototypeOf(v), Object.prototype);
  });
});
