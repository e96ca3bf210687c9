// The meta-test: the registry, the module files, the docs pages, the docs index, the tests and the
// catalog of shared/spec/rules.md agree for every implemented rule (rule id = file name = doc name
// = test name).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULES } from '../../src/rules/index.js';
import { indexSource, registrySource } from '../../scripts/gen-rules.js';

const root = join(import.meta.dirname, '..', '..');
const ids = RULES.map((r) => r.meta.id);
const catalogPath = join(root, '..', 'shared', 'spec', 'rules.md');
const index = readFileSync(join(root, 'docs', 'rules', 'README.md'), 'utf8');

test('rule ids are unique and kebab-case', () => {
  assert.equal(new Set(ids).size, ids.length);
  for (const id of ids) assert.match(id, /^[a-z0-9]+(-[a-z0-9]+)*$/);
});

test('each rule lives in src/rules/<category>/<id>.ts and every module there is registered', async () => {
  for (const rule of RULES) {
    const file = join(root, 'src', 'rules', rule.meta.category, `${rule.meta.id}.ts`);
    assert.ok(existsSync(file), `${file} exists`);
    const mod = (await import(file)) as { default: typeof rule };
    assert.equal(mod.default, rule, `${rule.meta.id}: the registry holds that module's rule`);
  }
  const framework = new Set(['types.ts', 'index.ts', 'all.ts', 'engine.ts', 'docs.ts', 'parse-errors.ts']);
  for (const entry of readdirSync(join(root, 'src', 'rules'), { withFileTypes: true })) {
    if (!entry.isDirectory()) {
      assert.ok(framework.has(entry.name), `src/rules/${entry.name} is a framework file`);
      continue;
    }
    for (const f of readdirSync(join(root, 'src', 'rules', entry.name))) {
      assert.ok(ids.includes(f.replace(/\.ts$/, '')), `src/rules/${entry.name}/${f} is registered`);
    }
  }
});

test('each rule has a docs page with what MetalLB does, how to confirm, how to fix', () => {
  for (const { meta } of RULES) {
    const page = join(root, 'docs', 'rules', `${meta.id}.md`);
    assert.ok(existsSync(page), `${page} exists`);
    const text = readFileSync(page, 'utf8');
    assert.match(text, new RegExp(`^# ${meta.id}\\n`), `${meta.id}: title`);
    const sev = (meta.severities ?? [meta.severity]).join(' / ');
    assert.ok(text.includes(`| ${sev} | ${meta.category} | ${meta.evidence.join(', ')} |`), `${meta.id}: header row matches the metadata`);
    for (const section of ['## What MetalLB does', '## Confirm by hand', '## Fix']) {
      assert.ok(text.includes(section), `${meta.id}: has "${section}"`);
    }
  }
  for (const f of readdirSync(join(root, 'docs', 'rules'))) {
    if (f === 'README.md') continue;
    assert.ok(ids.includes(f.replace(/\.md$/, '')), `docs/rules/${f} belongs to a registered rule`);
  }
});

test('the docs index lists exactly the registered rules, with their metadata', () => {
  const rows = [...index.matchAll(/^\| \[([a-z0-9-]+)\]\(\1\.md\)(?: \(new\))? \| ([^|]+) \| ([^|]+) \| ([^|]+) \|/gm)];
  assert.deepEqual(rows.map((r) => r[1]).sort(), [...ids].sort());
  for (const r of rows) {
    const meta = RULES.find((x) => x.meta.id === r[1])!.meta;
    assert.equal(r[2]!.trim(), (meta.severities ?? [meta.severity]).join(' / '), `${meta.id}: severity in the index`);
    assert.equal(r[3]!.trim(), meta.category, `${meta.id}: category in the index`);
    assert.equal(r[4]!.trim(), meta.evidence.join(', '), `${meta.id}: evidence in the index`);
  }
});

test('each rule has a RuleTester test named after it', () => {
  for (const id of ids) {
    const file = join(root, 'test', 'rules', `${id}.test.ts`);
    assert.ok(existsSync(file), `${file} exists`);
    assert.ok(readFileSync(file, 'utf8').includes(`ruleTester('${id}'`), `${id}: the test runs ruleTester('${id}', ...)`);
  }
});

test('each rule id is in the catalog of shared/spec/rules.md, or marked new in our index', (t) => {
  if (!existsSync(catalogPath)) {
    t.skip(`no catalog at ${catalogPath} (a clone without shared/ beside it)`);
    return;
  }
  const catalog = readFileSync(catalogPath, 'utf8');
  const catalogued = new Map([...catalog.matchAll(/^\| `([a-z0-9-]+)` \| ([^|]+) \|/gm)].map((m) => [m[1]!, m[2]!.trim()]));
  for (const { meta } of RULES) {
    const sev = catalogued.get(meta.id);
    if (sev === undefined) {
      assert.match(index, new RegExp(`\\[${meta.id}\\].*\\(new\\)`), `${meta.id} is not in rules.md: mark it "(new)" in docs/rules/README.md`);
      continue;
    }
    // rules.md: "A rule may lower its own severity when the condition hurts nothing yet": the
    // catalog's severity, or its list, comes first; lower ones may follow
    const own = (meta.severities ?? [meta.severity]).join(' / ');
    assert.ok(own === sev || own.startsWith(`${sev} / `), `${meta.id}: severity ${own} as in the catalog (${sev})`);
    assert.equal(meta.severity, sev.split(' / ')[0], `${meta.id}: the catalog's highest severity is the rule's`);
  }
});

test('the registry and the docs index are what `npm run gen:rules` generates', async () => {
  assert.equal(readFileSync(join(root, 'src', 'rules', 'all.ts'), 'utf8'), registrySource(), 'run npm run gen:rules');
  assert.equal(index, await indexSource(), 'run npm run gen:rules');
});
