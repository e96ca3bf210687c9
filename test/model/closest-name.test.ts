import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { closestName, editDistance } from '../../src/model/advertisements.js';

describe('editDistance', () => {
  test('known distances', () => {
    assert.equal(editDistance('', ''), 0);
    assert.equal(editDistance('lan', ''), 3);
    assert.equal(editDistance('kitten', 'sitting'), 3);
    assert.equal(editDistance('reserverd', 'reserved'), 1);
    assert.equal(editDistance('tor-a', 'tor-b'), 1);
  });
  test('a metric: zero only on equal strings, symmetric, triangle inequality, at most the longer length (200 runs)', () => {
    const s = fc.string({ maxLength: 8, unit: fc.constantFrom('a', 'b', 'c', '-') });
    fc.assert(
      fc.property(s, s, s, (a, b, c) => {
        const ab = editDistance(a, b);
        assert.equal(ab === 0, a === b);
        assert.equal(ab, editDistance(b, a));
        assert.ok(editDistance(a, c) <= ab + editDistance(b, c));
        assert.ok(ab <= Math.max(a.length, b.length) && ab >= Math.abs(a.length - b.length));
      }),
      { numRuns: 200 },
    );
  });
});

describe('closestName', () => {
  test('suggests a near name, ignoring case', () => {
    assert.equal(closestName('reservd', ['lan', 'reserved']), 'reserved');
    assert.equal(closestName('LAN', ['lan', 'dmz']), 'lan');
    assert.equal(closestName('tor-bb', ['tor-a', 'tor-b']), 'tor-b');
  });
  test('no suggestion when nothing is near, or for short names two edits away', () => {
    assert.equal(closestName('public', ['lan', 'reserved']), undefined);
    assert.equal(closestName('ab', ['xy']), undefined);
    assert.equal(closestName('lan', []), undefined);
  });
  test('ties go to the first candidate', () => {
    assert.equal(closestName('tor-c', ['tor-a', 'tor-b']), 'tor-a');
  });
});
