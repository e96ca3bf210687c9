import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { KubeObject } from '../../src/sources/types.js';
import { announce, l2Order, l2ForNode, bgpForNode, endpointCanServe, type AnnounceInput } from '../../src/model/announce/index.js';
import { canonicalCommunities } from '../../src/model/announce/bgp.js';

// --- builders --------------------------------------------------------------------------------
const node = (name: string, labels: Record<string, string> = {}, networkUnavailable = false): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } },
  status: { conditions: [{ type: 'NetworkUnavailable', status: networkUnavailable ? 'True' : 'False' }, { type: 'Ready', status: 'True' }] },
});
const pool = (name: string, addresses: string[]): KubeObject => ({ apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', metadata: { name, namespace: 'metallb-system' }, spec: { addresses } });
const l2ad = (name: string, spec: Record<string, unknown> = {}): KubeObject => ({ apiVersion: 'metallb.io/v1beta1', kind: 'L2Advertisement', metadata: { name }, spec });
const bgpad = (name: string, spec: Record<string, unknown> = {}): KubeObject => ({ apiVersion: 'metallb.io/v1beta1', kind: 'BGPAdvertisement', metadata: { name }, spec });
const peer = (name: string, spec: Record<string, unknown> = {}): KubeObject => ({ apiVersion: 'metallb.io/v1beta2', kind: 'BGPPeer', metadata: { name }, spec: { myASN: 64500, peerASN: 64501, peerAddress: '10.1.1.1', ...spec } });
const onNodes = (...names: string[]) => [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: names }] }];

interface Ep {
  node?: string;
  ready?: boolean;
  serving?: boolean;
  addresses?: string[];
}
const slice = (eps: Ep[]): KubeObject => ({
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: { name: 'svc-abc', namespace: 'default', labels: { 'kubernetes.io/service-name': 'svc' } },
  endpoints: eps.map((e) => ({
    addresses: e.addresses ?? ['2.3.4.5'],
    ...(e.node ? { nodeName: e.node } : {}),
    conditions: { ...(e.ready !== undefined ? { ready: e.ready } : {}), ...(e.serving !== undefined ? { serving: e.serving } : {}) },
  })),
});
const service = (ips: string[], opts: { etp?: 'Local' | 'Cluster'; labels?: Record<string, string>; annotations?: Record<string, string>; type?: string } = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'svc', namespace: 'default', labels: opts.labels ?? {}, annotations: opts.annotations ?? {} },
  spec: { type: opts.type ?? 'LoadBalancer', externalTrafficPolicy: opts.etp ?? 'Cluster' },
  status: { loadBalancer: { ingress: ips.map((ip) => ({ ip })) } },
});

function input(p: Partial<Omit<AnnounceInput, 'endpointSlices'>> & { slices?: KubeObject[] }): AnnounceInput {
  return {
    nodes: p.nodes ?? [node('iris1'), node('iris2')],
    pools: p.pools ?? [pool('default', ['10.20.30.0/24'])],
    l2Advertisements: p.l2Advertisements ?? [],
    bgpAdvertisements: p.bgpAdvertisements ?? [],
    peers: p.peers ?? [],
    ...(p.communities ? { communities: p.communities } : {}),
    endpointSlices: (ns, name) => (ns === 'default' && name === 'svc' ? (p.slices ?? []) : []),
    ...(p.memberlistMembers ? { memberlistMembers: p.memberlistMembers } : {}),
    ignoreExcludeLB: p.ignoreExcludeLB ?? false,
  };
}

/** Per node: '' = announces, else MetalLB's reason, for layer 2. */
function l2Outcome(inp: AnnounceInput, svc: KubeObject): Record<string, string> {
  const r = announce(inp, svc);
  assert.ok(r.l2, `no l2 result: ${JSON.stringify(r)}`);
  return Object.fromEntries(inp.nodes.map((n) => [n.metadata.name!, l2ForNode(r.l2!, n.metadata.name!).reason ?? '']));
}
function bgpOutcome(inp: AnnounceInput, svc: KubeObject): Record<string, string> {
  const r = announce(inp, svc);
  assert.ok(r.bgp, `no bgp result: ${JSON.stringify(r)}`);
  return Object.fromEntries(inp.nodes.map((n) => [n.metadata.name!, bgpForNode(r.bgp!, n.metadata.name!).reason ?? '']));
}

