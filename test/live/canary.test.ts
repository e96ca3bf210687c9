// No secret reaches a bundle: a cluster (served by replay, from objects that still hold their
// values) plants a canary in every place a secret can hide: Secret data and stringData, a BGPPeer's
// password, the Secret its passwordSecret names, a legacy ConfigMap's peers, an frr-k8s
// FRRConfiguration's neighbours, FRR's running configuration in an FRRNodeState's status, kube-vip's
// environment (bgp_peerpass, bgp_peers) and flags in a DaemonSet, a Deployment's template and a Pod,
// and kubectl's last-applied-configuration annotations. snapshot
// writes a directory and a .tar.gz; no file of either holds any canary, in clear or in base64.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { x as untar } from 'tar';
import { runInProcess, ROOT } from '../helpers/cli.js';
import { tempDir } from '../replay/helpers.js';
import { loadInputs } from '../../src/sources/load.js';
import { ReplayStore } from '../../src/replay/store.js';
import { startReplay, type RequestRecord } from '../../src/replay/server.js';
import { kubeconfigText } from '../../src/replay/kubeconfig.js';
import { MASK, LAST_APPLIED } from '../../src/sources/mask.js';
import type { KubeObject } from '../../src/sources/types.js';

const HEALTHY_BGP = join(ROOT, 'examples', 'clusters', 'healthy-bgp');
const CANARY = {
  secretData: 'canary-secret-data-7f3a',
  secretString: 'canary-secret-stringdata-91bd',
  bgpPassword: 'canary-bgppeer-password-c0de',
  peerSecret: 'canary-passwordsecret-5e11',
  legacy: 'canary-legacy-configmap-aa42',
  frr: 'canary-frrconfiguration-0b7e',
  lastApplied: 'canary-last-applied-66f0',
  otherNamespace: 'canary-never-read-d00d',
  runningConfig: 'canary-frrnodestate-running-3c1d',
  vtyPassword: 'canary-frr-vty-password-19aa',
  kubeVipPass: 'canary-kubevip-peerpass-4b2e',
  kubeVipPeers: 'canary-kubevip-peers-8d05',
  kubeVipFlag: 'canary-kubevip-flag-e7c3',
  kubeVipPodPass: 'canary-kubevip-pod-env-2f90',
  deploymentPass: 'canary-deployment-env-a6d4',
};
const b64 = (s: string) => Buffer.from(s).toString('base64');

function lastApplied(obj: object, password: string): string {
  return JSON.stringify({ ...obj, spec: { password } });
}

