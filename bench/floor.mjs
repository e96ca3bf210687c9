// The floor of a JSON bundle's analysis: bench/json-floor.mjs (read + JSON.parse, nothing else) in
// fresh processes, the median of `runs`.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export function jsonFloor(dir, runs) {
  const rs = [];
  for (let r = 0; r < runs; r++) rs.push(JSON.parse(execFileSync(process.execPath, [join(import.meta.dirname, 'json-floor.mjs'), dir], { encoding: 'utf8' }).trim()));
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return { ms: median(rs.map((x) => x.ms)), rss: median(rs.map((x) => x.rssBytes)) };
}
