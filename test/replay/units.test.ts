// The pure parts of replay: selector parsing, version order, printer cells, durations, log tails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SelectorError, matchesLabels, parseFieldSelector, parseLabelSelector } from '../../src/replay/selectors.js';
import { ResourceCatalog, compareVersions, crdResources, guessPlural } from '../../src/replay/resources.js';
import { buildTable, humanDuration } from '../../src/replay/tables.js';
import { tailLines } from '../../src/replay/server.js';
import type { KubeObject } from '../../src/sources/types.js';

test('label selectors parse as the API server parses them', () => {
  assert.deepEqual(parseLabelSelector(''), []);
  assert.deepEqual(parseLabelSelector('a=b, c!=d ,e==f'), [
    { key: 'a', op: '=', values: ['b'] },
    { key: 'c', op: '!=', values: ['d'] },
    { key: 'e', op: '=', values: ['f'] },
  ]);
  assert.deepEqual(parseLabelSelector('k in (x, y),!z,w,n>3'), [
    { key: 'k', op: 'in', values: ['x', 'y'] },
    { key: 'z', op: '!', values: [] },
    { key: 'w', op: 'exists', values: [] },
    { key: 'n', op: 'gt', values: ['3'] },
  ]);
  assert.deepEqual(parseLabelSelector('a='), [{ key: 'a', op: '=', values: [''] }]);
  for (const bad of ['a in (b', 'a in ()', 'a b', ',', 'a,', 'a>b', '=b']) assert.throws(() => parseLabelSelector(bad), SelectorError, bad);
  const labels = { app: 'web', tier: 'front' };
  assert.ok(matchesLabels(parseLabelSelector('app=web,tier in (front,back)'), labels));
  assert.ok(matchesLabels(parseLabelSelector('app notin (db),!canary,zone!=a'), labels));
  assert.ok(!matchesLabels(parseLabelSelector('zone'), labels));
  assert.ok(!matchesLabels(parseLabelSelector('zone in (a)'), labels));
});

test('field selectors: =, ==, !=, escapes', () => {
  assert.deepEqual(parseFieldSelector('spec.nodeName=w1,status.phase!=Running,metadata.name==x'), [
    { field: 'spec.nodeName', op: '=', value: 'w1' },
    { field: 'status.phase', op: '!=', value: 'Running' },
    { field: 'metadata.name', op: '=', value: 'x' },
  ]);
  assert.deepEqual(parseFieldSelector('a=x\\,y'), [{ field: 'a', op: '=', value: 'x,y' }]);
  assert.throws(() => parseFieldSelector('nonsense'), SelectorError);
});

test('versions in Kubernetes priority order; kubectl\'s plural guess', () => {
  assert.deepEqual(['v1alpha1', 'v1beta1', 'v1', 'v1beta2', 'v2', 'foo'].sort(compareVersions), ['v2', 'v1', 'v1beta2', 'v1beta1', 'v1alpha1', 'foo']);
  assert.deepEqual(['IPAddressPool', 'Community', 'ServiceL2Status', 'Endpoints'].map(guessPlural), ['ipaddresspools', 'communities', 'servicel2statuses', 'endpointses']);
});

