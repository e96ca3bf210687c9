import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ruleTester, runCase } from '../helpers/rule-tester.js';
import { ALL_KINDS, bundleJson, endpointSlice, l2Advertisement, node, speakerDaemonSet } from '../helpers/cluster.js';
import { metallbController } from '../helpers/manifests.js';
import { docs, pool, service } from '../helpers/services.js';
import { at, configurationState } from '../helpers/installation-config.js';
import { KNOWN_ISSUES } from '../../src/model/known-issues.js';
import { releaseAtLeast } from '../../src/model/crds.js';

const controller = (tag: string) => metallbController({ tag });
const bundle = (text: string, captured = ALL_KINDS) => ({ 'bundle.json': bundleJson(captured), 'resources/c.yaml': text });

/** The FRR-mode speaker DaemonSet of config/manifests/metallb-frr.yaml, its init containers as v0.14.7 ships them (or fixed). */
const frrSpeaker = (tag: string, fixed = false) => `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: speaker
  namespace: metallb-system
  labels: { app: metallb, component: speaker }
spec:
  selector: { matchLabels: { app: metallb, component: speaker } }
  template:
    metadata:
      labels: { app: metallb, component: speaker }
    spec:
      initContainers:
      - name: cp-frr-files
        image: quay.io/frrouting/frr:9.1.0
        command: ["/bin/sh", "-c", "cp -rLf /tmp/frr/* /etc/frr/"]
      - name: cp-reloader
        image: quay.io/metallb/speaker:${tag}
        command: ${fixed ? '["/cp-tool", "/frr-reloader.sh", "/etc/frr_reloader/frr-reloader.sh"]' : '["/bin/sh", "-c", "cp -f /frr-reloader.sh /etc/frr_reloader/"]'}
      - name: cp-metrics
        image: quay.io/metallb/speaker:${tag}
        command: ${fixed ? '["/cp-tool", "/frr-metrics", "/etc/frr_metrics/frr-metrics"]' : '["/bin/sh", "-c", "cp -f /frr-metrics /etc/frr_metrics/"]'}
      containers:
      - name: speaker
        image: quay.io/metallb/speaker:${tag}
      - name: frr
        image: quay.io/frrouting/frr:9.1.0
`;

const cordoned = (name: string) => node(name).replace('status:\n', 'spec:\n  unschedulable: true\nstatus:\n');
const withIP = (name: string, ip: string, type = 'InternalIP') => node(name).replace('status:\n', `status:\n  addresses:\n  - type: ${type}\n    address: ${ip}\n`);

const notReadyPublished = (tag: string) =>
  docs(
    controller(tag),
    service('db', { spec: { publishNotReadyAddresses: 'true' }, status: ['10.0.0.1'] }),
    endpointSlice('db', [{ node: 'node-a', ready: true, serving: false }]),
  );
const frr = (tag: string, fixed = false) => docs(controller(tag), frrSpeaker(tag, fixed));
const cordon = (tag: string, ad = l2Advertisement('lan')) => docs(controller(tag), node('node-a'), cordoned('node-b'), pool('lan', ['10.0.0.0/24']), ad);
const priorityOnly = (tag: string, extra = '  serviceAllocation:\n    priority: 10\n') => docs(controller(tag), pool('reserved', ['10.0.1.0/24'], extra));
const nodeIP = (tag: string, type = 'InternalIP') => docs(controller(tag), withIP('node-a', '192.168.1.10', type), pool('lan', ['192.168.1.0/24']));
const orphan = (tag: string) => docs(controller(tag), node('node-a'), configurationState({ node: 'node-a', result: 'Valid' }), configurationState({ node: 'node-gone', result: 'Invalid', errorSummary: 'configuration error: x' }));
const noMemberlist = (tag: string, o: { memberlist?: boolean; l2?: boolean } = {}) =>
  docs(controller(tag), speakerDaemonSet({ tag, memberlist: o.memberlist ?? false }), node('node-a'), pool('lan', ['10.0.0.0/24']), ...(o.l2 === false ? [] : [l2Advertisement('lan')]));

