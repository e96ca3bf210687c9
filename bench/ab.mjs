// A/B: this checkout's build against another's (a commit worktree, built), on one benchmark input,
// runs alternating so that a slow spell of the machine hits both; prints each side's median.
// Usage: node bench/ab.mjs OTHER_CHECKOUT simulate|diag|lint INPUT_DIR [RUNS=5] [-- extra args]
//   git worktree add /tmp/base <commit> && (cd /tmp/base && npm ci && npm run build)
//   node bench/ab.mjs /tmp/base diag bench/out/diag-5000-20000-100000
// The machine's timings vary by 5-10 % from run to run: compare medians, not single runs.
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';

const [other, bench, input, runsArg, ...rest] = process.argv.slice(2);
if (!other || !['simulate', 'diag', 'lint'].includes(bench ?? '') || !input) {
  process.stderr.write('usage: node bench/ab.mjs OTHER_CHECKOUT simulate|diag|lint INPUT_DIR [RUNS] [-- extra args]\n');
  process.exit(3);
}
const runs = Number(runsArg ?? 5);
const extra = rest[0] === '--' ? rest.slice(1) : rest;
const here = resolve(import.meta.dirname, '..');
const sides = { this: here, other: resolve(other) };
const child = join(import.meta.dirname, `${bench}-child.mjs`);
const results = { this: [], other: [] };
for (let r = 0; r < runs; r++) {
  for (const [name, root] of Object.entries(sides)) {
    const out = execFileSync(process.execPath, [child, resolve(input), ...extra], { encoding: 'utf8', env: { ...process.env, BENCH_ROOT: root }, maxBuffer: 1 << 20 });
    results[name].push(JSON.parse(out.trim().split('\n').pop()));
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fields = ['ms', 'loadMs', 'analysisMs', 'renderMs', 'rssBytes'].filter((f) => typeof results.this[0][f] === 'number');
for (const [name, rs] of Object.entries(results)) {
  // a side whose command marks no phases (an older build) reports what it has
  const cells = fields
    .filter((f) => rs.every((x) => typeof x[f] === 'number'))
    .map((f) => (f === 'rssBytes' ? `RSS ${(median(rs.map((x) => x[f])) / 1048576).toFixed(0)} MB` : `${f} ${median(rs.map((x) => x[f])).toFixed(0)}`));
  console.log(`${name.padEnd(5)} ${sides[name]}: ${cells.join(', ')} (median of ${runs}; ms: ${rs.map((x) => x.ms.toFixed(0)).join(' ')})`);
}
const ratio = median(results.this.map((x) => x.ms)) / median(results.other.map((x) => x.ms));
console.log(`this / other: ${ratio.toFixed(3)}x time`);
