// The log benchmark (issue 7): a bundle of 10 speakers' logs of 100 MB each and a controller log of
// 10 MB (bench/logs-generate.mjs, about 1 GB), and
//  (a) `logs --from DIR -o json` (the timeline over every stream, and the log-* findings);
//  (b) `diag --from DIR -o json` (the whole report, with the logs);
//  (c) the floor: every log file read with fs.createReadStream and split into lines, nothing more.
// Goal for (a) and (b): at least 100 MB/s of log (bytes of log / wall time) with a peak RSS under
// 300 MB, i.e. streamed, not slurped. Each measurement runs in a fresh process (peak RSS from GNU
// time's %M, else from the child's own resourceUsage through bench/logs-child.mjs); the three run
// interleaved BENCH_RUNS (3) times after one untimed read of every file (so that every run reads
// from the page cache), and the medians are reported. BENCH_LOG_SCALE scales the 100 MB a speaker
// (0.01 for a quick look). Exit codes 0/1/2 of the CLI are findings; anything else is a failure.
//
// `node bench/logs.mjs --floor DIR` is (c) itself: it prints {bytes, lines, ms, rssBytes}.
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Every `*.log` file below dir/logs, sorted. */
function logFiles(dir) {
  const out = [];
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.log')) out.push(p);
    }
  };
  walk(join(dir, 'logs'));
  return out;
}

/**
 * (c): each file in turn through a read stream, decoded and cut into line strings. The stream's
 * default 64 KB chunks: 1 MB ones made this 20-30% slower here (the chunk no longer in cache).
 */
async function floor(dir) {
  const t0 = performance.now();
  let bytes = 0;
  let lines = 0;
  let chars = 0;
  for (const file of logFiles(dir)) {
    bytes += statSync(file).size;
    let rest = '';
    for await (const chunk of createReadStream(file, { encoding: 'utf8' })) {
      const text = rest + chunk;
      let start = 0;
      for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
        chars += text.slice(start, nl).length;
        lines++;
        start = nl + 1;
      }
      rest = text.slice(start);
    }
    if (rest) {
      chars += rest.length;
      lines++;
    }
  }
  return { bytes, lines, chars, ms: performance.now() - t0, rssBytes: process.resourceUsage().maxRSS * 1024 };
}

if (process.argv[1] === import.meta.filename && process.argv[2] === '--floor') {
  process.stdout.write(JSON.stringify(await floor(process.argv[3])) + '\n');
  process.exit(0);
}

const { generateLogBundle } = await import('./logs-generate.mjs');
const SCALE = Number(process.env.BENCH_LOG_SCALE ?? 1);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SPEAKERS = 10;
const root = join(import.meta.dirname, '..');
const cli = join(root, 'dist', 'cli', 'metallb-doctor.js');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mb = (b) => (b / 1048576).toFixed(1);
const GOAL_MBS = 100;
const GOAL_RSS = 300 * 1048576;

const bytesPerSpeaker = Math.round(100 * 2 ** 20 * SCALE);
const dir = join(import.meta.dirname, 'out', `logs-${SPEAKERS}-${bytesPerSpeaker}`);
const gen = await generateLogBundle(dir, { speakers: SPEAKERS, bytesPerSpeaker });

// GNU time measures any child from outside; BSD time (macOS) has no -f, hence the probe
// (BENCH_LOG_RSS=self takes the children's own figures even where GNU time exists)
const gnuTime = process.env.BENCH_LOG_RSS !== 'self' && existsSync('/usr/bin/time') && /^\d+$/.test(String(spawnSync('/usr/bin/time', ['-f', '%M', 'true'], { encoding: 'utf8' }).stderr).trim());

/**
 * One run of `node ARGS` in a fresh process: wall time seen from here, peak RSS of the child, its
 * exit code, and its stdout when `keepOut` (else discarded, as `> /dev/null`).
 */
function run(args, { keepOut = false, wrapper } = {}) {
  if (gnuTime) {
    const t0 = performance.now();
    const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, ...args], { stdio: ['ignore', keepOut ? 'pipe' : 'ignore', 'pipe'], encoding: 'utf8', maxBuffer: 64 << 20 });
    const ms = performance.now() - t0;
    const err = String(r.stderr).trimEnd().split('\n');
    const kb = Number(err.pop());
    // GNU time adds "Command exited with non-zero status N" before its own line
    if (err.length && /^Command exited with non-zero status \d+$/.test(err[err.length - 1])) err.pop();
    return { ms, rssBytes: kb * 1024, exitCode: r.status ?? -1, stdout: r.stdout ?? '', stderr: err.join('\n') };
  }
  // no GNU time: the child reports its own figures on its last stdout line
  const t0 = performance.now();
  const r = spawnSync(process.execPath, wrapper ? [wrapper, ...args] : args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', maxBuffer: 64 << 20 });
  const ms = performance.now() - t0;
  const last = String(r.stdout).trim().split('\n').pop();
  let own = {};
  try {
    own = JSON.parse(last);
  } catch {
    // a child that failed before printing
  }
  return { ms, rssBytes: own.rssBytes ?? NaN, exitCode: own.exitCode ?? r.status ?? -1, stdout: r.stdout ?? '', stderr: String(r.stderr).trimEnd() };
}

