import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../src/sources/types.js';
import {
  daemonPodTargetNode,
  daemonPodTolerations,
  daemonSetPlacement,
  nodeSelectorMismatches,
  requiredAffinityMismatch,
  toleratesTaint,
  tolerationOf,
  untoleratedTaints,
  type Taint,
} from '../../src/model/scheduling.js';

const node = (name: string, labels: Record<string, string> = {}, taints: Partial<Taint>[] = []): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } },
  spec: { taints },
});
const taint = (key: string, effect: string, value = ''): Taint => ({ key, value, effect });

describe('toleratesTaint (k8s.io/api core/v1 Toleration.ToleratesTaint)', () => {
  const gpu = taint('dedicated', 'NoSchedule', 'gpu');
  const table: [string, Record<string, unknown>, Taint, boolean][] = [
    ['Equal, same key, value and effect', { key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }, gpu, true],
    ['empty operator means Equal', { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }, gpu, true],
    ['Equal, other value', { key: 'dedicated', operator: 'Equal', value: 'cpu', effect: 'NoSchedule' }, gpu, false],
    ['Equal without value does not match a valued taint', { key: 'dedicated', operator: 'Equal', effect: 'NoSchedule' }, gpu, false],
    ['Equal without value matches a taint without value', { key: 'maintenance', effect: 'NoExecute' }, taint('maintenance', 'NoExecute'), true],
    ['Exists, any value', { key: 'dedicated', operator: 'Exists', effect: 'NoSchedule' }, gpu, true],
    ['Exists, empty effect matches every effect', { key: 'dedicated', operator: 'Exists' }, taint('dedicated', 'NoExecute', 'x'), true],
    ['Exists, other effect', { key: 'dedicated', operator: 'Exists', effect: 'NoExecute' }, gpu, false],
    ['Exists, other key', { key: 'zone', operator: 'Exists' }, gpu, false],
    ['empty key with Exists tolerates everything', { operator: 'Exists' }, gpu, true],
    ['empty key with Exists and an effect: that effect only', { operator: 'Exists', effect: 'NoExecute' }, gpu, false],
    ['unknown operator', { key: 'dedicated', operator: 'In', value: 'gpu' }, gpu, false],
    ['Gt: the taint value is greater', { key: 'sla', operator: 'Gt', value: '900' }, taint('sla', 'NoSchedule', '950'), true],
    ['Gt: the taint value is not greater', { key: 'sla', operator: 'Gt', value: '950' }, taint('sla', 'NoSchedule', '950'), false],
    ['Lt: the taint value is smaller', { key: 'sla', operator: 'Lt', value: '950' }, taint('sla', 'NoSchedule', '900'), true],
    ['Lt: a value that is no integer never matches', { key: 'sla', operator: 'Lt', value: '950' }, taint('sla', 'NoSchedule', 'high'), false],
  ];
  for (const [name, tol, t, want] of table) test(name, () => assert.equal(toleratesTaint(tolerationOf(tol), t), want));
});

describe('daemon pod tolerations and untolerated taints', () => {
  test('the DaemonSet controller tolerates node conditions, network-unavailable only with hostNetwork', () => {
    const conditionTaints = [
      taint('node.kubernetes.io/not-ready', 'NoExecute'),
      taint('node.kubernetes.io/unreachable', 'NoExecute'),
      taint('node.kubernetes.io/disk-pressure', 'NoSchedule'),
      taint('node.kubernetes.io/memory-pressure', 'NoSchedule'),
      taint('node.kubernetes.io/pid-pressure', 'NoSchedule'),
      taint('node.kubernetes.io/unschedulable', 'NoSchedule'),
    ];
    const n = node('n', {}, [...conditionTaints, taint('node.kubernetes.io/network-unavailable', 'NoSchedule')]);
    assert.deepEqual(untoleratedTaints(n, daemonPodTolerations({ hostNetwork: true })), []);
    assert.deepEqual(
      untoleratedTaints(n, daemonPodTolerations({})).map((u) => `${u.index}:${u.taint.key}`),
      ['6:node.kubernetes.io/network-unavailable'],
    );
  });
  test('PreferNoSchedule never blocks; NoSchedule and NoExecute do', () => {
    const n = node('n', {}, [taint('a', 'PreferNoSchedule'), taint('b', 'NoSchedule'), taint('c', 'NoExecute')]);
    assert.deepEqual(
      untoleratedTaints(n, []).map((u) => u.taint.key),
      ['b', 'c'],
    );
  });
});

