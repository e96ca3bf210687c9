import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parse } from 'yaml';
import { renderJson } from '../../src/renderers/json.js';
import { renderYaml } from '../../src/renderers/yaml.js';
import type { Report } from '../../src/report/types.js';
import { clusterReport, lintReport, opts } from './fixtures.js';

describe('yaml renderer', () => {
  test('parses back to the same document as -o json, keys in the same order', () => {
    for (const r of [lintReport(), clusterReport()]) {
      const fromYaml = parse(renderYaml(r, opts()));
      const fromJson = JSON.parse(renderJson(r, opts()));
      assert.deepEqual(fromYaml, fromJson);
      assert.deepEqual(Object.keys(fromYaml), Object.keys(fromJson));
      assert.deepEqual(Object.keys(fromYaml.findings[0]), Object.keys(fromJson.findings[0]));
    }
    assert.ok(renderYaml(lintReport(), opts()).startsWith('tool:\n  name: metallb-doctor\n'));
  });

  test('bigint strings stay strings, and strings YAML would read as other types stay strings', () => {
    const r = clusterReport() as Report & Record<string, unknown>;
    r.pools = [{ name: 'v6', capacity: { ipv4: 0n, ipv6: 2n ** 80n } }];
    const tricky = ['yes', 'no', 'null', '~', '0x10', '1e3', '012', 'true', '- a', 'a: b', '#x', ' lead', 'trail ', 'two\nlines', ''];
    r.findings[0]!.evidence = tricky;
    const doc = parse(renderYaml(r, opts()));
    assert.equal(doc.pools[0].capacity.ipv6, (2n ** 80n).toString());
    assert.equal(doc.pools[0].capacity.ipv4, 0);
    assert.deepEqual(doc.findings[0].evidence, tricky);
  });

  test('property: any message and evidence survive YAML exactly', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), fc.array(fc.string({ maxLength: 40 }), { maxLength: 4 }), (message, evidence) => {
        const r = lintReport();
        r.findings[0] = { ...r.findings[0]!, message, evidence };
        assert.deepEqual(parse(renderYaml(r, opts())), JSON.parse(renderJson(r, opts())));
      }),
      { numRuns: 150 },
    );
  });
});
