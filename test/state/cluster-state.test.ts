import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { loadInputs } from '../../src/sources/load.js';
import { ClusterState, type StateLayer } from '../../src/state/cluster-state.js';
import { LEGACY_CONFIGMAP, ipAddressPool } from '../helpers/manifests.js';
import type { BundleManifest, KubeObject } from '../../src/sources/types.js';

async function layer(text: string, kind: StateLayer['kind'] = 'manifests', bundle?: BundleManifest): Promise<StateLayer> {
  const load = await loadInputs(['-'], { stdin: Readable.from([Buffer.from(text)]) });
  if (bundle) load.bundle = bundle;
  return { load, kind };
}

async function state(text: string, opts: { metallbNamespace?: string } = {}): Promise<ClusterState> {
  return new ClusterState([await layer(text)], opts);
}

function workload(o: { kind: 'Deployment' | 'DaemonSet'; name: string; ns: string; labels: string; image: string; env?: string; args?: string; extra?: string }): string {
  return `apiVersion: apps/v1
kind: ${o.kind}
metadata:
  name: ${o.name}
  namespace: ${o.ns}
  labels: ${o.labels}
spec:
  template:
    spec:
      containers:
      - name: main
        image: ${o.image}
${o.env ? `        env: ${o.env}\n` : ''}${o.args ? `        args: ${o.args}\n` : ''}${o.extra ?? ''}---
`;
}

describe('MetalLB installation', () => {
  test('raw manifests: labels app/component, version from the image tag, native BGP', async () => {
    const s = await state(
      workload({ kind: 'Deployment', name: 'controller', ns: 'metallb-system', labels: '{app: metallb, component: controller}', image: 'quay.io/metallb/controller:v0.14.8' }) +
        workload({ kind: 'DaemonSet', name: 'speaker', ns: 'metallb-system', labels: '{app: metallb, component: speaker}', image: 'quay.io/metallb/speaker:v0.14.8' }),
    );
    const m = s.metallb;
    assert.equal(m.namespace, 'metallb-system');
    assert.equal(m.namespaceFrom, 'workloads');
    assert.equal(m.version, 'v0.14.8');
    assert.equal(m.bgpBackend, 'native');
    assert.equal(m.installedBy, 'manifests');
    assert.equal(m.configSource, 'crs');
    assert.equal(m.controller?.metadata.name, 'controller');
    assert.equal(m.speaker?.metadata.name, 'speaker');
  });

  test('Helm: app.kubernetes.io labels, another namespace, FRR-K8s from METALLB_BGP_TYPE, a digest after the tag', async () => {
    const s = await state(
      workload({ kind: 'Deployment', name: 'lb-metallb-controller', ns: 'lb', labels: '{app.kubernetes.io/name: metallb, app.kubernetes.io/component: controller, app.kubernetes.io/managed-by: Helm}', image: 'quay.io/metallb/controller:v0.15.2@sha256:0123' }) +
        workload({ kind: 'DaemonSet', name: 'lb-metallb-speaker', ns: 'lb', labels: '{app.kubernetes.io/name: metallb, app.kubernetes.io/component: speaker}', image: 'quay.io/metallb/speaker:v0.15.2', env: '[{name: METALLB_BGP_TYPE, value: frr-k8s}]' }),
    );
    assert.equal(s.metallb.namespace, 'lb');
    assert.equal(s.metallb.version, 'v0.15.2');
    assert.equal(s.metallb.bgpBackend, 'frr-k8s');
    assert.equal(s.metallb.installedBy, 'helm');
  });

  test('found by image name alone; FRR mode from the frr container', async () => {
    const s = await state(
      workload({
        kind: 'DaemonSet',
        name: 'x',
        ns: 'net',
        labels: '{}',
        image: 'registry.local/mirror/metallb/speaker:v0.13.12',
        extra: '      - name: frr\n        image: quay.io/frrouting/frr:9.1.0\n',
      }),
    );
    assert.equal(s.metallb.namespace, 'net');
    assert.equal(s.metallb.bgpBackend, 'frr');
    assert.equal(s.metallb.version, 'v0.13.12');
  });

  test('a pre-0.13 MetalLB reads the ConfigMap named by --config, converted to CRs', async () => {
    const s = await state(
      workload({ kind: 'Deployment', name: 'controller', ns: 'metallb-system', labels: '{app: metallb, component: controller}', image: 'metallb/controller:v0.12.1', args: '[--port=7472, --config=config]' }) + LEGACY_CONFIGMAP,
    );
    assert.equal(s.metallb.configSource, 'configmap');
    assert.equal(s.metallb.configMapName, 'config');
    assert.deepEqual(s.all('IPAddressPool').map((p) => p.metadata.name), ['default', 'extra']);
    assert.equal(s.all('L2Advertisement').length, 2);
    assert.ok(s.legacy);
  });

  test('a 0.13+ MetalLB ignores a legacy ConfigMap: nothing is derived', async () => {
    const s = await state(workload({ kind: 'Deployment', name: 'controller', ns: 'metallb-system', labels: '{app: metallb, component: controller}', image: 'quay.io/metallb/controller:v0.14.3' }) + LEGACY_CONFIGMAP);
    assert.equal(s.metallb.configSource, 'crs');
    assert.equal(s.all('IPAddressPool').length, 0);
    assert.equal(s.legacy, undefined);
  });

  test('without workloads: --metallb-namespace, else the bundle, else the namespace of the objects (never default), else metallb-system', async () => {
    assert.equal((await state(ipAddressPool('a', 'lb', '10.0.0.0/24'), { metallbNamespace: 'x' })).metallb.namespace, 'x');
    const fromBundle = new ClusterState([await layer(ipAddressPool('a', 'lb', '10.0.0.0/24'), 'snapshot', { format: 'metallb-doctor-bundle/v1', metallbNamespace: 'mlb' })]);
    assert.equal(fromBundle.metallb.namespace, 'mlb');
    assert.equal(fromBundle.metallb.namespaceFrom, 'bundle');
    const objects = await state(ipAddressPool('a', 'lb', '10.0.0.0/24') + '---\n' + ipAddressPool('b', 'lb', '10.1.0.0/24') + '---\n' + ipAddressPool('c', 'other', '10.2.0.0/24'));
    assert.deepEqual([objects.metallb.namespace, objects.metallb.namespaceFrom], ['lb', 'objects']);
    const inDefault = await state(ipAddressPool('a', 'default', '10.0.0.0/24'));
    assert.deepEqual([inDefault.metallb.namespace, inDefault.metallb.namespaceFrom], ['metallb-system', 'default']);
  });
});

