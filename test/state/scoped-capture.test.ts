// A live read takes some kinds only where rules look: `Kind@namespace` and `Kind@namespace/name`
// in bundle.json's captured list. ClusterState answers "was this read?" for exactly that scope,
// and a scope is a choice, not a gap.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ClusterState } from '../../src/state/cluster-state.js';
import type { Gap, KubeObject, LoadResult } from '../../src/sources/types.js';

function state(captured: string[], objects: KubeObject[] = [], gaps: Gap[] = []): ClusterState {
  const load: LoadResult = { objects, issues: [], files: 0, skippedNotKubernetes: 0, logFiles: [], bundle: { format: 'metallb-doctor-bundle/v1', captured, gaps } };
  return new ClusterState([{ load, kind: 'cluster' }]);
}
const svc = (ns: string, name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { namespace: ns, name }, spec: { type: 'LoadBalancer' } });

describe('scoped capture', () => {
  test('Kind@namespace covers that namespace only; without a namespace the question is "every object"', () => {
    const s = state(['Pod@metallb-system', 'Pod@kube-system', 'Node']);
    assert.equal(s.isCaptured('Pod', 'metallb-system'), true);
    assert.equal(s.isCaptured('Pod', 'kube-system'), true);
    assert.equal(s.isCaptured('Pod', 'shop'), false);
    assert.equal(s.isCaptured('Pod'), false);
    assert.equal(s.isCaptured('Node'), true);
    assert.equal(s.isCaptured('Node', 'anything'), true);
    assert.deepEqual([...s.capturedNamespaces('Pod')].sort(), ['kube-system', 'metallb-system']);
    assert.equal(s.capturedNamespaces('Node'), 'all');
  });

  test('Kind@namespace/name covers that object only', () => {
    const s = state(['Secret@metallb-system/memberlist']);
    assert.equal(s.isCaptured('Secret', 'metallb-system', 'memberlist'), true);
    assert.equal(s.isCaptured('Secret', 'metallb-system', 'other'), false);
    assert.equal(s.isCaptured('Secret', 'metallb-system'), false);
    assert.deepEqual(s.capturedNamespaces('Secret'), []);
  });

  test('a scoped kind is no gap; a kind not read at all is', () => {
    const s = state(['Pod@metallb-system', 'Secret@metallb-system/memberlist']);
    const gaps = s.gaps.map((g) => g.what);
    assert.ok(!gaps.includes('list Pod'));
    assert.ok(!gaps.includes('list Secret'));
    assert.ok(gaps.includes('list Node'));
  });

  test('a failed live read names its kind: no second "not in the input" gap for it', () => {
    const s = state(['Pod@kube-system'], [], [{ what: 'list Nodes', why: 'forbidden', kind: 'Node' }]);
    assert.deepEqual(s.gaps.filter((g) => g.what.includes('Node')), [{ what: 'list Nodes', why: 'forbidden', kind: 'Node' }]);
  });

  test('EndpointSlices per namespace: known for every LoadBalancer Service only when each namespace was read', () => {
    const objects = [svc('shop', 'web'), svc('data', 'db')];
    const some = state(['Service', 'EndpointSlice@shop'], objects);
    assert.equal(some.endpointSlicesCaptured('shop'), true);
    assert.equal(some.endpointSlicesCaptured('data'), false);
    assert.equal(some.endpointSlicesCaptured(), false);
    const both = state(['Service', 'EndpointSlice@shop', 'EndpointSlice@data'], objects);
    assert.equal(both.endpointSlicesCaptured(), true);
    const all = state(['Service', 'EndpointSlice'], objects);
    assert.equal(all.endpointSlicesCaptured('anywhere'), true);
  });
});