// --- 4.2 test vectors -------------------------------------------------------------------------
describe('l2Order (SHA-256 of node#ip)', () => {
  test('spec 4.2 vectors', () => {
    assert.deepEqual(l2Order(['node-a', 'node-b', 'node-c'], '10.0.0.1'), ['node-b', 'node-a', 'node-c']);
    assert.deepEqual(l2Order(['node-a', 'node-b', 'node-c'], '10.0.0.2'), ['node-b', 'node-c', 'node-a']);
  });
  test('order does not depend on the input order', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 8 }), fc.nat(255), (names, last) => {
        const ip = `10.0.0.${last}`;
        assert.deepEqual(l2Order([...names].reverse(), ip), l2Order(names, ip));
      }),
      { numRuns: 200 },
    );
  });
  test('the election hashes Go canonical text of the first ingress IP', () => {
    const nodes = ['node-a', 'node-b', 'node-c'].map((n) => node(n));
    const inp = input({ nodes, pools: [pool('p', ['10.0.0.0/24', 'fd00::/64'])], l2Advertisements: [l2ad('all')], slices: [slice([{ node: 'node-a' }])] });
    // ::ffff:10.0.0.2 is the IPv4 address 10.0.0.2 for Go; dual stack: only the first IP counts
    const r = announce(inp, service(['::ffff:10.0.0.2', 'fd00::1']));
    assert.deepEqual(r.ips, ['10.0.0.2', 'fd00::1']);
    assert.deepEqual(r.l2!.candidates, ['node-b', 'node-c', 'node-a']);
    assert.equal(r.l2!.winner, 'node-b');
  });
});

// --- 4.1 ----------------------------------------------------------------------------------------
describe('service-level reasons (speaker SetBalancer)', () => {
  const inp = input({ l2Advertisements: [l2ad('all')], slices: [slice([{ node: 'iris1' }])] });
  const cases: [string, KubeObject, string | undefined][] = [
    ['not a LoadBalancer', service(['10.20.30.1'], { type: 'ClusterIP' }), 'notLoadBalancer'],
    ['no ingress', service([]), 'noIPAllocated'],
    ['hostname-only ingress is an invalid IP', { ...service([]), status: { loadBalancer: { ingress: [{ hostname: 'x.example' }] } } }, 'invalidIP'],
    ['leading-zero octet', service(['10.20.30.01']), 'invalidIP'],
    ['outside every pool', service(['10.99.0.1']), 'ipNotAllowed'],
    ['two IPs, one outside the pool', service(['10.20.30.1', '10.99.0.1']), 'ipNotAllowed'],
    ['inside the pool', service(['10.20.30.1']), undefined],
  ];
  for (const [desc, svc, reason] of cases) {
    test(desc, () => {
      const r = announce(inp, svc);
      assert.equal(r.reason, reason);
      assert.equal(r.pool, reason ? undefined : 'default');
    });
  }
  test('the pool is found by containment, across range entries, never by annotation', () => {
    const pools = [pool('a', ['10.0.0.0/24']), pool('b', ['192.168.1.10-192.168.1.20'])];
    const svc = service(['192.168.1.15']);
    (svc.metadata.annotations as Record<string, string>)['metallb.io/address-pool'] = 'a';
    assert.equal(announce(input({ pools }), svc).pool, 'b');
    assert.equal(announce(input({ pools }), service(['192.168.1.21'])).reason, 'ipNotAllowed');
  });
});

test('endpoint can-serve predicate', () => {
  assert.equal(endpointCanServe({}), true);
  assert.equal(endpointCanServe({ ready: true }), true);
  assert.equal(endpointCanServe({ ready: false }), false);
  assert.equal(endpointCanServe({ ready: false, serving: true }), true);
  assert.equal(endpointCanServe({ ready: false, serving: false }), false);
  assert.equal(endpointCanServe({ ready: true, serving: false }), true);
});

// --- 4.2 ------------------------------------------------------------------------------------------
// Which of iris1/iris2 wins for 10.20.30.1 with no preference: fixed by the hash, computed once.
const [FIRST, SECOND] = l2Order(['iris1', 'iris2'], '10.20.30.1') as [string, string];