describe('captured kinds and gaps ("absent is not none")', () => {
  test('manifests with MetalLB configuration capture every configuration kind, and only the kinds present otherwise', async () => {
    const s = await state(ipAddressPool('a', 'metallb-system', '10.0.0.0/24'));
    for (const k of ['IPAddressPool', 'L2Advertisement', 'BGPAdvertisement', 'BGPPeer', 'BFDProfile', 'Community']) assert.ok(s.isCaptured(k), k);
    assert.ok(!s.isCaptured('Node'));
    assert.ok(s.gaps.some((g) => g.what === 'list Node'));
    assert.ok(!s.gaps.some((g) => g.what === 'list IPAddressPool'));
  });

  test('manifests without MetalLB configuration capture none of it', async () => {
    const s = await state('apiVersion: v1\nkind: Service\nmetadata: {name: a, namespace: b}\n');
    assert.ok(s.isCaptured('Service'));
    assert.ok(!s.isCaptured('IPAddressPool'));
  });

  test('a bundle captures what bundle.json lists, and its own gaps come along', async () => {
    const s = new ClusterState([
      await layer('apiVersion: v1\nkind: Node\nmetadata: {name: n1}\n', 'snapshot', {
        format: 'metallb-doctor-bundle/v1',
        captured: ['Node', 'IPAddressPool'],
        gaps: [{ what: 'list bgppeers.metallb.io', why: 'forbidden' }],
      }),
    ]);
    assert.ok(s.isCaptured('IPAddressPool'), 'captured and empty means none');
    assert.ok(!s.isCaptured('BGPPeer'));
    assert.ok(s.gaps.some((g) => g.what === 'list bgppeers.metallb.io' && g.why === 'forbidden'));
    assert.equal(s.sourceKind, 'snapshot');
  });
});

