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
  const { service } = await import('../helpers/services.js');
  const { endpointSlice, lanForBothProtocols } = await import('../helpers/cluster.js');
  const cluster = (tag: string) =>
    lanForBothProtocols(tag, [node('node-a'), cordoned('node-b')], service('web', { spec: { clusterIPs: '[10.96.0.10]' }, status: ['10.0.0.1'] }), endpointSlice('web', [{ node: 'node-a' }, { node: 'node-b' }]));
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

test('a what-if shares its baseline\'s layer-2 elections, and elects exactly as a fresh state would', async () => {
  const { applyChanges } = await import('../../src/model/whatif.js');
  const load = await loadInputs(['examples/demo-cluster']);
  const base = new ClusterState([{ load, kind: 'snapshot' }]);
  const baseline = announcementOf(base);
  const winners = (s: ClusterState) => [...announcementOf(s).byService].map(([svc, e]) => `${svc.metadata?.namespace}/${svc.metadata?.name}=${e.announce?.l2?.winner ?? '-'}`);
  const groups = baseline.input.elections!.size;
  assert.ok(groups > 0, 'the demo elects in layer 2');
  let moved = 0;
  for (const n of base.all('Node')) {
    const after = applyChanges(base, [{ kind: 'fail-node', node: n.metadata!.name! }]);
    assert.equal(after.lineage, base.lineage);
    assert.equal(announcementOf(after).input.elections, baseline.input.elections, 'one memo for the lineage');
    // the same objects in a state of its own lineage: every election computed afresh
    const fresh = new ClusterState([{ load: { ...load, objects: [...after.objects], bundle: { ...load.bundle!, captured: [...after.captured] } }, kind: 'snapshot' }], { controllerRunning: true });
    assert.notEqual(fresh.lineage, base.lineage);
    assert.deepEqual(winners(after), winners(fresh), `--fail-node ${n.metadata!.name}`);
    if (winners(after).join() !== winners(base).join()) moved++;
  }
  assert.ok(moved > 0, 'some failure moves an address, so the memo was not merely replayed');
  assert.ok(baseline.input.elections!.size > groups, 'a failed candidate makes a new candidate list, elected afresh');
});

test("--ignore-exclude-lb is read as Go's flag.Bool reads it", async () => {
  const cases: [string[], boolean][] = [
    [[], false],
    [['--ignore-exclude-lb'], true],
    [['-ignore-exclude-lb'], true],
    // a boolean flag never takes the next argument: "false" is not its value
    [['--ignore-exclude-lb', 'false'], true],
    [['--ignore-exclude-lb=1'], true],
    [['--ignore-exclude-lb=True'], true],
    [['--ignore-exclude-lb=t'], true],
    [['--ignore-exclude-lb=false'], false],
    [['--ignore-exclude-lb=0'], false],
    // the last one counts
    [['--ignore-exclude-lb', '--ignore-exclude-lb=F'], false],
    [['--ignore-exclude-lb=false', '--ignore-exclude-lb'], true],
    // a value Go refuses: the speaker would not start; nothing is ignored
    [['--ignore-exclude-lb=yes'], false],
  ];
  for (const [args, want] of cases) {
    const s = await state(docs(node('node-a'), speakerDaemonSet({ args }), speakerPod('node-a')));
    assert.equal(announcementOf(s).speaker.ignoreExcludeLB, want, args.join(' ') || '(no flag)');
  }
});

test('memberlist off: MetalLB v0.13 to v0.14 elects no node in layer 2; v0.11 and v0.12 still elect under Local policy; v0.15 elects among all nodes', async () => {
  const { pool, service } = await import('../helpers/services.js');
  const { l2Advertisement, endpointSlice } = await import('../helpers/cluster.js');
  const cluster = (tag: string, policy: 'Local' | 'Cluster') =>
    docs(
      node('node-a'),
      node('node-b'),
      speakerDaemonSet({ tag, memberlist: false }),
      speakerPod('node-a'),
      speakerPod('node-b'),
      pool('lan', ['10.0.0.0/24']),
      l2Advertisement('lan'),
      service('web', { spec: { clusterIPs: '[10.96.0.10]', externalTrafficPolicy: policy }, status: ['10.0.0.1'] }),
      endpointSlice('web', [{ node: 'node-a' }]),
    );
  const cases: [string, 'Local' | 'Cluster', boolean][] = [
    ['v0.14.9', 'Cluster', false],
    ['v0.14.9', 'Local', false],
    ['v0.13.0', 'Local', false],
    ['v0.12.1', 'Cluster', false],
    ['v0.12.1', 'Local', true],
    ['v0.15.0', 'Cluster', true],
    ['v0.15.0', 'Local', true],
  ];
  for (const [tag, policy, elects] of cases) {
    const a = announcementOf(await state(cluster(tag, policy)));
    const l2 = [...a.byService.values()][0]!.announce!.l2!;
    assert.equal(l2.winner !== undefined, elects, `${tag} ${policy}: ${JSON.stringify(l2)}`);
    if (!elects) {
      assert.equal(l2.reason, 'notOwner');
      assert.deepEqual(l2.excluded, [{ node: 'node-a', reason: 'memberlistDisabled' }, { node: 'node-b', reason: 'memberlistDisabled' }]);
      assert.match(a.speaker.notes.join('\n'), new RegExp(`MetalLB ${tag.replaceAll('.', '\\.')} then elects no node in layer 2`));
    }
  }
});

