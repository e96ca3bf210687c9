// `simulate --from DIR -o json [...extra]` end to end through the built CLI, output discarded (its
// bytes counted). Prints {ms, rssBytes, outBytes, exitCode}.
import { report, runTimed } from './child.mjs';

const [dir, ...extra] = process.argv.slice(2);
const r = await runTimed(['simulate', '--from', dir, '-o', 'json', ...extra]);
report({ ms: r.ms, rssBytes: r.rssBytes, outBytes: r.outBytes, exitCode: r.exitCode });
