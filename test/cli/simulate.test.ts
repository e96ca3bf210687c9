// simulate end to end (in process) over the bundled healthy clusters, with every what-if.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInProcess } from '../helpers/cli.js';
import { parseAddService, parseChanges } from '../../src/cli/commands/simulate.js';

const L2 = 'examples/clusters/healthy-l2';
const BGP = 'examples/clusters/healthy-bgp';

const run = (args: string[]) => runInProcess(args);

interface Svc {
  namespace: string;
  name: string;
  ips: string[];
  pool?: string;
  state: string;
  announcers: { node: string; protocol: string; peers?: string[] }[];
  rules: string[];
  message?: string;
}
interface SimJson {
  services: Svc[];
  pools: { name: string; capacity: { ipv4: number; ipv6: number }; used: { ipv4: number; ipv6: number }; advertisedBy: { l2: string[]; bgp: string[] } }[];
  nodes: { name: string; speaker: string; announces: boolean; excludedBy: string[] }[];
  whatIf?: { changes: string[]; services: { service: string; added?: boolean; before?: Svc; after: Svc }[] };
  summary: { error: number; critical: number; warning: number };
  findings: { rule: string }[];
}

/** The healthy L2 cluster as if it ran MetalLB `tag` (its images retagged), in a temporary copy. */
async function atRelease<T>(tag: string, fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'mdoc-release-'));
  try {
    cpSync(L2, dir, { recursive: true });
    const file = join(dir, 'resources', 'metallb.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replaceAll(':v0.15.2', `:${tag}`));
    return await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function simulate(...args: string[]): Promise<{ code: number; json: SimJson; err: string }> {
  const r = await run(['simulate', ...args, '-o', 'json']);
  assert.equal(r.err, '', 'no warnings');
  return { code: r.code, json: JSON.parse(r.out) as SimJson, err: r.err };
}
const svc = (j: SimJson, name: string) => j.services.find((s) => `${s.namespace}/${s.name}` === name)!;

describe('simulate over the healthy layer 2 cluster', () => {
  test('who gets which address and who announces it; pool use; nodes', async () => {
    const { code, json } = await simulate('--from', L2);
    assert.equal(code, 0);
    assert.deepEqual(svc(json, 'shop/web'), { namespace: 'shop', name: 'web', ips: ['192.168.1.240'], pool: 'lan', state: 'announced', announcers: [{ node: 'worker-2', protocol: 'layer2' }], rules: [] });
    assert.deepEqual(svc(json, 'shop/api').announcers, [{ node: 'worker-1', protocol: 'layer2' }]);
    assert.deepEqual(json.pools, [{ name: 'lan', addresses: ['192.168.1.240-192.168.1.250'], capacity: { ipv4: 11, ipv6: 0 }, used: { ipv4: 2, ipv6: 0 }, advertisedBy: { l2: ['lan'], bgp: [] }, autoAssign: true, avoidBuggyIPs: false }]);
    const cp = json.nodes.find((n) => n.name === 'cp-1')!;
    assert.deepEqual(cp, { name: 'cp-1', speaker: 'ready', announces: false, excludedBy: ['node.kubernetes.io/exclude-from-external-load-balancers'] });
    assert.equal(json.whatIf, undefined);
  });

  test('--fail-node: the address moves to the next node of the election; nothing else changes', async () => {
    const { code, json } = await simulate('--from', L2, '--fail-node', 'worker-2');
    assert.equal(code, 0);
    assert.deepEqual(json.whatIf!.changes, ['--fail-node worker-2']);
    assert.deepEqual(json.whatIf!.services.map((c) => [c.service, c.before!.announcers[0]!.node, c.after.announcers[0]!.node]), [['shop/web', 'worker-2', 'worker-1']]);
    assert.equal(json.nodes.length, 2);
  });

  test('--drain-node: a Local Service follows its endpoints; the speaker stays, so Cluster Services do not move', async () => {
    const { json } = await simulate('--from', L2, '--drain-node', 'worker-1');
    // api runs under Local with endpoints on both workers: it moves to worker-2; web stays on worker-2
    assert.deepEqual(json.whatIf!.services.map((c) => [c.service, c.after.announcers[0]!.node]), [['shop/api', 'worker-2']]);
    assert.equal(json.nodes.find((n) => n.name === 'worker-1')!.speaker, 'ready');
  });

  test('--drain-node cordons the node, as kubectl drain does: MetalLB v0.14.9 alone then stops announcing from it', async () => {
    const { json } = await atRelease('v0.14.9', (dir) => simulate('--from', dir, '--drain-node', 'worker-2'));
    // web (Cluster policy) was announced from worker-2: on v0.14.9 the cordoned node is unavailable
    assert.deepEqual(svc(json, 'shop/web').announcers, [{ node: 'worker-1', protocol: 'layer2' }]);
    assert.ok(json.nodes.find((n) => n.name === 'worker-2')!.excludedBy.includes('cordoned (MetalLB v0.14.9)'));
    // v0.15.2 ignores cordon: web stays
    const stays = await simulate('--from', L2, '--drain-node', 'worker-2');
    assert.deepEqual(svc(stays.json, 'shop/web').announcers, [{ node: 'worker-2', protocol: 'layer2' }]);
  });

  test('--label-node with the exclude label takes the node out of the election; NODE:KEY- removes a label', async () => {
    const { json } = await simulate('--from', L2, '--label-node', 'worker-2:node.kubernetes.io/exclude-from-external-load-balancers=');
    assert.deepEqual(svc(json, 'shop/web').announcers, [{ node: 'worker-1', protocol: 'layer2' }]);
    const back = await simulate('--from', L2, '--label-node', 'cp-1:node.kubernetes.io/exclude-from-external-load-balancers-');
    assert.equal(back.json.nodes.find((n) => n.name === 'cp-1')!.excludedBy.length, 0);
  });

  test('--set-pool-addresses: the holder of a still-valid address keeps it, the other waits (a running controller)', async () => {
    const { code, json } = await simulate('--from', L2, '--set-pool-addresses', 'lan=192.168.1.240/32');
    assert.equal(code, 2);
    assert.deepEqual(svc(json, 'shop/web').ips, ['192.168.1.240']);
    const api = svc(json, 'shop/api');
    assert.equal(api.state, 'pending');
    assert.equal(api.message, 'Failed to allocate IP for "shop/api": no available IPs');
    assert.ok(api.rules.includes('service-pool-exhausted'), api.rules.join());
  });

  test('--remove-pool: without pools MetalLB clears every Service', async () => {
    const { code, json } = await simulate('--from', L2, '--remove-pool', 'lan');
    assert.equal(code, 2);
    assert.ok(json.services.every((s) => s.state === 'pending' && s.ips.length === 0));
    assert.equal(json.pools.length, 0);
  });

  test('--add-service: the next free address, and its announcer; options parsed', async () => {
    const { code, json } = await simulate('--from', L2, '--add-service', 'shop/new,port=443,label=app=new,policy=Local,endpoints=worker-2');
    assert.equal(code, 0);
    const added = json.whatIf!.services.find((c) => c.added)!;
    assert.equal(added.service, 'shop/new');
    assert.deepEqual(added.after.ips, ['192.168.1.242']);
    assert.deepEqual(added.after.announcers, [{ node: 'worker-2', protocol: 'layer2' }]);
  });

  test('--add-service pool=, share= and ip= write the annotation prefix the release reads (metallb.universe.tf/ before v0.14.9)', async () => {
    const added = (json: SimJson) => json.whatIf!.services.find((c) => c.added)!;
    for (const { json } of [await simulate('--from', L2, '--add-service', 'shop/new,ip=192.168.1.250'), await atRelease('v0.14.8', (dir) => simulate('--from', dir, '--add-service', 'shop/new,ip=192.168.1.250'))]) {
      // honoured on both releases: the annotation went under the key each one reads
      assert.deepEqual(added(json).after.ips, ['192.168.1.250']);
      assert.ok(!json.findings.some((f) => f.rule === 'service-annotation-unsupported'));
    }
  });

  test('bad what-ifs are one-line usage errors with exit 3', async () => {
    for (const [args, msg] of [
      [['--fail-node', 'nope'], /--fail-node nope: no Node "nope"/],
      [['--remove-pool', 'nope'], /no IPAddressPool "nope"/],
      [['--add-service', 'web'], /expected NAMESPACE\/NAME first/],
      [['--add-service', 'shop/x,port=99999'], /port wants N/],
      [['--add-service', 'shop/web'], /the Service already exists/],
      [['--add-service', 'shop/x,endpoints=worker-1+wrker-2'], /--add-service shop\/x: endpoints on no Node: "wrker-2"/],
      [['--add-service', 'shop/x,ip='], /ip wants an address, got nothing/],
      [['--label-node', 'worker-1'], /expected NODE:KEY=VALUE/],
      [['--set-pool-addresses', 'lan'], /expected POOL=RANGE/],
    ] as const) {
      const r = await run(['simulate', '--from', L2, ...args]);
      assert.equal(r.code, 3, args.join(' '));
      assert.match(r.err, msg);
      assert.equal(r.err.trim().split('\n').length, 1, r.err);
    }
    // no --from and no paths: the live cluster, here through a kubeconfig that does not exist
    const none = await run(['simulate', '--kubeconfig', 'no/such/kubeconfig']);
    assert.equal(none.code, 3);
    assert.equal(none.err, 'metallb-doctor: no/such/kubeconfig: no such kubeconfig file\n');
  });

  test('text output: the tables and what changes', async () => {
    const r = await run(['simulate', '--from', L2, '--fail-node', 'worker-2', '--no-color']);
    assert.equal(r.code, 0);
    assert.match(r.out, /^ {2}shop\/web +announced +192\.168\.1\.240 +lan +layer2: worker-1$/m);
    assert.match(r.out, /WHAT CHANGES \(--fail-node worker-2\)\n {2}~ shop\/web:\n {6}announced by layer2: worker-2 {2}-> {2}layer2: worker-1/);
    assert.match(r.out, /^ {2}lan +IPv4 2\/11 +lan +- +192\.168\.1\.240-192\.168\.1\.250$/m);
  });
});

describe('simulate over the healthy BGP cluster', () => {
  test('every eligible node announces, to its peers; --fail-node withdraws its routes', async () => {
    const { json } = await simulate('--from', BGP);
    assert.deepEqual(svc(json, 'shop/web').announcers, [
      { node: 'worker-1', protocol: 'bgp', peers: ['tor'] },
      { node: 'worker-2', protocol: 'bgp', peers: ['tor'] },
    ]);
    const failed = await run(['simulate', '--from', BGP, '--fail-node', 'worker-1', '--no-color']);
    assert.match(failed.out, /BGP routes 203\.0\.113\.1\/32 withdrawn by worker-1/);
    assert.match(failed.out, /BGP routes 10\.200\.0\.1\/32 withdrawn by worker-1/);
  });
});

describe('simulate over manifests alone', () => {
  test('addresses are computed; who announces is not, and the report says why', async () => {
    const r = await run(['simulate', 'examples/healthy-l2', '--add-service', 'shop/web,port=80', '-o', 'json']);
    const json = JSON.parse(r.out) as SimJson & { model: { announcementUnknown?: string } };
    const web = svc(json, 'shop/web');
    assert.equal(web.state, 'assigned');
    assert.deepEqual(web.ips, ['192.168.10.240']);
    assert.match(json.model.announcementUnknown!, /the input lacks Node/);
  });
});

describe('a what-if keeps where its input came from', () => {
  test("manifests stay manifests, and a snapshot's objects stay the cluster's (not linted as files)", async () => {
    const manifests = JSON.parse((await run(['simulate', 'examples/clusters/healthy-l2/resources', '--fail-node', 'worker-2', '-o', 'json'])).out) as { source: { kind: string } };
    assert.equal(manifests.source.kind, 'manifests');
    // a field of the wrong type in a Service captured from the cluster: the
    // baseline does not lint the cluster's own objects, and neither does the world after the change
    const dir = mkdtempSync(join(tmpdir(), 'whatif-source-'));
    try {
      cpSync(L2, dir, { recursive: true });
      const file = join(dir, 'resources', 'workloads.yaml');
      writeFileSync(file, readFileSync(file, 'utf8').replace('spec:\n  type: LoadBalancer\n', 'spec:\n  type: LoadBalancer\n  loadBalancerSourceRanges: 7\n'));
      const lintedAsFile = (await run(['simulate', join(dir, 'resources'), '-o', 'json'])).out;
      assert.match(lintedAsFile, /object-schema-invalid/, 'the planted field is a finding when the objects are files');
      for (const extra of [[], ['--fail-node', 'worker-2']]) {
        const r = await simulate('--from', dir, ...extra);
        assert.ok(!JSON.stringify(r.json).includes('object-schema-invalid'), `no schema finding on the cluster's objects (${extra.join(' ') || 'baseline'})`);
        assert.equal((r.json as unknown as { source: { kind: string } }).source.kind, 'snapshot');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('what-if flags', () => {
  test('--add-service keys', () => {
    const s = parseAddService('shop/web,port=53/udp,port=53,family=RequireDualStack,annotation=a.io/x=1=2,ip=10.0.0.1,ip=fd00::1,pool=lan,share=k,lbclass=x.io/lb,endpoints=');
    assert.deepEqual(s.ports, [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }]);
    assert.equal(s.ipFamilyPolicy, 'RequireDualStack');
    assert.deepEqual(s.annotations, { 'a.io/x': '1=2' });
    assert.deepEqual(s.requests, { 'address-pool': 'lan', 'allow-shared-ip': 'k', loadBalancerIPs: '10.0.0.1,fd00::1' });
    assert.equal(s.loadBalancerClass, 'x.io/lb');
    assert.deepEqual(s.endpoints, []);
  });
  test('label changes: set, set empty, remove', () => {
    const c = parseChanges({ addService: [], removePool: [], setPoolAddresses: [], failNode: [], drainNode: [], labelNode: ['n1:a=b', 'n1:c=', 'n1:d-'] });
    assert.deepEqual(c, [
      { kind: 'label-node', node: 'n1', key: 'a', value: 'b' },
      { kind: 'label-node', node: 'n1', key: 'c', value: '' },
      { kind: 'label-node', node: 'n1', key: 'd' },
    ]);
  });
});