test('a CRD serves each served version with its printer columns; unserved versions are left out', () => {
  const crd = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.com' },
    spec: {
      group: 'example.com',
      scope: 'Cluster',
      names: { kind: 'Widget', plural: 'widgets', singular: 'widget', shortNames: ['wd'] },
      versions: [
        { name: 'v1', served: true, additionalPrinterColumns: [{ name: 'Size', type: 'integer', jsonPath: '.spec.size' }, { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' }], selectableFields: [{ jsonPath: '.spec.color' }] },
        { name: 'v0', served: false },
      ],
    },
  } as unknown as KubeObject;
  const [r, ...rest] = crdResources(crd);
  assert.equal(rest.length, 0);
  assert.deepEqual([r!.plural, r!.namespaced, r!.shortNames, r!.selectableFields], ['widgets', false, ['wd'], ['spec.color']]);
  const catalog = ResourceCatalog.forObjects([crd]);
  assert.deepEqual(catalog.match('wd.example.com').map((x) => x.kind), ['Widget']);
  assert.deepEqual(catalog.match('svc').map((x) => x.kind), ['Service']);
  const now = Date.parse('2026-01-02T00:00:00Z');
  const widget = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', creationTimestamp: '2026-01-01T00:00:00Z' }, spec: { size: 3 } } as KubeObject;
  const t = buildTable(r!, [widget], { now, includeObject: 'Metadata', apiVersion: 'meta.k8s.io/v1', resourceVersion: '1' }) as { columnDefinitions: { name: string }[]; rows: { cells: unknown[] }[] };
  assert.deepEqual(t.columnDefinitions.map((c) => c.name), ['Name', 'Size', 'Age']);
  assert.deepEqual(t.rows[0]!.cells, ['w', 3, '24h']);
});

test('HumanDuration as kubectl prints AGE', () => {
  const s = 1000;
  const cases: [number, string][] = [
    [-5 * s, '<invalid>'],
    [-1 * s, '0s'],
    [59 * s, '59s'],
    [119 * s, '119s'],
    [150 * s, '2m30s'],
    [600 * s, '10m'],
    [179 * 60 * s, '179m'],
    [3 * 3600 * s + 20 * 60 * s, '3h20m'],
    [30 * 3600 * s, '30h'],
    [54 * 3600 * s, '2d6h'],
    [295 * 86400 * s, '295d'],
    [(3 * 365 + 10) * 86400 * s, '3y10d'],
    [9 * 365 * 86400 * s, '9y'],
  ];
  for (const [ms, want] of cases) assert.equal(humanDuration(ms), want, String(ms));
});

test('printer cells: pod states, node roles and scheduling, service types', () => {
  const catalog = ResourceCatalog.forObjects([]);
  const now = Date.parse('2026-01-01T01:00:00Z');
  const cells = (plural: string, o: object) => (buildTable(catalog.find('', 'v1', plural)!, [o as KubeObject], { now, includeObject: 'None', apiVersion: 'meta.k8s.io/v1', resourceVersion: '1' }) as { rows: { cells: unknown[] }[] }).rows[0]!.cells;
  const pod = (status: object, spec: object = { containers: [{ name: 'a' }] }) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', creationTimestamp: '2026-01-01T00:00:00Z' }, spec, status });
  assert.deepEqual(cells('pods', pod({ phase: 'Pending', initContainerStatuses: [{ name: 'i', state: { waiting: { reason: 'PodInitializing' } } }] }, { containers: [{ name: 'a' }], initContainers: [{ name: 'i' }] })).slice(1, 3), ['0/1', 'Init:0/1']);
  assert.deepEqual(cells('pods', pod({ phase: 'Running', containerStatuses: [{ name: 'a', ready: false, restartCount: 2, state: { terminated: { exitCode: 1 } } }] })).slice(1, 4), ['0/1', 'ExitCode:1', '2']);
  assert.deepEqual(cells('pods', pod({ phase: 'Succeeded', containerStatuses: [{ name: 'a', state: { terminated: { reason: 'Completed', exitCode: 0 } } }] })).slice(1, 5), ['0/1', 'Completed', '0', '60m']);
  assert.equal(cells('pods', { ...pod({ phase: 'Running' }), metadata: { name: 'p', deletionTimestamp: '2026-01-01T00:59:00Z' } })[2], 'Terminating');
  const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n', labels: { 'node-role.kubernetes.io/control-plane': '', 'kubernetes.io/role': 'infra' } }, spec: { unschedulable: true }, status: { conditions: [{ type: 'Ready', status: 'False' }], nodeInfo: { kubeletVersion: 'v1.31.0' } } };
  assert.deepEqual(cells('nodes', node).slice(1, 3), ['NotReady,SchedulingDisabled', 'control-plane,infra']);
  const svc = (spec: object, status: object = {}) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec, status });
  assert.deepEqual(cells('services', svc({ type: 'ExternalName', externalName: 'db.example.com' })).slice(1, 5), ['ExternalName', '<none>', 'db.example.com', '<none>']);
  assert.equal(cells('services', svc({ type: 'LoadBalancer', externalIPs: ['1.1.1.1'], ports: [{ port: 53, protocol: 'UDP' }] }, { loadBalancer: { ingress: [{ ip: '10.0.0.1' }] } }))[3], '10.0.0.1,1.1.1.1');
  assert.equal(cells('services', svc({ type: 'LoadBalancer' }, { loadBalancer: { ingress: [{ hostname: 'lb.example.com' }] } }))[3], 'lb.example.com');
});

test('tailLines counts lines from the end, a final newline included or not', () => {
  const b = (s: string) => Buffer.from(s);
  assert.equal(tailLines(b('a\nb\nc\n'), 2).toString(), 'b\nc\n');
  assert.equal(tailLines(b('a\nb\nc'), 2).toString(), 'b\nc');
  assert.equal(tailLines(b('a\nb\n'), 5).toString(), 'a\nb\n');
  assert.equal(tailLines(b('a\n'), 0).toString(), '');
});
