// `lint DIR -o json` end to end through the built CLI, output discarded. Prints {ms, rssBytes, exit}.
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
// BENCH_ROOT: another checkout's build instead of this one (bench/ab.mjs compares two)
const root = process.env.BENCH_ROOT ? pathToFileURL(`${process.env.BENCH_ROOT}/`) : new URL('../', import.meta.url);
const { runCli } = await import(new URL('dist/cli/program.js', root).href);

const dir = process.argv[2];
let outBytes = 0;
const ctx = {
  name: 'metallb-doctor',
  stdin: Readable.from([]),
  out: (s) => void (outBytes += s.length),
  err: (s) => void process.stderr.write(s),
  warn: (m) => void process.stderr.write(m + '\n'),
  verbose: false,
  exitCode: 0,
};
const t0 = performance.now();
const exit = await runCli(['lint', dir, '-o', 'json'], ctx);
const ms = performance.now() - t0;
process.stdout.write(JSON.stringify({ ms, rssBytes: process.resourceUsage().maxRSS * 1024, exit, outBytes }) + '\n');
