// explain service end to end (in process): the healthy clusters, a pending Service, a Service no
// node announces, and bad references.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInProcess } from '../helpers/cli.js';
import { pipeOverLogs } from '../helpers/confirm.js';
import { ALL_KINDS, bundleJson, endpointSlice, l2Advertisement, node, speakerDaemonSet, speakerPod, threeNodes } from '../helpers/cluster.js';
import { docs, pool, service } from '../helpers/services.js';

const run = (args: string[]) => runInProcess(args);

interface ExplainJson {
  service: { namespace: string; name: string; ips: string[]; state: string; announcers: { node: string; protocol: string }[]; rules: string[] };
  verdict: string;
  steps: { title: string; status: string; evidence: string[]; confirm: string[] }[];
  findings: { rule: string }[];
}

function bundle(resources: string, manifest = bundleJson()): { dir: string; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'mlbd-explain-'));
  mkdirSync(join(dir, 'resources'));
  writeFileSync(join(dir, 'bundle.json'), manifest);
  writeFileSync(join(dir, 'resources', 'c.yaml'), resources);
  return { dir, done: () => rmSync(dir, { recursive: true, force: true }) };
}

describe('explain service', () => {
  test('an announced L2 Service: every step ok, the winner and the next in line, commands to confirm', async () => {
    const r = await run(['explain', 'service', 'shop/web', '--from', 'examples/clusters/healthy-l2', '-o', 'json']);
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out) as ExplainJson;
    assert.equal(j.service.state, 'announced');
    assert.deepEqual(j.service.announcers, [{ node: 'worker-2', protocol: 'layer2' }]);
    assert.deepEqual(j.steps.map((s) => s.status), ['ok', 'info', 'ok', 'ok', 'ok', 'ok']);
    const who = j.steps[4]!;
    assert.equal(who.title, 'Who announces it: worker-2 (layer 2)');
    assert.ok(who.evidence.some((e) => /worker-2 answers ARP for 192\.168\.1\.240 .*if it fails, worker-1 takes over/.test(e)), who.evidence.join('\n'));
    assert.ok(who.evidence.some((e) => /MetalLB reports \(ServiceL2Status .*\): node worker-2/.test(e)), who.evidence.join('\n'));
    assert.ok(who.confirm.some((c) => c.startsWith('arping -c 3 -I <interface> 192.168.1.240')));
    assert.ok(j.steps[3]!.evidence.some((e) => /not this node: cp-1: labelled node\.kubernetes\.io\/exclude-from-external-load-balancers/.test(e)));
  });

  test('why is the alias; text output numbers the steps', async () => {
    const r = await run(['why', 'service', 'shop/web', '--from', 'examples/clusters/healthy-bgp', '--no-color']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^shop\/web has 203\.0\.113\.1 \(pool public\) and is announced$/m);
    assert.match(r.out, /^5\. Who announces it: 2 node\(s\) by BGP {2}\[ok\]$/m);
    assert.match(r.out, /BGP: 2 node\(s\) announce 203\.0\.113\.1\/32: worker-1, worker-2; to peers tor/);
  });

  test('a pending Service: the allocation step is blocked with MetalLB\'s own error, and the finding is named', async () => {
    const b = bundle(docs(threeNodes(), pool('one', ['10.0.0.1/32']), l2Advertisement('l2'), service('a', { spec: { clusterIPs: '[10.96.0.10]' }, status: ['10.0.0.1'] }), service('b', { spec: { clusterIPs: '[10.96.0.11]' } }), endpointSlice('a', [{ node: 'node-a' }]), endpointSlice('b', [{ node: 'node-a' }])));
    try {
      const r = await run(['explain', 'service', 'shop/b', '--from', b.dir, '-o', 'json']);
      assert.equal(r.code, 2);
      const j = JSON.parse(r.out) as ExplainJson;
      assert.equal(j.service.state, 'pending');
      const blocked = j.steps.find((s) => s.status === 'blocked')!;
      assert.equal(blocked.title, 'No address: MetalLB cannot give it one');
      assert.ok(blocked.evidence.includes(`MetalLB's controller: Warning AllocationFailed "Failed to allocate IP for "shop/b": no available IPs"`), blocked.evidence.join('\n'));
      assert.ok(blocked.evidence.includes('cause: service-pool-exhausted'));
      assert.ok(j.findings.some((f) => f.rule === 'service-pool-exhausted'));
    } finally {
      b.done();
    }
  });

  test('no node may announce: each node with its reason', async () => {
    const nodes = docs(
      node('node-a', { labels: { 'node.kubernetes.io/exclude-from-external-load-balancers': '' } }),
      node('node-b', { networkUnavailable: true }),
      speakerDaemonSet(),
      speakerPod('node-a'),
      speakerPod('node-b'),
    );
    const b = bundle(docs(nodes, pool('lan', ['10.0.0.0/24']), l2Advertisement('l2'), service('web', { spec: { clusterIPs: '[10.96.0.10]' }, status: ['10.0.0.0'] }), endpointSlice('web', [{ node: 'node-a' }])));
    try {
      const r = await run(['explain', 'service', 'shop/web', '--from', b.dir, '-o', 'json']);
      const j = JSON.parse(r.out) as ExplainJson;
      assert.equal(j.service.state, 'not-announced');
      const may = j.steps.find((s) => s.title === 'The nodes that may announce it')!;
      assert.equal(may.status, 'blocked');
      assert.ok(may.evidence.includes('layer 2: not this node: node-a: labelled node.kubernetes.io/exclude-from-external-load-balancers'), may.evidence.join('\n'));
      assert.ok(may.evidence.includes('layer 2: not this node: node-b: condition NetworkUnavailable=True'), may.evidence.join('\n'));
      assert.equal(j.steps.find((s) => s.title === 'Nobody announces it')!.status, 'blocked');
    } finally {
      b.done();
    }
  });

  test('a Service of another class is not MetalLB\'s', async () => {
    const b = bundle(docs(threeNodes(), pool('lan', ['10.0.0.0/24']), l2Advertisement('l2'), service('web', { spec: { clusterIPs: '[10.96.0.10]', loadBalancerClass: 'x.io/lb' } })));
    try {
      const j = JSON.parse((await run(['explain', 'service', 'shop/web', '--from', b.dir, '-o', 'json'])).out) as ExplainJson;
      assert.equal(j.service.state, 'ignored');
      assert.deepEqual(j.steps.map((s) => [s.title, s.status]), [['MetalLB ignores this Service', 'blocked'], ['Findings about this Service', 'info']]);
      assert.deepEqual(j.findings.map((f) => f.rule), ['service-other-lb-class']);
    } finally {
      b.done();
    }
  });

  test('without memberlist a failed winner is not replaced; with it, the next in line takes over', async () => {
    for (const memberlist of [true, false]) {
      const b = bundle(docs(threeNodes({ memberlist }), pool('lan', ['10.0.0.0/24']), l2Advertisement('l2'), service('web', { spec: { clusterIPs: '[10.96.0.10]' }, status: ['10.0.0.1'] }), endpointSlice('web', [{ node: 'node-a' }])));
      try {
        const j = JSON.parse((await run(['explain', 'service', 'shop/web', '--from', b.dir, '-o', 'json'])).out) as ExplainJson;
        const who = j.steps.find((s) => s.title.startsWith('Who announces it'))!;
        const line = who.evidence.find((e) => e.includes(' answers ARP for '))!;
        if (memberlist) assert.match(line, /; if it fails, node-[abc] takes over$/, line);
        else assert.match(line, /; if it fails, no other node takes over while its Node object stays \(memberlist is off/, line);
      } finally {
        b.done();
      }
    }
  });

  test('BGP under externalTrafficPolicy Local without any endpoint: the speakers say noLocalEndpoints', async () => {
    const { bgpAdvertisement, bgpPeer } = await import('../helpers/cluster.js');
    for (const [policy, reason] of [['Local', 'noLocalEndpoints'], ['Cluster', 'noEndpoints']] as const) {
      const b = bundle(docs(threeNodes(), pool('wan', ['10.0.0.0/24']), bgpPeer('tor'), bgpAdvertisement('bgp'), service('web', { spec: { clusterIPs: '[10.96.0.10]', externalTrafficPolicy: policy }, status: ['10.0.0.1'] }), endpointSlice('web', [])));
      try {
        const j = JSON.parse((await run(['explain', 'service', 'shop/web', '--from', b.dir, '-o', 'json'])).out) as ExplainJson;
        const may = j.steps.find((s) => s.title === 'The nodes that may announce it')!;
        assert.ok(may.evidence.includes(`BGP: no endpoint can serve: every node withdraws the route (${reason})`), `${policy}: ${may.evidence.join('\n')}`);
      } finally {
        b.done();
      }
    }
  });

  test('an IPv6 Service announced by BGP to an IPv4 peer only: no router learns it, and the verdict says so', async () => {
    const { bgpAdvertisement, bgpPeer } = await import('../helpers/cluster.js');
    const svc = service('web', { spec: { clusterIPs: '["fd00:96::10"]', ipFamilies: '[IPv6]' }, status: ['fd00:10::5'] });
    const b = bundle(docs(threeNodes(), pool('lan6', ['fd00:10::/120']), bgpPeer('tor-v4'), bgpAdvertisement('lan6'), svc, endpointSlice('web', [{ node: 'node-a' }])));
    try {
      const j = JSON.parse((await run(['explain', 'service', 'shop/web', '--from', b.dir, '-o', 'json'])).out) as ExplainJson;
      const who = j.steps.find((s) => s.title.startsWith('Who announces it'))!;
      assert.equal(who.status, 'blocked');
      assert.ok(who.evidence.includes('BGP: no router learns fd00:10::5/128: tor-v4 takes IPv4 routes only (set dualStackAddressFamily: true on the BGPPeer, or add a peer with an IPv6 address)'), who.evidence.join('\n'));
      assert.ok(who.confirm.includes('show bgp ipv6 unicast fd00:10::5    # on the router: one path per announcing node'), who.confirm.join('\n'));
      assert.ok(!who.confirm.some((c) => c.startsWith('arping')), 'no ARP for a BGP-only Service');
      assert.match(j.verdict, /^shop\/web has fd00:10::5 \(pool lan6\) and is announced, but it is not reached: see "Who announces it/);
      assert.ok(j.findings.some((f) => f.rule === 'service-not-announced'), j.findings.map((f) => f.rule).join(', '));
    } finally {
      b.done();
    }
  });

  test('a dual-stack layer 2 Service: ARP for the IPv4 address, NDP for the IPv6 one, a probe for each', async () => {
    const svc = service('web', { spec: { clusterIPs: '[10.96.0.10, "fd00:96::10"]', ipFamilies: '[IPv4, IPv6]', ipFamilyPolicy: 'RequireDualStack' }, status: ['10.0.0.1', 'fd00:10::1'] });
    const b = bundle(docs(threeNodes(), pool('dual', ['10.0.0.0/24', 'fd00:10::/120']), l2Advertisement('l2'), svc, endpointSlice('web', [{ node: 'node-a' }])));
    try {
      const j = JSON.parse((await run(['explain', 'service', 'shop/web', '--from', b.dir, '-o', 'json'])).out) as ExplainJson;
      assert.equal(j.service.state, 'announced');
      const who = j.steps.find((s) => s.title.startsWith('Who announces it'))!;
      assert.ok(who.evidence.some((e) => / answers ARP for 10\.0\.0\.1 and NDP for fd00:10::1 on /.test(e)), who.evidence.join('\n'));
      assert.ok(!who.evidence.some((e) => e.includes('ARP/NDP')), who.evidence.join('\n'));
      assert.ok(who.confirm.some((c) => c.startsWith('arping -c 3 -I <interface> 10.0.0.1 ')), who.confirm.join('\n'));
      assert.ok(who.confirm.some((c) => c.startsWith('ndisc6 fd00:10::1 <interface> ')), who.confirm.join('\n'));
    } finally {
      b.done();
    }
  });

  test('IPAddressPools the input could not read are unknown, not none: no pending verdict, no invented event', async () => {
    const manifest = JSON.stringify({ ...JSON.parse(bundleJson(ALL_KINDS.filter((k) => k !== 'IPAddressPool'))), gaps: [{ what: 'list ipaddresspools.metallb.io', why: 'forbidden', kind: 'IPAddressPool' }] });
    const b = bundle(docs(threeNodes(), l2Advertisement('l2'), service('web', { spec: { clusterIPs: '[10.96.0.10]' }, status: ['10.0.0.1'] }), endpointSlice('web', [{ node: 'node-a' }])), manifest);
    try {
      const r = await run(['explain', 'service', 'shop/web', '--from', b.dir, '-o', 'json']);
      const j = JSON.parse(r.out) as ExplainJson;
      assert.equal(j.verdict, 'shop/web: its address is not known from this input (it lacks IPAddressPool)');
      const pools = j.steps.find((s) => s.title === 'The pools it may use')!;
      assert.ok(pools.evidence.includes('the input lacks IPAddressPool (list ipaddresspools.metallb.io: forbidden): which pools it may use is not known'), pools.evidence.join('\n'));
      assert.ok(!pools.evidence.some((e) => /there is no IPAddressPool/.test(e)));
      const addr = j.steps.find((s) => s.title.startsWith('The address'))!;
      assert.deepEqual([addr.title, addr.status], ['The address: not known from this input', 'info']);
      assert.ok(addr.evidence.includes('its status holds 10.0.0.1'), addr.evidence.join('\n'));
      assert.ok(!j.steps.some((s) => s.status === 'blocked'), j.steps.map((s) => `${s.title} ${s.status}`).join('\n'));
    } finally {
      b.done();
    }
  });

  test('no IPAddressPool at all: the reason is the model\'s, not quoted as an event MetalLB emits', async () => {
    const b = bundle(docs(threeNodes(), l2Advertisement('l2'), service('web', { spec: { clusterIPs: '[10.96.0.10]' } }), endpointSlice('web', [{ node: 'node-a' }])));
    try {
      const j = JSON.parse((await run(['explain', 'service', 'shop/web', '--from', b.dir, '-o', 'json'])).out) as ExplainJson;
      const step = j.steps.find((s) => s.title === 'No address: MetalLB cannot give it one')!;
      assert.equal(step.status, 'blocked');
      assert.ok(step.evidence.includes('why: no IPAddressPool: MetalLB clears the Service'), step.evidence.join('\n'));
      assert.ok(!step.evidence.some((e) => /Warning noPools/.test(e)), step.evidence.join('\n'));
    } finally {
      b.done();
    }
  });

  test('Local policy with the endpoint on a node the advertisement does not select: that node is named, and traffic enters nowhere', async () => {
    const ad = l2Advertisement('l2', { nodeSelectors: '[{ matchLabels: { kubernetes.io/hostname: node-a } }]' });
    const b = bundle(docs(threeNodes(), pool('lan', ['10.0.0.0/24']), ad, service('web', { spec: { clusterIPs: '[10.96.0.10]', externalTrafficPolicy: 'Local' }, status: ['10.0.0.1'] }), endpointSlice('web', [{ node: 'node-c' }])));
    try {
      const r = await run(['explain', 'service', 'shop/web', '--from', b.dir, '-o', 'json']);
      const j = JSON.parse(r.out) as ExplainJson;
      assert.equal(j.service.state, 'not-announced');
      const may = j.steps.find((s) => s.title === 'The nodes that may announce it')!;
      assert.ok(may.evidence.includes('layer 2: not these 2 nodes: node-b, node-c: no advertisement of the pool that matches the Service selects it'), may.evidence.join('\n'));
      const eps = j.steps.find((s) => s.title === 'Endpoints and where traffic enters')!;
      assert.equal(eps.status, 'blocked');
      assert.ok(eps.evidence.includes('endpoints on node-c, which no advertisement matching the Service selects: under externalTrafficPolicy Local no traffic enters there'), eps.evidence.join('\n'));
    } finally {
      b.done();
    }
  });

  test('an address the model allocates but the status does not hold: not "has", and the address step is not ok', async () => {
    const b = bundle(docs(threeNodes(), pool('lan', ['10.0.0.0/24']), l2Advertisement('l2'), service('web', { spec: { clusterIPs: '[10.96.0.10]' } }), endpointSlice('web', [{ node: 'node-a' }])));
    try {
      const j = JSON.parse((await run(['explain', 'service', 'shop/web', '--from', b.dir, '-o', 'json'])).out) as ExplainJson;
      assert.match(j.verdict, /^shop\/web has no address yet \(MetalLB's allocation gives it 10\.0\.0\.0, pool lan\)/);
      const addr = j.steps.find((s) => s.title.startsWith('The address'))!;
      assert.notEqual(addr.status, 'ok');
      assert.ok(addr.evidence.some((e) => e.startsWith('its status holds no address yet: 10.0.0.0 is what MetalLB\'s allocation gives it')), addr.evidence.join('\n'));
      if (j.findings.some((f) => f.rule === 'service-pending')) assert.equal(addr.status, 'blocked');
    } finally {
      b.done();
    }
  });

  test('BGP: a selected node without a running speaker is named among those that do not announce', async () => {
    const { bgpAdvertisement, bgpPeer } = await import('../helpers/cluster.js');
    const b = bundle(docs(threeNodes(), node('node-d'), pool('wan', ['10.0.0.0/24']), bgpPeer('tor'), bgpAdvertisement('bgp'), service('web', { spec: { clusterIPs: '[10.96.0.10]' }, status: ['10.0.0.1'] }), endpointSlice('web', [{ node: 'node-a' }])));
    try {
      const j = JSON.parse((await run(['explain', 'service', 'shop/web', '--from', b.dir, '-o', 'json'])).out) as ExplainJson;
      assert.deepEqual(j.service.announcers.map((x) => x.node), ['node-a', 'node-b', 'node-c']);
      const may = j.steps.find((s) => s.title === 'The nodes that may announce it')!;
      assert.ok(may.evidence.includes('BGP: not this node: node-d: no running speaker'), may.evidence.join('\n'));
    } finally {
      b.done();
    }
  });

  test('layer 2 under Local policy with endpoints also outside the advertisement: the elected node takes the traffic, the step stays ok', async () => {
    const ad = l2Advertisement('l2', { nodeSelectors: '[{ matchLabels: { kubernetes.io/hostname: node-a } }]' });
    const b = bundle(docs(threeNodes(), pool('lan', ['10.0.0.0/24']), ad, service('web', { spec: { clusterIPs: '[10.96.0.10]', externalTrafficPolicy: 'Local' }, status: ['10.0.0.1'] }), endpointSlice('web', [{ node: 'node-a' }, { node: 'node-c' }])));
    try {
      const j = JSON.parse((await run(['explain', 'service', 'shop/web', '--from', b.dir, '-o', 'json'])).out) as ExplainJson;
      assert.deepEqual(j.service.announcers.map((x) => x.node), ['node-a']);
      assert.equal(j.steps.find((s) => s.title === 'Endpoints and where traffic enters')!.status, 'ok');
    } finally {
      b.done();
    }
  });

  test('bad references: one line, exit 3, with a suggestion', async () => {
    const r = await run(['explain', 'service', 'default/web', '--from', 'examples/clusters/healthy-l2']);
    assert.equal(r.code, 3);
    assert.equal(r.err, 'metallb-doctor: explain service default/web: no such Service in examples/clusters/healthy-l2 (did you mean shop/web?)\n');
    assert.equal((await run(['explain', 'pod', 'x', '--from', 'examples/clusters/healthy-l2'])).code, 3);
    assert.equal((await run(['explain', 'service', 'shop/web'])).code, 3);
  });
});

describe('explain service with logs', () => {
  const scenario = (name: string) => join(import.meta.dirname, '..', 'fixtures', 'logs', 'scenarios', name);

  test("a last step quotes what the logs say about the Service, trouble last: a warning", async () => {
    const r = await runInProcess(['explain', 'service', 'default/db', '--from', scenario('allocation-failed'), '-o', 'json']);
    const report = JSON.parse(r.out) as { steps: { title: string; status: string; evidence: string[] }[]; findings: { rule: string }[] };
    const step = report.steps.at(-1)!;
    assert.match(step.title, /^What MetalLB's logs say about it: \d+ event\(s\), \d+ of trouble$/);
    assert.equal(step.status, 'warning');
    assert.ok(step.evidence.some((l) => /controller allocation-failed: IP allocation failed: no available IPs/.test(l)), step.evidence.join('\n'));
    // only this Service's events
    assert.ok(step.evidence.every((l) => !/default\/(?!db)/.test(l)));
    // the log finding about it is among the Service's findings
    assert.ok(report.findings.some((f) => f.rule === 'log-allocation-failed'));
  });

  test('without logs there is no such step', async () => {
    const r = await runInProcess(['explain', 'service', 'shop/web', '--from', join(import.meta.dirname, '..', '..', 'examples', 'clusters', 'healthy-l2'), '-o', 'json']);
    const steps = (JSON.parse(r.out) as { steps: { title: string }[] }).steps;
    assert.ok(!steps.some((s) => /logs say/.test(s.title)));
  });

  test('the commands to confirm by hand find the lines of a manifests install at v0.14.9, which names only the address in serviceAnnounced', async () => {
    const dir = scenario('split-brain');
    const r = await runInProcess(['explain', 'service', 'default/web', '--from', dir, '-o', 'json']);
    const steps = (JSON.parse(r.out) as ExplainJson).steps;
    const who = steps.find((s) => s.title.startsWith('Who announces it'))!;
    const announced = who.confirm.find((c) => c.includes('serviceAnnounced'))!;
    // the DaemonSet's own selector (not the Helm labels), and the address, not the name
    assert.match(announced, /^kubectl -n metallb-system logs -l app=metallb,component=speaker -c speaker --tail=-1 --prefix \| /);
    const lines = pipeOverLogs(announced, dir);
    assert.ok(lines.length > 0 && lines.every((l) => /"event":"serviceAnnounced","ips":\["192\.168\.10\.202"\]/.test(l)), lines.join('\n'));
    // split brain: two speakers announce it
    assert.deepEqual([...new Set(lines.map((l) => l.split(' ')[0]))].sort(), ['[pod/speaker-7xk2p/speaker]', '[pod/speaker-m4dzn/speaker]']);
    // and the step says so (service-multiple-announcers is an error): not ok
    assert.equal(who.status, 'warning');
    assert.ok(who.evidence.includes('MetalLB was seen announcing it otherwise: error service-multiple-announcers (see "Findings about this Service")'), who.evidence.join('\n'));
    // v0.14.9 has ServiceL2Status but not yet ServiceBGPStatus: asking for both makes kubectl fail
    assert.ok(who.confirm.includes('kubectl get servicel2statuses.metallb.io -A'), who.confirm.join('\n'));
    const logs = steps.at(-1)!;
    const speakerLogs = logs.confirm.find((c) => c.startsWith('kubectl'))!;
    assert.match(speakerLogs, /-l app=metallb,component=speaker -c speaker /);
    assert.ok(pipeOverLogs(speakerLogs, dir).some((l) => l.includes('"start reconcile":"default/web"')));
  });

  test("the controller's lines about a pending Service: IP allocation failed names no Service, so the reconcile brackets find it", async () => {
    const dir = scenario('allocation-failed');
    const r = await runInProcess(['explain', 'service', 'default/db', '--from', dir, '-o', 'json']);
    const step = (JSON.parse(r.out) as ExplainJson).steps.at(-1)!;
    const controller = step.confirm.find((c) => c.includes('-c controller'))!;
    assert.ok(controller, step.confirm.join('\n'));
    const lines = pipeOverLogs(controller, dir);
    assert.ok(lines.some((l) => l.includes('"msg":"IP allocation failed"')), lines.join('\n'));
    assert.ok(lines.every((l) => !/"(start|end) reconcile":"default\/(?!db")/.test(l)), lines.join('\n'));
  });
});
