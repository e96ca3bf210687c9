// deploy/rbac.yaml (and deploy/rbac-frr-k8s.yaml, for frr-k8s in a namespace of its own) grants
// what the tool reads, and only reading: every request diag, snapshot and --logs send to a cluster
// (recorded by replay) must be allowed by its ClusterRole or by the Role of the request's
// namespace, evaluated as Kubernetes RBAC does (apiGroups, resources and subresources, verbs,
// resourceNames).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { runInProcess, ROOT } from '../helpers/cli.js';
import { DEMO, tempDir, withReplay } from '../replay/helpers.js';
import type { RequestRecord } from '../../src/replay/server.js';
import { ReplayStore } from '../../src/replay/store.js';
import { loadInputs } from '../../src/sources/load.js';
import type { KubeObject } from '../../src/sources/types.js';

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}
interface Granted {
  kind: string;
  namespace?: string;
  name: string;
  rules: Rule[];
}

const docs = ['rbac.yaml', 'rbac-frr-k8s.yaml'].flatMap((f) =>
  parseAllDocuments(readFileSync(join(ROOT, 'deploy', f), 'utf8')).map((d) => d.toJS() as { kind: string; metadata: { name: string; namespace?: string }; rules?: Rule[] }),
);
const roles: Granted[] = docs.filter((d) => d.kind === 'ClusterRole' || d.kind === 'Role').map((d) => ({ kind: d.kind, name: d.metadata.name, namespace: d.metadata.namespace, rules: d.rules ?? [] }));

/** What an API request asks for, as RBAC sees it. */
function attributes(r: RequestRecord): { group: string; namespace?: string; resource: string; name?: string; verb: string } | undefined {
  const segs = r.path.split('/').filter(Boolean);
  let rest: string[];
  let group: string;
  if (segs[0] === 'api') {
    group = '';
    rest = segs.slice(2);
  } else if (segs[0] === 'apis') {
    group = segs[1]!;
    rest = segs.slice(3);
  } else return undefined; // /version and discovery: non-resource URLs every user may read
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [plural, name, sub] = rest;
  const watch = /(^|&)watch=(true|1)(&|$)/.test(r.query);
  return { group, namespace, resource: sub ? `${plural}/${sub}` : plural!, name, verb: watch ? 'watch' : name ? 'get' : 'list' };
}

function allowed(a: NonNullable<ReturnType<typeof attributes>>): boolean {
  const applies = roles.filter((g) => g.kind === 'ClusterRole' || (a.namespace !== undefined && g.namespace === a.namespace));
  return applies.some((g) =>
    g.rules.some(
      (rule) =>
        rule.apiGroups.includes(a.group) &&
        rule.resources.includes(a.resource) &&
        rule.verbs.includes(a.verb) &&
        (!rule.resourceNames || (a.name !== undefined && rule.resourceNames.includes(a.name))),
    ),
  );
}

/** The requests RBAC would deny, as "verb path", once each. */
function deniedOf(requests: RequestRecord[]): string[] {
  const denied = requests
    .map((q) => ({ q, a: attributes(q) }))
    .filter(({ a }) => a !== undefined && !allowed(a))
    .map(({ q, a }) => `${a!.verb} ${q.path}`);
  return [...new Set(denied)];
}

const HEALTHY_BGP = join(ROOT, 'examples', 'clusters', 'healthy-bgp');
const FRR_NS = 'frr-k8s-system';

/** The healthy BGP cluster with frr-k8s in a namespace of its own (as its upstream manifests install it), its FRR exporter on a metrics port. */
async function frrK8sApart(): Promise<ReplayStore> {
  const load = await loadInputs([HEALTHY_BGP]);
  const objects = load.objects.map((o): KubeObject => {
    if (o.metadata.namespace !== 'metallb-system' || !(o.metadata.name ?? '').startsWith('frr-k8s')) return o;
    const moved = structuredClone(o);
    moved.metadata.namespace = FRR_NS;
    if (moved.kind === 'Pod') {
      for (const c of (moved.spec as { containers: { name: string; ports?: unknown[] }[] }).containers) if (c.name === 'frr-metrics') c.ports = [{ name: 'frrmetrics', containerPort: 7573 }];
    }
    return moved;
  });
  return new ReplayStore({ ...load, objects });
}