describe('layer 2 per node (cases after TestShouldAnnounceFromNodes, TestShouldAnnounceEPSlices)', () => {
  test('hash winner for the two-node cases', () => {
    assert.deepEqual([FIRST, SECOND], ['iris2', 'iris1']);
  });
  const epOn = (n: string) => [slice([{ node: n, ready: true }])];
  const cases: { desc: string; ads: KubeObject[]; slices: KubeObject[]; etp?: 'Local'; exclude?: string[]; ignore?: boolean; want: Record<string, string> }[] = [
    { desc: 'ad only on iris1, endpoint on iris1: iris1 announces, iris2 has no ad', ads: [l2ad('a', { nodeSelectors: onNodes('iris1') })], slices: epOn('iris1'), want: { iris1: '', iris2: 'noMatchingAdvertisement' } },
    { desc: 'ETP Local, one ad per node, endpoint on iris1: iris1 announces', ads: [l2ad('a', { nodeSelectors: onNodes('iris1') }), l2ad('b', { nodeSelectors: onNodes('iris2') })], slices: epOn('iris1'), etp: 'Local', want: { iris1: '', iris2: 'notOwner' } },
    { desc: 'ad on both, ETP Cluster, endpoint on iris1: the hash picks iris2', ads: [l2ad('a')], slices: epOn('iris1'), want: { iris1: 'notOwner', iris2: '' } },
    { desc: 'endpoints on both, ad on iris1 only', ads: [l2ad('a', { nodeSelectors: onNodes('iris1') })], slices: [slice([{ node: 'iris1' }, { node: 'iris2' }])], want: { iris1: '', iris2: 'noMatchingAdvertisement' } },
    { desc: 'ETP Local, endpoint on iris1, ad on iris2: nobody', ads: [l2ad('a', { nodeSelectors: onNodes('iris2') })], slices: epOn('iris1'), etp: 'Local', want: { iris1: 'noMatchingAdvertisement', iris2: 'notOwner' } },
    { desc: 'iris2 excluded from LBs: iris1 announces', ads: [l2ad('a')], slices: epOn('iris1'), exclude: ['iris2'], want: { iris1: '', iris2: 'notOwner' } },
    { desc: 'iris1 excluded: iris2 announces', ads: [l2ad('a')], slices: epOn('iris1'), exclude: ['iris1'], want: { iris1: 'notOwner', iris2: '' } },
    { desc: 'both excluded: nobody', ads: [l2ad('a')], slices: epOn('iris1'), exclude: ['iris1', 'iris2'], want: { iris1: 'notOwner', iris2: 'notOwner' } },
    { desc: 'both excluded but --ignore-exclude-lb, ETP Local, endpoint on iris1', ads: [l2ad('a')], slices: epOn('iris1'), etp: 'Local', exclude: ['iris1', 'iris2'], ignore: true, want: { iris1: '', iris2: 'notOwner' } },
    { desc: 'no endpoint can serve: notOwner everywhere, even without an ad', ads: [l2ad('a', { nodeSelectors: onNodes('iris1') })], slices: [slice([{ node: 'iris1', ready: false }, { node: 'iris2', ready: false, serving: false }])], want: { iris1: 'notOwner', iris2: 'notOwner' } },
    { desc: 'terminating but serving endpoint counts', ads: [l2ad('a')], slices: [slice([{ node: 'iris1', ready: false, serving: true }])], want: { iris1: 'notOwner', iris2: '' } },
    { desc: 'ETP Local, the only local endpoint is not ready: nobody', ads: [l2ad('a')], slices: [slice([{ node: 'iris2', ready: false }, { ready: true }])], etp: 'Local', want: { iris1: 'notOwner', iris2: 'notOwner' } },
    { desc: 'no L2Advertisement for the pool', ads: [], slices: epOn('iris1'), want: { iris1: 'noMatchingAdvertisement', iris2: 'noMatchingAdvertisement' } },
  ];
  for (const c of cases) {
    test(c.desc, () => {
      const nodes = ['iris1', 'iris2'].map((n) => node(n, c.exclude?.includes(n) ? { 'node.kubernetes.io/exclude-from-external-load-balancers': '' } : {}));
      const inp = input({ nodes, l2Advertisements: c.ads, slices: c.slices, ignoreExcludeLB: c.ignore ?? false });
      assert.deepEqual(l2Outcome(inp, service(['10.20.30.1'], c.etp ? { etp: c.etp } : {})), c.want);
    });
  }

  test('NetworkUnavailable removes a node from the candidates; Ready does not matter', () => {
    const nodes = [node('iris1'), node('iris2', {}, true)];
    const r = announce(input({ nodes, l2Advertisements: [l2ad('a')], slices: epOn('iris1') }), service(['10.20.30.1']));
    assert.equal(r.l2!.winner, 'iris1');
    assert.deepEqual(r.l2!.excluded, [{ node: 'iris2', reason: 'nodeNetworkUnavailable' }]);
  });

  test('NetworkUnavailable: the first condition of the type decides, as IsNetworkUnavailable reads it', () => {
    const twice = (first: string, second: string): KubeObject => ({
      ...node('iris2'),
      status: { conditions: [{ type: 'NetworkUnavailable', status: first }, { type: 'NetworkUnavailable', status: second }] },
    });
    for (const [first, second, out] of [['False', 'True', false], ['True', 'False', true]] as const) {
      const r = announce(input({ nodes: [node('iris1'), twice(first, second)], l2Advertisements: [l2ad('a')], slices: epOn('iris1') }), service(['10.20.30.1']));
      assert.deepEqual(r.l2!.excluded, out ? [{ node: 'iris2', reason: 'nodeNetworkUnavailable' }] : [], `${first}, then ${second}`);
    }
  });

  test('memberlist: only live members are candidates; disabled means every Node', () => {
    const base = { l2Advertisements: [l2ad('a')], slices: epOn('iris1') };
    const on = announce(input({ ...base, memberlistMembers: new Set(['iris1', 'ghost']) }), service(['10.20.30.1']));
    assert.equal(on.l2!.winner, 'iris1');
    assert.deepEqual(on.l2!.candidates, ['iris1']);
    assert.deepEqual(on.l2!.excluded, [{ node: 'iris2', reason: 'notMemberlistMember' }]);
    const off = announce(input(base), service(['10.20.30.1']));
    assert.equal(off.l2!.winner, FIRST);
  });
});

