import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../src/sources/types.js';
import { containerText, podDetail, podProblem, podViewOf } from '../../src/model/pods.js';

const pod = (status: unknown, metadata: Record<string, unknown> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns', ...metadata }, spec: { nodeName: 'n1' }, status });
const ready = { type: 'Ready', status: 'True' };
const notReady = { type: 'Ready', status: 'False' };

test('a running ready pod', () => {
  const v = podViewOf(pod({ phase: 'Running', conditions: [ready], containerStatuses: [{ name: 'c', ready: true, restartCount: 2, state: { running: {} } }] }));
  assert.equal(v.ready, true);
  assert.equal(v.restarts, 2);
  assert.equal(podDetail(v), 'p on n1: Running, ready');
});

test('the problem is read in order: deletion, failure, scheduling, init containers, containers', () => {
  const cases: [string, unknown, Record<string, unknown>, string, string, (string | number)[]][] = [
    ['terminating', { phase: 'Running', conditions: [notReady] }, { deletionTimestamp: '2026-01-01T00:00:00Z' }, 'Terminating', 'being deleted since 2026-01-01T00:00:00Z', ['metadata', 'deletionTimestamp']],
    ['evicted', { phase: 'Failed', reason: 'Evicted', message: 'The node was low on resource: memory.' }, {}, 'Evicted', 'phase Failed, reason Evicted (The node was low on resource: memory.)', ['status', 'reason']],
    ['unschedulable', { phase: 'Pending', conditions: [notReady, { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: 'no nodes' }] }, {}, 'Unschedulable', 'not scheduled: Unschedulable (no nodes)', ['status', 'conditions', 1]],
    [
      'init container crash',
      { phase: 'Pending', conditions: [notReady], initContainerStatuses: [{ name: 'cp-frr-files', ready: false, restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } } }], containerStatuses: [{ name: 'speaker', ready: false, state: { waiting: { reason: 'PodInitializing' } } }] },
      {},
      'CrashLoopBackOff',
      'init container cp-frr-files: waiting CrashLoopBackOff, 3 restarts',
      ['status', 'initContainerStatuses', 0, 'state', 'waiting', 'reason'],
    ],
    [
      'second container terminated',
      { phase: 'Running', conditions: [notReady], containerStatuses: [{ name: 'speaker', ready: true, state: { running: {} } }, { name: 'frr', ready: false, restartCount: 1, state: { terminated: { reason: 'OOMKilled', exitCode: 137 } } }] },
      {},
      'OOMKilled',
      'container frr: terminated OOMKilled (exit code 137), 1 restart',
      ['status', 'containerStatuses', 1, 'state', 'terminated', 'reason'],
    ],
    ['running, readiness failing', { phase: 'Running', conditions: [notReady], containerStatuses: [{ name: 'speaker', ready: false, state: { running: {} } }] }, {}, 'NotReady', 'container speaker: running but not ready, 0 restarts', ['status', 'containerStatuses', 0, 'ready']],
    ['nothing reported', { phase: 'Pending' }, {}, 'Pending', 'phase Pending, no container has started', ['status', 'phase']],
  ];
  for (const [name, status, md, reason, text, path] of cases) {
    const p = podProblem(podViewOf(pod(status, md)));
    assert.deepEqual({ reason: p.reason, text: p.text, path: p.path }, { reason, text, path }, name);
  }
});

test('pods of the wrong shape are read without throwing', () => {
  for (const status of [undefined, 'x', 42, { containerStatuses: 'x' }, { containerStatuses: [null, 'x', { state: 'y', restartCount: 'z' }] }]) {
    const v = podViewOf(pod(status));
    assert.equal(v.ready, false);
    assert.equal(typeof podProblem(v).text, 'string');
  }
});

test('containerText groups the last exit with the current wait', () => {
  const v = podViewOf(pod({ phase: 'Running', containerStatuses: [{ name: 'c', restartCount: 9, state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s' } }, lastState: { terminated: { reason: 'Error', exitCode: 2, finishedAt: 't' } } }] }));
  assert.equal(containerText(v.containers[0]!), 'waiting CrashLoopBackOff (back-off 5m0s), 9 restarts, last terminated Error (exit code 2) at t');
  assert.equal(podProblem(v).group, 'CrashLoopBackOff after Error');
});
