// The `simulate` benchmark: a snapshot of 5,000 nodes, 20,000 LoadBalancer Services and 200 pools
// (bench/simulate-generate.mjs), simulated in full and with a failed node, then two linearity
// series (Services x1/x2/x4 at the full node count, nodes x1/x2/x4 at the full Service count).
// Each measurement runs in a fresh process; the median of BENCH_RUNS (3) is reported.
// BENCH_SIM_NODES / BENCH_SIM_SERVICES / BENCH_SIM_POOLS scale the default size down.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { generateCluster } from './simulate-generate.mjs';
import { jsonFloor } from './floor.mjs';

const NODES = Number(process.env.BENCH_SIM_NODES ?? 5000);
const SERVICES = Number(process.env.BENCH_SIM_SERVICES ?? 20000);
const POOLS = Number(process.env.BENCH_SIM_POOLS ?? 200);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const out = join(import.meta.dirname, 'out');

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mb = (b) => (b / 1048576).toFixed(1);

const generated = new Map();
function bundle(nodes, services, unprocessed = false) {
  const dir = join(out, `sim-${nodes}-${services}${unprocessed ? '-unprocessed' : ''}`);
  if (!generated.has(dir)) generated.set(dir, generateCluster(dir, { nodes, services, pools: POOLS, unprocessed }));
  return { dir, bytes: generated.get(dir) };
}

const measured = new Map();
function measure(dir, extra = []) {
  const key = [dir, ...extra].join('\0');
  if (measured.has(key)) return measured.get(key);
  const runs = [];
  for (let r = 0; r < RUNS; r++) {
    const res = execFileSync(process.execPath, [join(import.meta.dirname, 'simulate-child.mjs'), dir, ...extra], { encoding: 'utf8', maxBuffer: 1 << 20 });
    runs.push(JSON.parse(res.trim().split('\n').pop()));
  }
  const pick = (k) => median(runs.map((x) => x[k]));
  const m = { ms: pick('ms'), loadMs: pick('loadMs'), analysisMs: pick('analysisMs'), renderMs: pick('renderMs'), rss: median(runs.map((x) => x.rssBytes)), outBytes: runs[0].outBytes, exitCode: runs[0].exitCode };
  measured.set(key, m);
  return m;
}

const goal = (m) => `${m.ms < 2000 ? 'ok' : 'MISSED'} (< 2 s), ${m.rss < 1 << 30 ? 'ok' : 'MISSED'} (< 1 GB)`;
const line = (m) => `${m.ms.toFixed(0)} ms (load ${m.loadMs.toFixed(0)}, analysis ${m.analysisMs.toFixed(0)}, render ${m.renderMs.toFixed(0)}), peak RSS ${mb(m.rss)} MB, ${mb(m.outBytes)} MB of JSON, exit ${m.exitCode}`;

const full = bundle(NODES, SERVICES);
console.log(`simulate: ${NODES} nodes, ${SERVICES} LoadBalancer Services, ${POOLS} pools (${mb(full.bytes)} MB of JSON input):`);
const base = measure(full.dir);
console.log(`  simulate -o json:                      ${line(base)}\n    goal: ${goal(base)}`);
const floor = jsonFloor(full.dir, RUNS);
console.log(`  the floor, reading and JSON.parse of the same files and nothing else: ${floor.ms.toFixed(0)} ms, peak RSS ${mb(floor.rss)} MB (load is x${(base.loadMs / floor.ms).toFixed(2)} of it)`);
const failNode = `node-${String(Math.min(42, NODES)).padStart(5, '0')}`;
const fail = measure(full.dir, ['--fail-node', failNode]);
console.log(`  simulate --fail-node ${failNode} -o json: ${line(fail)}\n    goal: ${goal(fail)}`);

// the worst case: half the Services wait for a controller that is not running, so the allocator
// works for them and every one of them is a finding (whose file positions are then resolved)
const stale = bundle(NODES, SERVICES, true);
const worst = measure(stale.dir);
console.log(`  half the Services without an address (controller down), -o json: ${line(worst)}`);

function series(label, sizes) {
  const rows = sizes.map(([nodes, services]) => ({ nodes, services, m: measure(bundle(nodes, services).dir) }));
  console.log(`linearity in ${label} (each doubling should take near 2x):`);
  rows.forEach(({ nodes, services, m }, i) => {
    const ratio = i === 0 ? '' : `, x${(m.ms / rows[i - 1].m.ms).toFixed(2)} time / x${(m.rss / rows[i - 1].m.rss).toFixed(2)} RSS vs the previous`;
    console.log(`  ${String(nodes).padStart(6)} nodes, ${String(services).padStart(6)} Services: ${m.ms.toFixed(0)} ms, peak RSS ${mb(m.rss)} MB${ratio}`);
  });
}
const quarter = (n) => Math.max(1, Math.round(n / 4));
const half = (n) => Math.max(1, Math.round(n / 2));
series('Services', [[NODES, quarter(SERVICES)], [NODES, half(SERVICES)], [NODES, SERVICES]]);
series('nodes', [[quarter(NODES), SERVICES], [half(NODES), SERVICES], [NODES, SERVICES]]);