/** The healthy BGP cluster, with the canaries planted (later copies replace the bundle's objects). */
async function plantedStore(): Promise<ReplayStore> {
  const load = await loadInputs([HEALTHY_BGP]);
  const peer = load.objects.find((o) => o.kind === 'BGPPeer')!;
  const planted: KubeObject[] = [
    {
      ...peer,
      metadata: { ...peer.metadata, annotations: { [LAST_APPLIED]: lastApplied(peer, CANARY.lastApplied) } },
      spec: { ...(peer.spec as object), password: CANARY.bgpPassword },
    },
    {
      apiVersion: 'metallb.io/v1beta2',
      kind: 'BGPPeer',
      metadata: { name: 'with-secret', namespace: 'metallb-system' },
      spec: { myASN: 64512, peerASN: 64513, peerAddress: '192.168.1.2', passwordSecret: { name: 'bgp-auth', namespace: 'metallb-system' } },
    },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'bgp-auth', namespace: 'metallb-system', annotations: { [LAST_APPLIED]: JSON.stringify({ stringData: { password: CANARY.lastApplied } }) } },
      type: 'kubernetes.io/basic-auth',
      data: { password: b64(CANARY.peerSecret) },
    },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'memberlist', namespace: 'metallb-system' },
      type: 'Opaque',
      data: { secretkey: b64(CANARY.secretData) },
      stringData: { extra: CANARY.secretString },
    },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db', namespace: 'shop' },
      type: 'Opaque',
      data: { password: b64(CANARY.otherNamespace) },
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'config', namespace: 'metallb-system' },
      data: { config: `peers:\n- peer-address: 10.0.0.1\n  peer-asn: 64501\n  my-asn: 64500\n  password: ${CANARY.legacy}\naddress-pools:\n- name: default\n  protocol: bgp\n  addresses: [198.51.100.0/24]\n` },
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'kube-proxy', namespace: 'kube-system', annotations: { [LAST_APPLIED]: JSON.stringify({ data: { password: CANARY.lastApplied } }) } },
      data: { 'config.conf': 'mode: iptables\n' },
    },
    frrK8sCRD('FRRConfiguration', 'Namespaced'),
    {
      apiVersion: 'frrk8s.metallb.io/v1beta1',
      kind: 'FRRConfiguration',
      metadata: { name: 'extra', namespace: 'metallb-system', annotations: { [LAST_APPLIED]: lastApplied({}, CANARY.lastApplied) } },
      spec: { bgp: { routers: [{ asn: 64512, neighbors: [{ address: '192.168.1.3', asn: 64514, password: CANARY.frr }] }] } },
    },
    frrK8sCRD('FRRNodeState', 'Cluster'),
    {
      apiVersion: 'frrk8s.metallb.io/v1beta1',
      kind: 'FRRNodeState',
      metadata: { name: 'worker-1' },
      status: {
        runningConfig: `frr version 8.5\nfrr defaults traditional\n!\nrouter bgp 64512\n neighbor 192.168.1.3 remote-as 64514\n neighbor 192.168.1.3 password ${CANARY.runningConfig}\n!\nline vty\n password ${CANARY.vtyPassword}\n!\n`,
        lastReloadResult: 'success',
      },
    },
    kubeVip('DaemonSet', { name: 'kube-vip-ds', namespace: 'kube-system' }, [
      { name: 'bgp_enable', value: 'true' },
      { name: 'bgp_peerpass', value: CANARY.kubeVipPass },
      { name: 'bgp_peers', value: `192.168.1.1:64501:${CANARY.kubeVipPeers}:false,[fd00::1]:64501:${CANARY.kubeVipPeers}:true` },
    ], ['manager', '--peerPass', CANARY.kubeVipFlag]),
    kubeVip('Deployment', { name: 'vip-helper', namespace: 'kube-system' }, [{ name: 'ADMIN_PASSWORD', value: CANARY.deploymentPass }]),
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'kube-vip-cp-1', namespace: 'kube-system' },
      spec: { containers: [{ name: 'kube-vip', image: 'ghcr.io/kube-vip/kube-vip:v0.8.0', env: [{ name: 'bgp_peerpass', value: CANARY.kubeVipPodPass }, { name: 'vip_interface', value: 'eth0' }] }] },
      status: { phase: 'Running' },
    },
  ];
  const captured = [...(load.bundle?.captured ?? []), 'FRRConfiguration.frrk8s.metallb.io', 'FRRNodeState.frrk8s.metallb.io'];
  return new ReplayStore({ ...load, objects: [...load.objects, ...planted], bundle: { ...load.bundle!, captured } });
}

