import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exitCodeFor, healthOf } from '../../src/report/build.js';

const s = (critical: number, error: number, warning: number, info = 0) => ({ critical, error, warning, info });

test('health: the worst severity; score: each finding takes a share of what is left', () => {
  assert.deepEqual(healthOf(s(0, 0, 0, 5)), { status: 'healthy', score: 100 });
  assert.deepEqual(healthOf(s(0, 0, 1)), { status: 'warning', score: 95 });
  assert.deepEqual(healthOf(s(0, 1, 0)), { status: 'error', score: 85 });
  assert.deepEqual(healthOf(s(1, 0, 0)), { status: 'critical', score: 50 });
  assert.deepEqual(healthOf(s(0, 7, 1)), { status: 'error', score: 30 });
  // more problems never raise the score, and it stays above 0 for a countable number of them
  let last = 101;
  for (let n = 0; n < 30; n++) {
    const { score } = healthOf(s(0, n, n));
    assert.ok(score <= last);
    last = score;
  }
  assert.equal(healthOf(s(2, 0, 0)).score, 25);
});

test('exit codes follow the worst finding and --fail-on', () => {
  assert.equal(exitCodeFor(s(0, 0, 0, 3)), 0);
  assert.equal(exitCodeFor(s(0, 0, 2)), 1);
  assert.equal(exitCodeFor(s(0, 1, 2)), 2);
  assert.equal(exitCodeFor(s(1, 0, 0), 'never'), 0);
  assert.equal(exitCodeFor(s(0, 1, 0), 'critical'), 0);
  assert.equal(exitCodeFor(s(0, 0, 1), 'error'), 0);
});
