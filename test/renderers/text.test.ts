import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { renderText } from '../../src/renderers/text.js';
import { stripAnsi } from '../../src/renderers/options.js';
import type { Finding, Report, Severity } from '../../src/report/types.js';
import { SEVERITY_RANK } from '../../src/report/types.js';
import { clusterReport, lintReport, opts } from './fixtures.js';

const ESC = '\u001b';

describe('text renderer', () => {
  test('one aligned, greppable line per finding, sorted by file, line, column, then severity', () => {
    const out = renderText(lintReport(), opts({ quiet: true }));
    assert.equal(
      out,
      [
        'base/edge.yaml:7:1      error     IPAddressPool "edge" overlaps "prod" on 192.168.10.128/25       pool-overlap',
        'config/pools.yaml:2:5   error     IPAddressPool "prod" overlaps "lab" on 192.168.10.0/28          pool-overlap',
        'config/pools.yaml:2:5   info      IPAddressPool "prod" hands out 192.168.10.0 and 192.168.10.255  avoid-buggy-ips-unset',
        'config/pools.yaml:14:3  warning   IPAddressPool "lab" is not selected by any advertisement        pool-not-advertised',
        '',
      ].join('\n'),
    );
    for (const line of out.trimEnd().split('\n')) assert.match(line, /^[^\s:]+:\d+:\d+ /);
  });

  test('summary: counts, input read and skipped, suppressed, assumed BGP backend', () => {
    const lines = renderText(lintReport(), opts()).trimEnd().split('\n');
    assert.deepEqual(lines.slice(4), [
      '',
      '4 problems (0 critical, 2 errors, 1 warning, 1 info)',
      'read 3 files, 9 objects',
      'skipped 1 file with no Kubernetes objects, 3 objects of kinds not checked (ConfigMap 1, Deployment 2)',
      '2 findings suppressed (--disable or the metallb-doctor.io/ignore annotation)',
      'assumed BGP backend: frr-k8s (set --bgp-backend to change)',
    ]);
  });

  test('summary wording: singular counts, and "no problems"', () => {
    const one = renderText(clusterReport(), opts());
    assert.ok(one.includes('\n1 problem (1 critical, 0 errors, 0 warnings, 0 info)\n'), one);
    const clean: Report = { ...lintReport(), findings: [], summary: { critical: 0, error: 0, warning: 0, info: 0 }, suppressed: 0 };
    const lines = renderText(clean, opts()).trimEnd().split('\n');
    assert.equal(lines[0], 'no problems');
    assert.ok(!lines.some((l) => l.includes('suppressed')), 'zero suppressed is not mentioned');
    const input = { files: 1, objects: 1, skippedNotKubernetes: 0, skippedKinds: {} };
    const single = renderText({ ...clean, input, metallb: { namespace: 'metallb-system' } }, opts());
    assert.equal(single, 'no problems\nread 1 file, 1 object\n');
  });

  test('the BGP backend line appears only when the backend was assumed', () => {
    const found: Report = { ...lintReport(), metallb: { namespace: 'metallb-system', bgpBackend: 'frr' } };
    assert.ok(!renderText(found, opts()).includes('assumed BGP backend'));
    assert.ok(renderText(lintReport(), opts()).includes('assumed BGP backend: frr-k8s (set --bgp-backend to change)\n'));
  });

  test('a finding without a file shows kind/namespace/name, or - without any object', () => {
    const r = clusterReport();
    const noObject: Finding = { rule: 'x-rule', severity: 'warning', message: 'm', objects: [], evidence: [], fix: '', docs: '' };
    const node: Finding = { ...noObject, rule: 'y-rule', objects: [{ kind: 'Node', name: 'worker-1' }] };
    r.findings.push(noObject, node);
    r.gaps = [];
    const lines = renderText(r, opts({ quiet: true })).trimEnd().split('\n');
    assert.deepEqual(
      lines.map((l) => l.split(/\s+/)[0]),
      ['-', 'Node/worker-1', 'Pod/metallb-system/speaker-x7k2p'],
    );
  });

  test('gaps are said, also under --quiet', () => {
    const out = renderText(clusterReport(), opts());
    assert.ok(out.includes('\ncould not see: list bgppeers.metallb.io (forbidden)\n'), out);
    const quiet = renderText(clusterReport(), opts({ quiet: true }));
    assert.ok(quiet.endsWith('could not see: list bgppeers.metallb.io (forbidden)\n'), quiet);
  });

  test('checks block heads a diag report, but not under --quiet nor in lint output', () => {
    const lint = renderText(clusterReport(), opts()).split('\n');
    assert.ok(!lint.some((l) => l.startsWith('MetalLB v0.15.3')), 'lint prints findings first');
    const lines = renderText(clusterReport(), opts({ command: 'diag' })).split('\n');
    assert.deepEqual(lines.slice(0, 4), [
      'MetalLB v0.15.3 in metallb-system (BGP backend frr): health critical (score 20)',
      '  crds  ok        all MetalLB CRDs installed',
      '  pods  critical  1 of 3 speakers not ready',
      '',
    ]);
    assert.ok(!renderText(clusterReport(), opts({ quiet: true })).includes('health'));
  });

  test('--quiet: only the finding lines', () => {
    const out = renderText(lintReport(), opts({ quiet: true }));
    assert.equal(out.trimEnd().split('\n').length, 4);
    assert.ok(!/problems|read |suppressed|assumed/.test(out));
    const clean: Report = { ...lintReport(), findings: [], summary: { critical: 0, error: 0, warning: 0, info: 0 } };
    assert.equal(renderText(clean, opts({ quiet: true })), '');
  });

  test('--verbose: evidence, other objects, fix and docs indented under their finding', () => {
    const lines = renderText(lintReport(), opts({ verbose: true, quiet: true })).trimEnd().split('\n');
    const at = lines.findIndex((l) => l.startsWith('config/pools.yaml:2:5   error'));
    assert.ok(at >= 0);
    assert.deepEqual(lines.slice(at + 1, at + 6), [
      '    prod: 192.168.10.0/24',
      '    lab: 192.168.10.0-192.168.10.15',
      '    also: config/pools.yaml:14:3 (IPAddressPool/metallb-system/lab)',
      '    fix: Make the address ranges of the pools disjoint.',
      '    docs: https://example.test/rules/pool-overlap',
    ]);
    assert.ok(!renderText(lintReport(), opts({ quiet: true })).includes('192.168.10.0/24\n'), 'no evidence without --verbose');
  });

  test('colour: ANSI only when on, and the same text once stripped', () => {
    for (const report of [lintReport(), clusterReport()]) {
      const plain = renderText(report, opts({ verbose: true }));
      const coloured = renderText(report, opts({ verbose: true, color: true }));
      assert.ok(!plain.includes(ESC), 'no escape codes with color off');
      assert.ok(coloured.includes(ESC), 'escape codes with color on');
      assert.equal(stripAnsi(coloured), plain);
    }
    const lint = renderText(lintReport(), opts({ color: true }));
    assert.ok(lint.includes(`${ESC}[31merror   ${ESC}[39m`), 'errors are red');
    assert.ok(lint.includes(`${ESC}[33mwarning ${ESC}[39m`), 'warnings are yellow');
    assert.ok(renderText(clusterReport(), opts({ color: true })).includes(`${ESC}[1m${ESC}[35mcritical${ESC}[39m${ESC}[22m`));
  });

  test('property: every finding is one line, in file/line/column/severity order, naming its rule', () => {
    const severity = fc.constantFrom<Severity>('critical', 'error', 'warning', 'info');
    const finding = fc.record({
      rule: fc.stringMatching(/^[a-z]{1,8}(-[a-z]{1,8}){0,2}$/),
      severity,
      message: fc.string({ maxLength: 100 }),
      file: fc.constantFrom('a.yaml', 'b/c.yaml', 'b/d e.yaml'),
      line: fc.integer({ min: 1, max: 500 }),
      column: fc.integer({ min: 1, max: 80 }),
    });
    fc.assert(
      fc.property(fc.array(finding, { maxLength: 20 }), (items) => {
        const r = lintReport();
        r.findings = items.map((i) => ({
          rule: i.rule,
          severity: i.severity,
          message: i.message,
          objects: [{ kind: 'IPAddressPool', name: 'p', file: i.file, line: i.line, column: i.column }],
          evidence: [],
          fix: '',
          docs: '',
        }));
        const out = renderText(r, opts({ quiet: true }));
        const lines = out === '' ? [] : out.slice(0, -1).split('\n');
        assert.equal(lines.length, items.length);
        const keys = lines.map((l) => {
          const m = /^(.+?):(\d+):(\d+) +(critical|error|warning|info) /.exec(l);
          assert.ok(m, `greppable: ${JSON.stringify(l)}`);
          return { file: m[1]!, line: Number(m[2]), column: Number(m[3]), sev: SEVERITY_RANK[m[4] as Severity], l };
        });
        for (let i = 1; i < keys.length; i++) {
          const a = keys[i - 1]!;
          const b = keys[i]!;
          const order = a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column || b.sev - a.sev;
          assert.ok(order <= 0, `${a.l}\nbefore\n${b.l}`);
        }
        // each input finding appears as exactly one line ending with its rule id
        const expected = items.map((i) => `${i.file}:${i.line}:${i.column}|${i.rule}`).sort();
        const got = keys.map((k) => `${k.file}:${k.line}:${k.column}|${k.l.split(' ').at(-1)}`).sort();
        assert.deepEqual(got, expected);
      }),
      { numRuns: 200 },
    );
  });
});
