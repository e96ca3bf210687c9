// Scenario bundles where only the logs reveal the cause (test/fixtures/logs/scenarios, README.md
// there): port 7946 blocked, a split brain, Bad Peer AS (native and FRR), a router that never
// answers on 179, a rejected configuration, a failed allocation, RBAC, a failed FRR reload, and a
// healthy cluster with transient trouble. diag and logs must fire exactly what expected.json says.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, runInProcess } from '../helpers/cli.js';

const DIR = join(ROOT, 'test', 'fixtures', 'logs', 'scenarios');
const expected = JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8')) as Record<string, { fire: string[]; notFire: string[] }>;

type Json = Record<string, unknown>;
const rules = (out: string) => new Set(((JSON.parse(out) as Json).findings as Json[]).map((f) => String(f.rule)));

describe('log scenarios', () => {
  for (const [name, want] of Object.entries(expected)) {
    test(`${name}: diag fires ${want.fire.join(', ') || 'no log rule'}`, async () => {
      const diag = await runInProcess(['diag', '--from', join(DIR, name), '-o', 'json']);
      assert.ok(diag.out.startsWith('{'), diag.err);
      const got = rules(diag.out);
      for (const id of want.fire) assert.ok(got.has(id), `${id} must fire; got ${[...got].join(', ')}`);
      for (const id of want.notFire) assert.ok(!got.has(id), `${id} must not fire`);
      // logs reports the same log-* findings as diag
      const logs = await runInProcess(['logs', '--from', join(DIR, name), '-o', 'json']);
      assert.deepEqual([...rules(logs.out)].sort(), [...got].filter((id) => id.startsWith('log-')).sort());
      assert.equal(logs.code, want.fire.some((id) => id.startsWith('log-')) ? 2 : 0, logs.err);
    });
  }
});