/** The CRD of an frr-k8s kind (v1beta1, served). */
function frrK8sCRD(kind: string, scope: 'Namespaced' | 'Cluster'): KubeObject {
  const plural = `${kind.toLowerCase()}s`;
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.frrk8s.metallb.io` },
    spec: {
      group: 'frrk8s.metallb.io',
      scope,
      names: { kind, plural, singular: kind.toLowerCase(), listKind: `${kind}List` },
      versions: [{ name: 'v1beta1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object' } } }],
    },
  };
}

/** kube-vip's workload, its BGP password in its environment (and flags) as its docs have it. */
function kubeVip(kind: string, metadata: { name: string; namespace: string }, env: { name: string; value: string }[], args?: string[]): KubeObject {
  const container = { name: 'kube-vip', image: 'ghcr.io/kube-vip/kube-vip:v0.8.0', env, ...(args ? { args } : {}) };
  return {
    apiVersion: 'apps/v1',
    kind,
    metadata: { ...metadata, annotations: { [LAST_APPLIED]: JSON.stringify({ spec: { template: { spec: { containers: [container] } } } }) } },
    spec: { selector: { matchLabels: { app: metadata.name } }, template: { metadata: { labels: { app: metadata.name } }, spec: { containers: [container] } } },
  };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

function assertNoCanary(text: string, where: string): void {
  for (const [place, c] of Object.entries(CANARY)) {
    assert.ok(!text.includes(c), `${where} holds the canary of ${place}`);
    assert.ok(!text.includes(b64(c)), `${where} holds the canary of ${place} in base64`);
  }
}

describe('no secret reaches a bundle', () => {
  test('canaries in every place a secret hides: none in the snapshot (directory or .tar.gz), nor in diag\'s report', async () => {
    const store = await plantedStore();
    // the replay really serves the values: the test would prove nothing otherwise
    const served = store.list(store.catalog.find('', 'v1', 'secrets')!, 'metallb-system').find((s) => s.metadata.name === 'bgp-auth');
    assert.equal((served?.data as Record<string, string>).password, b64(CANARY.peerSecret));

    const requests: RequestRecord[] = [];
    const server = await startReplay(store, { onRequest: (r) => requests.push(r) });
    const dir = tempDir('mlbd-canary-');
    try {
      const kc = join(dir, 'kubeconfig');
      writeFileSync(kc, kubeconfigText(server.url, HEALTHY_BGP));
      for (const out of ['snap', 'snap.tar.gz']) {
        const r = await runInProcess(['snapshot', join(dir, out), '--kubeconfig', kc]);
        assert.equal(r.code, 0, r.err);
      }
      const diag = await runInProcess(['diag', '--kubeconfig', kc, '-o', 'json']);
      assertNoCanary(diag.out, "diag's report");
      assertNoCanary(diag.err, "diag's stderr");

      // the Secret of another namespace was never asked for; Secrets only by name, in MetalLB's namespace
      const secretPaths = requests.filter((q) => q.path.includes('/secrets')).map((q) => q.path);
      assert.deepEqual([...new Set(secretPaths)].sort(), ['/api/v1/namespaces/metallb-system/secrets/bgp-auth', '/api/v1/namespaces/metallb-system/secrets/memberlist']);
    } finally {
      await server.close();
    }
    try {
      const unpacked = join(dir, 'unpacked');
      rmSync(unpacked, { recursive: true, force: true });
      await import('node:fs/promises').then((fs) => fs.mkdir(unpacked));
      await untar({ file: join(dir, 'snap.tar.gz'), cwd: unpacked });
      const files = [...filesUnder(join(dir, 'snap')), ...filesUnder(unpacked)];
      assert.ok(files.length > 10, `${files.length} files`);
      for (const f of files) assertNoCanary(readFileSync(f, 'utf8'), f);

      // and what was there is still told: the masks, the Secrets' types and key names
      const read = (name: string) => readFileSync(join(dir, 'snap', 'resources', name), 'utf8');
      const peers = JSON.parse(read('BGPPeer.metallb.io.json')) as { items: KubeObject[] };
      const tor = peers.items.find((p) => (p.spec as { password?: string }).password !== undefined)!;
      assert.equal((tor.spec as { password: string }).password, MASK);
      assert.equal(tor.metadata.annotations?.[LAST_APPLIED], MASK);
      const frr = JSON.parse(read('FRRConfiguration.frrk8s.metallb.io.json')) as { items: KubeObject[] };
      assert.equal(((frr.items[0]!.spec as { bgp: { routers: { neighbors: { password: string }[] }[] } }).bgp.routers[0]!.neighbors[0]!.password), MASK);
      const cms = JSON.parse(read('ConfigMap.json')) as { items: KubeObject[] };
      const legacy = cms.items.find((c) => c.metadata.name === 'config')!;
      assert.match((legacy.data as { config: string }).config, new RegExp(`password: "?${MASK.replace(/[<>]/g, '.')}"?`));
      assert.match((legacy.data as { config: string }).config, /peer-address: 10\.0\.0\.1/);
      const states = JSON.parse(read('FRRNodeState.frrk8s.metallb.io.json')) as { items: KubeObject[] };
      const running = (states.items[0]!.status as { runningConfig: string }).runningConfig;
      assert.match(running, new RegExp(`neighbor 192\\.168\\.1\\.3 password ${MASK}\n`));
      assert.match(running, /neighbor 192\.168\.1\.3 remote-as 64514/);
      const envOf = (o: KubeObject) => (((o.kind === 'Pod' ? o.spec : (o.spec as { template: { spec: object } }).template.spec) as { containers: { env: { name: string; value: string }[] }[] }).containers[0]!.env);
      const ds = (JSON.parse(read('DaemonSet.json')) as { items: KubeObject[] }).items.find((d) => d.metadata.name === 'kube-vip-ds')!;
      assert.deepEqual(envOf(ds), [
        { name: 'bgp_enable', value: 'true' },
        { name: 'bgp_peerpass', value: MASK },
        { name: 'bgp_peers', value: `192.168.1.1:64501:${MASK}:false,[fd00::1]:64501:${MASK}:true` },
      ]);
      const pod = (JSON.parse(read('Pod.json')) as { items: KubeObject[] }).items.find((p) => p.metadata.name === 'kube-vip-cp-1')!;
      assert.deepEqual(envOf(pod), [{ name: 'bgp_peerpass', value: MASK }, { name: 'vip_interface', value: 'eth0' }]);
      const secrets = JSON.parse(read('Secret.json')) as { items: KubeObject[] };
      const auth = secrets.items.find((s) => s.metadata.name === 'bgp-auth')!;
      assert.equal((auth as { type?: string }).type, 'kubernetes.io/basic-auth');
      assert.deepEqual(auth.data, { password: '' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