describe('layer 2 service selectors and shared IPs (after TestL2ServiceSelectors, TestL2SharedIPWithServiceSelectors)', () => {
  const slices = [slice([{ node: 'iris1' }])];
  const cases: { desc: string; ads: KubeObject[]; labels?: Record<string, string>; annotations?: Record<string, string>; winner?: string; reason?: string }[] = [
    { desc: 'empty selectors match every service', ads: [l2ad('a')], winner: FIRST },
    { desc: 'matching selector', ads: [l2ad('a', { serviceSelectors: [{ matchLabels: { app: 'web' } }] })], labels: { app: 'web' }, winner: FIRST },
    { desc: 'non-matching selector', ads: [l2ad('a', { serviceSelectors: [{ matchLabels: { app: 'db' } }] })], labels: { app: 'web' }, reason: 'noMatchingAdvertisement' },
    { desc: 'selectors are ORed', ads: [l2ad('a', { serviceSelectors: [{ matchLabels: { app: 'db' } }, { matchLabels: { app: 'web' } }] })], labels: { app: 'web' }, winner: FIRST },
    { desc: 'allow-shared-ip with a serviceSelectors ad is refused', ads: [l2ad('a', { serviceSelectors: [{ matchLabels: { app: 'web' } }] })], labels: { app: 'web' }, annotations: { 'metallb.io/allow-shared-ip': 'k' }, reason: 'sharedIPWithServiceSelector' },
    { desc: 'deprecated allow-shared-ip too, even empty', ads: [l2ad('a', { serviceSelectors: [{ matchLabels: { app: 'web' } }] })], labels: { app: 'web' }, annotations: { 'metallb.universe.tf/allow-shared-ip': '' }, reason: 'sharedIPWithServiceSelector' },
    { desc: 'allow-shared-ip without serviceSelectors is fine', ads: [l2ad('a')], annotations: { 'metallb.io/allow-shared-ip': 'k' }, winner: FIRST },
    { desc: 'allow-shared-ip, mixed ads, one with a matching selector', ads: [l2ad('a'), l2ad('b', { serviceSelectors: [{ matchLabels: { app: 'web' } }] })], labels: { app: 'web' }, annotations: { 'metallb.io/allow-shared-ip': 'k' }, reason: 'sharedIPWithServiceSelector' },
    { desc: 'allow-shared-ip, the selector ad does not match: only the plain ad counts', ads: [l2ad('a'), l2ad('b', { serviceSelectors: [{ matchLabels: { app: 'db' } }] })], labels: { app: 'web' }, annotations: { 'metallb.io/allow-shared-ip': 'k' }, winner: FIRST },
    // TestL2ServiceSelectorFiltersCandidateNodes: only service-matching ads make candidates
    { desc: 'candidates come only from ads matching the service', ads: [l2ad('a', { nodeSelectors: onNodes(FIRST), serviceSelectors: [{ matchLabels: { app: 'db' } }] }), l2ad('b', { nodeSelectors: onNodes(SECOND), serviceSelectors: [{ matchLabels: { app: 'web' } }] })], labels: { app: 'web' }, winner: SECOND },
  ];
  for (const c of cases) {
    test(c.desc, () => {
      const r = announce(input({ l2Advertisements: c.ads, slices }), service(['10.20.30.1'], { labels: c.labels ?? {}, annotations: c.annotations ?? {} }));
      assert.equal(r.l2!.winner, c.winner);
      assert.equal(r.l2!.reason, c.reason);
    });
  }
});

