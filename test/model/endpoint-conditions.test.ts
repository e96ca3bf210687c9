import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { loadInputs } from '../../src/sources/load.js';
import { ClusterState } from '../../src/state/cluster-state.js';
import { announcementOf, endpointConditionRule } from '../../src/model/announcement.js';
import { endpointCanServeAt } from '../../src/model/announce/common.js';
import { runRules } from '../../src/rules/engine.js';
import { RULES } from '../../src/rules/all.js';
import { bundleJson, endpointSlice, lanForBothProtocols, node, type EndpointOpts } from '../helpers/cluster.js';
import { service } from '../helpers/services.js';

async function state(text: string): Promise<ClusterState> {
  const load = await loadInputs(['-'], { stdin: Readable.from([Buffer.from(text)]) });
  load.bundle = JSON.parse(bundleJson());
  return new ClusterState([{ load, kind: 'snapshot' }]);
}

test('the release decides which endpoint conditions count: ready before v0.14.0, serving first to v0.14.4, either from v0.14.5', () => {
  assert.equal(endpointConditionRule('v0.13.12'), 'ready');
  assert.equal(endpointConditionRule('v0.14.0'), 'serving');
  assert.equal(endpointConditionRule('v0.14.4'), 'serving');
  assert.equal(endpointConditionRule('v0.14.5'), 'canServe');
  assert.equal(endpointConditionRule(undefined), 'canServe', 'an unknown release is taken as the newest');
  // [conditions, ready rule, serving rule, canServe rule]
  const table: Array<[object, boolean, boolean, boolean]> = [
    [{}, true, true, true],
    [{ ready: true, serving: true }, true, true, true],
    // a terminating pod that still serves
    [{ ready: false, serving: true, terminating: true }, false, true, true],
    [{ ready: false, serving: false }, false, false, false],
    [{ ready: false }, false, false, false],
    // serving set and false wins over an unset ready in v0.14.0 to v0.14.4 only
    [{ serving: false }, true, false, true],
    [{ ready: true, serving: false }, true, false, true],
  ];
  for (const [c, ready, serving, canServe] of table) {
    assert.equal(endpointCanServeAt(c, 'ready'), ready, `ready ${JSON.stringify(c)}`);
    assert.equal(endpointCanServeAt(c, 'serving'), serving, `serving ${JSON.stringify(c)}`);
    assert.equal(endpointCanServeAt(c, 'canServe'), canServe, `canServe ${JSON.stringify(c)}`);
  }
});

/** Two nodes, layer 2 and BGP for one pool, Service shop/web with the given EndpointSlices. */
const cluster = (tag: string, slices: string[], policy = 'Cluster'): string =>
  lanForBothProtocols(tag, [node('node-a'), node('node-b')], service('web', { spec: { clusterIPs: '[10.96.0.10]', externalTrafficPolicy: policy }, status: ['10.0.0.1'] }), ...slices);

async function announced(tag: string, slices: string[], policy?: string): Promise<{ l2?: string; bgp: number; findings: string[] }> {
  const s = await state(cluster(tag, slices, policy));
  const r = [...announcementOf(s).byService.values()][0]!.announce!;
  const findings = runRules(RULES, s, { bgpBackend: 'frr-k8s' }).findings.filter((f) => f.objects.some((o) => o.kind === 'Service')).map((f) => f.rule);
  return { l2: r.l2?.winner, bgp: r.bgp?.announcingCount ?? 0, findings };
}

const terminating: EndpointOpts[] = [{ node: 'node-a', ready: false, serving: true }];

test('a Service whose only pod is terminating but serving: announced from v0.14.0, withdrawn before (IsConditionReady)', async () => {
  const old = await announced('v0.13.12', [endpointSlice('web', terminating)]);
  assert.equal(old.l2, undefined, 'v0.13.12: no layer 2 winner');
  assert.equal(old.bgp, 0, 'v0.13.12: no BGP announcement');
  assert.ok(old.findings.includes('service-no-endpoints'), `v0.13.12 findings: ${old.findings}`);
  for (const tag of ['v0.14.0', 'v0.14.5', 'v0.16.1']) {
    const now = await announced(tag, [endpointSlice('web', terminating)]);
    assert.ok(now.l2 !== undefined, `${tag}: a layer 2 winner`);
    assert.equal(now.bgp, 2, `${tag}: both nodes announce by BGP`);
    assert.ok(!now.findings.includes('service-no-endpoints'), `${tag} findings: ${now.findings}`);
  }
});

test('service-no-endpoints says which conditions the release counts', async () => {
  const s = await state(cluster('v0.13.12', [endpointSlice('web', terminating)]));
  const f = runRules(RULES, s, { bgpBackend: 'frr-k8s' }).findings.find((x) => x.rule === 'service-no-endpoints')!;
  assert.match(f.message, /its only endpoint is not ready/);
  assert.ok(f.evidence.some((e) => /before v0\.14\.0 MetalLB ignores serving/.test(e)), f.evidence.join('\n'));
});

/** An endpoint with ready unset and serving false (hand-written slices). */
const servingFalse = `apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: web-manual
  namespace: shop
  labels:
    kubernetes.io/service-name: web
addressType: IPv4
endpoints:
- addresses: ["10.244.0.10"]
  conditions: { serving: false }
  nodeName: node-a
ports:
- port: 8080
  protocol: TCP
`;

test('serving false with ready unset: withdrawn by v0.14.0 to v0.14.4 alone', async () => {
  for (const [tag, serves] of [['v0.13.12', true], ['v0.14.2', false], ['v0.14.5', true]] as const) {
    const r = await announced(tag, [servingFalse]);
    assert.equal(r.bgp > 0, serves, `${tag} BGP`);
    assert.equal(r.l2 !== undefined, serves, `${tag} layer 2`);
  }
});

test('BGP before v0.16.0: an address that another slice lists as not serving is not healthy (hasHealthyEndpoint)', async () => {
  // the same pod address in two slices (two port sets), one of them says not ready
  const slices = [endpointSlice('web', [{ node: 'node-a', ip: '10.244.0.10' }], 'shop', 'web-http'), endpointSlice('web', [{ node: 'node-a', ip: '10.244.0.10', ready: false }], 'shop', 'web-metrics')];
  const before = await announced('v0.15.2', slices);
  assert.equal(before.bgp, 0, 'v0.15.2: the not-ready listing vetoes the address');
  assert.ok(before.l2 !== undefined, 'layer 2 takes any endpoint that can serve, in every release');
  const after = await announced('v0.16.0', slices);
  assert.equal(after.bgp, 2, 'v0.16.0: any endpoint with addresses that can serve');

  // under Local policy the veto holds per node: node-b's healthy address still counts
  const local = [...slices, endpointSlice('web', [{ node: 'node-b', ip: '10.244.0.11' }], 'shop', 'web-b')];
  const s = await state(cluster('v0.15.2', local, 'Local'));
  const r = [...announcementOf(s).byService.values()][0]!.announce!.bgp!;
  assert.deepEqual(r.localEndpointNodes, ['node-b']);
  assert.equal(r.announcingCount, 1);
  // a distinct healthy address next to the vetoed one keeps the Service announced
  const mixed = await announced('v0.15.2', [...slices, endpointSlice('web', [{ node: 'node-a', ip: '10.244.0.12' }], 'shop', 'web-c')]);
  assert.equal(mixed.bgp, 2);
});
