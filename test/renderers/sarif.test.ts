import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { artifactLocation, friendlyName, renderSarif, SARIF_SCHEMA } from '../../src/renderers/sarif.js';
import type { Report } from '../../src/report/types.js';
import { clusterReport, lintReport, opts, RULES } from './fixtures.js';
import { validateSarif, validatorUnavailable, type ValidationResult } from '../helpers/sarif-validator.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const sarif = (r: Report, cwd = '/repo'): Json => JSON.parse(renderSarif(r, opts({ cwd })));

/** A report with the awkward cases: spaces and unicode in paths, a file outside cwd, an absolute
 * path inside it, a rule missing from the catalog, a relative docs path, an object-less finding. */
function awkwardReport(): Report {
  const r = lintReport();
  r.findings.push(
    { rule: 'pool-overlap', severity: 'critical', message: 'in a file with a space and ü', objects: [{ kind: 'IPAddressPool', name: 'ü', file: 'my dir/pöols #1.yaml', line: 3, column: 9 }], evidence: [], fix: '', docs: '' },
    { rule: 'pool-overlap', severity: 'error', message: 'outside the working directory', objects: [{ kind: 'IPAddressPool', name: 'x', file: '/elsewhere/x.yaml', line: 1 }], evidence: [], fix: '', docs: '' },
    { rule: 'pool-overlap', severity: 'warning', message: 'absolute path below cwd', objects: [{ kind: 'IPAddressPool', name: 'y', file: '/repo/sub/y.yaml', line: 2, column: 2 }], evidence: [], fix: '', docs: '' },
    { rule: 'not-in-catalog', severity: 'info', message: 'a rule the catalog does not know', objects: [{ kind: 'Node', name: 'n1' }], evidence: [], fix: 'do x', docs: 'docs/rules/not-in-catalog.md' },
    { rule: 'not-in-catalog', severity: 'info', message: 'a finding about nothing in particular', objects: [], evidence: [], fix: '', docs: 'docs/rules/not-in-catalog.md' },
  );
  r.gaps = [{ what: 'list nodes', why: 'forbidden' }];
  return r;
}