describe('indexes and layering', () => {
  const objects = `apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: {type: LoadBalancer, loadBalancerIP: 10.0.0.9}
status: {loadBalancer: {ingress: [{ip: 10.0.0.5}]}}
---
apiVersion: v1
kind: Service
metadata: {name: dns, namespace: shop}
status: {loadBalancer: {ingress: [{ip: 10.0.0.5}, {ip: "fd00::5"}]}}
---
apiVersion: v1
kind: Node
metadata: {name: n1, labels: {rack: a, node.kubernetes.io/exclude-from-external-load-balancers: ""}}
---
apiVersion: v1
kind: Node
metadata: {name: n2, labels: {rack: b}}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: web-abc, namespace: shop, labels: {kubernetes.io/service-name: web}}
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: c, namespace: shop}
`;

  test('objects by kind/namespace/name, Services by address, Nodes by label, EndpointSlices by Service, skipped kinds counted', async () => {
    const s = await state(objects);
    assert.equal(s.get('Service', 'shop', 'web')?.metadata.name, 'web');
    assert.equal(s.get('Service', 'shop', 'nope'), undefined);
    assert.deepEqual(s.servicesByAddress('10.0.0.5').map((o) => o.metadata.name), ['web', 'dns']);
    assert.deepEqual(s.servicesByAddress('10.0.0.9').map((o) => o.metadata.name), ['web'], 'requested addresses count');
    assert.deepEqual(s.servicesByAddress('fd00::5').map((o) => o.metadata.name), ['dns']);
    assert.deepEqual(s.nodesWithLabel('rack', 'a').map((n) => n.metadata.name), ['n1']);
    assert.deepEqual(s.nodesWithLabel('rack').map((n) => n.metadata.name).sort(), ['n1', 'n2']);
    assert.deepEqual(s.nodesWithLabel('node.kubernetes.io/exclude-from-external-load-balancers').map((n) => n.metadata.name), ['n1']);
    assert.deepEqual(s.endpointSlicesFor('shop', 'web').map((e) => e.metadata.name), ['web-abc']);
    assert.deepEqual(s.endpointSlicesFor('shop', 'dns'), []);
    assert.deepEqual([...s.skippedKinds], [['Certificate', 1]]);
    assert.equal(s.all('Certificate').length, 0);
  });

  test('an EndpointSlice without a namespace belongs, as a Service without one does, to "default"', async () => {
    const s = await state(`apiVersion: v1
kind: Service
metadata: {name: web}
spec: {type: LoadBalancer}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: web-abc, labels: {kubernetes.io/service-name: web}}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: web-def, namespace: shop, labels: {kubernetes.io/service-name: web}}
`);
    assert.deepEqual(s.endpointSlicesFor('default', 'web').map((e) => e.metadata.name), ['web-abc']);
    assert.deepEqual(s.endpointSlicesFor('shop', 'web').map((e) => e.metadata.name), ['web-def']);
    assert.deepEqual(s.endpointSlicesFor('', 'web'), []);
  });

  test('EndpointSlices are found by namespace and Service name apart: no joined text lets one pass for another', async () => {
    const s = await state(`apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: s1, namespace: a, labels: {kubernetes.io/service-name: "b/c"}}
`);
    assert.deepEqual(s.endpointSlicesFor('a', 'b/c').map((e) => e.metadata.name), ['s1']);
    assert.deepEqual(s.endpointSlicesFor('a/b', 'c'), []);
  });

  test('a later layer replaces objects of the same kind/namespace/name (lint FILES --from SNAPSHOT)', async () => {
    const snap = await layer(ipAddressPool('a', 'metallb-system', '10.0.0.0/24') + '---\n' + ipAddressPool('b', 'metallb-system', '10.1.0.0/24'), 'snapshot');
    const files = await layer(ipAddressPool('a', 'metallb-system', '10.9.0.0/24'));
    const s = new ClusterState([snap, files]);
    assert.equal(s.all('IPAddressPool').length, 2);
    assert.deepEqual((s.get('IPAddressPool', 'metallb-system', 'a')?.spec as { addresses: string[] }).addresses, ['10.9.0.0/24']);
    assert.deepEqual(s.metallbObjects('IPAddressPool').map((p) => p.metadata.name).sort(), ['a', 'b']);
    // the replacing object takes its own place in the input order
    assert.deepEqual(s.all('IPAddressPool').map((p) => p.metadata.name), ['b', 'a']);
    assert.deepEqual(s.objects.map((p) => p.metadata.name), ['b', 'a']);
  });

  test('within one input the later copy wins, in its place, and the earlier is a duplicate; unnamed objects are never the same one', async () => {
    const svc = (name: string, ns: string, ip: string) => `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}, namespace: ${ns}}\nspec: {type: LoadBalancer, loadBalancerIP: ${ip}}\n`;
    const s = await state(
      [svc('a', 'x', '10.0.0.1'), svc('b', 'x', '10.0.0.2'), svc('a', 'x', '10.0.0.3'), svc('a', 'z', '10.0.0.4'), 'apiVersion: v1\nkind: Service\nmetadata: {generateName: g-, namespace: x}\n', 'apiVersion: v1\nkind: Service\nmetadata: {generateName: g-, namespace: x}\n', svc('m', '5', '10.0.0.5')].join('---\n'),
    );
    const ip = (o: KubeObject) => (o.spec as { loadBalancerIP?: string } | undefined)?.loadBalancerIP;
    assert.deepEqual(s.all('Service').map((o) => `${o.metadata.namespace}/${o.metadata.name ?? o.metadata.generateName}`), ['x/b', 'x/a', 'z/a', 'x/g-', 'x/g-', '5/m']);
    assert.equal(ip(s.get('Service', 'x', 'a')!), '10.0.0.3');
    assert.equal(ip(s.get('Service', 'z', 'a')!), '10.0.0.4');
    assert.deepEqual(s.duplicates.map((d) => [ip(d.shadowed), ip(d.by)]), [['10.0.0.1', '10.0.0.3']]);
    // a namespace that is not a string (YAML's 5) counts as its text
    assert.equal(s.get('Service', '5', 'm')?.metadata.name, 'm');
    assert.equal(s.get('Node', undefined, 'a'), undefined);
  });

  test('objects of a kind by namespace, in input order; undefined when one has no namespace', async () => {
    const pod = (name: string, ns?: string) => `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}${ns ? `, namespace: ${ns}` : ''}}\n`;
    const s = await state([pod('p1', 'a'), pod('p2', 'b'), pod('p3', 'a')].join('---\n'));
    assert.deepEqual(s.inNamespace('Pod', 'a')?.map((p) => p.metadata.name), ['p1', 'p3']);
    assert.deepEqual(s.inNamespace('Pod', 'b')?.map((p) => p.metadata.name), ['p2']);
    assert.deepEqual(s.inNamespace('Pod', 'c'), []);
    assert.deepEqual(s.inNamespace('Node', 'a'), []);
    const t = await state([pod('p1', 'a'), pod('p2')].join('---\n'));
    assert.equal(t.inNamespace('Pod', 'a'), undefined, 'a Pod without a namespace: the caller decides where it belongs');
  });
});

