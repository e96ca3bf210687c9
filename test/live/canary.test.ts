// No secret reaches a bundle: a cluster (served by replay, from objects that still hold their
// values) plants a canary in every place a secret can hide: Secret data and stringData, a BGPPeer's
// password, the Secret its passwordSecret names, a legacy ConfigMap's peers, an frr-k8s
// FRRConfiguration's neighbours, and kubectl's last-applied-configuration annotations. snapshot
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
    {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'frrconfigurations.frrk8s.metallb.io' },
      spec: {
        group: 'frrk8s.metallb.io',
        scope: 'Namespaced',
        names: { kind: 'FRRConfiguration', plural: 'frrconfigurations', singular: 'frrconfiguration', listKind: 'FRRConfigurationList' },
        versions: [{ name: 'v1beta1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object' } } }],
      },
    },
    {
      apiVersion: 'frrk8s.metallb.io/v1beta1',
      kind: 'FRRConfiguration',
      metadata: { name: 'extra', namespace: 'metallb-system', annotations: { [LAST_APPLIED]: lastApplied({}, CANARY.lastApplied) } },
      spec: { bgp: { routers: [{ asn: 64512, neighbors: [{ address: '192.168.1.3', asn: 64514, password: CANARY.frr }] }] } },
    },
  ];
  return new ReplayStore({ ...load, objects: [...load.objects, ...planted], bundle: { ...load.bundle!, captured: [...(load.bundle?.captured ?? []), 'FRRConfiguration.frrk8s.metallb.io'] } });
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
      const secrets = JSON.parse(read('Secret.json')) as { items: KubeObject[] };
      const auth = secrets.items.find((s) => s.metadata.name === 'bgp-auth')!;
      assert.equal((auth as { type?: string }).type, 'kubernetes.io/basic-auth');
      assert.deepEqual(auth.data, { password: '' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
