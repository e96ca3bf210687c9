// `lint DIR -o json` end to end through the built CLI, output discarded. Prints {ms, rssBytes, exit, outBytes}.
import { report, runTimed } from './child.mjs';

const r = await runTimed(['lint', process.argv[2], '-o', 'json']);
report({ ms: r.ms, rssBytes: r.rssBytes, exit: r.exitCode, outBytes: r.outBytes });
