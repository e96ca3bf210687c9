// The silent baseline: every rule, over the bundled healthy L2 and BGP clusters, reports nothing.
// A rule that fires here is noisy on a cluster that works.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadInputs } from '../../src/sources/load.js';
import { ClusterState } from '../../src/state/cluster-state.js';
import { RULES } from '../../src/rules/index.js';
import { runRules } from '../../src/rules/engine.js';
import { announcementOf } from '../../src/model/announcement.js';

for (const dir of ['examples/clusters/healthy-l2', 'examples/clusters/healthy-bgp']) {
  test(`every rule is silent on ${dir}, and every Service is announced`, async () => {
    const state = new ClusterState([{ load: await loadInputs([dir]), kind: 'snapshot', path: dir }]);
    assert.deepEqual(state.loadIssues, []);
    const run = runRules(RULES, state, { bgpBackend: state.metallb.bgpBackend ?? 'frr-k8s', disabled: new Set() });
    assert.deepEqual(run.errors, []);
    assert.deepEqual(run.findings.map((f) => `${f.rule}: ${f.message}`), []);
    const a = announcementOf(state);
    assert.equal(a.applies, true);
    const services = [...a.byService.values()].filter((e) => e.result.state !== 'ignored');
    assert.equal(services.length, 2);
    for (const e of services) assert.ok(e.announce && (e.announce.l2?.winner || (e.announce.bgp?.announcingCount ?? 0) > 0), `${e.svc.metadata?.name} is announced`);
  });
}
