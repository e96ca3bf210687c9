// `simulate --from DIR -o json [...extra]` end to end through the built CLI, output discarded (its
// bytes counted). Prints {ms, rssBytes, outBytes, exitCode}.
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
// BENCH_ROOT: another checkout's build instead of this one (bench/ab.mjs compares two)
const root = process.env.BENCH_ROOT ? pathToFileURL(`${process.env.BENCH_ROOT}/`) : new URL('../', import.meta.url);
const { runCli } = await import(new URL('dist/cli/program.js', root).href);

const [dir, ...extra] = process.argv.slice(2);
let outBytes = 0;
const ctx = {
  name: 'metallb-doctor',
  stdin: Readable.from([]),
  out: (s) => void (outBytes += Buffer.byteLength(s)),
  err: (s) => void process.stderr.write(s),
  warn: (m) => void process.stderr.write(m + '\n'),
  verbose: false,
  exitCode: 0,
};
const t0 = performance.now();
const exitCode = await runCli(['simulate', '--from', dir, '-o', 'json', ...extra], ctx);
const ms = performance.now() - t0;
process.stdout.write(JSON.stringify({ ms, rssBytes: process.resourceUsage().maxRSS * 1024, outBytes, exitCode }) + '\n');
