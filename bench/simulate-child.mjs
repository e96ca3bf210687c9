// `simulate --from DIR -o json [...extra]` end to end through the built CLI, output discarded (its
// bytes counted). Prints {ms, loadMs, analysisMs, renderMs, rssBytes, outBytes, exitCode}; the
// phases come from the command's own marks (CliContext.phase).
import { report, runTimed } from './child.mjs';

const [dir, ...extra] = process.argv.slice(2);
const r = await runTimed(['simulate', '--from', dir, '-o', 'json', ...extra]);
const { loaded, analysed } = r.marks;
report({ ms: r.ms, loadMs: loaded - r.t0, analysisMs: analysed - loaded, renderMs: r.t0 + r.ms - analysed, rssBytes: r.rssBytes, outBytes: r.outBytes, exitCode: r.exitCode });
