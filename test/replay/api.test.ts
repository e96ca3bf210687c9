// The replay API at the HTTP level: discovery, lists and objects as a real API server shapes them,
// selectors, Tables, watches, logs, and the read-only and "absent is not none" answers.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request, type ClientRequest, type IncomingMessage } from 'node:http';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO, demoWithLogs, getJSON, http, tempDir } from './helpers.js';
import { ReplayStore } from '../../src/replay/store.js';
import { startReplay, type ReplayServer } from '../../src/replay/server.js';
import { AGGREGATED_CONTENT_TYPE } from '../../src/replay/discovery.js';

const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
const AGGREGATED = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';

type Obj = { kind?: string; apiVersion?: string; metadata: { name: string; namespace?: string; labels?: Record<string, string>; resourceVersion?: string; annotations?: Record<string, string> }; [k: string]: unknown };
type List = { kind: string; apiVersion: string; metadata: { resourceVersion: string }; items: Obj[] };

/** A watch: the lines it sent within `waitMs`, and whether the stream is still open then. */
function watchFor(url: string, path: string, waitMs: number, accept?: string): Promise<{ status: number; lines: unknown[]; open: boolean; contentType?: string }> {
  return new Promise((resolve, reject) => {
    let res: IncomingMessage | undefined;
    let buf = '';
    let ended = false;
    const req: ClientRequest = request(`${url}${path}`, { headers: accept ? { accept } : {}, agent: false }, (r) => {
      res = r;
      r.on('data', (c: Buffer) => (buf += c.toString()));
      r.on('end', () => (ended = true));
      r.on('error', () => (ended = true));
    });
    req.on('error', reject);
    req.end();
    setTimeout(() => {
      const lines = buf.split('\n').filter(Boolean).map((l) => JSON.parse(l) as unknown);
      resolve({ status: res?.statusCode ?? 0, lines, open: !ended, contentType: res?.headers['content-type'] });
      req.destroy();
    }, waitMs);
  });
}

