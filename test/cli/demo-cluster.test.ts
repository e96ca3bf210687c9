// diag over examples/demo-cluster (in process): each planted problem is reported on the object it
// was planted on, and nothing else of warning or worse is (see the spoilers in its README.md).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runInProcess } from '../helpers/cli.js';

const DEMO = 'examples/demo-cluster';

interface ObjectRef {
  kind: string;
  namespace?: string;
  name: string;
}
interface Finding {
  rule: string;
  severity: string;
  message: string;
  objects: ObjectRef[];
}
interface DiagJson {
  metallb: { namespace: string; version?: string; bgpBackend?: string; installedBy?: string };
  health: { status: string };
  findings: Finding[];
  services: { namespace: string; name: string; ips: string[]; state: string; announcers: { node: string; protocol: string; peers?: string[] }[]; rules: string[] }[];
  nodes: { name: string; speaker: string; announces: boolean; excludedBy: string[] }[];
  gaps: unknown[];
}

interface Expected {
  rule: string;
  severity: 'critical' | 'error' | 'warning';
  /** the object the problem was planted on (namespace omitted for cluster-scoped objects) */
  on: ObjectRef;
  problem: string;
}

const EXPECTED: Expected[] = [
  // 1. the speaker on worker-4 crash-loops
  { problem: 'crash-looping speaker', rule: 'speaker-unavailable', severity: 'error', on: { kind: 'Pod', namespace: 'metallb-system', name: 'metallb-speaker-fpqzs' } },
  // 2. pool "public" is full, and edge/openvpn asks for it
  { problem: 'pool exhausted', rule: 'pool-exhausted', severity: 'error', on: { kind: 'IPAddressPool', namespace: 'metallb-system', name: 'public' } },
  { problem: 'pool exhausted', rule: 'service-pool-exhausted', severity: 'error', on: { kind: 'Service', namespace: 'edge', name: 'openvpn' } },
  { problem: 'pool exhausted', rule: 'service-pending', severity: 'error', on: { kind: 'Service', namespace: 'edge', name: 'openvpn' } },
  // 3. data/postgres (Local) has its only endpoint on worker-5, which no L2Advertisement selects
  { problem: 'Local Service without an announcing node', rule: 'service-no-announcing-node', severity: 'error', on: { kind: 'Service', namespace: 'data', name: 'postgres' } },
  // 4. worker-3 labelled exclude-from-external-load-balancers by hand
  { problem: 'worker excluded by hand', rule: 'node-excluded-from-lb', severity: 'warning', on: { kind: 'Node', name: 'worker-3' } },
  // 5. kube-proxy in IPVS mode without strictARP, with L2Advertisement "lan"
  { problem: 'IPVS without strictARP', rule: 'kube-proxy-strict-arp', severity: 'error', on: { kind: 'ConfigMap', namespace: 'kube-system', name: 'kube-proxy' } },
  // 6. BGPPeer tor-rack2 names the BFD profile "fast-bfd", which does not exist
  { problem: 'missing BFD profile', rule: 'bgppeer-bfd-profile-missing', severity: 'error', on: { kind: 'BGPPeer', namespace: 'metallb-system', name: 'tor-rack2' } },
];

const WARNING_OR_WORSE = new Set(['critical', 'error', 'warning']);

/** A finding names the object (a position-only subject may carry no namespace). */
function names(f: Finding, o: ObjectRef): boolean {
  return f.objects.some((x) => x.kind === o.kind && x.name === o.name && (x.namespace === undefined || x.namespace === (o.namespace ?? x.namespace)));
}

const show = (fs: Finding[]) => fs.map((f) => `${f.severity} ${f.rule}: ${f.objects.map((o) => `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`).join(', ')}`).join('\n');

let cached: Promise<{ code: number; json: DiagJson; err: string }> | undefined;
function diag(): Promise<{ code: number; json: DiagJson; err: string }> {
  cached ??= runInProcess(['diag', '--from', DEMO, '-o', 'json']).then((r) => ({ code: r.code, json: JSON.parse(r.out) as DiagJson, err: r.err }));
  return cached;
}

describe('diag over the demo cluster', () => {
  test('reads the bundle whole: MetalLB found, no gap, no warning on stderr, exit code 2', async () => {
    const { code, json, err } = await diag();
    assert.equal(err, '');
    assert.equal(code, 2);
    assert.deepEqual(json.metallb, { namespace: 'metallb-system', version: 'v0.15.2', bgpBackend: 'frr', installedBy: 'helm' });
    assert.deepEqual(json.gaps, []);
    assert.equal(json.health.status, 'error');
  });

  for (const e of EXPECTED) {
    test(`${e.problem}: ${e.rule} on ${e.on.kind} ${e.on.namespace ? `${e.on.namespace}/` : ''}${e.on.name}`, async () => {
      const { json } = await diag();
      const hits = json.findings.filter((f) => f.rule === e.rule && names(f, e.on));
      assert.equal(hits.length, 1, `expected one ${e.rule} finding on ${e.on.name}; findings:\n${show(json.findings)}`);
      assert.equal(hits[0]!.severity, e.severity, hits[0]!.message);
    });
  }

  test('no other finding of warning or worse', async () => {
    const { json } = await diag();
    const unexpected = json.findings.filter((f) => WARNING_OR_WORSE.has(f.severity) && !EXPECTED.some((e) => e.rule === f.rule && names(f, e.on)));
    assert.deepEqual(unexpected, [], `unexpected findings:\n${show(unexpected)}`);
    assert.equal(json.findings.filter((f) => WARNING_OR_WORSE.has(f.severity)).length, EXPECTED.length, show(json.findings));
  });

  test('the Services: 19 announced as the speakers report, postgres not announced, openvpn pending', async () => {
    const { json } = await diag();
    const by = new Map(json.services.map((s) => [`${s.namespace}/${s.name}`, s]));
    assert.equal(json.services.length, 21);
    assert.equal(json.services.filter((s) => s.state === 'announced').length, 19);
    assert.equal(by.get('data/postgres')!.state, 'not-announced');
    assert.deepEqual(by.get('data/postgres')!.rules, ['service-no-announcing-node']);
    assert.equal(by.get('edge/openvpn')!.state, 'pending');
    // the dual-stack Service and an ETP Local one shared over BGP from both racks
    assert.deepEqual(by.get('monitoring/grafana')!.ips, ['192.168.50.240', '2001:db8:50::240']);
    assert.deepEqual(
      by.get('edge/ingress-nginx')!.announcers.map((a) => `${a.node} ${a.protocol}`),
      ['worker-1 bgp', 'worker-5 bgp'],
    );
    // the nodes that never announce: the control plane and worker-3 by their label, worker-4
    // because its speaker crash-loops (its pod is Running, its container is not)
    const excluded = json.nodes.filter((n) => n.excludedBy.length > 0).map((n) => `${n.name}: ${n.excludedBy.join(', ')}`);
    assert.deepEqual(excluded, [
      'cp-1: node.kubernetes.io/exclude-from-external-load-balancers',
      'worker-3: node.kubernetes.io/exclude-from-external-load-balancers',
      'worker-4: no running speaker',
    ]);
    assert.equal(json.nodes.find((n) => n.name === 'worker-4')!.speaker, 'not-ready');
  });

  test('the text report exits 2 and names every planted rule', async () => {
    const r = await runInProcess(['diag', '--from', DEMO, '--no-color']);
    assert.equal(r.code, 2, r.err);
    for (const rule of new Set(EXPECTED.map((e) => e.rule))) assert.match(r.out, new RegExp(`\\[${rule}\\]`));
  });
});
