import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { escapeXml, renderJunit } from '../../src/renderers/junit.js';
import type { Report } from '../../src/report/types.js';
import { clusterReport, lintReport, opts } from './fixtures.js';
import { parseXml, type XmlElement } from './xml.js';

const byName = (el: XmlElement, name: string) => el.children.filter((c) => c.name === name);

describe('junit renderer', () => {
  test('one testsuite per file, one failing testcase per finding, counts that add up', () => {
    const xml = renderJunit(lintReport(), opts());
    assert.ok(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n'));
    const root = parseXml(xml);
    assert.equal(root.name, 'testsuites');
    assert.deepEqual(root.attrs, { name: 'metallb-doctor', tests: '4', failures: '4', errors: '0', skipped: '0', time: '0' });
    const suites = byName(root, 'testsuite');
    assert.deepEqual(suites.map((s) => [s.attrs.name, s.attrs.tests, s.attrs.failures]), [
      ['base/edge.yaml', '1', '1'],
      ['config/pools.yaml', '3', '3'],
    ]);
    const cases = byName(suites[1]!, 'testcase');
    assert.deepEqual(cases.map((c) => c.attrs.name), [
      'pool-overlap config/pools.yaml:2:5',
      'avoid-buggy-ips-unset config/pools.yaml:2:5',
      'pool-not-advertised config/pools.yaml:14:3',
    ]);
    const failure = byName(cases[0]!, 'failure')[0]!;
    assert.equal(failure.attrs.type, 'error');
    assert.equal(failure.attrs.message, 'IPAddressPool "prod" overlaps "lab" on 192.168.10.0/28');
    assert.ok(failure.text.startsWith('config/pools.yaml:2:5 error IPAddressPool "prod" overlaps "lab" on 192.168.10.0/28 pool-overlap\n'));
    assert.ok(failure.text.includes('\nprod: 192.168.10.0/24\n'), 'evidence in the failure body');
  });

  test('findings without a file share a suite named after the source; gaps are skipped cases', () => {
    const root = parseXml(renderJunit(clusterReport(), opts()));
    assert.deepEqual(byName(root, 'testsuite').map((s) => s.attrs.name), ['cluster kind-lab', 'could not see']);
    const gapSuite = byName(root, 'testsuite')[1]!;
    assert.equal(gapSuite.attrs.skipped, '1');
    const gap = byName(gapSuite, 'testcase')[0]!;
    assert.equal(gap.attrs.name, 'list bgppeers.metallb.io');
    assert.equal(byName(gap, 'skipped')[0]!.attrs.message, 'forbidden');
    assert.equal(root.attrs.tests, '2');
    assert.equal(root.attrs.failures, '1');
    assert.equal(root.attrs.skipped, '1');
  });

  test('a clean report is one passing testcase', () => {
    const clean: Report = { ...lintReport(), findings: [], summary: { critical: 0, error: 0, warning: 0, info: 0 } };
    const root = parseXml(renderJunit(clean, opts()));
    assert.equal(root.attrs.failures, '0');
    const cases = byName(byName(root, 'testsuite')[0]!, 'testcase');
    assert.equal(cases.length, 1);
    assert.equal(cases[0]!.children.length, 0);
  });

  test('XML escaping of markup, quotes, newlines and characters XML cannot carry', () => {
    assert.equal(escapeXml(`<a href="x">&'</a>`), '&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;');
    const r = lintReport();
    const nasty = `pool "a&b" <x> ]]> it's \u0007bell\nsecond line`;
    r.findings = [{ ...r.findings[0]!, message: nasty, evidence: ['</failure><x>'], objects: [{ kind: 'IPAddressPool', name: 'a', file: 'dir/<odd> & "name".yaml', line: 1, column: 1 }] }];
    const xml = renderJunit(r, opts());
    assert.ok(!xml.includes('\u0007'));
    const root = parseXml(xml);
    const suite = byName(root, 'testsuite')[0]!;
    assert.equal(suite.attrs.name, 'dir/<odd> & "name".yaml');
    const failure = byName(byName(suite, 'testcase')[0]!, 'failure')[0]!;
    assert.equal(failure.attrs.message, nasty.replace('\u0007', ''));
    assert.ok(failure.text.includes('\n</failure><x>\n'));
  });

  test('property: any message and file name come back exactly (less XML-forbidden characters)', () => {
    const forbidden = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 30 }), (message, file) => {
        const r = lintReport();
        r.findings = [{ ...r.findings[0]!, message, objects: [{ kind: 'IPAddressPool', name: 'a', file, line: 3, column: 4 }] }];
        const root = parseXml(renderJunit(r, opts()));
        const suite = byName(root, 'testsuite')[0]!;
        assert.equal(suite.attrs.name, file.replace(forbidden, ''));
        const failure = byName(byName(suite, 'testcase')[0]!, 'failure')[0]!;
        assert.equal(failure.attrs.message, message.replace(forbidden, ''));
      }),
      { numRuns: 200 },
    );
  });
});
