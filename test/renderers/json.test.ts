import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { renderJson, reportDocument } from '../../src/renderers/json.js';
import type { Report } from '../../src/report/types.js';
import { clusterReport, lintReport, opts } from './fixtures.js';

/** A report as another command would extend it: pools whose counts are bigints. */
function withPools(capacity: bigint, used: bigint): Report & Record<string, unknown> {
  return {
    ...clusterReport(),
    pools: [
      {
        advertisedBy: { bgp: [], l2: ['l2-all'] },
        used: { ipv6: used, ipv4: 3n },
        capacity: { ipv6: capacity, ipv4: 256n },
        addresses: ['192.168.10.0/24', 'fd00::/64'],
        name: 'default',
      },
    ],
  };
}

describe('json renderer', () => {
  test('round-trips a report without bigints', () => {
    for (const r of [lintReport(), clusterReport()]) {
      const out = renderJson(r, opts());
      assert.deepEqual(JSON.parse(out), r);
      assert.ok(out.endsWith('}\n'));
      assert.ok(out.includes('\n  "tool": {\n    "name"'), 'two-space indentation');
    }
  });

  test('keys come in the contract order whatever order the report was built in', () => {
    const r = lintReport();
    // rebuild every object with its keys reversed
    const reversed = JSON.parse(JSON.stringify(r), (_k, v) =>
      v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v,
    ) as Report;
    assert.notDeepEqual(Object.keys(reversed), Object.keys(r));
    const doc = JSON.parse(renderJson(reversed, opts()));
    assert.deepEqual(Object.keys(doc), ['tool', 'source', 'metallb', 'health', 'summary', 'checks', 'findings', 'gaps', 'input', 'suppressed']);
    assert.deepEqual(Object.keys(doc.findings[0]), ['rule', 'severity', 'message', 'objects', 'evidence', 'fix', 'docs']);
    assert.deepEqual(Object.keys(doc.findings[0].objects[0]), ['kind', 'namespace', 'name', 'file', 'line', 'column']);
    assert.deepEqual(Object.keys(doc.summary), ['critical', 'error', 'warning', 'info']);
    assert.deepEqual(Object.keys(doc.metallb), ['namespace', 'bgpBackend', 'bgpBackendAssumed']);
    assert.equal(renderJson(reversed, opts()), renderJson(r, opts()));
  });

  test('fields the contract does not name are kept, after the named ones', () => {
    const r = { extra: { b: 1, a: 2 }, ...lintReport() };
    const doc = JSON.parse(renderJson(r, opts()));
    assert.equal(Object.keys(doc).at(-1), 'extra');
    assert.deepEqual(Object.keys(doc.extra), ['b', 'a']);
  });

  test('bigint counts: numbers up to 2^53, decimal strings above', () => {
    const doc = JSON.parse(renderJson(withPools(2n ** 64n, 2n ** 53n), opts()));
    assert.deepEqual(Object.keys(doc).slice(0, 8), ['tool', 'source', 'metallb', 'health', 'summary', 'checks', 'findings', 'pools']);
    const pool = doc.pools[0];
    assert.deepEqual(Object.keys(pool), ['name', 'addresses', 'capacity', 'used', 'advertisedBy']);
    assert.deepEqual(pool.capacity, { ipv4: 256, ipv6: '18446744073709551616' });
    assert.deepEqual(pool.used, { ipv4: 3, ipv6: 9007199254740992 });
    assert.deepEqual(Object.keys(pool.advertisedBy), ['l2', 'bgp']);
    const over = JSON.parse(renderJson(withPools(2n ** 53n + 1n, 0n), opts()));
    assert.equal(over.pools[0].capacity.ipv6, '9007199254740993');
  });

  test('property: any bigint comes out exact, as a number when safe, else as a string', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 128n), max: 2n ** 128n }), (v) => {
        const doc = JSON.parse(renderJson(withPools(v, 0n), opts()));
        const out = doc.pools[0].capacity.ipv6;
        const big = v > 2n ** 53n || v < -(2n ** 53n);
        assert.equal(typeof out, big ? 'string' : 'number');
        assert.equal(BigInt(out), v);
      }),
      { numRuns: 300 },
    );
  });

  test('undefined fields are left out, in objects and in the shared document', () => {
    const r: Report = { ...clusterReport(), suppressed: undefined };
    const doc = reportDocument(r);
    assert.ok(!('suppressed' in doc));
    assert.ok(!renderJson(r, opts()).includes('suppressed'));
  });
});
