// Positions are recorded for at most MAX_POSITIONS fields per document (or List item): a data
// file of millions of values is read with bounded memory, and past 2^24 positions a Map could
// not hold them at all ("internal error: Map maximum size exceeded", exit 3, after 45 s and
// 2.6 GB for a 40 MB array). The values themselves are all read; a List's items each get their
// own allowance.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseJsonText } from '../../src/sources/json.js';
import { parseYamlText } from '../../src/sources/yaml.js';
import { MAX_POSITIONS } from '../../src/sources/parsed.js';
import { pathKey, unpackPos } from '../../src/sources/types.js';

const N = MAX_POSITIONS + 1000;

test('JSON: a document of more values than MAX_POSITIONS keeps every value and at most MAX_POSITIONS positions', () => {
  const text = `{"data": [${Array.from({ length: N }, (_, i) => i).join(',\n')}], "kind": "X"}`;
  const r = parseJsonText(text, 'big.json');
  assert.deepEqual(r.issues, []);
  const d = r.documents[0]!;
  const v = d.value as { data: number[]; kind: string };
  assert.equal(v.data.length, N);
  assert.equal(v.data[N - 1], N - 1);
  assert.equal(v.kind, 'X');
  assert.ok(d.fields.size <= MAX_POSITIONS, `${d.fields.size} positions`);
  assert.deepEqual(unpackPos(d.fields.get(pathKey(['data', 5]))!), { line: 6, column: 1 });
});

test('JSON: each List item has its own allowance', () => {
  const big = `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"},"data":{"l":[${Array.from({ length: N }, () => 1).join(',')}]}}`;
  const text = `{"kind":"List","apiVersion":"v1","items":[${big},\n{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"b"}}]}`;
  const r = parseJsonText(text, 'list.json');
  const items = r.documents[0]!.items!;
  assert.ok(items[0]!.fields.size <= MAX_POSITIONS);
  assert.deepEqual(unpackPos(items[1]!.fields.get(pathKey(['metadata', 'name']))!), { line: 2, column: 58 });
});

test('YAML: the same bound', () => {
  const text = `kind: X\ndata:\n${'- 1\n'.repeat(N)}name: nm\n`;
  const r = parseYamlText(text, 'big.yaml');
  assert.deepEqual(r.issues, []);
  const d = r.documents[0]!;
  assert.equal((d.value as { data: number[] }).data.length, N);
  assert.equal((d.value as { name: string }).name, 'nm');
  assert.ok(d.fields.size <= MAX_POSITIONS, `${d.fields.size} positions`);
  assert.deepEqual(unpackPos(d.fields.get(pathKey(['kind']))!), { line: 1, column: 7 });
});
