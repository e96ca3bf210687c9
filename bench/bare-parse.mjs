// The baseline: the bare parse of the same files with the same YAML library, all documents, with
// positions (a LineCounter), and nothing else. Prints {ms, rssBytes, docs} as JSON.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LineCounter, parseAllDocuments } from 'yaml';

const dir = process.argv[2];
const t0 = performance.now();
let docs = 0;
for (const name of readdirSync(dir).sort()) {
  const lineCounter = new LineCounter();
  const parsed = parseAllDocuments(readFileSync(join(dir, name), 'utf8'), { lineCounter });
  docs += Array.isArray(parsed) ? parsed.length : 1;
}
const ms = performance.now() - t0;
process.stdout.write(JSON.stringify({ ms, rssBytes: process.resourceUsage().maxRSS * 1024, docs }) + '\n');
