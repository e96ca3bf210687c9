// `diag --kubeconfig KC -o json` end to end through the built CLI against a live API server (the
// benchmark's replay), output discarded. Prints {ms, readMs, analysisMs, rssBytes, exitCode, requests}.
import { Readable } from 'node:stream';
import { runCli } from '../dist/cli/program.js';

const [kubeconfig, ...extra] = process.argv.slice(2);
const marks = {};
let requests = 0;
const ctx = {
  name: 'metallb-doctor',
  stdin: Readable.from([]),
  out: () => {},
  // -v prints one line per request on stderr: counted, not shown
  err: (s) => void (s.startsWith('GET ') ? (requests += s.split('\n').filter(Boolean).length) : process.stderr.write(s)),
  warn: (m) => void process.stderr.write(m + '\n'),
  verbose: true,
  exitCode: 0,
  phase: (name) => void (marks[name] = performance.now()),
};
const t0 = performance.now();
const exitCode = await runCli(['diag', '--kubeconfig', kubeconfig, '-o', 'json', '-v', ...extra], ctx);
const t1 = performance.now();
process.stdout.write(JSON.stringify({ ms: t1 - t0, readMs: marks.loaded - t0, analysisMs: marks.analysed - marks.loaded, rssBytes: process.resourceUsage().maxRSS * 1024, exitCode, requests }) + '\n');