test('the release decides: advertisement serviceSelectors from v0.16.0 (L2 and BGP), the exclude label from v0.14.0', async () => {
  const { pool, service } = await import('../helpers/services.js');
  const { l2Advertisement, bgpAdvertisement, bgpPeer, endpointSlice } = await import('../helpers/cluster.js');
  const selectsOthers = { serviceSelectors: '[{ matchLabels: { app: other } }]' };
  const selectors = (tag: string) =>
    docs(node('node-a'), speakerDaemonSet({ tag }), speakerPod('node-a'), pool('lan', ['10.0.0.0/24']), l2Advertisement('l2', selectsOthers), bgpPeer('tor'), bgpAdvertisement('bgp', selectsOthers), service('web', { spec: { clusterIPs: '[10.96.0.10]' }, status: ['10.0.0.1'] }), endpointSlice('web', [{ node: 'node-a' }]));
  for (const [tag, matches] of [['v0.15.3', true], ['v0.16.0', false]] as const) {
    const r = [...announcementOf(await state(selectors(tag))).byService.values()][0]!.announce!;
    assert.equal(r.l2!.winner, matches ? 'node-a' : undefined, `${tag} layer 2`);
    assert.equal(r.bgp!.announcingCount, matches ? 1 : 0, `${tag} BGP`);
  }
  const labelled = (tag: string) =>
    docs(node('node-a', { labels: { 'node.kubernetes.io/exclude-from-external-load-balancers': '' } }), speakerDaemonSet({ tag }), speakerPod('node-a'), pool('lan', ['10.0.0.0/24']), l2Advertisement('l2'), bgpPeer('tor'), bgpAdvertisement('bgp'), service('web', { spec: { clusterIPs: '[10.96.0.10]' }, status: ['10.0.0.1'] }), endpointSlice('web', [{ node: 'node-a' }]));
  for (const [tag, honoured] of [['v0.13.12', false], ['v0.14.0', true]] as const) {
    const r = [...announcementOf(await state(labelled(tag))).byService.values()][0]!.announce!;
    assert.equal(r.l2!.winner, honoured ? undefined : 'node-a', `${tag} layer 2`);
    assert.deepEqual(r.bgp!.excluded.map((e) => e.reason), honoured ? ['nodeLabeledExcludeBalancers'] : [], `${tag} BGP`);
  }
});

test('L2Advertisement.preferredNodeSelectors count only after v0.16.1 (before, the API server drops the field)', async () => {
  const { pool, service } = await import('../helpers/services.js');
  const { l2Advertisement, endpointSlice } = await import('../helpers/cluster.js');
  const cluster = (tag: string, preferred?: string) =>
    docs(
      node('node-a', { labels: { tier: 'a' } }),
      node('node-b', { labels: { tier: 'b' } }),
      speakerDaemonSet({ tag }),
      speakerPod('node-a'),
      speakerPod('node-b'),
      pool('lan', ['10.0.0.0/24']),
      l2Advertisement('l2', preferred ? { extra: `  preferredNodeSelectors:\n  - weight: 10\n    preference: { matchLabels: { tier: ${preferred} } }\n` } : {}),
      service('web', { spec: { clusterIPs: '[10.96.0.10]' }, status: ['10.0.0.1'] }),
      endpointSlice('web', [{ node: 'node-a' }, { node: 'node-b' }]),
    );
  const winner = async (text: string) => [...announcementOf(await state(text)).byService.values()][0]!.announce!.l2!.winner;
  const byHash = (await winner(cluster('v0.16.1')))!;
  const other = byHash === 'node-a' ? 'b' : 'a';
  assert.equal(await winner(cluster('v0.16.1', other)), byHash, 'v0.16.1: the hash order alone');
  assert.equal(await winner(cluster('v0.16.2', other)), `node-${other}`, 'after v0.16.1: the preferred node');
});

test('a speaker pod being deleted has left the memberlist: not running; during a rollout its running successor speaks', async () => {
  const terminating = (n: string, name = `speaker-${n}`) => speakerPod(n).replace(`name: speaker-${n}\n`, `name: ${name}\n  deletionTimestamp: "2026-11-20T10:05:00Z"\n`);
  const s = await state(docs(node('node-a'), node('node-b'), speakerDaemonSet({ memberlist: true }), speakerPod('node-a'), terminating('node-b')));
  const a = announcementOf(s);
  assert.equal(a.speaker.pods?.get('node-a')?.running, true);
  assert.equal(a.speaker.pods?.get('node-b')?.running, false);
  assert.equal(hasRunningSpeaker(a, 'node-b'), false);
  const rollout = announcementOf(await state(docs(node('node-a'), speakerDaemonSet({ memberlist: true }), terminating('node-a', 'speaker-old'), speakerPod('node-a'))));
  assert.equal(rollout.speaker.pods?.get('node-a')?.pod.metadata?.name, 'speaker-node-a');
  assert.equal(hasRunningSpeaker(rollout, 'node-a'), true);
});