describe('nodeSelector and required node affinity', () => {
  const n = node('node-c', { 'kubernetes.io/os': 'linux', zone: 'c', cores: '16' });
  test('nodeSelector: every pair must match', () => {
    assert.deepEqual(nodeSelectorMismatches(n, { 'kubernetes.io/os': 'linux' }), []);
    assert.deepEqual(nodeSelectorMismatches(n, { 'kubernetes.io/os': 'windows', gpu: 'yes' }), [
      { key: 'kubernetes.io/os', want: 'windows', have: 'linux' },
      { key: 'gpu', want: 'yes' },
    ]);
  });
  const aff = (...terms: unknown[]) => ({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } });
  const expr = (key: string, operator: string, values?: string[]) => ({ matchExpressions: [{ key, operator, ...(values ? { values } : {}) }] });
  const table: [string, unknown, boolean][] = [
    ['no affinity', undefined, true],
    ['In hit', aff(expr('zone', 'In', ['b', 'c'])), true],
    ['In miss', aff(expr('zone', 'In', ['a'])), false],
    ['In on an absent label', aff(expr('rack', 'In', ['1'])), false],
    ['NotIn hit', aff(expr('zone', 'NotIn', ['c'])), false],
    ['NotIn on an absent label matches', aff(expr('rack', 'NotIn', ['1'])), true],
    ['Exists', aff(expr('zone', 'Exists')), true],
    ['DoesNotExist', aff(expr('zone', 'DoesNotExist')), false],
    ['Gt', aff(expr('cores', 'Gt', ['8'])), true],
    ['Lt', aff(expr('cores', 'Lt', ['8'])), false],
    ['Gt with two values is invalid', aff(expr('cores', 'Gt', ['8', '9'])), false],
    ['In without values is invalid', aff(expr('zone', 'In', [])), false],
    ['terms are ORed', aff(expr('zone', 'In', ['a']), expr('zone', 'In', ['c'])), true],
    ['expressions of a term are ANDed', aff({ matchExpressions: [{ key: 'zone', operator: 'In', values: ['c'] }, { key: 'rack', operator: 'Exists' }] }), false],
    ['matchFields metadata.name In', aff({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node-c'] }] }), true],
    ['matchFields metadata.name NotIn', aff({ matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['node-c'] }] }), false],
    ['matchFields with two values is invalid', aff({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node-c', 'node-d'] }] }), false],
    ['an empty term matches nothing', aff({}), false],
    ['an empty term next to a matching one', aff({}, expr('zone', 'Exists')), true],
    ['no terms match nothing', { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } } }, false],
    ['preferred affinity alone never blocks', { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, preference: expr('zone', 'In', ['a']) }] } }, true],
  ];
  for (const [name, affinity, fits] of table) test(name, () => assert.equal(requiredAffinityMismatch(n, affinity) === undefined, fits));
  test('the mismatch says why, per term', () => {
    assert.deepEqual(requiredAffinityMismatch(n, aff(expr('zone', 'In', ['a']), { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node-a'] }] }))?.terms, [
      'term 1: zone In [a]: the node has zone=c',
      'term 2: matchFields metadata.name In [node-a]: the node is node-c',
    ]);
  });
});

test('daemonSetPlacement lists every failing predicate, placement before taints', () => {
  const ds: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'speaker' },
    spec: { template: { spec: { hostNetwork: true, nodeSelector: { 'kubernetes.io/os': 'linux' }, tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }] } } },
  };
  assert.deepEqual(daemonSetPlacement(ds, node('cp', { 'kubernetes.io/os': 'linux' }, [taint('node-role.kubernetes.io/control-plane', 'NoSchedule')])), []);
  assert.deepEqual(
    daemonSetPlacement(ds, node('w', { 'kubernetes.io/os': 'windows' }, [taint('os', 'NoSchedule', 'windows')])).map((r) => r.kind),
    ['nodeSelector', 'taint'],
  );
});

test('daemonPodTargetNode: the bound node, or the node an unscheduled daemon pod is pinned to', () => {
  assert.equal(daemonPodTargetNode({ apiVersion: 'v1', kind: 'Pod', metadata: {}, spec: { nodeName: 'a' } }), 'a');
  const pinned = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['b'] }] }] } } };
  assert.equal(daemonPodTargetNode({ apiVersion: 'v1', kind: 'Pod', metadata: {}, spec: { affinity: pinned } }), 'b');
  assert.equal(daemonPodTargetNode({ apiVersion: 'v1', kind: 'Pod', metadata: {}, spec: 'garbage' }), undefined);
});