describe('sarif renderer', () => {
  test('log, run and tool driver', () => {
    const log = sarif(lintReport());
    assert.equal(log.$schema, SARIF_SCHEMA);
    assert.equal(log.version, '2.1.0');
    assert.equal(log.runs.length, 1);
    const driver = log.runs[0].tool.driver;
    assert.equal(driver.name, 'metallb-doctor');
    assert.equal(driver.version, '0.1.0');
    assert.match(driver.informationUri, /^https:\/\//);
    assert.deepEqual(log.runs[0].originalUriBaseIds, { '%SRCROOT%': { uri: 'file:///repo/' } });
  });

  test('one reportingDescriptor per rule with findings, and ruleIndex points at it', () => {
    const run = sarif(lintReport()).runs[0];
    const ids = run.tool.driver.rules.map((d: Json) => d.id);
    assert.deepEqual(ids, ['avoid-buggy-ips-unset', 'pool-not-advertised', 'pool-overlap']);
    const overlap = run.tool.driver.rules[2];
    const meta = RULES.get('pool-overlap')!;
    assert.equal(overlap.name, 'PoolOverlap');
    assert.equal(overlap.shortDescription.text, meta.description);
    assert.ok(overlap.fullDescription.text.includes(meta.fix));
    assert.equal(overlap.helpUri, meta.docs);
    assert.ok(overlap.help.text.includes(meta.fix));
    assert.deepEqual(overlap.defaultConfiguration, { level: 'error' });
    for (const res of run.results) assert.equal(run.tool.driver.rules[res.ruleIndex].id, res.ruleId);
    assert.equal(run.results.length, 4);
  });

  test('levels: critical and error are error, warning is warning, info is note; our severity kept', () => {
    const run = sarif(awkwardReport()).runs[0];
    const pairs = new Set(run.results.map((res: Json) => `${res.properties.severity}>${res.level}`));
    assert.deepEqual([...pairs].sort(), ['critical>error', 'error>error', 'info>note', 'warning>warning']);
  });

  test('file findings: relative URI under %SRCROOT%, region, artifacts listed once', () => {
    const run = sarif(lintReport()).runs[0];
    const first = run.results[0];
    assert.equal(first.message.text, 'IPAddressPool "edge" overlaps "prod" on 192.168.10.128/25');
    assert.deepEqual(first.locations[0].physicalLocation, {
      artifactLocation: { uri: 'base/edge.yaml', uriBaseId: '%SRCROOT%', index: 0 },
      region: { startLine: 7, startColumn: 1 },
    });
    assert.deepEqual(run.artifacts.map((a: Json) => a.location.uri), ['base/edge.yaml', 'config/pools.yaml']);
    for (const res of run.results) {
      const loc = res.locations[0].physicalLocation.artifactLocation;
      assert.equal(run.artifacts[loc.index].location.uri, loc.uri);
    }
    // the second object of a multi-object finding is a related location
    const overlap = run.results[1];
    assert.equal(overlap.relatedLocations[0].physicalLocation.region.startLine, 14);
  });

  test('awkward paths: encoded, absolute below cwd made relative, outside cwd a file: URI', () => {
    assert.deepEqual(artifactLocation('my dir/pöols #1.yaml', '/repo'), { uri: 'my%20dir/p%C3%B6ols%20%231.yaml', uriBaseId: '%SRCROOT%' });
    assert.deepEqual(artifactLocation('/repo/sub/y.yaml', '/repo'), { uri: 'sub/y.yaml', uriBaseId: '%SRCROOT%' });
    assert.deepEqual(artifactLocation('/elsewhere/x.yaml', '/repo'), { uri: 'file:///elsewhere/x.yaml' });
    assert.deepEqual(artifactLocation('../up.yaml', '/repo/a'), { uri: 'file:///repo/up.yaml' });
    assert.equal(fileURLToPath(new URL('my%20dir/p%C3%B6ols%20%231.yaml', 'file:///repo/')), '/repo/my dir/pöols #1.yaml');
  });

  test('findings without a file point at the object as a logical location', () => {
    const run = sarif(clusterReport()).runs[0];
    assert.deepEqual(run.results[0].locations, [
      { logicalLocations: [{ name: 'speaker-x7k2p', fullyQualifiedName: 'Pod/metallb-system/speaker-x7k2p', kind: 'object' }] },
    ]);
    assert.deepEqual(run.artifacts, []);
    const r = clusterReport();
    r.findings[0]!.objects = [];
    assert.deepEqual(sarif(r).runs[0].results[0].locations, [
      { logicalLocations: [{ name: 'metallb-system', fullyQualifiedName: 'Namespace/metallb-system', kind: 'namespace' }] },
    ]);
    assert.deepEqual(run.invocations[0].toolExecutionNotifications, [{ level: 'warning', message: { text: 'Could not see: list bgppeers.metallb.io (forbidden).' } }]);
  });

  test('a rule missing from the catalog still gets a descriptor; a relative docs path is no helpUri', () => {
    const run = sarif(awkwardReport()).runs[0];
    const d = run.tool.driver.rules.find((x: Json) => x.id === 'not-in-catalog');
    assert.equal(d.name, 'NotInCatalog');
    assert.equal(d.helpUri, undefined);
    assert.ok(d.help.text.includes('docs/rules/not-in-catalog.md'));
    assert.equal(friendlyName('bgp-peer-asn-0'), 'BgpPeerAsn0');
  });

  test('GitHub code scanning needs a physical location on every result of a lint report', () => {
    for (const res of sarif(lintReport()).runs[0].results) {
      assert.ok(res.locations.length >= 1);
      assert.ok(res.locations[0].physicalLocation.artifactLocation.uri);
      assert.ok(res.locations[0].physicalLocation.region.startLine >= 1);
    }
  });
});

describe('sarif renderer against the SARIF Multitool validator', () => {
  test('zero errors for lint, cluster and awkward reports', (t) => {
    const inputs = { lint: lintReport(), cluster: clusterReport(), awkward: awkwardReport() };
    const logs: Record<string, string> = {};
    for (const [name, r] of Object.entries(inputs)) logs[`${name}.sarif`] = renderSarif(r, opts({ cwd: '/repo' }));
    // A negative control: the same log with a region the schema forbids must fail validation,
    // which proves the validator ran and that its errors reach this test.
    const broken = JSON.parse(renderSarif(lintReport(), opts({ cwd: '/repo' })));
    broken.runs[0].results[0].locations[0].physicalLocation.region.startLine = 0;
    logs['control.sarif'] = JSON.stringify(broken);
    const v = validateSarif(logs);
    if (!v.ok) return validatorUnavailable(t, v.why);
    const describe = (r: ValidationResult) => `${r.level} ${r.ruleId} ${r.file}: ${r.text}`;
    const controlErrors = v.results.filter((r) => r.file === 'control.sarif' && r.level === 'error');
    assert.ok(controlErrors.some((r) => r.ruleId === 'JSON1008'), `the broken control log fails: ${controlErrors.map(describe).join('; ')}`);
    const ours = v.results.filter((r) => r.file !== 'control.sarif');
    // The validator says nothing at all about a file it could not read, so each of ours must
    // have at least its notes (e.g. SARIF2003, no versionControlProvenance).
    for (const name of Object.keys(inputs)) assert.ok(ours.some((r) => r.file === `${name}.sarif`), `${name}.sarif was analysed`);
    for (const w of ours.filter((r) => r.level === 'warning')) t.diagnostic(describe(w));
    assert.deepEqual(ours.filter((r) => r.level === 'error').map(describe), []);
  });
});
