import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { loadInputs } from '../../src/sources/load.js';
import { ClusterState } from '../../src/state/cluster-state.js';
import { announcementOf, hasRunningSpeaker } from '../../src/model/announcement.js';
import { bundleJson, node, speakerDaemonSet, speakerPod } from '../helpers/cluster.js';
import { docs } from '../helpers/services.js';

/** A speaker whose container runs but fails its readiness probe. */
const notReady = (n: string) => speakerPod(n, { containerState: '{ running: { startedAt: "2026-11-20T10:00:00Z" } }' }).replace('ready: true', 'ready: false').replace('status: "True"', 'status: "False"');

async function state(text: string): Promise<ClusterState> {
  const load = await loadInputs(['-'], { stdin: Readable.from([Buffer.from(text)]) });
  load.bundle = JSON.parse(bundleJson());
  return new ClusterState([{ load, kind: 'snapshot' }]);
}

test('a crash-looping speaker (pod Running, container waiting) is not running: no memberlist member, no announcer', async () => {
  const s = await state(docs(node('node-a'), node('node-b'), node('node-c'), speakerDaemonSet({ memberlist: true }), speakerPod('node-a'), speakerPod('node-b', { containerState: '{ waiting: { reason: CrashLoopBackOff } }' }), notReady('node-c')));
  const a = announcementOf(s);
  assert.equal(a.speaker.pods?.get('node-a')?.running, true);
  assert.equal(a.speaker.pods?.get('node-b')?.running, false);
  assert.equal(hasRunningSpeaker(a, 'node-b'), false);
  // running but not ready (a failing readiness probe) still speaks
  assert.equal(a.speaker.pods?.get('node-c')?.running, true);
  assert.equal(a.speaker.pods?.get('node-c')?.ready, false);
});

/** node-b cordoned (kubectl cordon sets spec.unschedulable). */
const cordoned = (name: string) => node(name).replace(/\nmetadata:/, '\nspec:\n  unschedulable: true\nmetadata:');

test('MetalLB v0.14.9 alone takes a cordoned node for unavailable (nodeUnschedulable), in layer 2 and BGP', async () => {
  const { pool, service } = await import('../helpers/services.js');
  const { l2Advertisement, bgpAdvertisement, bgpPeer, endpointSlice } = await import('../helpers/cluster.js');
  const cluster = (tag: string) =>
    docs(
      node('node-a'),
      cordoned('node-b'),
      speakerDaemonSet({ tag }),
      speakerPod('node-a'),
      speakerPod('node-b'),
      pool('lan', ['10.0.0.0/24']),
      l2Advertisement('lan'),
      bgpPeer('tor'),
      bgpAdvertisement('lan'),
      service('web', { spec: { clusterIPs: '[10.96.0.10]' }, status: ['10.0.0.1'] }),
      endpointSlice('web', [{ node: 'node-a' }, { node: 'node-b' }]),
    );
  for (const [tag, cordonCounts] of [['v0.14.9', true], ['v0.14.8', false], ['v0.15.0', false]] as const) {
    const s = await state(cluster(tag));
    const a = announcementOf(s);
    const r = [...a.byService.values()][0]!.announce!;
    const l2 = r.l2!.excluded.filter((e) => e.node === 'node-b').map((e) => e.reason);
    const bgp = r.bgp!.excluded.filter((e) => e.node === 'node-b').map((e) => e.reason);
    assert.deepEqual(l2, cordonCounts ? ['nodeUnschedulable'] : [], `${tag} layer 2`);
    assert.deepEqual(bgp, cordonCounts ? ['nodeUnschedulable'] : [], `${tag} BGP`);
  }
});