describe('deploy/rbac.yaml', () => {
  test('read-only: list, and get where one object is read; no watch, no wildcard', () => {
    assert.ok(roles.length >= 2);
    for (const g of roles)
      for (const rule of g.rules) {
        for (const v of rule.verbs) assert.ok(['get', 'list', 'watch'].includes(v), `${g.kind} ${g.namespace ?? ''} ${rule.resources.join(',')}: verb ${v}`);
        assert.ok(!rule.resources.includes('*') && !rule.apiGroups.includes('*'), 'no wildcards');
      }
    // what the tool does and nothing more: it never watches; it gets one object only where it
    // reads one (a Secret by name, the API server's Endpoints, a pod's log or metrics)
    const verbs = roles.flatMap((g) => g.rules.flatMap((r) => r.verbs.flatMap((v) => r.resources.map((res) => `${v} ${res}`))));
    assert.deepEqual(verbs.filter((v) => v.startsWith('watch')), []);
    assert.deepEqual([...new Set(verbs.filter((v) => v.startsWith('get ')))].sort(), ['get endpoints', 'get pods/log', 'get pods/proxy', 'get secrets']);
    // Secrets: only get (one by one, by name) and only in MetalLB's namespace
    const secretRules = roles.flatMap((g) => g.rules.filter((r) => r.resources.includes('secrets')).map((r) => ({ g, r })));
    assert.deepEqual(secretRules.map(({ g, r }) => [g.kind, g.namespace, r.verbs]), [['Role', 'metallb-system', ['get']]]);
  });

  test('allows every request diag and snapshot send with --logs and --metrics (and would deny one it does not grant)', async () => {
    const dir = tempDir('mlbd-rbac-');
    try {
      await withReplay(DEMO, async (r) => {
        assert.equal((await runInProcess(['diag', '--kubeconfig', r.env.KUBECONFIG!, '--logs', '--metrics', '-o', 'json'])).code, 2);
        assert.equal((await runInProcess(['snapshot', join(dir, 's'), '--kubeconfig', r.env.KUBECONFIG!, '--logs', '--metrics'])).code, 0);
        assert.ok(r.requests.some((q) => q.path.endsWith('/proxy/metrics')), 'metrics were asked for');
        assert.deepEqual(deniedOf(r.requests), []);
        assert.ok(r.requests.some((q) => q.path.endsWith('/log')), 'logs were read');
      });
      // the evaluator can say no: Secrets of another namespace, a write-like verb, all Secrets
      assert.equal(allowed({ group: '', namespace: 'shop', resource: 'secrets', name: 'db', verb: 'get' }), false);
      assert.equal(allowed({ group: '', namespace: 'metallb-system', resource: 'secrets', verb: 'list' }), false);
      assert.equal(allowed({ group: 'metallb.io', resource: 'ipaddresspools', verb: 'delete' }), false);
      assert.equal(allowed({ group: '', namespace: 'default', resource: 'endpoints', name: 'other', verb: 'get' }), false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('frr-k8s in its own namespace: its logs and metrics are granted (rbac-frr-k8s.yaml), and nothing else of it is asked for', async () => {
    const store = await frrK8sApart();
    assert.ok(store.list(store.catalog.find('', 'v1', 'pods')!, FRR_NS).length > 0, 'frr-k8s pods moved');
    await withReplay(store, async (r) => {
      assert.equal((await runInProcess(['snapshot', join(r.dir, 's'), '--kubeconfig', r.env.KUBECONFIG!, '--logs', '--metrics'])).code, 0);
      const inFrr = r.requests.filter((q) => q.path.includes(`/namespaces/${FRR_NS}/`)).map((q) => attributes(q)!);
      assert.ok(inFrr.some((a) => a.resource === 'pods/log'), 'frr-k8s logs were read');
      assert.ok(inFrr.some((a) => a.resource === 'pods/proxy'), 'frr-k8s metrics were read');
      assert.deepEqual([...new Set(inFrr.map((a) => `${a.verb} ${a.resource}`))].sort(), ['get pods/log', 'get pods/proxy', 'list pods']);
      assert.deepEqual(deniedOf(r.requests), []);
    });
  });
});