describe('layer 2 preferred nodes and interfaces', () => {
  const slices = [slice([{ node: 'edge-a' }])];
  const nodes = [node('edge-a', { role: 'edge' }), node('edge-b', { role: 'edge' }), node('worker-a')];
  test('higher score wins; equal scores fall back to the hash (TestSortL2Candidates)', () => {
    const ad = l2ad('a', { preferredNodeSelectors: [{ weight: 100, preference: { matchLabels: { role: 'edge' } } }] });
    const r = announce(input({ nodes, l2Advertisements: [ad], slices }), service(['10.20.30.1']));
    assert.deepEqual(r.l2!.candidates, ['edge-b', 'edge-a', 'worker-a']);
    assert.deepEqual(r.l2!.scores, { 'edge-b': 100, 'edge-a': 100 });
  });
  test('weights add up within an ad and across ads; an ad scores only its own nodes', () => {
    const ads = [
      l2ad('a', { preferredNodeSelectors: [{ weight: 10, preference: { matchLabels: { role: 'edge' } } }, { weight: 5, preference: { matchLabels: { 'kubernetes.io/hostname': 'edge-a' } } }] }),
      l2ad('b', { nodeSelectors: onNodes('worker-a'), preferredNodeSelectors: [{ weight: 12, preference: {} }] }),
      l2ad('c', { nodeSelectors: onNodes('worker-a'), preferredNodeSelectors: [{ weight: 1, preference: { matchLabels: { role: 'edge' } } }] }),
    ];
    const r = announce(input({ nodes, l2Advertisements: ads, slices }), service(['10.20.30.1']));
    assert.deepEqual(r.l2!.scores, { 'edge-a': 15, 'worker-a': 12, 'edge-b': 10 });
    assert.deepEqual(r.l2!.candidates, ['edge-a', 'worker-a', 'edge-b']);
  });
  test('ETP Local drops a preferred node without local endpoints', () => {
    const ad = l2ad('a', { preferredNodeSelectors: [{ weight: 100, preference: { matchLabels: { 'kubernetes.io/hostname': 'edge-b' } } }] });
    const r = announce(input({ nodes, l2Advertisements: [ad], slices }), service(['10.20.30.1'], { etp: 'Local' }));
    assert.equal(r.l2!.winner, 'edge-a');
  });
  test('interfaces: union over the matching ads selecting the winner; one empty list = all', () => {
    const two = [node('n1')];
    const s = [slice([{ node: 'n1' }])];
    const r1 = announce(input({ nodes: two, l2Advertisements: [l2ad('a', { interfaces: ['eth1'] }), l2ad('b', { interfaces: ['eth0', 'eth1'] }), l2ad('c', { interfaces: ['eth9'], nodeSelectors: onNodes('other') })], slices: s }), service(['10.20.30.1']));
    assert.deepEqual(r1.l2!.interfaces, ['eth0', 'eth1']);
    const r2 = announce(input({ nodes: two, l2Advertisements: [l2ad('a', { interfaces: ['eth1'] }), l2ad('b')], slices: s }), service(['10.20.30.1']));
    assert.equal(r2.l2!.interfaces, undefined);
    assert.equal(r2.l2!.winner, 'n1');
  });
});

