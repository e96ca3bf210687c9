// npm run bench: lint end to end vs the bare YAML parse, on 50,000 objects (about 20 MB), in one
// file and in 1,000 files. Each measurement runs in a fresh process; the median of 3 is reported.
// Then the simulate (bench/simulate.mjs), diag (bench/diag.mjs), logs (bench/logs.mjs), probe
// (bench/probe.mjs, root only) and live (bench/live.mjs) benchmarks.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { generate } from './generate.mjs';

const OBJECTS = Number(process.env.BENCH_OBJECTS ?? 50000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const out = join(import.meta.dirname, 'out');

function child(script, dir) {
  const res = execFileSync(process.execPath, [join(import.meta.dirname, script), dir], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(res.trim().split('\n').pop());
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mb = (b) => (b / 1048576).toFixed(1);

const rows = [];
for (const files of [1, 1000]) {
  const dir = join(out, `files-${files}`);
  const bytes = generate(dir, OBJECTS, files);
  const parse = [];
  const lint = [];
  for (let r = 0; r < RUNS; r++) {
    parse.push(child('bare-parse.mjs', dir));
    lint.push(child('lint-child.mjs', dir));
  }
  const p = { ms: median(parse.map((x) => x.ms)), rss: median(parse.map((x) => x.rssBytes)) };
  const l = { ms: median(lint.map((x) => x.ms)), rss: median(lint.map((x) => x.rssBytes)) };
  rows.push({ files, bytes, p, l });
  console.log(
    `${OBJECTS} objects, ${mb(bytes)} MB of YAML in ${files} file(s):\n` +
      `  bare parse (yaml parseAllDocuments + LineCounter): ${p.ms.toFixed(0)} ms, peak RSS ${mb(p.rss)} MB\n` +
      `  lint -o json end to end:                          ${l.ms.toFixed(0)} ms, peak RSS ${mb(l.rss)} MB\n` +
      `  lint / parse time: ${(l.ms / p.ms).toFixed(2)}x (goal <= 1.5x); lint RSS / input: ${(l.rss / bytes).toFixed(1)}x (goal < 10x)`,
  );
}
const [one, many] = rows;
console.log(`lint peak RSS, one file vs ${many.files} files: ${mb(one.l.rss)} MB vs ${mb(many.l.rss)} MB (ratio ${(many.l.rss / one.l.rss).toFixed(2)}; flat means near 1)`);

console.log('');
await import('./simulate.mjs');
console.log('');
await import('./diag.mjs');
console.log('');
// before live.mjs, which ends the process
await import('./logs.mjs');
console.log('');
await import('./probe.mjs');
console.log('');
await import('./live.mjs');
