import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { loadInputs } from '../../src/sources/load.js';
import { ClusterState } from '../../src/state/cluster-state.js';
import { announcementOf, hasRunningSpeaker } from '../../src/model/announcement.js';
import { bundleJson, node, speakerDaemonSet, speakerPod } from '../helpers/cluster.js';
import { docs } from '../helpers/services.js';

/** A speaker pod whose phase is Running while its container crash-loops (what kubectl shows for CrashLoopBackOff). */
const crashLooping = (nodeName: string, containerState: string) => `apiVersion: v1
kind: Pod
metadata:
  name: speaker-${nodeName}
  namespace: metallb-system
  labels: { app: metallb, component: speaker }
spec:
  nodeName: ${nodeName}
  containers:
  - name: speaker
    image: quay.io/metallb/speaker:v0.15.2
status:
  phase: Running
  conditions:
  - type: Ready
    status: "False"
  containerStatuses:
  - name: speaker
    image: quay.io/metallb/speaker:v0.15.2
    ready: false
    restartCount: 12
    state: ${containerState}
`;

async function state(text: string): Promise<ClusterState> {
  const load = await loadInputs(['-'], { stdin: Readable.from([Buffer.from(text)]) });
  load.bundle = JSON.parse(bundleJson());
  return new ClusterState([{ load, kind: 'snapshot' }]);
}

test('a crash-looping speaker (pod Running, container waiting) is not running: no memberlist member, no announcer', async () => {
  const s = await state(docs(node('node-a'), node('node-b'), node('node-c'), speakerDaemonSet({ memberlist: true }), speakerPod('node-a'), crashLooping('node-b', '{ waiting: { reason: CrashLoopBackOff } }'), crashLooping('node-c', '{ running: { startedAt: "2026-11-20T10:00:00Z" } }')));
  const a = announcementOf(s);
  assert.equal(a.speaker.pods?.get('node-a')?.running, true);
  assert.equal(a.speaker.pods?.get('node-b')?.running, false);
  assert.equal(hasRunningSpeaker(a, 'node-b'), false);
  // running but not ready (a failing readiness probe) still speaks
  assert.equal(a.speaker.pods?.get('node-c')?.running, true);
  assert.equal(a.speaker.pods?.get('node-c')?.ready, false);
});