// --- 4.4 ------------------------------------------------------------------------------------------
describe('BGP per node (after TestBGPSpeakerEPSlices, TestShouldAnnounceExcludeLB, TestShouldAnnounceBGPServiceSelectors)', () => {
  const cases: { desc: string; ads: KubeObject[]; slices: KubeObject[]; etp?: 'Local'; exclude?: string[]; unavailable?: string[]; ignore?: boolean; labels?: Record<string, string>; want: Record<string, string> }[] = [
    { desc: 'ready endpoint, ETP Cluster: every node announces', ads: [bgpad('a')], slices: [slice([{ node: 'iris1' }])], want: { iris1: '', iris2: '' } },
    { desc: 'ETP Local, endpoint not on iris2', ads: [bgpad('a')], slices: [slice([{ node: 'iris1' }])], etp: 'Local', want: { iris1: '', iris2: 'noLocalEndpoints' } },
    { desc: 'empty endpoint list', ads: [bgpad('a')], slices: [], want: { iris1: 'noEndpoints', iris2: 'noEndpoints' } },
    { desc: 'only unhealthy endpoints', ads: [bgpad('a')], slices: [slice([{ node: 'iris1', ready: false }, { node: 'iris2', ready: false }])], want: { iris1: 'noEndpoints', iris2: 'noEndpoints' } },
    { desc: 'serving but not ready endpoint counts', ads: [bgpad('a')], slices: [slice([{ node: 'iris1', ready: false, serving: true }])], want: { iris1: '', iris2: '' } },
    { desc: 'an endpoint without addresses does not count', ads: [bgpad('a')], slices: [slice([{ node: 'iris1', addresses: [] }])], want: { iris1: 'noEndpoints', iris2: 'noEndpoints' } },
    { desc: 'ETP Local, no endpoint anywhere: noLocalEndpoints first', ads: [bgpad('a')], slices: [], etp: 'Local', want: { iris1: 'noLocalEndpoints', iris2: 'noLocalEndpoints' } },
    { desc: 'both excluded from LBs', ads: [bgpad('a')], slices: [slice([{ node: 'iris1' }])], exclude: ['iris1', 'iris2'], want: { iris1: 'nodeLabeledExcludeBalancers', iris2: 'nodeLabeledExcludeBalancers' } },
    { desc: 'both excluded, --ignore-exclude-lb', ads: [bgpad('a')], slices: [slice([{ node: 'iris1' }])], exclude: ['iris1', 'iris2'], ignore: true, want: { iris1: '', iris2: '' } },
    { desc: 'NetworkUnavailable before the exclusion label', ads: [bgpad('a')], slices: [slice([{ node: 'iris1' }])], exclude: ['iris2'], unavailable: ['iris2'], want: { iris1: '', iris2: 'nodeNetworkUnavailable' } },
    { desc: 'ad only for iris1: iris2 is not an owner', ads: [bgpad('a', { nodeSelectors: onNodes('iris1') })], slices: [slice([{ node: 'iris1' }])], want: { iris1: '', iris2: 'notOwner' } },
    { desc: 'no BGPAdvertisement: notOwner everywhere', ads: [], slices: [slice([{ node: 'iris1' }])], want: { iris1: 'notOwner', iris2: 'notOwner' } },
    { desc: 'non-matching service selector', ads: [bgpad('a', { serviceSelectors: [{ matchLabels: { app: 'db' } }] })], labels: { app: 'web' }, slices: [slice([{ node: 'iris1' }])], want: { iris1: 'noMatchingAdvertisement', iris2: 'noMatchingAdvertisement' } },
    { desc: 'one of two ads matches the service', ads: [bgpad('a', { serviceSelectors: [{ matchLabels: { app: 'db' } }] }), bgpad('b', { nodeSelectors: onNodes('iris2'), serviceSelectors: [{ matchLabels: { app: 'web' } }] })], labels: { app: 'web' }, slices: [slice([{ node: 'iris1' }])], want: { iris1: 'noMatchingAdvertisement', iris2: '' } },
    { desc: 'conflicting LOCAL_PREF between service-matching ads on a common node', ads: [bgpad('a', { localPref: 100, serviceSelectors: [{ matchLabels: { app: 'web' } }] }), bgpad('b', { localPref: 200, nodeSelectors: onNodes('iris2') })], labels: { app: 'web' }, slices: [slice([{ node: 'iris1' }])], want: { iris1: '', iris2: 'conflictingAdvertisements' } },
    { desc: 'different LOCAL_PREF, disjoint peers: no conflict', ads: [bgpad('a', { localPref: 100, peers: ['p1'] }), bgpad('b', { localPref: 200, peers: ['p2'] })], slices: [slice([{ node: 'iris1' }])], want: { iris1: '', iris2: '' } },
  ];
  for (const c of cases) {
    test(c.desc, () => {
      const nodes = ['iris1', 'iris2'].map((n) => node(n, c.exclude?.includes(n) ? { 'node.kubernetes.io/exclude-from-external-load-balancers': 'true' } : {}, c.unavailable?.includes(n) ?? false));
      const inp = input({ nodes, bgpAdvertisements: c.ads, slices: c.slices, ignoreExcludeLB: c.ignore ?? false });
      const svc = service(['10.20.30.1'], { ...(c.etp ? { etp: c.etp } : {}), labels: c.labels ?? {} });
      const want = c.want;
      assert.deepEqual(bgpOutcome(inp, svc), want);
      const r = announce(inp, svc).bgp!;
      assert.equal(r.announcingCount, Object.values(want).filter((v) => v === '').length);
      if (r.announcingCount === 0) assert.ok(r.reason && Object.values(want).includes(r.reason), `service-wide reason ${r.reason}`);
    });
  }
});

