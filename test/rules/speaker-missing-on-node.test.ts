import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ruleTester, runCase } from '../helpers/rule-tester.js';
import { ALL_KINDS, bgpAdvertisement, bgpPeer, bundleJson, endpointSlice, l2Advertisement } from '../helpers/cluster.js';
import { docs, pool, service } from '../helpers/services.js';
import { at, shift, nodeWith, speakerDs, speakerPodState, type SpeakerOpts, type TaintSpec } from '../helpers/pods.js';

const bundle = (text: string, kinds = ALL_KINDS) => ({ 'bundle.json': bundleJson(kinds), 'resources/c.yaml': text });
const without = (...kinds: string[]) => ALL_KINDS.filter((k) => !kinds.includes(k));
/** Position of a Node's metadata.name value. */
function nodeName(text: string, name: string): { line: number; column: number } {
  const p = at(text, `kind: Node\nmetadata:\n  name: ${name}\n`);
  return { line: p.line + 2, column: 9 };
}

const lan = pool('lan', ['10.0.0.0/24']);
const web = (ip = '10.0.0.1', spec: Record<string, string> = {}) => service('web', { spec: { clusterIPs: '[10.96.0.10]', ...spec }, status: [ip] });
const GPU: TaintSpec = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' };
const hostIn = (...n: string[]) => `[{ matchExpressions: [{ key: kubernetes.io/hostname, operator: In, values: [${n.join(', ')}] }] }]`;

/** Three nodes (node-c with the given taints/labels), speakers on node-a and node-b only. */
function cluster(o: { c?: Parameters<typeof nodeWith>[1]; ds?: SpeakerOpts; rest: string[]; pods?: string[] }): string {
  return docs(nodeWith('node-a'), nodeWith('node-b'), nodeWith('node-c', o.c), speakerDs(o.ds), ...(o.pods ?? ['node-a', 'node-b']).map((n) => speakerPodState(n)), ...o.rest);
}

// L2 everywhere, the Service announced by another node: the taint only costs a candidate
const tainted = cluster({ c: { taints: [GPU] }, rest: [lan, l2Advertisement('lan'), web(), endpointSlice('web', [{ node: 'node-a' }])] });
// BGP advertisement that selects node-a and node-c by name; NoExecute taint
const explicitNoExecute = cluster({
  c: { taints: [{ key: 'maintenance', effect: 'NoExecute' }] },
  rest: [lan, bgpPeer('router'), bgpAdvertisement('edge', { nodeSelectors: hostIn('node-a', 'node-c') }), web(), endpointSlice('web', [{ node: 'node-a' }])],
});
// an advertisement for node-c alone
const onlyNode = cluster({ c: { taints: [GPU] }, rest: [lan, l2Advertisement('lan', { nodeSelectors: hostIn('node-c') }), web(), endpointSlice('web', [{ node: 'node-a' }])] });
// the same without a Service: the advertisement alone is left with no speaker
const onlyNodeNoService = cluster({ c: { taints: [GPU] }, rest: [lan, l2Advertisement('lan', { nodeSelectors: hostIn('node-c') })] });
// node-c has NetworkUnavailable=True and no speaker, and the advertisement is for node-c alone
const netDown = (tag: string) => cluster({ c: { networkUnavailable: true }, ds: { tag }, rest: [lan, l2Advertisement('lan', { nodeSelectors: hostIn('node-c') })] });
// externalTrafficPolicy Local, the pods only on node-c: no candidate is left
const localOnly = cluster({ c: { taints: [GPU] }, rest: [lan, l2Advertisement('lan'), web('10.0.0.1', { externalTrafficPolicy: 'Local' }), endpointSlice('web', [{ node: 'node-c' }])] });
// BGP, Local policy, endpoints only on node-c
const bgpLocal = cluster({ c: { taints: [GPU] }, rest: [lan, bgpPeer('router'), bgpAdvertisement('edge'), web('10.0.0.1', { externalTrafficPolicy: 'Local' }), endpointSlice('web', [{ node: 'node-c' }])] });
// memberlist off: 10.0.0.1 elects node-b (sha256 order node-b, node-a, node-c), which has no speaker
const electedNoSpeaker = docs(
  nodeWith('node-a'),
  nodeWith('node-b'),
  nodeWith('node-c'),
  speakerDs().replace('        - { name: METALLB_ML_BIND_ADDR, valueFrom: { fieldRef: { fieldPath: status.podIP } } }\n', ''),
  speakerPodState('node-a'),
  speakerPodState('node-c'),
  lan,
  l2Advertisement('lan'),
  web('10.0.0.1'),
  endpointSlice('web', [{ node: 'node-a' }]),
);
// the speaker's nodeSelector asks for a label value node-c does not have; an advertisement names node-c
const selectorMismatch = cluster({
  c: { labels: { 'metallb.io/speaker': 'false' } },
  ds: { nodeSelector: { 'metallb.io/speaker': '"true"' } },
  rest: [lan, l2Advertisement('lan', { nodeSelectors: hostIn('node-a', 'node-c') }), web(), endpointSlice('web', [{ node: 'node-a' }])],
});
// required node affinity excludes node-c's zone; an advertisement names node-c
const affinity = `        nodeAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            nodeSelectorTerms:
            - matchExpressions:
              - { key: topology.kubernetes.io/zone, operator: NotIn, values: [zone-c] }
`;
const affinityMismatch = cluster({
  c: { labels: { 'topology.kubernetes.io/zone': 'zone-c' } },
  ds: { affinity },
  rest: [lan, bgpPeer('router'), bgpAdvertisement('edge', { nodeSelectors: hostIn('node-a', 'node-c') }), web(), endpointSlice('web', [{ node: 'node-a' }])],
});
// nothing keeps the pod away: it is simply missing
const missing = cluster({ rest: [lan, l2Advertisement('lan'), web(), endpointSlice('web', [{ node: 'node-a' }])] });
// placement on purpose: speakers only on labelled nodes, every-node advertisement, memberlist on
const placedAway = cluster({
  c: { labels: { 'metallb.io/speaker': 'no' } },
  ds: { nodeSelector: { 'metallb.io/speaker': 'yes' } },
  rest: [lan, l2Advertisement('lan'), web(), endpointSlice('web', [{ node: 'node-a' }])],
}).replace(/kind: Node\nmetadata:\n  name: node-(a|b)\n  labels:\n/g, (m) => `${m}    metallb.io/speaker: "yes"\n`);

