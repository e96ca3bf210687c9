import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ruleTester, runCase } from '../helpers/rule-tester.js';
import { ALL_KINDS, bundleJson, endpointSlice, l2Advertisement, threeNodes } from '../helpers/cluster.js';
import { docs, pool, service } from '../helpers/services.js';
import { at } from '../helpers/network.js';

const failedText = (ip: string, node: string) => `the interfaces specified by LB IP "${ip}" doesn''t exist in assigned node "${node}" with protocol "layer2"`;

/** A core/v1 Event as the speaker's recorder writes it (source component metallb-speaker). */
const coreEvent = (o: { reason?: string; ip?: string; node?: string; svc?: string; component?: string } = {}) => `apiVersion: v1
kind: Event
metadata:
  name: ${o.svc ?? 'web'}.17f3a2b4c5d6e7f8
  namespace: shop
involvedObject:
  apiVersion: v1
  kind: Service
  name: ${o.svc ?? 'web'}
  namespace: shop
reason: ${o.reason ?? 'announceFailed'}
message: '${failedText(o.ip ?? '192.168.1.240', o.node ?? 'node-b')}'
type: Warning
count: 12
firstTimestamp: "2026-11-20T09:00:00Z"
lastTimestamp: "2026-11-20T09:55:00Z"
source:
  component: ${o.component ?? 'metallb-speaker'}
`;

/** The same, read through events.k8s.io/v1. */
const eventsV1 = `apiVersion: events.k8s.io/v1
kind: Event
metadata:
  name: web.17f3a2b4c5d6e7f9
  namespace: shop
regarding:
  kind: Service
  name: web
  namespace: shop
reason: announceFailed
note: '${failedText('192.168.1.240', 'node-b')}'
type: Warning
eventTime: null
reportingController: metallb-speaker
series:
  count: 4
  lastObservedTime: "2026-11-20T09:58:00.000000Z"
`;

const l2Status = (nodeName: string) => `apiVersion: metallb.io/v1beta1
kind: ServiceL2Status
metadata:
  name: l2-abcde
  namespace: metallb-system
status:
  node: ${nodeName}
  serviceName: web
  serviceNamespace: shop
`;

const lan = pool('lan', ['192.168.1.240-192.168.1.250']);
const web = service('web', { spec: { clusterIPs: '[10.96.0.10]' }, status: ['192.168.1.240'] });
const eps = endpointSlice('web', [{ node: 'node-a' }, { node: 'node-b' }]);
const base = (...more: string[]) => docs(threeNodes(), lan, web, eps, ...more);
const restricted = l2Advertisement('lan', { interfaces: ['eth1'] });
const bundle = (text: string, captured = ALL_KINDS) => ({ 'bundle.json': bundleJson(captured), 'resources/c.yaml': text });

const failing = base(restricted, coreEvent());
const viaEventsV1 = base(restricted, eventsV1);
const noServices = docs(threeNodes(), lan, restricted, coreEvent());

ruleTester('l2-interface-announce-failed', {
  valid: [
    { name: 'healthy: no announceFailed event', files: bundle(base(restricted, coreEvent({ reason: 'nodeAssigned' }))) },
    { name: 'Events not captured: absent is not none', files: bundle(base(restricted), ALL_KINDS.filter((k) => k !== 'Event')) },
    { name: 'the advertisement no longer restricts interfaces: the event is history', files: bundle(base(l2Advertisement('lan'), coreEvent())) },
    {
      name: 'another advertisement of the pool selects the node with every interface (the union is all)',
      files: bundle(base(restricted, l2Advertisement('lan-all', { pools: ['lan'] }), coreEvent())),
    },
    { name: 'the Service is gone', files: bundle(docs(threeNodes(), lan, restricted, coreEvent())) },
    { name: 'the Service holds another address now', files: bundle(base(restricted, coreEvent({ ip: '192.168.1.249' }))) },
    { name: 'another node announces it now (ServiceL2Status)', files: bundle(base(restricted, l2Status('node-a'), coreEvent())) },
    { name: 'an event of the same reason from another component', files: bundle(base(restricted, coreEvent({ component: 'some-operator' }))) },
  ],
  invalid: [
    {
      name: 'a core/v1 event on the Service',
      files: bundle(failing),
      errors: [
        {
          file: 'resources/c.yaml',
          ...at(failing, 'announceFailed'),
          severity: 'error',
          message:
            /^Service shop\/web: node node-b won the layer 2 election for 192\.168\.1\.240 but has none of the interfaces L2Advertisement "lan" allows \(eth1\), so no node answers ARP\/NDP for it: MetalLB does not fail over to another node \(announceFailed, 12 times, last 2026-11-20T09:55:00Z\)$/,
        },
      ],
    },
    {
      name: 'an events.k8s.io/v1 event (note, series)',
      files: bundle(viaEventsV1),
      errors: [{ file: 'resources/c.yaml', ...at(viaEventsV1, 'announceFailed'), message: /\(announceFailed, 4 times, last 2026-11-20T09:58:00\.000000Z\)$/ }],
    },
    {
      name: 'Services not captured: the event alone still tells it',
      files: bundle(noServices, ALL_KINDS.filter((k) => k !== 'Service')),
      errors: [{ file: 'resources/c.yaml', ...at(noServices, 'announceFailed'), message: /node node-b won the layer 2 election for 192\.168\.1\.240 but has none of the interfaces its L2Advertisement allows, so/ }],
    },
  ],
});

test('l2-interface-announce-failed: evidence quotes the event and the advertisement; the finding also points at spec.interfaces', async () => {
  const [f] = await runCase('l2-interface-announce-failed', { name: 'evidence', files: bundle(failing) });
  assert.deepEqual(f!.evidence, [
    `Event web.17f3a2b4c5d6e7f8 (Warning announceFailed from metallb-speaker): "${failedText('192.168.1.240', 'node-b').replace("''", "'")}"`,
    'count 12, first 2026-11-20T09:00:00Z, last 2026-11-20T09:55:00Z',
    'L2Advertisement "lan" selects node node-b with interfaces: eth1',
  ]);
  assert.deepEqual(
    f!.objects.map((o) => o.kind),
    ['Event', 'L2Advertisement', 'Service'],
  );
  assert.equal(f!.objects[1]!.line, at(failing, 'interfaces: [eth1]').line);
  assert.match(f!.fix, /put the right name into spec\.interfaces of L2Advertisement "lan"/);
});
