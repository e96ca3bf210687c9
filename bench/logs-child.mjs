// One command of the built CLI in this process, for bench/logs.mjs where GNU time is missing: its
// output discarded (bytes counted), then {ms, rssBytes, outBytes, exitCode} on stdout.
// `node bench/logs-child.mjs logs --from DIR -o json`
import { Readable } from 'node:stream';
import { runCli } from '../dist/cli/program.js';

const args = process.argv.slice(2);
let outBytes = 0;
const ctx = {
  name: 'metallb-doctor',
  stdin: Readable.from([]),
  out: (s) => void (outBytes += Buffer.byteLength(s)),
  err: (s) => void process.stderr.write(s),
  warn: (m) => void process.stderr.write(m + '\n'),
  verbose: false,
  exitCode: 0,
  phase: () => {},
};
const t0 = performance.now();
const exitCode = await runCli(args, ctx);
const ms = performance.now() - t0;
process.stdout.write(JSON.stringify({ ms, rssBytes: process.resourceUsage().maxRSS * 1024, outBytes, exitCode }) + '\n');