const childScript = join(import.meta.dirname, 'logs-child.mjs');
const measures = {
  a: { title: '(a) logs --from DIR -o json', args: gnuTime ? [cli, 'logs', '--from', dir, '-o', 'json'] : ['logs', '--from', dir, '-o', 'json'], wrapper: childScript, cli: true },
  b: { title: '(b) diag --from DIR -o json', args: gnuTime ? [cli, 'diag', '--from', dir, '-o', 'json'] : ['diag', '--from', dir, '-o', 'json'], wrapper: childScript, cli: true },
  c: { title: '(c) floor: createReadStream + split lines', args: [import.meta.filename, '--floor', dir], keepOut: true },
};

run(measures.c.args, { keepOut: true }); // untimed: every file into the page cache
const results = { a: [], b: [], c: [] };
const failed = {};
for (let r = 0; r < RUNS; r++) {
  for (const k of ['a', 'b', 'c']) {
    if (failed[k]) continue;
    const m = measures[k];
    const x = run(m.args, { keepOut: m.keepOut, wrapper: m.wrapper });
    // the CLI exits 0/1/2 by its findings; the floor exits 0
    if (!(m.cli ? [0, 1, 2] : [0]).includes(x.exitCode)) {
      failed[k] = `exit ${x.exitCode}: ${x.stderr.split('\n').filter(Boolean).slice(0, 3).join(' | ') || 'no message'}`;
      continue;
    }
    if (k === 'c') x.lines = JSON.parse(x.stdout.trim().split('\n').pop()).lines;
    results[k].push(x);
  }
}

const pick = (k) => {
  const xs = results[k];
  return { ms: median(xs.map((x) => x.ms)), rss: median(xs.map((x) => x.rssBytes)), exitCode: xs[0].exitCode, lines: xs[0].lines };
};
const bytes = gen.logBytes;
const rate = (ms) => bytes / 1048576 / (ms / 1000);
const lines = [];
lines.push(
  `logs: ${SPEAKERS} speakers x ${mb(bytesPerSpeaker)} MB + a controller, ${mb(bytes)} MB of log in ${gen.files.length} files, ${gen.logLines} lines ` +
    (gen.generated ? `(generated in ${(gen.ms / 1000).toFixed(1)} s, ${rate(gen.ms).toFixed(0)} MB/s)` : '(cached)') +
    `; ${RUNS} run(s), peak RSS from ${gnuTime ? 'GNU time' : 'the child itself'}`,
);
let c;
if (!failed.c) c = pick('c');
for (const k of ['a', 'b']) {
  const m = measures[k];
  if (failed[k]) {
    lines.push(`  ${m.title}: FAILED (${failed[k]})`);
    process.exitCode = 1;
    continue;
  }
  const x = pick(k);
  const speed = rate(x.ms);
  lines.push(
    `  ${m.title}: ${x.ms.toFixed(0)} ms, ${speed.toFixed(0)} MB/s, peak RSS ${mb(x.rss)} MB, exit ${x.exitCode}` +
      (c ? `, ${(x.ms / c.ms).toFixed(2)}x the floor` : '') +
      // quicker than reading the files: the command cannot have read them all, and no goal is judged
      (c && x.ms < c.ms
        ? `\n      quicker than the floor: it did not read every log (goals not judged)`
        : `\n      goal >= ${GOAL_MBS} MB/s: ${speed >= GOAL_MBS ? 'ok' : 'MISSED'}, RSS < ${mb(GOAL_RSS)} MB: ${x.rss < GOAL_RSS ? 'ok' : 'MISSED'}`),
  );
}
if (failed.c) {
  lines.push(`  ${measures.c.title}: FAILED (${failed.c})`);
  process.exitCode = 1;
} else {
  lines.push(`  ${measures.c.title}: ${c.ms.toFixed(0)} ms, ${rate(c.ms).toFixed(0)} MB/s, peak RSS ${mb(c.rss)} MB, ${c.lines} lines`);
}
console.log(lines.join('\n'));
