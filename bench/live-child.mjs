// `diag --kubeconfig KC -o json` end to end through the built CLI against a live API server (the
// benchmark's replay), output discarded. Prints {ms, readMs, analysisMs, rssBytes, exitCode, requests}.
import { report, runTimed } from './child.mjs';

const [kubeconfig, ...extra] = process.argv.slice(2);
let requests = 0;
// -v prints one line per request on stderr: counted, not shown
const err = (s) => void (s.startsWith('GET ') ? (requests += s.split('\n').filter(Boolean).length) : process.stderr.write(s));
const r = await runTimed(['diag', '--kubeconfig', kubeconfig, '-o', 'json', '-v', ...extra], { verbose: true, err });
const { loaded, analysed } = r.marks;
report({ ms: r.ms, readMs: loaded - r.t0, analysisMs: analysed - loaded, rssBytes: r.rssBytes, exitCode: r.exitCode, requests });