ruleTester('metallb-version-known-issue', {
  valid: [
    { name: 'v0.14.8 fixed the FRR manifests', files: bundle(frr('v0.14.8', true)) },
    { name: 'v0.14.7 with the init containers fixed by hand', files: bundle(frr('v0.14.7', true)) },
    { name: 'v0.14.5 reads ready before serving', files: bundle(notReadyPublished('v0.14.5')) },
    { name: 'v0.14.4, EndpointSlices not captured', files: bundle(notReadyPublished('v0.14.4'), ALL_KINDS.filter((k) => k !== 'EndpointSlice')) },
    { name: 'v0.15.0 reverted the cordon behaviour', files: bundle(cordon('v0.15.0')) },
    {
      name: 'v0.14.9, the cordoned node is selected by no advertisement',
      files: bundle(cordon('v0.14.9', l2Advertisement('lan', { nodeSelectors: '[{ matchLabels: { kubernetes.io/hostname: node-a } }]' }))),
    },
    { name: 'v0.14.9, Nodes not captured', files: bundle(cordon('v0.14.9'), ALL_KINDS.filter((k) => k !== 'Node')) },
    { name: 'v0.15.0 matches every Service for a priority-only serviceAllocation', files: bundle(priorityOnly('v0.15.0')) },
    { name: 'v0.14.8, serviceAllocation with namespaces', files: bundle(priorityOnly('v0.14.8', '  serviceAllocation:\n    priority: 10\n    namespaces: [shop]\n')) },
    { name: 'v0.14.8, a priority-only pool that is not auto-assigned anyway', files: bundle(priorityOnly('v0.14.8', '  autoAssign: false\n  serviceAllocation:\n    priority: 10\n')) },
    { name: 'v0.15.1 reverted the node-IP check', files: bundle(nodeIP('v0.15.1')) },
    { name: 'v0.15.0 checked InternalIPs only', files: bundle(nodeIP('v0.15.0', 'ExternalIP')) },
    { name: 'v0.16.0 owns ConfigurationStates: the GC removes them', files: bundle(orphan('v0.16.0')) },
    { name: 'v0.15.0 elects among all nodes with memberlist off', files: bundle(noMemberlist('v0.15.0')) },
    { name: 'v0.14.8 with memberlist on', files: bundle(noMemberlist('v0.14.8', { memberlist: true })) },
    { name: 'v0.14.8 with memberlist off but no L2Advertisement', files: bundle(noMemberlist('v0.14.8', { l2: false })) },
    { name: 'release unknown (image tag main)', files: bundle(docs(frrSpeaker('main'), cordoned('node-b'), l2Advertisement('lan'))) },
  ],
  invalid: [
    {
      name: 'v0.14.7 FRR manifests: init containers run /bin/sh in the distroless speaker image',
      files: bundle(frr('v0.14.7')),
      errors: [
        {
          file: 'resources/c.yaml',
          ...at(frr('v0.14.7'), '["/bin/sh", "-c", "cp -f /frr-reloader.sh'),
          severity: 'warning',
          message: /^MetalLB v0\.14\.7 has a known defect \(frr-manifests-init-shell, v0\.14\.6 and v0\.14\.7, fixed in v0\.14\.8\) that applies here: the FRR-mode manifests/,
        },
      ],
    },
    {
      name: 'v0.14.4: an endpoint ready but not serving (publishNotReadyAddresses)',
      files: bundle(notReadyPublished('v0.14.4')),
      errors: [{ file: 'resources/c.yaml', ...at(notReadyPublished('v0.14.4'), 'false }'), message: /\(endpoint-serving-before-ready, v0\.14\.0 to v0\.14\.4, fixed in v0\.14\.5\)/ }],
    },
    {
      name: 'v0.14.9: a cordoned node the L2Advertisement selects',
      files: bundle(cordon('v0.14.9')),
      errors: [{ file: 'resources/c.yaml', ...at(cordon('v0.14.9'), 'true\nstatus'), message: /\(cordoned-node-withdraws, v0\.14\.9, fixed in v0\.15\.0\).*cordoned node \(spec\.unschedulable\)/ }],
    },
    {
      name: 'v0.14.8 with memberlist off and an L2Advertisement: no node is ever elected',
      files: bundle(noMemberlist('v0.14.8')),
      errors: [{ file: 'resources/c.yaml', ...at(noMemberlist('v0.14.8'), 'apiVersion: apps/v1\nkind: DaemonSet'), message: /\(memberlist-disabled-no-layer2, v0\.11\.0 to v0\.14\.9, fixed in v0\.15\.0\).*the layer 2 election has no candidate/ }],
    },
    {
      name: 'v0.14.8: a pool whose serviceAllocation has only a priority',
      files: bundle(priorityOnly('v0.14.8')),
      errors: [{ file: 'resources/c.yaml', ...at(priorityOnly('v0.14.8'), 'serviceAllocation:'), message: /\(priority-only-service-allocation, v0\.13\.8 to v0\.14\.9, fixed in v0\.15\.0\).*never assigns its addresses automatically/ }],
    },
    {
      name: "v0.15.0: a pool contains a node's InternalIP",
      files: bundle(nodeIP('v0.15.0')),
      errors: [{ file: 'resources/c.yaml', ...at(nodeIP('v0.15.0'), '192.168.1.0/24'), message: /\(pool-node-ip-check, v0\.15\.0, fixed in v0\.15\.1\).*every speaker rejects the whole configuration/ }],
    },
    {
      name: 'v0.15.3: the ConfigurationState of a removed node stays',
      files: bundle(orphan('v0.15.3')),
      errors: [{ file: 'resources/c.yaml', ...at(orphan('v0.15.3'), 'speaker-node-gone'), message: /\(configurationstate-not-collected, v0\.15\.3, fixed in v0\.16\.0\)/ }],
    },
  ],
});

