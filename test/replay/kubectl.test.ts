// The real kubectl against `replay` serving examples/demo-cluster: the commands a support engineer
// types, with the output a real cluster gives (columns and values, not just exit codes). AGE is
// computed at the snapshot's createdAt, so even ages are stable here.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { DEMO, HEALTHY_L2, demoWithLogs, findKubectl, kubectl, kubectlOrSkip, tableRows, tempDir, withReplay, type Run } from './helpers.js';
import { ReplayStore } from '../../src/replay/store.js';
import { startReplay, type ReplayServer, type RequestRecord } from '../../src/replay/server.js';
import { kubeconfigText } from '../../src/replay/kubeconfig.js';

/** One demo server for the read-only commands (kubectl's discovery cache stays warm between them). */
describe('kubectl against replay of examples/demo-cluster', () => {
  const bin = findKubectl();
  let server: ReplayServer | undefined;
  let dir = '';
  let env: NodeJS.ProcessEnv = {};
  const requests: RequestRecord[] = [];
  const run = (args: string[]): Promise<Run> => kubectl(bin!, env, args);

  before(async () => {
    if (!bin) return;
    const store = await ReplayStore.open(DEMO);
    server = await startReplay(store, { onRequest: (r) => requests.push(r) });
    dir = tempDir();
    writeFileSync(join(dir, 'kubeconfig'), kubeconfigText(server.url, DEMO));
    env = { PATH: process.env.PATH, HOME: dir, KUBECACHEDIR: join(dir, 'cache'), KUBECONFIG: join(dir, 'kubeconfig') };
  });
  after(async () => {
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('get svc -A: every Service with its type, addresses and ports', async (t) => {
    if (!kubectlOrSkip(t)) return;
    const r = await run(['get', 'svc', '-A']);
    assert.equal(r.code, 0, r.stderr);
    const [header, ...rows] = tableRows(r.stdout);
    assert.deepEqual(header, ['NAMESPACE', 'NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE']);
    assert.equal(rows.length, 24);
    const row = (ns: string, name: string) => rows.find((x) => x[0] === ns && x[1] === name);
    assert.deepEqual(row('edge', 'openvpn')?.slice(0, 6), ['edge', 'openvpn', 'LoadBalancer', '10.96.100.31', '<pending>', '1194:31523/TCP']);
    assert.deepEqual(row('shop', 'storefront')?.slice(0, 6), ['shop', 'storefront', 'LoadBalancer', '10.96.100.17', '192.168.50.200', '80:30709/TCP,443:30746/TCP']);
    assert.deepEqual(row('default', 'kubernetes')?.slice(2, 6), ['ClusterIP', '10.96.0.1', '<none>', '443/TCP']);
    // kubectl's 16-character cut of a dual-stack address list
    assert.equal(row('monitoring', 'grafana')?.[4], '192.168.50.24...');
    assert.equal(row('edge', 'openvpn')?.[6], '48m'); // created 48 minutes before the snapshot
  });

  test('get pods -l app.kubernetes.io/component=speaker -o wide: status, restarts, IP and node', async (t) => {
    if (!kubectlOrSkip(t)) return;
    const r = await run(['get', 'pods', '-n', 'metallb-system', '-l', 'app.kubernetes.io/component=speaker', '-o', 'wide']);
    assert.equal(r.code, 0, r.stderr);
    const [header, ...rows] = tableRows(r.stdout);
    assert.deepEqual(header, ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES']);
    assert.deepEqual(rows.map((x) => x[0]).sort(), ['metallb-speaker-fpqzs', 'metallb-speaker-g754d', 'metallb-speaker-k6g92', 'metallb-speaker-pzd4h', 'metallb-speaker-vm2qw', 'metallb-speaker-vqvzg']);
    const crashing = rows.find((x) => x[0] === 'metallb-speaker-fpqzs')!;
    assert.deepEqual(crashing, ['metallb-speaker-fpqzs', '3/4', 'CrashLoopBackOff', '641 (3m48s ago)', '2d6h', '192.168.60.14', 'worker-4', '<none>', '<none>']);
    assert.deepEqual(rows.find((x) => x[0] === 'metallb-speaker-k6g92')!.slice(1, 4), ['4/4', 'Running', '0']);
    const q = requests.find((x) => x.path === '/api/v1/namespaces/metallb-system/pods');
    assert.match(q?.query ?? '', /labelSelector=app.kubernetes.io%2Fcomponent%3Dspeaker/);
  });

  test('get pods -A --chunk-size=10: kubectl pages through the list', async (t) => {
    if (!kubectlOrSkip(t)) return;
    const r = await run(['get', 'pods', '-A', '--chunk-size=10', '-o', 'name']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim().split('\n').length, 43);
    assert.equal(requests.filter((x) => x.path === '/api/v1/pods' && /limit=10/.test(x.query)).length, 5);
  });

  test('get crd: NAME and CREATED AT of the eight MetalLB CRDs', async (t) => {
    if (!kubectlOrSkip(t)) return;
    const r = await run(['get', 'crd']);
    assert.equal(r.code, 0, r.stderr);
    const [header, ...rows] = tableRows(r.stdout);
    assert.deepEqual(header, ['NAME', 'CREATED AT']);
    assert.equal(rows.length, 8);
    assert.deepEqual(
      rows.find((x) => x[0] === 'ipaddresspools.metallb.io'),
      ['ipaddresspools.metallb.io', '2026-02-03T10:00:00Z'],
    );
    assert.ok(rows.every((x) => x[0]!.endsWith('.metallb.io')));
  });

  test('get ipaddresspools -o yaml: the objects as the bundle has them, kind and apiVersion on each item', async (t) => {
    if (!kubectlOrSkip(t)) return;
    const r = await run(['get', 'ipaddresspools', '-n', 'metallb-system', '-o', 'yaml']);
    assert.equal(r.code, 0, r.stderr);
    const doc = parse(r.stdout) as { kind: string; items: { kind: string; apiVersion: string; metadata: { name: string }; spec: { addresses: string[]; autoAssign: boolean } }[] };
    assert.equal(doc.kind, 'List');
    assert.deepEqual(doc.items.map((i) => i.metadata.name), ['dual', 'lan', 'public']);
    assert.ok(doc.items.every((i) => i.kind === 'IPAddressPool' && i.apiVersion === 'metallb.io/v1beta1'));
    const lan = doc.items.find((i) => i.metadata.name === 'lan')!;
    assert.deepEqual(lan.spec.addresses, ['192.168.50.200-192.168.50.229']);
    assert.equal(doc.items.find((i) => i.metadata.name === 'public')!.spec.autoAssign, false);
  });

  test('get servicel2statuses.metallb.io: NAME and AGE (the demo CRDs carry no printer columns)', async (t) => {
    if (!kubectlOrSkip(t)) return;
    const r = await run(['get', 'servicel2statuses.metallb.io', '-n', 'metallb-system']);
    assert.equal(r.code, 0, r.stderr);
    const [header, ...rows] = tableRows(r.stdout);
    assert.deepEqual(header, ['NAME', 'AGE']);
    assert.equal(rows.length, 13);
    assert.ok(rows.every((x) => /^l2-[a-z0-9]{5}$/.test(x[0]!)));
  });

  test('get nodes --show-labels: status, roles from node-role labels, version and labels', async (t) => {
    if (!kubectlOrSkip(t)) return;
    const r = await run(['get', 'nodes', '--show-labels']);
    assert.equal(r.code, 0, r.stderr);
    const [header, ...rows] = tableRows(r.stdout);
    assert.deepEqual(header, ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION', 'LABELS']);
    assert.deepEqual(rows.map((x) => x[0]), ['cp-1', 'worker-1', 'worker-2', 'worker-3', 'worker-4', 'worker-5']);
    const cp = rows[0]!;
    assert.deepEqual(cp.slice(1, 3), ['Ready', 'control-plane']);
    assert.equal(cp[4], 'v1.31.4');
    assert.match(rows[3]![5]!, /(^|,)node\.kubernetes\.io\/exclude-from-external-load-balancers=true(,|$)/);
    assert.match(rows[4]![5]!, /storage\.example\.com\/nvme=true/);
    assert.equal(rows[1]![2], 'worker');
  });

  test('get --raw /version: the bundle\'s Kubernetes version', async (t) => {
    if (!kubectlOrSkip(t)) return;
    const r = await run(['get', '--raw', '/version']);
    assert.equal(r.code, 0, r.stderr);
    const v = JSON.parse(r.stdout) as { major: string; minor: string; gitVersion: string };
    assert.deepEqual([v.major, v.minor, v.gitVersion], ['1', '31', 'v1.31.4']);
  });

  test('describe svc: the Service, its endpoints (EndpointSlices) and its events', async (t) => {
    if (!kubectlOrSkip(t)) return;
    const r = await run(['describe', 'svc', '-n', 'shop', 'storefront']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Name:\s+storefront$/m);
    assert.match(r.stdout, /^Namespace:\s+shop$/m);
    assert.match(r.stdout, /^Type:\s+LoadBalancer$/m);
    assert.match(r.stdout, /^LoadBalancer Ingress:\s+192\.168\.50\.200/m);
    assert.match(r.stdout, /^Endpoints:\s+10\.244\.1\.20:8080,10\.244\.2\.21:8080,10\.244\.4\.20:8080$/m);
    const pending = await run(['describe', 'svc', '-n', 'edge', 'openvpn']);
    assert.equal(pending.code, 0, pending.stderr);
    assert.match(pending.stdout, /Warning\s+AllocationFailed\s+.*metallb-controller\s+Failed to allocate IP for "edge\/openvpn"/);
    const events = requests.find((x) => x.path === '/api/v1/namespaces/edge/events');
    const selector = new URLSearchParams(events?.query).get('fieldSelector') ?? '';
    // kubectl builds it from a map: the terms come in any order
    for (const term of ['involvedObject.name=openvpn', 'involvedObject.namespace=edge', 'involvedObject.kind=Service']) assert.ok(selector.split(',').includes(term), selector);
    // kubectl 1.28 and later read EndpointSlices, older ones Endpoints
    assert.ok(requests.some((x) => /^\/(apis\/discovery\.k8s\.io\/v1\/namespaces\/shop\/endpointslices|api\/v1\/namespaces\/shop\/endpoints\/storefront)$/.test(x.path) && x.status === 200));
  });

  test('get svc -w: the list, then a watch that stays open until kubectl is killed', async (t) => {
    if (!kubectlOrSkip(t)) return;
    const child = spawn(bin!, ['get', 'svc', '-n', 'shop', '-w'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const killer = setTimeout(() => child.kill('SIGKILL'), 20_000); // bound: never hang the suite
    try {
      let out = '';
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          if (/storefront/.test(out)) resolve();
        });
        child.on('exit', () => reject(new Error(`kubectl exited early: ${out}`)));
      });
      const [header, ...rows] = tableRows(out);
      assert.deepEqual(header?.slice(0, 3), ['NAME', 'TYPE', 'CLUSTER-IP']);
      assert.deepEqual(rows.map((x) => x[0]), ['admin', 'api', 'checkout-grpc', 'search', 'storefront']);
      // the watch is open: kubectl neither exits nor gets an error
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(child.exitCode, null);
    } finally {
      child.kill('SIGKILL');
      clearTimeout(killer);
    }
    await new Promise((r) => setTimeout(r, 200)); // the server sees the watch end
    const w = requests.find((x) => x.path === '/api/v1/namespaces/shop/services' && x.watch);
    assert.ok(w, 'kubectl opened a watch');
    assert.equal(w.status, 200);
    assert.match(w.query, /resourceVersion=\d+/);
  });

  test('kubectl delete and apply get 405 MethodNotAllowed', async (t) => {
    if (!kubectlOrSkip(t)) return;
    const del = await run(['delete', 'svc', '-n', 'shop', 'storefront']);
    assert.equal(del.code, 1);
    assert.match(del.stderr, /Error from server \(MethodNotAllowed\): the server does not allow this method on the requested resource/);
    const file = join(dir, 'svc.yaml');
    writeFileSync(file, 'apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\nspec: {ports: [{port: 80}]}\n');
    // without OpenAPI, client-side validation cannot run: kubectl stops before writing
    const validated = await run(['apply', '-f', file]);
    assert.notEqual(validated.code, 0);
    assert.match(validated.stderr, /openapi|could not find the requested resource/);
    const apply = await run(['apply', '--validate=false', '-f', file]);
    assert.equal(apply.code, 1);
    assert.match(apply.stderr, /Error from server \(MethodNotAllowed\): error when creating ".*svc\.yaml"/);
    const writes = requests.filter((x) => x.method !== 'GET');
    assert.deepEqual(writes.map((x) => `${x.method} ${x.status}`).sort(), ['DELETE 405', 'POST 405']);
  });
});

test('kubectl logs --tail=50, -c, --previous from the bundle\'s logs/ (400/403 where a server would refuse)', async (t) => {
  const bin = kubectlOrSkip(t);
  if (!bin) return;
  const dir = tempDir();
  try {
    const { path, lines } = demoWithLogs(dir);
    await withReplay(path, async ({ env }) => {
      const r = await kubectl(bin, env, ['logs', '-n', 'metallb-system', 'metallb-speaker-k6g92', '--tail=50']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, lines.slice(-50).join('\n') + '\n');
      assert.match(r.stderr, /Defaulted container "speaker" out of: speaker, frr, reloader, frr-metrics/);
      const frr = await kubectl(bin, env, ['logs', '-n', 'metallb-system', 'metallb-speaker-k6g92', '-c', 'frr']);
      assert.equal(frr.stdout, 'frr started\n');
      const previous = await kubectl(bin, env, ['logs', '-n', 'metallb-system', 'metallb-speaker-fpqzs', '-c', 'speaker', '--previous']);
      assert.equal(previous.code, 0, previous.stderr);
      assert.match(previous.stdout, /failed to create memberlist/);
      // the demo ships the crash-looping speaker's current log too
      const current = await kubectl(bin, env, ['logs', '-n', 'metallb-system', 'metallb-speaker-fpqzs', '-c', 'speaker']);
      assert.equal(current.code, 0, current.stderr);
      assert.match(current.stdout, /bind: address already in use/);
      const notCaptured = await kubectl(bin, env, ['logs', '-n', 'metallb-system', 'metallb-speaker-fpqzs', '-c', 'reloader']);
      assert.equal(notCaptured.code, 1);
      assert.match(notCaptured.stderr, /Error from server \(Forbidden\): pods "metallb-speaker-fpqzs" is forbidden: .*"pods\/log".*the snapshot holds no log of container "reloader"/);
      const noRestart = await kubectl(bin, env, ['logs', '-n', 'metallb-system', 'metallb-speaker-k6g92', '-c', 'speaker', '--previous']);
      assert.match(noRestart.stderr, /Error from server \(BadRequest\): previous terminated container "speaker" in pod "metallb-speaker-k6g92" not found/);
      const wrong = await kubectl(bin, env, ['logs', '-n', 'metallb-system', 'metallb-speaker-k6g92', '-c', 'nope']);
      assert.match(wrong.stderr, /container nope is not valid for pod metallb-speaker-k6g92/); // kubectl checks it first
      const missing = await kubectl(bin, env, ['logs', '-n', 'metallb-system', 'nope']);
      assert.match(missing.stderr, /\(NotFound\): pods "nope" not found/);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a CRD\'s additionalPrinterColumns become kubectl\'s columns', async (t) => {
  const bin = kubectlOrSkip(t);
  if (!bin) return;
  const dir = tempDir();
  try {
    // the demo with servicel2statuses' printer columns as MetalLB v0.15 ships them
    const path = join(dir, 'demo');
    cpSync(DEMO, path, { recursive: true });
    const crds = join(path, 'resources', 'crds.yaml');
    const text = readFileSync(crds, 'utf8');
    const at = text.indexOf('name: servicel2statuses.metallb.io');
    const versions = text.indexOf('  versions:\n  - name: v1beta1\n', at);
    assert.ok(at > 0 && versions > at);
    const columns =
      '  versions:\n  - additionalPrinterColumns:\n    - jsonPath: .status.node\n      name: Allocated Node\n      type: string\n' +
      '    - jsonPath: .status.serviceName\n      name: Service Name\n      type: string\n' +
      '    - jsonPath: .status.serviceNamespace\n      name: Service Namespace\n      type: string\n    name: v1beta1\n';
    writeFileSync(crds, text.slice(0, versions) + columns + text.slice(versions + '  versions:\n  - name: v1beta1\n'.length));
    await withReplay(path, async ({ env, store }) => {
      const r = await kubectl(bin, env, ['get', 'servicel2statuses.metallb.io', '-n', 'metallb-system']);
      assert.equal(r.code, 0, r.stderr);
      const [header, ...rows] = tableRows(r.stdout);
      assert.deepEqual(header, ['NAME', 'ALLOCATED NODE', 'SERVICE NAME', 'SERVICE NAMESPACE']);
      const resource = store.catalog.find('metallb.io', 'v1beta1', 'servicel2statuses')!;
      const expected = store.list(resource, 'metallb-system').map((o) => {
        const s = o.status as { node: string; serviceName: string; serviceNamespace: string };
        return [o.metadata.name!, s.node, s.serviceName, s.serviceNamespace];
      });
      assert.deepEqual(rows, expected);
      assert.ok(rows.some((x) => x[2] === 'storefront' && x[3] === 'shop'));
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('uncaptured kinds answer 403 Forbidden, as an RBAC denial, through kubectl', async (t) => {
  const bin = kubectlOrSkip(t);
  if (!bin) return;
  // healthy-l2 captures every kind the tool models, and nothing else (no StatefulSets, no Leases)
  const captured = (JSON.parse(readFileSync(join(HEALTHY_L2, 'bundle.json'), 'utf8')) as { captured: string[] }).captured;
  assert.ok(!captured.includes('StatefulSet') && captured.includes('Pod'));
  await withReplay(HEALTHY_L2, async ({ env }) => {
    const sts = await kubectl(bin, env, ['get', 'statefulsets', '-A']);
    assert.equal(sts.code, 1);
    assert.match(sts.stderr, /Error from server \(Forbidden\): statefulsets\.apps is forbidden: User "replay" cannot list resource "statefulsets" in API group "apps" at the cluster scope: the snapshot did not capture StatefulSet/);
    const events = await kubectl(bin, env, ['get', 'events', '-n', 'shop']);
    assert.equal(events.code, 0, events.stderr); // captured, none exist
    assert.match(events.stderr, /No resources found in shop namespace/);
  });
  // a bundle that captured only Services and IPAddressPools
  const dir = tempDir();
  try {
    mkdirSync(join(dir, 'resources'));
    writeFileSync(join(dir, 'bundle.json'), JSON.stringify({ format: 'metallb-doctor-bundle/v1', kubernetesVersion: 'v1.30.2', captured: ['Service', 'IPAddressPool'], gaps: [] }));
    writeFileSync(
      join(dir, 'resources', 'services.yaml'),
      'apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop, creationTimestamp: "2026-01-01T00:00:00Z"}\nspec: {type: LoadBalancer, clusterIP: 10.0.0.9, ports: [{port: 80, protocol: TCP}]}\n',
    );
    await withReplay(dir, async ({ env }) => {
      const pods = await kubectl(bin, env, ['get', 'pods', '-A']);
      assert.equal(pods.code, 1);
      assert.match(pods.stderr, /Error from server \(Forbidden\): pods is forbidden: .*the snapshot did not capture Pod/);
      const peers = await kubectl(bin, env, ['get', 'bgppeers.metallb.io', '-n', 'metallb-system']);
      assert.match(peers.stderr, /Error from server \(Forbidden\): bgppeers\.metallb\.io is forbidden: .*in the namespace "metallb-system": the snapshot did not capture BGPPeer/);
      const pools = await kubectl(bin, env, ['get', 'ipaddresspools', '-A']);
      assert.equal(pools.code, 0, pools.stderr);
      assert.match(pools.stderr, /No resources found/);
      const svc = await kubectl(bin, env, ['get', 'svc', '-n', 'shop', 'web', '-o', 'jsonpath={.spec.clusterIP}']);
      assert.equal(svc.stdout, '10.0.0.9');
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
