// The "Confirm by hand" blocks of docs/rules/*.md: the shapes of command that print nothing useful
// on a real cluster, and log filters run over MetalLB's real lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pipeOverLogs } from '../helpers/confirm.js';

const DOCS = join(import.meta.dirname, '..', '..', 'docs', 'rules');
const SCENARIOS = join(import.meta.dirname, '..', 'fixtures', 'logs', 'scenarios');

/** Each page's Confirm-by-hand command lines, continuation lines joined. */
function confirmLines(): { page: string; line: string }[] {
  const out: { page: string; line: string }[] = [];
  for (const f of readdirSync(DOCS).filter((x) => x.endsWith('.md') && x !== 'README.md')) {
    const text = readFileSync(join(DOCS, f), 'utf8');
    const section = /^## Confirm by hand\n([\s\S]*?)(?=^## )/m.exec(text)?.[1] ?? '';
    for (const block of section.matchAll(/```sh\n([\s\S]*?)```/g)) {
      for (const line of block[1]!.replace(/\\\n\s*/g, '').split('\n')) if (line.trim() && !line.startsWith('#')) out.push({ page: f, line });
    }
  }
  return out;
}

test('kubectl logs -l carries --tail=-1 (else kubectl prints the last 10 lines of each pod)', () => {
  const bad = confirmLines().filter((c) => /^kubectl .*\blogs\b.* -l /.test(c.line) && !c.line.includes('--tail=-1'));
  assert.deepEqual(bad, []);
});

test('custom-columns are one JSONPath each (a/b prints <none>)', () => {
  const bad = confirmLines().filter((c) => /custom-columns=\S*:[^,\s]*\/\./.test(c.line));
  assert.deepEqual(bad, []);
});

test('bgppeer-invalid: the speakers\' grep finds the parse error as MetalLB writes it (the error key replaced "failed to parse the configuration")', () => {
  const line = confirmLines().find((c) => c.page === 'bgppeer-invalid.md' && /\blogs\b/.test(c.line))!.line;
  const lines = pipeOverLogs(line.replace(/\s+#.*$/, ''), join(SCENARIOS, 'config-rejected'));
  assert.ok(lines.length >= 3 && lines.every((l) => /"controller":"ConfigReconciler","error":"CIDR .* overlaps/.test(l)), lines.join('\n'));
});
