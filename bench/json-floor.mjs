// The floor under any analysis of a JSON bundle: read every file of resources/ and JSON.parse it,
// nothing else (no positions, no objects collected, no state). Prints {ms, rssBytes, bytes} as JSON.
// simulate.mjs and diag.mjs print it beside the load phase: what a goal leaves for the analysis.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = join(process.argv[2], 'resources');
const t0 = performance.now();
let bytes = 0;
let items = 0;
for (const name of readdirSync(dir).sort()) {
  if (!name.endsWith('.json')) continue;
  const text = readFileSync(join(dir, name), 'utf8');
  bytes += text.length;
  items += JSON.parse(text).items?.length ?? 0;
}
const ms = performance.now() - t0;
process.stdout.write(JSON.stringify({ ms, rssBytes: process.resourceUsage().maxRSS * 1024, bytes, items }) + '\n');