ruleTester('speaker-missing-on-node', {
  valid: [
    { name: 'healthy: a speaker on every node', files: bundle(cluster({ pods: ['node-a', 'node-b', 'node-c'], rest: [lan, l2Advertisement('lan'), web(), endpointSlice('web', [{ node: 'node-a' }])] })) },
    {
      name: 'the pod of node-c exists but is pending (speaker-unavailable reports it)',
      files: bundle(docs(tainted, speakerPodState('node-c', { name: 'speaker-zz9', unscheduled: { reason: 'Unschedulable', message: "0/3 nodes are available: 1 node(s) didn't have free ports", targetNode: 'node-c' } }))),
    },
    { name: 'no advertisement selects node-c', files: bundle(cluster({ c: { taints: [GPU] }, rest: [lan, l2Advertisement('lan', { nodeSelectors: hostIn('node-a', 'node-b') }), web(), endpointSlice('web', [{ node: 'node-a' }])] })) },
    { name: 'node-c carries the exclude-from-external-load-balancers label', files: bundle(cluster({ c: { taints: [GPU], labels: { 'node.kubernetes.io/exclude-from-external-load-balancers': '' } }, rest: [lan, l2Advertisement('lan', { nodeSelectors: hostIn('node-c') })] })) },
    { name: 'speakers kept off node-c by their nodeSelector, every-node advertisement, memberlist on', files: bundle(placedAway) },
    { name: 'the taint is PreferNoSchedule and a pod runs there', files: bundle(cluster({ c: { taints: [{ key: 'dedicated', value: 'gpu', effect: 'PreferNoSchedule' }] }, pods: ['node-a', 'node-b', 'node-c'], rest: [lan, l2Advertisement('lan')] })) },
    { name: 'no speaker pod at all (speaker-unavailable reports it)', files: bundle(cluster({ c: { taints: [GPU] }, pods: [], rest: [lan, l2Advertisement('lan')] })) },
    { name: 'node-c has NetworkUnavailable=True, which MetalLB v0.13.10 honours: node-network-unavailable reports it', files: bundle(netDown('v0.13.10')) },
    { name: 'no advertisement at all', files: bundle(cluster({ c: { taints: [GPU] }, rest: [lan, web(), endpointSlice('web', [{ node: 'node-a' }])] })) },
    { name: 'Pods not captured', files: bundle(onlyNode, without('Pod')) },
    { name: 'DaemonSets not captured', files: bundle(onlyNode, without('DaemonSet')) },
    { name: 'Nodes not captured', files: bundle(onlyNode, without('Node')) },
  ],
  invalid: [
    {
      name: 'an untolerated NoSchedule taint, every-node advertisement: warning at the taint',
      files: bundle(tainted),
      errors: [
        {
          file: 'resources/c.yaml',
          ...shift(at(tainted, 'name: node-c', '- key: dedicated')),
          severity: 'warning',
          message: /^Node node-c runs no MetalLB speaker pod: the speaker DaemonSet metallb-system\/speaker does not run there: it does not tolerate the node's taint dedicated=gpu:NoSchedule; MetalLB cannot announce from it, although L2Advertisement "lan" selects it; the other nodes announce in its place$/,
        },
      ],
    },
    {
      name: 'a NoExecute taint on a node an advertisement names',
      files: bundle(explicitNoExecute),
      errors: [{ file: 'resources/c.yaml', ...shift(at(explicitNoExecute, 'name: node-c', '- key: maintenance')), severity: 'warning', message: /taint maintenance:NoExecute; .*although BGPAdvertisement "edge" selects it by nodeSelectors$/ }],
    },
    {
      name: 'the only node of an advertisement: error',
      files: bundle(onlyNode),
      errors: [{ file: 'resources/c.yaml', ...shift(at(onlyNode, 'name: node-c', '- key: dedicated')), severity: 'error', message: /; no node announces Service shop\/web, which node-c would announce with a speaker; no node that L2Advertisement "lan" selects runs a speaker, so it announces nothing$/ }],
    },
    {
      name: 'the only node of an advertisement, no Service yet: error',
      files: bundle(onlyNodeNoService),
      errors: [{ file: 'resources/c.yaml', ...shift(at(onlyNodeNoService, 'name: node-c', '- key: dedicated')), severity: 'error', message: /MetalLB cannot announce from it; no node that L2Advertisement "lan" selects runs a speaker, so it announces nothing$/ }],
    },
    {
      name: 'node-c has NetworkUnavailable=True, which MetalLB v0.13.9 ignores: its missing speaker matters',
      files: bundle(netDown('v0.13.9')),
      errors: [{ file: 'resources/c.yaml', ...nodeName(netDown('v0.13.9'), 'node-c'), severity: 'error', message: /^Node node-c runs no MetalLB speaker pod: .*no node that L2Advertisement "lan" selects runs a speaker, so it announces nothing$/ }],
    },
    {
      name: 'layer 2, Local policy, the endpoints only on the node: the Service loses its announcer',
      files: bundle(localOnly),
      errors: [{ file: 'resources/c.yaml', ...shift(at(localOnly, 'name: node-c', '- key: dedicated')), severity: 'error', message: /; no node announces Service shop\/web, which node-c would announce with a speaker$/ }],
    },
    {
      name: 'BGP, Local policy, the endpoints only on the node',
      files: bundle(bgpLocal),
      errors: [{ file: 'resources/c.yaml', ...shift(at(bgpLocal, 'name: node-c', '- key: dedicated')), severity: 'error', message: /no node announces Service shop\/web, which node-c would announce with a speaker$/ }],
    },
    {
      name: 'memberlist off: the layer 2 election picks the node without a speaker',
      files: bundle(electedNoSpeaker),
      errors: [{ file: 'resources/c.yaml', ...nodeName(electedNoSpeaker, 'node-b'), severity: 'error', message: /^Node node-b runs no MetalLB speaker pod: the speaker DaemonSet metallb-system\/speaker should run a pod there .*; no node announces Service shop\/web, which node-b would announce with a speaker \(memberlist is off/ }],
    },
    {
      name: "the speaker's nodeSelector wants another label value: at the node's label",
      files: bundle(selectorMismatch),
      errors: [{ file: 'resources/c.yaml', ...at(selectorMismatch, 'name: node-c', 'metallb.io/speaker: ', '"false"'), severity: 'warning', message: /does not run there: its nodeSelector metallb\.io\/speaker=true does not match \(the node has metallb\.io\/speaker=false\); .*although L2Advertisement "lan" selects it by nodeSelectors$/ }],
    },
    {
      name: 'required node affinity NotIn the node zone',
      files: bundle(affinityMismatch),
      errors: [{ file: 'resources/c.yaml', ...nodeName(affinityMismatch, 'node-c'), severity: 'warning', message: /its required node affinity does not match \(term 1: topology\.kubernetes\.io\/zone NotIn \[zone-c\]: the node has topology\.kubernetes\.io\/zone=zone-c\)/ }],
    },
    {
      name: 'nothing keeps the pod away, it is missing',
      files: bundle(missing),
      errors: [{ file: 'resources/c.yaml', ...nodeName(missing, 'node-c'), severity: 'warning', message: /should run a pod there \(its nodeSelector, affinity and tolerations admit the node\) but none exists/ }],
    },
  ],
});

test('speaker-missing-on-node: evidence names the tolerations, the DaemonSet and the advertisements; fix gives the toleration', async () => {
  const [f] = await runCase('speaker-missing-on-node', { name: 'evidence', files: bundle(tainted) });
  assert.deepEqual(f!.evidence, [
    "node-c: it does not tolerate the node's taint dedicated=gpu:NoSchedule",
    'speaker tolerations: none of its own (plus those the DaemonSet controller adds to every daemon pod: not-ready, unreachable for NoExecute only; disk-pressure, memory-pressure, pid-pressure, unschedulable, network-unavailable for NoSchedule)',
    'speaker pods on 2 node(s)',
    'L2Advertisement "lan" selects it (no nodeSelectors: every node)',
  ]);
  assert.match(f!.fix, /tolerations: - \{key: dedicated, operator: Exists, effect: NoSchedule\}.*kubectl taint node node-c dedicated:NoSchedule-/);
  assert.deepEqual(
    f!.objects.map((o) => `${o.kind}/${o.name}`),
    ['Node/node-c', 'DaemonSet/speaker'],
  );
});

test('speaker-missing-on-node: a toleration of the taint, or of every taint, lets the pod in (the missing pod then has no placement reason)', async () => {
  for (const tol of ['{ key: dedicated, operator: Equal, value: gpu, effect: NoSchedule }', '{ key: dedicated, operator: Exists }', '{ operator: Exists }']) {
    const text = cluster({ c: { taints: [GPU] }, ds: { tolerations: [tol] }, rest: [lan, l2Advertisement('lan'), web(), endpointSlice('web', [{ node: 'node-a' }])] });
    const [f] = await runCase('speaker-missing-on-node', { name: tol, files: bundle(text) });
    assert.match(f!.message, /should run a pod there/, tol);
  }
  for (const tol of ['{ key: dedicated, operator: Equal, value: cpu, effect: NoSchedule }', '{ key: dedicated, operator: Exists, effect: NoExecute }']) {
    const text = cluster({ c: { taints: [GPU] }, ds: { tolerations: [tol] }, rest: [lan, l2Advertisement('lan'), web(), endpointSlice('web', [{ node: 'node-a' }])] });
    const [f] = await runCase('speaker-missing-on-node', { name: tol, files: bundle(text) });
    assert.match(f!.message, /does not tolerate the node's taint dedicated=gpu:NoSchedule/, tol);
  }
});

test('speaker-missing-on-node: a NotReady node: the fix repairs the node, since the lifecycle controller keeps its not-ready taint', async () => {
  const NOT_READY: TaintSpec = { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' };
  const notReady = cluster({ c: { taints: [NOT_READY, GPU] }, rest: [lan, l2Advertisement('lan', { nodeSelectors: hostIn('node-c') })] }).replace(
    /(name: node-c\n[\s\S]*?- type: Ready\n    status: )"True"/,
    '$1"False"\n    reason: KubeletNotReady',
  );
  const [f] = await runCase('speaker-missing-on-node', { name: 'not ready', files: bundle(notReady) });
  assert.match(f!.message, /does not tolerate the node's taints node\.kubernetes\.io\/not-ready:NoSchedule, dedicated=gpu:NoSchedule/);
  assert.ok(f!.evidence.includes('node-c: node.kubernetes.io/not-ready:NoSchedule follows its condition Ready=False (the node reports Ready=False (KubeletNotReady)): the node lifecycle controller keeps it while the condition lasts'));
  assert.match(f!.fix, /^Repair the node rather than its taint: the node lifecycle controller keeps node\.kubernetes\.io\/not-ready:NoSchedule while Ready=False and puts it back if removed; see kubectl describe node node-c .*The DaemonSet controller tolerates not-ready and unreachable for NoExecute only/);
  // the other taint keeps its toleration advice; the condition taint gets none
  assert.match(f!.fix, /; and add a toleration to the speaker DaemonSet \(spec\.template\.spec\.tolerations: - \{key: dedicated, operator: Exists, effect: NoSchedule\}/);
  assert.doesNotMatch(f!.fix, /not-ready, operator: Exists|kubectl taint node node-c node\.kubernetes\.io\/not-ready/);
});
