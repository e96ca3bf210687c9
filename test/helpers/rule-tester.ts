// RuleTester in the manner of ESLint's: each case is a set of files written to a temp dir and read
// through the real loader and state; `valid` cases must not make the rule fire, `invalid` cases
// must make it fire exactly at the given file:line:column.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadInputs } from '../../src/sources/load.js';
import { ClusterState, type StateLayer } from '../../src/state/cluster-state.js';
import { ruleById } from '../../src/rules/index.js';
import { runRules } from '../../src/rules/engine.js';
import { analyseLogs } from '../../src/sources/logs.js';
import type { ProbeResult } from '../../src/model/probe.js';
import type { Finding, Severity } from '../../src/report/types.js';

export interface RuleCase {
  name: string;
  /** file name -> content; content is used as written (line 1 is its first line) */
  files: Record<string, string>;
  /** a snapshot the files are laid over (lint --from) */
  from?: Record<string, string>;
  bgpBackend?: 'native' | 'frr' | 'frr-k8s';
  metallbNamespace?: string;
  /** what network probes saw (the probe-* rules' evidence) */
  probes?: ProbeResult[];
  /** --node-mac NODE=MAC */
  nodeMacs?: Record<string, string>;
}

export interface ExpectedFinding {
  /** file name as given in `files` (default: the only file) */
  file?: string;
  line: number;
  column: number;
  message?: RegExp;
  /** the finding's fix (the commands it prints) */
  fix?: RegExp;
  severity?: Severity;
}

export interface InvalidCase extends RuleCase {
  errors: ExpectedFinding[];
}

function writeTree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'mlbd-rule-'));
  for (const [name, content] of Object.entries(files)) {
    const p = join(dir, name);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, content);
  }
  return dir;
}

/** Runs one rule over the case and returns its findings, with files relative to the case dir. */
export async function runCase(id: string, c: RuleCase): Promise<Finding[]> {
  const rule = ruleById(id);
  assert.ok(rule, `rule ${id} is registered`);
  const dirs: string[] = [];
  try {
    const layers: StateLayer[] = [];
    if (c.from) {
      const d = writeTree(c.from);
      dirs.push(d);
      layers.push({ load: await loadInputs([d]), kind: 'snapshot' });
    }
    const d = writeTree(c.files);
    dirs.push(d);
    layers.push({ load: await loadInputs([d]), kind: 'manifests' });
    const state = new ClusterState(layers, { metallbNamespace: c.metallbNamespace });
    // logs/<ns>/<pod>/<container>.log among the files: read as diag reads them
    await analyseLogs(state);
    if (c.probes) state.probes = c.probes;
    if (c.nodeMacs) state.nodeMacs = new Map(Object.entries(c.nodeMacs));
    const run = runRules([rule], state, { bgpBackend: c.bgpBackend ?? state.metallb.bgpBackend ?? 'frr-k8s' });
    assert.deepEqual(run.errors, [], 'the rule does not crash');
    for (const f of run.findings)
      for (const o of f.objects) if (o.file) for (const base of dirs) if (o.file.startsWith(base + '/')) o.file = o.file.slice(base.length + 1);
    return run.findings;
  } finally {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}

export function ruleTester(id: string, cases: { valid: RuleCase[]; invalid: InvalidCase[] }): void {
  describe(id, () => {
    assert.ok(cases.valid.length > 0 && cases.invalid.length > 0, 'a rule test shows the rule firing and not firing');
    for (const c of cases.valid) {
      test(`valid: ${c.name}`, async () => {
        const found = await runCase(id, c);
        assert.deepEqual(found.map(show), [], 'no finding expected');
      });
    }
    for (const c of cases.invalid) {
      test(`invalid: ${c.name}`, async () => {
        const found = await runCase(id, c);
        const only = Object.keys(c.files).length === 1 ? Object.keys(c.files)[0] : undefined;
        assert.equal(found.length, c.errors.length, `expected ${c.errors.length} finding(s), got:\n${found.map(show).join('\n')}`);
        c.errors.forEach((want, i) => {
          const got = found[i]!;
          const at = got.objects[0];
          assert.equal(got.rule, id);
          assert.deepEqual(
            { file: at?.file, line: at?.line, column: at?.column },
            { file: want.file ?? only, line: want.line, column: want.column },
            `position of finding ${i}: ${show(got)}`,
          );
          if (want.message) assert.match(got.message, want.message);
          if (want.fix) assert.match(got.fix, want.fix);
          if (want.severity) assert.equal(got.severity, want.severity);
          assert.ok(got.fix.length > 0, 'a finding carries a fix');
          assert.equal(got.docs, `docs/rules/${id}.md`);
        });
      });
    }
  });
}

function show(f: Finding): string {
  const o = f.objects[0];
  return `${o?.file ?? '-'}:${o?.line ?? 0}:${o?.column ?? 0} ${f.severity} ${f.message} ${f.rule}`;
}
