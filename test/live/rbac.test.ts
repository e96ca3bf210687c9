// deploy/rbac.yaml grants what the tool reads, and only reading: every request diag, snapshot and
// --logs send to a cluster (recorded by replay) must be allowed by its ClusterRole or by the Role
// of the request's namespace, evaluated as Kubernetes RBAC does (apiGroups, resources and
// subresources, verbs, resourceNames).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { runInProcess, ROOT } from '../helpers/cli.js';
import { DEMO, tempDir, withReplay } from '../replay/helpers.js';
import type { RequestRecord } from '../../src/replay/server.js';

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

const docs = parseAllDocuments(readFileSync(join(ROOT, 'deploy', 'rbac.yaml'), 'utf8')).map((d) => d.toJS() as { kind: string; metadata: { name: string; namespace?: string }; rules?: Rule[] });
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

describe('deploy/rbac.yaml', () => {
  test('read-only: get, list and watch, nothing else, on no wildcard', () => {
    assert.ok(roles.length >= 2);
    for (const g of roles)
      for (const rule of g.rules) {
        for (const v of rule.verbs) assert.ok(['get', 'list', 'watch'].includes(v), `${g.kind} ${g.namespace ?? ''} ${rule.resources.join(',')}: verb ${v}`);
        assert.ok(!rule.resources.includes('*') && !rule.apiGroups.includes('*'), 'no wildcards');
      }
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
        const denied = r.requests
          .map((q) => ({ q, a: attributes(q) }))
          .filter(({ a }) => a !== undefined && !allowed(a))
          .map(({ q, a }) => `${a!.verb} ${q.path}`);
        assert.deepEqual([...new Set(denied)], []);
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
});