describe('BGP prefixes and sessions (after TestBGPSpeakerEPSlices multi-advertisement cases, TestNodeSelectors)', () => {
  const nodes = [node('iris1', { rack: 'a' }), node('iris2', { rack: 'b' })];
  const slices = [slice([{ node: 'iris1' }])];
  test('aggregation, LOCAL_PREF, communities (aliases resolved), peers', () => {
    const community: KubeObject = { apiVersion: 'metallb.io/v1beta1', kind: 'Community', metadata: { name: 'c' }, spec: { communities: [{ name: 'no-export', value: '65535:65281' }] } };
    const ads = [
      bgpad('agg', { aggregationLength: 24, aggregationLengthV6: 64, localPref: 100, communities: ['no-export', '1234:1', 'unknown-alias'] }),
      bgpad('host', { nodeSelectors: onNodes('iris1'), peers: ['p2'] }),
    ];
    // p1 takes both families; p2 and p3, IPv4 peers, their own (MetalLB v0.15.0+)
    const peers = [peer('p1', { dualStackAddressFamily: true }), peer('p2', { nodeSelectors: [{ matchLabels: { rack: 'a' } }] }), peer('p3', { nodeSelectors: [{ matchLabels: { rack: 'c' } }] })];
    const inp = input({ nodes, pools: [pool('dual', ['10.20.30.0/24', 'fd00:1::/48'])], bgpAdvertisements: ads, peers, communities: [community], slices });
    const r = announce(inp, service(['10.20.30.7', 'fd00:1::17', '10.20.30.9'])).bgp!;
    assert.deepEqual(r.prefixes, [
      { prefix: '10.20.30.0/24', advertisement: 'agg', localPref: 100, communities: ['1234:1', '65535:65281', 'unknown-alias'], peers: 'all' },
      { prefix: '10.20.30.7/32', advertisement: 'host', communities: [], peers: ['p2'] },
      { prefix: 'fd00:1::/64', advertisement: 'agg', localPref: 100, communities: ['1234:1', '65535:65281', 'unknown-alias'], peers: 'all' },
      { prefix: 'fd00:1::17/128', advertisement: 'host', communities: [], peers: ['p2'] },
      { prefix: '10.20.30.9/32', advertisement: 'host', communities: [], peers: ['p2'] },
    ]);
    const v1 = bgpForNode(r, 'iris1');
    assert.equal(v1.announce, true);
    assert.deepEqual(v1.sessions, ['p1', 'p2']);
    assert.deepEqual(
      v1.prefixes.map((p) => [p.prefix, p.sentTo]),
      [
        ['10.20.30.0/24', ['p1', 'p2']],
        ['10.20.30.7/32', ['p2']],
        ['fd00:1::/64', ['p1']],
        ['fd00:1::17/128', []],
        ['10.20.30.9/32', ['p2']],
      ],
    );
    const v2 = bgpForNode(r, 'iris2');
    assert.deepEqual(v2.sessions, ['p1']);
    assert.deepEqual(v2.prefixes.map((p) => [p.prefix, p.sentTo]), [['10.20.30.0/24', ['p1']], ['fd00:1::/64', ['p1']]]);
  });
  test("a session carries its peer's address family, both when unnumbered or dualStackAddressFamily, both in FRR modes before v0.15.0 unless disableMP", () => {
    const v4 = peer('v4');
    const v6 = peer('v6', { peerAddress: 'fd00:ff::1' });
    const dual = peer('dual', { dualStackAddressFamily: true });
    const unnumbered = peer('unnumbered', { peerAddress: undefined, interface: 'eth1' });
    const noMP = peer('nomp', { disableMP: true });
    const peers = [v4, v6, dual, unnumbered, noMP];
    const sent = (multiprotocolSessions: boolean) => {
      const inp = { ...input({ nodes, pools: [pool('dual', ['10.20.30.0/24', 'fd00:1::/48'])], bgpAdvertisements: [bgpad('a')], peers, slices }), multiprotocolSessions };
      return Object.fromEntries(bgpForNode(announce(inp, service(['10.20.30.7', 'fd00:1::17'])).bgp!, 'iris1').prefixes.map((p) => [p.prefix, p.sentTo]));
    };
    assert.deepEqual(sent(false), { '10.20.30.7/32': ['v4', 'dual', 'unnumbered', 'nomp'], 'fd00:1::17/128': ['v6', 'dual', 'unnumbered'] });
    assert.deepEqual(sent(true), { '10.20.30.7/32': ['v4', 'v6', 'dual', 'unnumbered', 'nomp'], 'fd00:1::17/128': ['v4', 'v6', 'dual', 'unnumbered'] });
  });

  test('communities as the speaker holds them: one per value, in LessThan order, large ones by their first part; the rest as written, last', () => {
    assert.deepEqual(canonicalCommunities(['65535:65282', '00100:1', '100:1', 'large:1:2:3', 'no-such-alias', 'large:0100:2:3', '65536:1']), [
      'large:1:2:3',
      'large:100:2:3',
      '100:1',
      '65535:65282',
      'no-such-alias',
      '65536:1',
    ]);
    assert.deepEqual(canonicalCommunities([]), []);
  });

  test('a peer name no BGPPeer has: the prefix goes to no session', () => {
    const inp = input({ nodes, bgpAdvertisements: [bgpad('a', { peers: ['typo'] })], peers: [peer('p1')], slices });
    const v = bgpForNode(announce(inp, service(['10.20.30.1'])).bgp!, 'iris2');
    assert.equal(v.announce, true);
    assert.deepEqual(v.prefixes.map((p) => p.sentTo), [[]]);
  });
});

describe('BGP compactness', () => {
  test('5,000 nodes: the result names scopes, not nodes, and expands per node', () => {
    const many = Array.from({ length: 5000 }, (_, i) => node(`n${i}`, i % 1000 === 0 ? { 'node.kubernetes.io/exclude-from-external-load-balancers': '' } : {}));
    const inp = input({ nodes: many, bgpAdvertisements: [bgpad('all')], peers: [peer('p1')], slices: [slice([{ node: 'n1' }])] });
    const r = announce(inp, service(['10.20.30.1'])).bgp!;
    assert.equal(r.announcingCount, 4995);
    assert.deepEqual(r.advertisements, [{ name: 'all', nodes: 'all' }]);
    assert.deepEqual(r.excluded.map((e) => e.node), ['n0', 'n1000', 'n2000', 'n3000', 'n4000']);
    assert.ok(JSON.stringify(r).length < 2000, `result is ${JSON.stringify(r).length} characters`);
    assert.equal(bgpForNode(r, 'n1').announce, true);
    assert.equal(bgpForNode(r, 'n1000').reason, 'nodeLabeledExcludeBalancers');
  });
});