describe('kinds of other projects', () => {
  test("Calico's BGPPeer is indexed apart from MetalLB's, and only as present", async () => {
    const s = await state(`apiVersion: crd.projectcalico.org/v1
kind: BGPPeer
metadata:
  name: tor
spec:
  peerIP: 192.0.2.1
  asNumber: 64512
---
apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata:
  name: tor
  namespace: metallb-system
spec:
  myASN: 64513
  peerASN: 64512
  peerAddress: 192.0.2.1
---
apiVersion: example.com/v1
kind: Widget
metadata:
  name: w
`);
    assert.deepEqual(s.all('BGPPeer').map((o) => o.apiVersion), ['metallb.io/v1beta2']);
    assert.deepEqual(s.all('BGPPeer.crd.projectcalico.org').map((o) => o.metadata?.name), ['tor']);
    assert.equal(s.get('BGPPeer.crd.projectcalico.org', undefined, 'tor')?.apiVersion, 'crd.projectcalico.org/v1');
    assert.ok(s.isCaptured('BGPPeer.crd.projectcalico.org'));
    // no gap is reported for other projects' kinds, and unknown kinds are skipped and counted
    assert.ok(!s.gaps.some((g) => g.what.includes('projectcalico')));
    assert.equal(s.skippedKinds.get('Widget'), 1);
  });
});

describe('derive: the same input holding other objects (a what-if)', () => {
  test('keeps the source kind and path, the bundle, the cluster provenance of copies, and the lineage; takes the captured kinds given', async () => {
    const load = await loadInputs(['examples/clusters/healthy-l2']);
    const base = new ClusterState([{ load, kind: 'snapshot', path: 'examples/clusters/healthy-l2' }]);
    const svc = base.all('Service')[0]!;
    assert.ok(base.isFromCluster(svc), 'a bundle object is the cluster\'s');
    const { attachSource, sourceOf } = await import('../../src/sources/types.js');
    const copy = attachSource({ ...svc, status: {} }, sourceOf(svc)!);
    const others = base.objects.filter((o) => o !== svc && o.kind !== 'Node');
    const d = base.derive([...others, copy], ['Service', 'IPAddressPool'], base.gaps, { controllerRunning: true });
    assert.equal(d.sourceKind, 'snapshot');
    assert.equal(d.sourcePath, 'examples/clusters/healthy-l2');
    assert.equal(d.bundle, base.bundle);
    assert.equal(d.lineage, base.lineage);
    assert.notEqual(new ClusterState([{ load, kind: 'snapshot' }]).lineage, base.lineage, 'a state built from layers starts its own lineage');
    assert.ok(d.isFromCluster(copy), 'a copy of a cluster object is still the cluster\'s');
    assert.equal(d.controllerRunning, true);
    assert.equal(d.all('Node').length, 0);
    assert.equal(d.isCaptured('Node'), false, 'only the kinds given are captured');
    assert.equal(d.isCaptured('Service'), true);
    assert.deepEqual(d.loadIssues, [], 'the load issues describe the input as read');
    // manifests stay manifests (rules that look at the source kind answer for the right one)
    const m = new ClusterState([await layer(ipAddressPool('lan', 'metallb-system', '10.0.0.0/24'))]);
    const dm = m.derive([...m.objects], m.captured, m.gaps);
    assert.equal(dm.sourceKind, 'manifests');
    assert.equal(dm.bundle, undefined);
    assert.equal(dm.isFromCluster(dm.objects[0]!), false);
  });
});
