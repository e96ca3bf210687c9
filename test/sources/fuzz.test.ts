import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { parseYamlText } from '../../src/sources/yaml.js';
import { parseJsonText } from '../../src/sources/json.js';
import { loadInputs } from '../../src/sources/load.js';
import { InputError, sourceOf, unpackPos } from '../../src/sources/types.js';
import type { LoadIssue } from '../../src/sources/types.js';
import type { ParsedText } from '../../src/sources/parsed.js';

const seeds = ['multi.yaml', 'list.json', 'legacy-configmap.yaml', 'helmwave.yml'].map((n) =>
  readFileSync(new URL(`../fixtures/sources/${n}`, import.meta.url), 'utf8'),
);
const YAML_CHARS = [' ', '\n', '\t', ':', '-', '[', ']', '{', '}', ',', '"', "'", '|', '>', '&', '*', '!', '#', '?', '%', '@', '`', '\\', 'a', '0', 'yes', 'on', '<<', '---\n', '...\n', '\u0000', '\ufffd', 'é'];

/** A seed text with random insertions, deletions and replacements of YAML-significant characters. */
const mutated = fc
  .tuple(
    fc.constantFrom(...seeds),
    fc.array(fc.tuple(fc.nat(), fc.nat(3), fc.constantFrom(...YAML_CHARS), fc.constantFrom('insert', 'delete', 'replace')), { minLength: 1, maxLength: 8 }),
  )
  .map(([text, edits]) => {
    let t = text;
    for (const [at, len, s, op] of edits) {
      const i = at % (t.length + 1);
      t = op === 'insert' ? t.slice(0, i) + s + t.slice(i) : op === 'delete' ? t.slice(0, i) + t.slice(i + len + 1) : t.slice(0, i) + s + t.slice(i + s.length);
    }
    return t;
  });
const randomText = fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.string({ unit: fc.constantFrom(...YAML_CHARS), maxLength: 80 }).map((s) => s));
const anyText = fc.oneof(mutated, randomText);

function checkIssues(issues: LoadIssue[], file: string): void {
  for (const i of issues) {
    assert.equal(i.file, file);
    assert.ok(Number.isInteger(i.line) && i.line >= 1, `line ${i.line}`);
    assert.ok(Number.isInteger(i.column) && i.column >= 1, `column ${i.column}`);
    assert.ok(!i.message.includes('\n'));
  }
}
function checkParsed(r: ParsedText, file: string): void {
  checkIssues(r.issues, file);
  for (const d of r.documents) {
    for (const p of [d.pos, ...d.fields.values(), ...(d.items ?? []).flatMap((m) => [m.pos, ...m.fields.values()])]) {
      const { line, column } = unpackPos(p);
      assert.ok(line >= 1 && column >= 1, `position ${line}:${column}`);
    }
  }
}

// 4 properties: 700 + 700 + 400 + 200 = 2,000 inputs per run.
describe('loader fuzz (fast-check)', () => {
  test('parseYamlText never throws; issues and positions are 1-based', () => {
    fc.assert(fc.property(anyText, (t) => checkParsed(parseYamlText(t, 'f.yaml'), 'f.yaml')), { numRuns: 700 });
  });

  test('parseJsonText never throws; issues and positions are 1-based; valid JSON parses as JSON.parse does', () => {
    const jsonish = fc.oneof(anyText, fc.json({ maxDepth: 6 }), fc.json({ maxDepth: 4 }).map((j) => j.replace(/,/, ',\n')));
    fc.assert(
      fc.property(jsonish, (t) => {
        const r = parseJsonText(t, 'f.json');
        checkParsed(r, 'f.json');
        let expected: unknown;
        try {
          expected = JSON.parse(t);
        } catch {
          return;
        }
        // JSON.parse accepts exactly one value; we accept that value too, equal to it.
        assert.equal(r.issues.filter((i) => i.kind === 'syntax').length, 0, t);
        assert.deepEqual(r.documents.length === 1 ? r.documents[0]!.value : undefined, expected);
      }),
      { numRuns: 700 },
    );
  });

  test('loadInputs (stdin) only ever fails with InputError, and every object has a source', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(anyText, fc.uint8Array({ maxLength: 300 })), async (t) => {
        try {
          const r = await loadInputs(['-'], { stdin: Readable.from([Buffer.from(t)]) });
          checkIssues(r.issues, '<stdin>');
          for (const o of r.objects) {
            assert.equal(typeof o.kind, 'string');
            assert.equal(typeof o.metadata, 'object');
            assert.ok(sourceOf(o)!.line >= 1);
          }
        } catch (e) {
          assert.ok(e instanceof InputError, String(e));
        }
      }),
      { numRuns: 400 },
    );
  });

  test('mutated Secrets never leak their value', async () => {
    const value = 'bGVhay1tZS1ub3Q=';
    const secret = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  a: ${value}\n  b: "${value}"\nstringData:\n  c: |\n    ${value}\n`;
    const gen = fc.array(fc.tuple(fc.integer({ min: 0, max: 38 }), fc.constantFrom(' ', '\n', '-', ':', '"', '[', '#')), { maxLength: 3 }).map((edits) => {
      let t = secret;
      for (const [i, c] of edits) t = t.slice(0, i) + c + t.slice(i); // edits before `data`, so the value stays intact
      return t;
    });
    await fc.assert(
      fc.asyncProperty(gen, async (t) => {
        const r = await loadInputs(['-'], { stdin: Readable.from([t]) });
        const leaked = r.objects.some((o) => JSON.stringify(o).includes(value)) || r.issues.some((i) => i.message.includes(value));
        const isSecret = r.objects.some((o) => o.kind === 'Secret');
        assert.ok(!(isSecret && leaked), t);
      }),
      { numRuns: 200 },
    );
  });
});