// --- expansion agrees with a direct per-node evaluation of MetalLB's order of checks ---------------
describe('properties', () => {
  test('bgpForNode follows ShouldAnnounce order for random clusters', () => {
    const names = ['n0', 'n1', 'n2', 'n3'];
    const arb = fc.record({
      excl: fc.subarray(names),
      unav: fc.subarray(names),
      adNodes: fc.array(fc.option(fc.subarray(names, { minLength: 1 }), { nil: undefined }), { minLength: 0, maxLength: 3 }),
      adMatch: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
      localPrefs: fc.array(fc.constantFrom(0, 100), { minLength: 3, maxLength: 3 }),
      eps: fc.array(fc.record({ node: fc.constantFrom(...names), ready: fc.boolean() }), { maxLength: 3 }),
      local: fc.boolean(),
    });
    fc.assert(
      fc.property(arb, (c) => {
        const nodes = names.map((n) => node(n, c.excl.includes(n) ? { 'node.kubernetes.io/exclude-from-external-load-balancers': '' } : {}, c.unav.includes(n)));
        const ads = c.adNodes.map((sel, i) => bgpad(`ad${i}`, { ...(sel ? { nodeSelectors: onNodes(...sel) } : {}), ...(c.adMatch[i] ? {} : { serviceSelectors: [{ matchLabels: { app: 'other' } }] }), localPref: c.localPrefs[i] }));
        const inp = input({ nodes, bgpAdvertisements: ads, slices: [slice(c.eps.map((e) => ({ node: e.node, ready: e.ready })))] });
        const r = announce(inp, service(['10.20.30.1'], c.local ? { etp: 'Local' } : {})).bgp!;
        let count = 0;
        for (const n of names) {
          const inAd = (i: number) => !c.adNodes[i] || c.adNodes[i]!.includes(n);
          const mine = c.adNodes.map((_, i) => i).filter((i) => inAd(i) && c.adMatch[i]);
          const lps = new Set(mine.map((i) => c.localPrefs[i]));
          let want = '';
          if (!c.adNodes.some((_, i) => inAd(i))) want = 'notOwner';
          else if (mine.length === 0) want = 'noMatchingAdvertisement';
          else if (lps.size > 1) want = 'conflictingAdvertisements';
          else if (c.unav.includes(n)) want = 'nodeNetworkUnavailable';
          else if (c.excl.includes(n)) want = 'nodeLabeledExcludeBalancers';
          else if (c.local && !c.eps.some((e) => e.node === n && e.ready)) want = 'noLocalEndpoints';
          else if (!c.eps.some((e) => e.ready)) want = 'noEndpoints';
          if (want === '') count++;
          assert.equal(bgpForNode(r, n).reason ?? '', want, n);
        }
        assert.equal(r.announcingCount, count);
      }),
      { numRuns: 300 },
    );
  });

  test('layer 2: exactly one announcer iff the candidate list is non-empty, and it is the first candidate', () => {
    const names = ['n0', 'n1', 'n2', 'n3', 'n4'];
    const arb = fc.record({
      excl: fc.subarray(names),
      members: fc.option(fc.subarray(names), { nil: undefined }),
      adNodes: fc.array(fc.option(fc.subarray(names, { minLength: 1 }), { nil: undefined }), { maxLength: 3 }),
      eps: fc.array(fc.constantFrom(...names), { maxLength: 3 }),
      local: fc.boolean(),
      last: fc.nat(255),
    });
    fc.assert(
      fc.property(arb, (c) => {
        const nodes = names.map((n) => node(n, c.excl.includes(n) ? { 'node.kubernetes.io/exclude-from-external-load-balancers': '' } : {}));
        const ads = c.adNodes.map((sel, i) => l2ad(`ad${i}`, sel ? { nodeSelectors: onNodes(...sel) } : {}));
        const inp = input({ nodes, l2Advertisements: ads, slices: [slice(c.eps.map((n) => ({ node: n })))], ...(c.members ? { memberlistMembers: new Set(c.members) } : {}) });
        const l2 = announce(inp, service([`10.20.30.${c.last}`], c.local ? { etp: 'Local' } : {})).l2!;
        const eligible = names.filter(
          (n) => c.adNodes.some((s) => !s || s.includes(n)) && !c.excl.includes(n) && (!c.members || c.members.includes(n)) && (!c.local || c.eps.includes(n)) && c.eps.length > 0,
        );
        assert.deepEqual(l2.candidates, l2Order(eligible, `10.20.30.${c.last}`));
        const winners = names.filter((n) => l2ForNode(l2, n).announce);
        assert.deepEqual(winners, eligible.length ? [l2.candidates[0]] : []);
      }),
      { numRuns: 300 },
    );
  });
});