describe('replay API (examples/demo-cluster)', () => {
  let server: ReplayServer;
  let store: ReplayStore;
  let url: string;
  before(async () => {
    store = await ReplayStore.open(DEMO);
    server = await startReplay(store);
    url = server.url;
  });
  after(() => server.close());

  test('/version and health', async () => {
    const v = await getJSON(url, '/version');
    assert.deepEqual([v.major, v.minor, v.gitVersion, v.platform], ['1', '31', 'v1.31.4', 'linux/amd64']);
    assert.equal((await http(url, '/healthz')).body, 'ok');
    assert.equal((await http(url, '/openapi/v3')).status, 404);
  });

  test('legacy discovery: groups, preferred versions, resources with short names and subresources', async () => {
    const api = await getJSON(url, '/api');
    assert.deepEqual(api.versions, ['v1']);
    const groups = (await getJSON<{ groups: { name: string; preferredVersion: { version: string }; versions: { version: string }[] }[] }>(url, '/apis')).groups;
    const metallb = groups.find((g) => g.name === 'metallb.io')!;
    assert.deepEqual(metallb.versions.map((v) => v.version), ['v1beta2', 'v1beta1']);
    assert.equal(metallb.preferredVersion.version, 'v1beta2');
    assert.equal(groups[0]!.name, 'apiregistration.k8s.io'); // the built-in groups first, in a real server's order
    const core = (await getJSON<{ groupVersion: string; resources: { name: string; shortNames?: string[]; verbs: string[]; namespaced: boolean }[] }>(url, '/api/v1'));
    assert.equal(core.groupVersion, 'v1');
    const pods = core.resources.find((r) => r.name === 'pods')!;
    assert.deepEqual(pods.shortNames, ['po']);
    assert.ok(['get', 'list', 'watch'].every((v) => pods.verbs.includes(v)));
    assert.ok(core.resources.some((r) => r.name === 'pods/log'));
    assert.deepEqual(core.resources.find((r) => r.name === 'services')!.shortNames, ['svc']);
    assert.equal(core.resources.find((r) => r.name === 'nodes')!.namespaced, false);
    const crds = (await getJSON<{ resources: { name: string; shortNames?: string[] }[] }>(url, '/apis/apiextensions.k8s.io/v1')).resources;
    assert.deepEqual(crds.find((r) => r.name === 'customresourcedefinitions')!.shortNames, ['crd', 'crds']);
    const v1beta1 = (await getJSON<{ resources: { name: string; kind: string }[] }>(url, '/apis/metallb.io/v1beta1')).resources.map((r) => r.name);
    assert.ok(v1beta1.includes('ipaddresspools') && v1beta1.includes('servicel2statuses') && v1beta1.includes('bgppeers'));
    const group = await getJSON(url, '/apis/metallb.io');
    assert.equal(group.kind, 'APIGroup');
    assert.equal((await http(url, '/apis/nope.example.com/v1')).status, 404);
  });

  test('aggregated discovery (v2) by Content-Type; v2beta1-only clients get the legacy form', async () => {
    const r = await http(url, '/apis', { accept: AGGREGATED });
    assert.equal(r.headers['content-type'], AGGREGATED_CONTENT_TYPE);
    const doc = JSON.parse(r.body) as { kind: string; items: { metadata: { name: string }; versions: { version: string; resources: { resource: string; scope: string; responseKind: { kind: string } }[] }[] }[] };
    assert.equal(doc.kind, 'APIGroupDiscoveryList');
    const metallb = doc.items.find((i) => i.metadata.name === 'metallb.io')!;
    const pools = metallb.versions.find((v) => v.version === 'v1beta1')!.resources.find((x) => x.resource === 'ipaddresspools')!;
    assert.deepEqual([pools.scope, pools.responseKind.kind], ['Namespaced', 'IPAddressPool']);
    const core = JSON.parse((await http(url, '/api', { accept: AGGREGATED })).body) as typeof doc;
    assert.deepEqual(core.items.map((i) => i.metadata.name), ['']);
    const old = await http(url, '/apis', { accept: 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json' });
    assert.equal(old.headers['content-type'], 'application/json');
    assert.equal((JSON.parse(old.body) as { kind: string }).kind, 'APIGroupList');
  });

  test('lists: <Kind>List with a resourceVersion; built-in items without kind/apiVersion, custom ones with', async () => {
    const svc = await getJSON<List>(url, '/api/v1/namespaces/shop/services');
    assert.deepEqual([svc.kind, svc.apiVersion], ['ServiceList', 'v1']);
    assert.match(svc.metadata.resourceVersion, /^\d+$/);
    assert.deepEqual(svc.items.map((i) => i.metadata.name), ['admin', 'api', 'checkout-grpc', 'search', 'storefront']);
    assert.ok(svc.items.every((i) => i.kind === undefined && i.apiVersion === undefined));
    // the object as the bundle has it (no positions or other additions)
    const r = store.catalog.find('', 'v1', 'services')!;
    const { kind: _k, apiVersion: _a, ...original } = store.get(r, 'shop', 'storefront')!;
    assert.deepEqual(svc.items.find((i) => i.metadata.name === 'storefront'), JSON.parse(JSON.stringify(original)));
    const pools = await getJSON<List>(url, '/apis/metallb.io/v1beta1/namespaces/metallb-system/ipaddresspools');
    assert.deepEqual([pools.kind, pools.apiVersion], ['IPAddressPoolList', 'metallb.io/v1beta1']);
    assert.ok(pools.items.every((i) => i.kind === 'IPAddressPool' && i.apiVersion === 'metallb.io/v1beta1'));
    const all = await getJSON<List>(url, '/api/v1/services');
    assert.equal(all.items.length, 24);
    const nodes = await getJSON<List>(url, '/api/v1/nodes');
    assert.equal(nodes.items.length, 6);
  });

  test('one object: kind and apiVersion set; 404 with a Status body as a real server words it', async () => {
    const o = await getJSON<Obj>(url, '/api/v1/namespaces/shop/services/storefront');
    assert.deepEqual([o.kind, o.apiVersion, o.metadata.name], ['Service', 'v1', 'storefront']);
    const ns = await getJSON<Obj>(url, '/api/v1/namespaces/shop');
    assert.deepEqual([ns.kind, ns.metadata.name], ['Namespace', 'shop']);
    const missing = await http(url, '/apis/metallb.io/v1beta1/namespaces/metallb-system/ipaddresspools/nope');
    assert.equal(missing.status, 404);
    assert.deepEqual(JSON.parse(missing.body), {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'ipaddresspools.metallb.io "nope" not found',
      reason: 'NotFound',
      details: { name: 'nope', group: 'metallb.io', kind: 'ipaddresspools' },
      code: 404,
    });
    assert.equal((await http(url, '/api/v1/services/storefront')).status, 404); // a namespaced name needs its namespace
    assert.equal((await http(url, '/api/v1/namespaces/shop/nodes')).status, 404);
    assert.equal((await http(url, '/api/v1/namespaces/shop/services/storefront/scale')).status, 404);
    const status = await getJSON<Obj>(url, '/api/v1/namespaces/shop/services/storefront/status');
    assert.equal(status.metadata.name, 'storefront');
  });

  test('versions: BGPPeer through v1beta1 is converted, Events through events.k8s.io/v1 too', async () => {
    const v2 = await getJSON<List>(url, '/apis/metallb.io/v1beta2/namespaces/metallb-system/bgppeers');
    const v1 = await getJSON<List>(url, '/apis/metallb.io/v1beta1/namespaces/metallb-system/bgppeers');
    assert.deepEqual(v1.items.map((i) => i.metadata.name), v2.items.map((i) => i.metadata.name));
    assert.ok(v1.items.every((i) => i.apiVersion === 'metallb.io/v1beta1'));
    const spec1 = v1.items[0]!.spec as { peerASN: number; peerAddress: string };
    const spec2 = v2.items[0]!.spec as { peerASN: number; peerAddress: string };
    assert.deepEqual([spec1.peerASN, spec1.peerAddress], [spec2.peerASN, spec2.peerAddress]);
    const core = await getJSON<List>(url, '/api/v1/namespaces/edge/events');
    const ev = await getJSON<List>(url, '/apis/events.k8s.io/v1/namespaces/edge/events');
    assert.equal(ev.items.length, core.items.length);
    const openvpn = ev.items.find((i) => (i.regarding as { name: string }).name === 'openvpn')!;
    assert.match(openvpn.note as string, /Failed to allocate IP/);
  });

  test('label selectors: =, !=, in, notin, exists, !exists; 400 on bad syntax', async () => {
    const names = async (sel: string) =>
      (await getJSON<List>(url, `/api/v1/namespaces/metallb-system/pods?labelSelector=${encodeURIComponent(sel)}`)).items.map((i) => i.metadata.name);
    const speakers = await names('app.kubernetes.io/component=speaker');
    assert.equal(speakers.length, 6);
    assert.deepEqual(await names('app.kubernetes.io/component==speaker'), speakers);
    assert.deepEqual(await names('app.kubernetes.io/component!=speaker'), ['metallb-controller-z42xdtd627-6lj5f']);
    assert.deepEqual(await names('app.kubernetes.io/component in (controller, speaker)'), ['metallb-controller-z42xdtd627-6lj5f', ...speakers]);
    assert.deepEqual(await names('app.kubernetes.io/component notin (speaker)'), ['metallb-controller-z42xdtd627-6lj5f']);
    assert.equal((await names('app.kubernetes.io/component')).length, 7);
    assert.deepEqual(await names('!app.kubernetes.io/component'), []);
    assert.deepEqual(await names('app.kubernetes.io/component=speaker,app.kubernetes.io/name=metallb'), speakers);
    const bad = await http(url, `/api/v1/pods?labelSelector=${encodeURIComponent('a in (b')}`);
    assert.equal(bad.status, 400);
    assert.equal((JSON.parse(bad.body) as { reason: string }).reason, 'BadRequest');
  });

  test('field selectors: metadata.*, per-kind fields; 400 "field label not supported" otherwise', async () => {
    const pods = store.list(store.catalog.find('', 'v1', 'pods')!);
    const onWorker1 = pods.filter((p) => (p.spec as { nodeName?: string }).nodeName === 'worker-1').map((p) => p.metadata.name);
    const got = await getJSON<List>(url, `/api/v1/pods?fieldSelector=${encodeURIComponent('spec.nodeName=worker-1')}`);
    assert.deepEqual(got.items.map((i) => i.metadata.name), onWorker1);
    assert.ok(onWorker1.length > 1);
    const notRunning = await getJSON<List>(url, `/api/v1/pods?fieldSelector=${encodeURIComponent('status.phase!=Running')}`);
    assert.deepEqual(notRunning.items.map((i) => i.metadata.name), pods.filter((p) => (p.status as { phase?: string }).phase !== 'Running').map((p) => p.metadata.name));
    const lb = await getJSON<List>(url, `/api/v1/services?fieldSelector=${encodeURIComponent('spec.type=LoadBalancer')}`);
    assert.equal(lb.items.length, 21);
    const one = await getJSON<List>(url, `/api/v1/services?fieldSelector=${encodeURIComponent('metadata.name=storefront,metadata.namespace=shop')}`);
    assert.deepEqual(one.items.map((i) => i.metadata.name), ['storefront']);
    const bad = await http(url, `/api/v1/services?fieldSelector=${encodeURIComponent('spec.foo=bar')}`);
    assert.equal(bad.status, 400);
    assert.equal((JSON.parse(bad.body) as { message: string }).message, 'field label not supported: spec.foo');
    const crFields = await http(url, `/apis/metallb.io/v1beta1/ipaddresspools?fieldSelector=${encodeURIComponent('spec.autoAssign=true')}`);
    assert.equal(crFields.status, 400); // a CRD allows only its selectableFields
  });

  test('Tables: columns, cells and the row metadata kubectl reads (-A, --show-labels)', async () => {
    const t = await getJSON<{ kind: string; apiVersion: string; columnDefinitions: { name: string; priority: number; format: string }[]; rows: { cells: unknown[]; object: Obj }[] }>(
      url,
      '/api/v1/namespaces/edge/services',
      TABLE,
    );
    assert.deepEqual([t.kind, t.apiVersion], ['Table', 'meta.k8s.io/v1']);
    assert.deepEqual(t.columnDefinitions.map((c) => c.name), ['Name', 'Type', 'Cluster-IP', 'External-IP', 'Port(s)', 'Age', 'Selector']);
    assert.equal(t.columnDefinitions[0]!.format, 'name');
    assert.equal(t.columnDefinitions[6]!.priority, 1);
    const openvpn = t.rows.find((r) => r.cells[0] === 'openvpn')!;
    assert.deepEqual(openvpn.cells, ['openvpn', 'LoadBalancer', '10.96.100.31', '<pending>', '1194:31523/TCP', '48m', 'app.kubernetes.io/name=openvpn']);
    assert.deepEqual([openvpn.object.kind, openvpn.object.metadata.namespace], ['PartialObjectMetadata', 'edge']);
    const full = await getJSON<{ rows: { object: Obj }[] }>(url, '/api/v1/namespaces/edge/services?includeObject=Object', TABLE);
    assert.equal(full.rows[0]!.object.kind, 'Service');
    const none = await getJSON<{ rows: { object?: Obj }[] }>(url, '/api/v1/namespaces/edge/services?includeObject=None', TABLE);
    assert.equal(none.rows[0]!.object, undefined);
    const beta = await getJSON<{ apiVersion: string }>(url, '/api/v1/nodes', 'application/json;as=Table;v=v1beta1;g=meta.k8s.io');
    assert.equal(beta.apiVersion, 'meta.k8s.io/v1beta1');
    const events = await getJSON<{ columnDefinitions: { name: string }[]; rows: { cells: unknown[] }[] }>(url, '/api/v1/namespaces/edge/events', TABLE);
    assert.deepEqual(events.columnDefinitions.map((c) => c.name).slice(0, 4), ['Last Seen', 'Type', 'Reason', 'Object']);
    assert.ok(events.rows.some((r) => r.cells[2] === 'AllocationFailed' && r.cells[3] === 'service/openvpn'));
    const ds = await getJSON<{ rows: { cells: unknown[] }[] }>(url, '/apis/apps/v1/namespaces/metallb-system/daemonsets', TABLE);
    assert.deepEqual(ds.rows[0]!.cells.slice(0, 7), ['metallb-speaker', 6, 6, 5, 6, 5, 'kubernetes.io/os=linux']);
    const pools = await getJSON<{ columnDefinitions: { name: string }[] }>(url, '/apis/metallb.io/v1beta1/ipaddresspools', TABLE);
    assert.deepEqual(pools.columnDefinitions.map((c) => c.name), ['Name', 'Age']);
    const single = await getJSON<{ kind: string; rows: unknown[] }>(url, '/api/v1/nodes/cp-1', TABLE);
    assert.deepEqual([single.kind, single.rows.length], ['Table', 1]);
  });

  test('watch: ADDED events from the start, nothing from a resourceVersion; open until the client leaves', async () => {
    const w = await watchFor(url, '/api/v1/namespaces/shop/services?watch=1', 300);
    assert.equal(w.status, 200);
    assert.equal(w.open, true);
    const events = w.lines as { type: string; object: Obj }[];
    assert.deepEqual(events.map((e) => e.type), ['ADDED', 'ADDED', 'ADDED', 'ADDED', 'ADDED']);
    assert.deepEqual([events[0]!.object.kind, events[0]!.object.apiVersion], ['Service', 'v1']);
    const fromRV = await watchFor(url, `/api/v1/namespaces/shop/services?watch=true&resourceVersion=${store.resourceVersion}`, 300);
    assert.deepEqual([fromRV.status, fromRV.lines.length, fromRV.open], [200, 0, true]);
    const bookmarked = await watchFor(url, `/api/v1/namespaces/shop/services?watch=true&resourceVersion=${store.resourceVersion}&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan`, 300);
    const last = bookmarked.lines.at(-1) as { type: string; object: Obj };
    assert.equal(bookmarked.lines.length, 6);
    assert.equal(last.type, 'BOOKMARK');
    assert.equal(last.object.metadata.annotations?.['k8s.io/initial-events-end'], 'true');
    const timed = await watchFor(url, '/api/v1/namespaces/shop/services?watch=1&timeoutSeconds=1', 1500);
    assert.equal(timed.open, false);
    const table = await watchFor(url, '/api/v1/namespaces/shop/services?watch=1&labelSelector=app.kubernetes.io%2Fname%3Dstorefront', 300, TABLE);
    const ev = table.lines as { type: string; object: { kind: string; rows: { cells: unknown[] }[] } }[];
    assert.equal(ev.length, 1);
    assert.deepEqual([ev[0]!.object.kind, ev[0]!.object.rows[0]!.cells[0]], ['Table', 'storefront']);
  });

  test('paging: limit and continue, as the API server pages a list', async () => {
    const all = (await getJSON<List>(url, '/api/v1/pods')).items.map((i) => i.metadata.name);
    const seen: string[] = [];
    let token = '';
    let pages = 0;
    do {
      const page = await getJSON<List & { metadata: { continue?: string; remainingItemCount?: number } }>(url, `/api/v1/pods?limit=10${token ? `&continue=${token}` : ''}`);
      seen.push(...page.items.map((i) => i.metadata.name));
      if (page.metadata.continue) assert.equal(page.metadata.remainingItemCount, all.length - seen.length);
      token = page.metadata.continue ?? '';
      pages++;
    } while (token && pages < 20);
    assert.deepEqual(seen, all);
    assert.equal(pages, Math.ceil(all.length / 10));
    const table = await getJSON<{ metadata: { continue?: string }; rows: unknown[] }>(url, '/api/v1/pods?limit=5', TABLE);
    assert.equal(table.rows.length, 5);
    assert.ok(table.metadata.continue);
    const bad = await http(url, '/api/v1/pods?limit=5&continue=nonsense');
    assert.equal(bad.status, 400);
    const stale = Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: '1', start: 5 })).toString('base64url');
    assert.equal((await http(url, `/api/v1/pods?limit=5&continue=${stale}`)).status, 410);
  });

  test('paging a selected list: the pages are the selection, per namespace and selector', async () => {
    const names = (l: List) => l.items.map((i) => `${i.metadata.namespace}/${i.metadata.name}`);
    const sel = 'labelSelector=app.kubernetes.io%2Fcomponent%3Dspeaker&fieldSelector=status.phase%3DRunning';
    const whole = names(await getJSON<List>(url, `/api/v1/pods?${sel}`));
    assert.ok(whole.length > 2, 'the demo has running speakers');
    const seen: string[] = [];
    let token = '';
    let pages = 0;
    do {
      const page = await getJSON<List & { metadata: { continue?: string } }>(url, `/api/v1/pods?${sel}&limit=2${token ? `&continue=${token}` : ''}`);
      seen.push(...names(page));
      token = page.metadata.continue ?? '';
      pages++;
    } while (token && pages < 50);
    assert.deepEqual(seen, whole);
    // the same selectors in one namespace, in another, and without them, asked after the above
    const inNs = names(await getJSON<List>(url, `/api/v1/namespaces/metallb-system/pods?${sel}`));
    assert.deepEqual(inNs, whole.filter((n) => n.startsWith('metallb-system/')));
    assert.deepEqual(names(await getJSON<List>(url, `/api/v1/namespaces/shop/pods?${sel}`)), []);
    const all = names(await getJSON<List>(url, '/api/v1/pods'));
    assert.ok(all.length > whole.length);
    // a bad selector is refused every time it is asked
    for (let i = 0; i < 2; i++) assert.equal((await http(url, '/api/v1/pods?fieldSelector=spec.nope%3Dx')).status, 400);
  });

  test('non-GET requests answer 405 with a Status body', async () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      const r = await http(url, '/api/v1/namespaces/shop/services/storefront', { method });
      assert.equal(r.status, 405, method);
      const s = JSON.parse(r.body) as { kind: string; reason: string; code: number };
      assert.deepEqual([s.kind, s.reason, s.code], ['Status', 'MethodNotAllowed', 405]);
    }
  });

  test('logs of a snapshot without logs/: 403 (not captured); a multi-container pod needs ?container=', async () => {
    const noContainer = await http(url, '/api/v1/namespaces/metallb-system/pods/metallb-speaker-k6g92/log');
    assert.equal(noContainer.status, 400);
    assert.match(JSON.parse(noContainer.body).message, /^a container name must be specified for pod metallb-speaker-k6g92, choose one of: \[speaker frr reloader frr-metrics\] or one of the init containers: \[/);
    const r = await http(url, '/api/v1/namespaces/metallb-system/pods/metallb-controller-z42xdtd627-6lj5f/log');
    assert.equal(r.status, 403);
    assert.match(JSON.parse(r.body).message, /the snapshot holds no log of container "controller"/);
  });

  test('server.close() ends open watches at once', async () => {
    const s = await startReplay(store);
    const started = Date.now();
    const pending = http(s.url, '/api/v1/services?watch=1', { timeoutMs: 5000 });
    await new Promise((r) => setTimeout(r, 100));
    await s.close();
    const r = await pending;
    assert.equal(r.status, 200);
    assert.ok(Date.now() - started < 3000);
  });
});

