// What every benchmark child shares: the built CLI (this checkout's, or BENCH_ROOT's: bench/ab.mjs
// compares two builds), a CliContext that discards the output (counting its bytes) and records the
// command's phase marks (CliContext.phase), and one timed run in this process.
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';

const root = process.env.BENCH_ROOT ? pathToFileURL(`${process.env.BENCH_ROOT}/`) : new URL('../', import.meta.url);
const { runCli } = await import(new URL('dist/cli/program.js', root).href);

/**
 * Runs one command; resolves with {ms, t0, marks, outBytes, exitCode, rssBytes} (rssBytes: the
 * process's peak so far). `err` sees what the command writes to stderr (default: passed through).
 */
export async function runTimed(args, { verbose = false, err } = {}) {
  let outBytes = 0;
  const marks = {};
  const ctx = {
    name: 'metallb-doctor',
    stdin: Readable.from([]),
    out: (s) => void (outBytes += Buffer.byteLength(s)),
    err: err ?? ((s) => void process.stderr.write(s)),
    warn: (m) => void process.stderr.write(m + '\n'),
    verbose,
    exitCode: 0,
    phase: (name) => void (marks[name] = performance.now()),
  };
  const t0 = performance.now();
  const exitCode = await runCli(args, ctx);
  const ms = performance.now() - t0;
  return { ms, t0, marks, outBytes, exitCode, rssBytes: process.resourceUsage().maxRSS * 1024 };
}

/** The child's one line of JSON on stdout, which the parent reads. */
export function report(figures) {
  process.stdout.write(JSON.stringify(figures) + '\n');
}