test('metallb-version-known-issue: evidence quotes the facts, the version and the link', async () => {
  const [f] = await runCase('metallb-version-known-issue', { name: 'e', files: bundle(frr('v0.14.7')) });
  assert.deepEqual(f!.evidence, [
    'init container cp-reloader runs /bin/sh -c cp -f /frr-reloader.sh /etc/frr_reloader/ in image quay.io/metallb/speaker:v0.14.7',
    'init container cp-metrics runs /bin/sh -c cp -f /frr-metrics /etc/frr_metrics/ in image quay.io/metallb/speaker:v0.14.7',
    'MetalLB v0.14.7, from the image of Deployment "controller"',
    'fix: https://github.com/metallb/metallb/commit/6e57aff99cff5c1cbeb74eb3cd3c7b3ca7c8c226',
  ]);
  assert.equal(f!.objects.length, 2);
  const [g] = await runCase('metallb-version-known-issue', { name: 'ip', files: bundle(nodeIP('v0.15.0')) });
  assert.equal(g!.evidence[0], "IPAddressPool lan: 192.168.1.0/24 (CIDR 192.168.1.0/24) contains Node node-a's InternalIP 192.168.1.10");
});

test('metallb-version-known-issue: every table entry has a range, a link and a predicate', () => {
  assert.ok(KNOWN_ISSUES.length >= 3 && KNOWN_ISSUES.length <= 8, 'a small table');
  for (const i of KNOWN_ISSUES) {
    assert.match(i.link, /^https:\/\/github\.com\/metallb\/metallb\/(pull\/\d+|commit\/[0-9a-f]{40})$/, i.id);
    assert.ok(!releaseAtLeast(i.from, i.fixed), `${i.id}: from before fixed`);
    assert.match(i.releases, /^v0\.\d+\.\d+/, i.id);
  }
});
