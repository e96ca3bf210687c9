// One command of the built CLI in this process, for bench/logs.mjs where GNU time is missing: its
// output discarded (bytes counted), then {ms, rssBytes, outBytes, exitCode} on stdout.
// `node bench/logs-child.mjs logs --from DIR -o json`
import { report, runTimed } from './child.mjs';

const r = await runTimed(process.argv.slice(2));
report({ ms: r.ms, rssBytes: r.rssBytes, outBytes: r.outBytes, exitCode: r.exitCode });
