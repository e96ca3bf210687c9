// The `diag` benchmark: the simulate benchmark's cluster (5,000 nodes, 20,000 LoadBalancer Services,
// 200 pools) plus 100,000 application Pods and its 20,000+ EndpointSlices, as a JSON bundle; diag
// --from end to end, and the analysis alone (after loading: the state, the model, every rule, the
// report's sections). Then the same at 2x and 4x of every count (one run each: they are slow).
// Each measurement runs in a fresh process; the median of BENCH_RUNS (3) is reported at 1x.
// BENCH_DIAG_SCALE=0.25 scales the base size down (for a quick look).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { generateCluster } from './simulate-generate.mjs';
import { jsonFloor } from './floor.mjs';

const SCALE = Number(process.env.BENCH_DIAG_SCALE ?? 1);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const MAX_FACTOR = Number(process.env.BENCH_DIAG_MAX_FACTOR ?? 4);
const out = join(import.meta.dirname, 'out');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mb = (b) => (b / 1048576).toFixed(1);

function size(factor) {
  const f = SCALE * factor;
  return { nodes: Math.round(5000 * f), services: Math.round(20000 * f), pools: Math.max(1, Math.round(200 * f)), workloadPods: Math.round(100000 * f) };
}

function measure(dir, runs) {
  const rs = [];
  for (let r = 0; r < runs; r++) {
    const res = execFileSync(process.execPath, [join(import.meta.dirname, 'diag-child.mjs'), dir], { encoding: 'utf8', maxBuffer: 1 << 20 });
    rs.push(JSON.parse(res.trim().split('\n').pop()));
  }
  const pick = (k) => median(rs.map((x) => x[k]));
  return { ms: pick('ms'), loadMs: pick('loadMs'), analysisMs: pick('analysisMs'), renderMs: pick('renderMs'), rss: pick('rssBytes'), outBytes: rs[0].outBytes, exitCode: rs[0].exitCode };
}

const rows = [];
for (const factor of [1, 2, 4].filter((f) => f <= MAX_FACTOR)) {
  const s = size(factor);
  const dir = join(out, `diag-${s.nodes}-${s.services}-${s.workloadPods}`);
  const bytes = generateCluster(dir, s);
  const m = measure(dir, factor === 1 ? RUNS : 1);
  rows.push({ factor, s, bytes, m });
  console.log(
    `diag x${factor}: ${s.nodes} nodes, ${s.services} Services, ${s.pools} pools, ${s.workloadPods} application Pods (${mb(bytes)} MB of JSON):\n` +
      `  end to end ${m.ms.toFixed(0)} ms (load ${m.loadMs.toFixed(0)}, analysis ${m.analysisMs.toFixed(0)}, render ${m.renderMs.toFixed(0)}), peak RSS ${mb(m.rss)} MB, ${mb(m.outBytes)} MB of JSON out, exit ${m.exitCode}` +
      (factor === 1
        ? `\n  goal: analysis ${m.analysisMs < 2000 ? 'ok' : 'MISSED'} (< 2 s), whole run ${m.ms < 6000 ? 'ok' : 'MISSED'} (< 6 s), peak RSS ${m.rss < 2 * 1024 ** 3 ? 'ok' : 'MISSED'} (< 2 GB)` +
          `\n  the floor, reading and JSON.parse of the same files and nothing else: ${jsonFloor(dir, RUNS).ms.toFixed(0)} ms`
        : `\n  vs x${rows[rows.length - 2].factor}: time x${(m.ms / rows[rows.length - 2].m.ms).toFixed(2)}, analysis x${(m.analysisMs / rows[rows.length - 2].m.analysisMs).toFixed(2)}, RSS x${(m.rss / rows[rows.length - 2].m.rss).toFixed(2)}`),
  );
}
