import { ruleTester } from '../helpers/rule-tester.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { docs, pool, service } from '../helpers/services.js';
import { controllerDeployment } from '../helpers/environment.js';
import { runInProcess } from '../helpers/cli.js';
import { backticked, pipeOverLogs } from '../helpers/confirm.js';
import { bundleJson } from '../helpers/cluster.js';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';

const p = pool('lan', ['192.168.10.0/24']);
const one = pool('tiny', ['192.168.10.1/32']);

ruleTester('service-pending', {
  valid: [
    { name: 'the Service has its address', files: { 'p.yaml': p, 's.yaml': service('web', { spec: { clusterIPs: '[10.96.0.10]' }, status: ['192.168.10.0'] }) } },
    { name: 'pools not in the input', files: { 's.yaml': service('web', { spec: { clusterIPs: '[10.96.0.10]' } }) } },
    { name: 'another class', files: { 'p.yaml': p, 's.yaml': service('web', { spec: { clusterIPs: '[10.96.0.10]', loadBalancerClass: 'x.io/lb' } }) } },
  ],
  invalid: [
    {
      name: "the pools' configuration does not parse (two pools overlap): the controller hands out nothing from it",
      files: { 'p.yaml': docs(p, pool('dup', ['192.168.10.0/30'])), 's.yaml': service('web', { spec: { clusterIPs: '[10.96.0.10]' } }) },
      errors: [
        {
          file: 's.yaml',
          line: 1,
          column: 1,
          message: /^Service shop\/web has no address: MetalLB's controller rejects the configuration of its pools, so it hands out nothing from them \(once fixed, it would give 192\.168\.10\.0 from pool "lan"/,
        },
      ],
    },
    {
      name: 'MetalLB would give it an address: not processed',
      files: { 'p.yaml': p, 's.yaml': service('web', { spec: { clusterIPs: '[10.96.0.10]' } }) },
      errors: [{ file: 's.yaml', line: 1, column: 1, message: /would give it 192\.168\.10\.0 from pool "lan": MetalLB's controller has not processed it/, fix: /`kubectl -n metallb-system logs deploy\/controller -c controller`/ }],
    },
    {
      name: "not processed, Helm's controller: its logs by the Deployment's own name",
      files: { 'p.yaml': p, 'c.yaml': controllerDeployment().replace('name: controller\n', 'name: metallb-controller\n'), 's.yaml': service('web', { spec: { clusterIPs: '[10.96.0.10]' } }) },
      errors: [{ file: 's.yaml', line: 1, column: 1, message: /MetalLB's controller has not processed it/, fix: /`kubectl -n metallb-system logs deploy\/metallb-controller -c controller`/ }],
    },
    {
      name: 'pending for a named cause',
      files: { 'p.yaml': one, 's.yaml': service('a', { spec: { clusterIPs: '[10.96.0.10]' }, status: ['192.168.10.1'] }) + '---\n' + service('b', { spec: { clusterIPs: '[10.96.0.10]' } }) },
      errors: [{ file: 's.yaml', line: 17, column: 1, message: /^Service shop\/b has no address, and MetalLB cannot give it one: Failed to allocate IP for "shop\/b": no available IPs \(see service-pool-exhausted\)$/ }],
    },
  ],
});

test("the rejected configuration's fix greps the line MetalLB's controller really writes (its parse error replaces \"failed to parse the configuration\")", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlbd-pending-'));
  try {
    mkdirSync(join(dir, 'resources'));
    writeFileSync(join(dir, 'bundle.json'), bundleJson());
    writeFileSync(join(dir, 'resources', 'c.yaml'), docs(p, pool('dup', ['192.168.10.0/30']), controllerDeployment(), service('web', { spec: { clusterIPs: '[10.96.0.10]' } })));
    const r = await runInProcess(['diag', '--from', dir, '-o', 'json']);
    const f = (JSON.parse(r.out) as { findings: { rule: string; fix: string }[] }).findings.find((x) => x.rule === 'service-pending')!;
    const [command] = backticked(f.fix);
    assert.match(command!, /^kubectl -n metallb-system logs deploy\/controller -c controller \| grep /);
    // the controller's log of a configuration it rejected (MetalLB v0.15.3)
    const lines = pipeOverLogs(command!, join(import.meta.dirname, '..', 'fixtures', 'logs', 'scenarios', 'config-rejected'));
    assert.ok(lines.length > 0 && lines.every((l) => /"controller":"PoolReconciler","error":"CIDR .* overlaps/.test(l)), lines.join('\n'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