describe('replay API: logs, versions and "absent is not none"', () => {
  test('pods/log: tailLines, limitBytes, previous, container', async () => {
    const dir = tempDir();
    let server: ReplayServer | undefined;
    try {
      const { path, lines } = demoWithLogs(dir);
      server = await startReplay(await ReplayStore.open(path));
      const base = '/api/v1/namespaces/metallb-system/pods/metallb-speaker-k6g92/log?container=speaker';
      const all = await http(server.url, base);
      assert.equal(all.status, 200);
      assert.match(String(all.headers['content-type']), /^text\/plain/);
      assert.equal(all.body, lines.join('\n') + '\n');
      assert.equal((await http(server.url, `${base}&tailLines=2`)).body, lines.slice(-2).join('\n') + '\n');
      assert.equal((await http(server.url, `${base}&tailLines=0`)).body, '');
      assert.equal((await http(server.url, `${base}&limitBytes=10`)).body, lines[0]!.slice(0, 10));
      // follow=true streams until the client leaves: test/replay/logs.test.ts
      const prev = await http(server.url, '/api/v1/namespaces/metallb-system/pods/metallb-speaker-fpqzs/log?container=speaker&previous=true');
      assert.match(prev.body, /address already in use/);
      const bad = await http(server.url, '/api/v1/namespaces/metallb-system/pods/metallb-speaker-k6g92/log?container=nope');
      assert.equal(bad.status, 400);
      assert.equal(JSON.parse(bad.body).message, 'container nope is not valid for pod metallb-speaker-k6g92');
    } finally {
      await server?.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('input without bundle.json: the "as given" rule; MetalLB kinds routable without CRDs; namespaces filled in', async () => {
    const dir = tempDir();
    let server: ReplayServer | undefined;
    try {
      writeFileSync(
        join(dir, 'config.yaml'),
        'apiVersion: metallb.io/v1beta1\nkind: IPAddressPool\nmetadata: {name: lan}\nspec: {addresses: [192.168.1.240/28]}\n---\n' +
          'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {type: LoadBalancer, ports: [{port: 80}]}\n',
      );
      const store = await ReplayStore.open(dir);
      server = await startReplay(store);
      const pools = await getJSON<List>(server.url, '/apis/metallb.io/v1beta1/ipaddresspools');
      assert.deepEqual(pools.items.map((i) => [i.metadata.namespace, i.metadata.name]), [['metallb-system', 'lan']]);
      const svc = await getJSON<List>(server.url, '/api/v1/namespaces/default/services');
      assert.deepEqual(svc.items.map((i) => i.metadata.name), ['web']);
      // the other configuration kinds count as captured and empty; everything else is a gap
      const peers = await getJSON<List>(server.url, '/apis/metallb.io/v1beta2/namespaces/metallb-system/bgppeers');
      assert.deepEqual(peers.items, []);
      const statuses = await http(server.url, '/apis/metallb.io/v1beta1/namespaces/metallb-system/servicel2statuses');
      assert.equal(statuses.status, 403);
      const nodes = await http(server.url, '/api/v1/nodes');
      assert.equal(nodes.status, 403);
      assert.match(JSON.parse(nodes.body).message, /^nodes is forbidden: User "replay" cannot list resource "nodes" in API group "" at the cluster scope: the snapshot did not capture Node$/);
      const v = await getJSON(server.url, '/version');
      assert.equal(v.gitVersion, 'v1.32.0'); // no bundle.json, no Nodes: a default
    } finally {
      await server?.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('spec.type as a Service field selector only from Kubernetes 1.31 (older servers answer 400)', async () => {
    const dir = tempDir();
    let server: ReplayServer | undefined;
    try {
      mkdirSync(join(dir, 'resources'));
      writeFileSync(join(dir, 'bundle.json'), JSON.stringify({ format: 'metallb-doctor-bundle/v1', kubernetesVersion: 'v1.29.3', captured: ['Service'] }));
      writeFileSync(join(dir, 'resources', 'svc.json'), JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'Service', metadata: { name: 'a', namespace: 'x' }, spec: { type: 'LoadBalancer' } }] }));
      server = await startReplay(await ReplayStore.open(dir));
      const r = await http(server.url, '/api/v1/services?fieldSelector=spec.type%3DLoadBalancer');
      assert.equal(r.status, 400);
      assert.equal(JSON.parse(r.body).message, 'field label not supported: spec.type');
      assert.equal((await getJSON(server.url, '/version')).minor, '29');
    } finally {
      await server?.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
