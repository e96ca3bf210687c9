// The loader's memory helpers: what they return must be the same values, only stored more cheaply.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { intern, own, releaseInterned, sharedKeySet, trimmed } from '../../src/sources/compact.js';

test('own copies a value exactly, whatever its characters', () => {
  const source = `prefix ${'x'.repeat(40)} é ✓ 😀 \ud800 lone surrogate \udc00 suffix`;
  for (let from = 0; from < 20; from++) {
    const s = source.slice(from, from + 45);
    assert.equal(own(s), s);
  }
  assert.equal(own('short'), 'short');
  assert.equal(own(''), '');
});

test('intern hands out one copy per value within its window, and equal values after it', () => {
  releaseInterned();
  const a = intern(`namespace-${'a'.repeat(10)}`);
  assert.equal(intern(`namespace-${'a'.repeat(10)}`), a);
  // more distinct values than the window holds: it starts over, the values stay right
  const values = Array.from({ length: 10_000 }, (_, i) => `value-${i}-${'v'.repeat(8)}`);
  for (const v of values) assert.equal(intern(v), v);
  assert.equal(intern(`namespace-${'a'.repeat(10)}`), a);
  const long = 'l'.repeat(100);
  assert.equal(intern(long), long);
  releaseInterned();
});

test('trimmed is a copy with the same items', () => {
  const list: number[] = [];
  list.push(1, 2, 3);
  const t = trimmed(list);
  assert.deepEqual(t, [1, 2, 3]);
  assert.notEqual(t, list);
  assert.deepEqual(trimmed([]), []);
});

test('sharedKeySet returns one set per content', () => {
  const a = sharedKeySet(new Set(['data\u001fconfig', 'data\u001fother']));
  const b = sharedKeySet(new Set(['data\u001fconfig', 'data\u001fother']));
  assert.equal(a, b);
  assert.deepEqual([...a], ['data\u001fconfig', 'data\u001fother']);
  const c = sharedKeySet(new Set(['data\u001fconfig']));
  assert.notEqual(c, a);
  assert.deepEqual([...c], ['data\u001fconfig']);
});
