// The live-cluster benchmark (issue 6): the diag benchmark's synthetic cluster (5,000 nodes, 20,000
// LoadBalancer Services, 100,000 application Pods) served by `replay` in its own process, and
//  (a) metallb-doctor diag through the kubeconfig (every GET it sends, and the whole analysis);
//  (b) the old one-file script: seven sequential `kubectl get ... -o json` (CRDs, pods of the
//      MetalLB namespace, the four MetalLB kinds, LoadBalancer Services in all namespaces);
//  (c) the floor: every list (a) reads, fetched with plain HTTP (lists in parallel, each list's
//      pages in order, as they must be) and JSON.parse'd, nothing more.
// Goals: (a) at least 3x faster than (b), and within 1.5x of (c). After a warm-up of the replay
// (a real API server is warm), the three run interleaved BENCH_RUNS (3) times, (a) each time in a
// fresh process; the medians are reported. BENCH_LIVE_SCALE scales the cluster (0.25 for a quick look).
import { execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateCluster } from './simulate-generate.mjs';

const SCALE = Number(process.env.BENCH_LIVE_SCALE ?? 1);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const root = join(import.meta.dirname, '..');
const out = join(import.meta.dirname, 'out');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mb = (b) => (b / 1048576).toFixed(1);
const s = { nodes: Math.round(5000 * SCALE), services: Math.round(20000 * SCALE), pools: Math.max(1, Math.round(200 * SCALE)), workloadPods: Math.round(100000 * SCALE) };
const dir = join(out, `diag-${s.nodes}-${s.services}-${s.workloadPods}`);
const bytes = generateCluster(dir, s);

// the replay, in its own process (it holds the whole cluster in memory, as an API server would)
const tmp = mkdtempSync(join(tmpdir(), 'mlbd-bench-live-'));
const kubeconfig = join(tmp, 'kubeconfig');
const replay = spawn(process.execPath, [join(root, 'dist', 'cli', 'metallb-doctor.js'), 'replay', dir, '--kubeconfig-out', kubeconfig], { stdio: ['ignore', 'ignore', 'pipe'] });
const cleanup = () => {
  replay.kill('SIGTERM');
  rmSync(tmp, { recursive: true, force: true });
};
process.on('exit', cleanup);
const url = await new Promise((resolve, reject) => {
  let text = '';
  replay.stderr.on('data', (c) => {
    text += c;
    const m = /http:\/\/127\.0\.0\.1:\d+/.exec(text);
    if (!m) return;
    // the kubeconfig is written as the server starts: wait for it (bounded by the timeout below)
    const poll = () => (existsSync(kubeconfig) ? resolve(m[0]) : setTimeout(poll, 50));
    poll();
  });
  replay.on('exit', (code) => reject(new Error(`replay exited ${code}`)));
  setTimeout(() => reject(new Error('replay did not start within 300 s')), 300_000).unref();
});

function child(args) {
  const res = execFileSync(process.execPath, [join(import.meta.dirname, 'live-child.mjs'), kubeconfig, ...args], { encoding: 'utf8', maxBuffer: 1 << 20, stdio: ['ignore', 'pipe', 'pipe'] });
  return JSON.parse(res.trim().split('\n').pop());
}

// what (a) reads: its requests, as -v prints them (an untimed run, which also warms the replay:
// a real API server is warm, and the first requests to a fresh replay pay its JIT)
const requests = await new Promise((resolve) => {
  execFile(process.execPath, [join(root, 'dist', 'cli', 'metallb-doctor.js'), 'diag', '--kubeconfig', kubeconfig, '-o', 'json', '-v'], { maxBuffer: 1 << 30 }, (_e, _out, err) => resolve(String(err).split('\n').filter((l) => l.startsWith('GET ')).map((l) => l.slice(4))));
});
// lists (without their continue tokens) and single GETs
const reads = [...new Set(requests.map((p) => p.replace(/([?&])continue=[^&]*&?/, '$1').replace(/[?&]$/, '')))];

function get(path) {
  return new Promise((resolve, reject) => {
    request(`${url}${path}`, { headers: { accept: path.includes('/log') ? 'text/plain' : 'application/json' } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

// (c): every read of (a) at once, each list's pages in order
async function floor() {
  const t0 = performance.now();
  let objects = 0;
  await Promise.all(
    reads.map(async (p) => {
      let cont;
      for (let page = 0; page < 100000; page++) {
        const q = cont ? `${p}${p.includes('?') ? '&' : '?'}continue=${encodeURIComponent(cont)}` : p;
        const r = await get(q);
        if (r.status !== 200 || p.includes('/log')) return;
        const body = JSON.parse(r.body.toString('utf8'));
        objects += Array.isArray(body.items) ? body.items.length : 1;
        cont = body.metadata?.continue;
        if (!cont) return;
      }
    }),
  );
  return { ms: performance.now() - t0, objects };
}

// (b) the old script: seven sequential kubectl calls, with a warm discovery cache as a user has
const kubectl = process.env.KUBECTL ?? (existsSync('/usr/lib/google-cloud-sdk/bin/kubectl.1.32') ? '/usr/lib/google-cloud-sdk/bin/kubectl.1.32' : 'kubectl');
const env = { ...process.env, KUBECONFIG: kubeconfig, HOME: tmp, KUBECACHEDIR: join(tmp, 'cache') };
const SCRIPT = [
  ['get', 'crd', '-o', 'json'],
  ['get', 'pods', '-n', 'metallb-system', '-o', 'json'],
  ['get', 'ipaddresspools', '-n', 'metallb-system', '-o', 'json'],
  ['get', 'l2advertisements', '-n', 'metallb-system', '-o', 'json'],
  ['get', 'bgpadvertisements', '-n', 'metallb-system', '-o', 'json'],
  ['get', 'bgppeers', '-n', 'metallb-system', '-o', 'json'],
  ['get', 'svc', '-A', '--field-selector', 'spec.type=LoadBalancer', '-o', 'json'],
];
const run = (args) =>
  new Promise((resolve) => execFile(kubectl, args, { env, maxBuffer: 1 << 30 }, (e, stdout) => resolve({ code: e ? (e.code ?? -1) : 0, bytes: stdout.length })));
async function script() {
  const t0 = performance.now();
  const codes = [];
  for (const args of SCRIPT) codes.push((await run(args)).code);
  return { ms: performance.now() - t0, codes };
}
await run(['get', 'ns', '-o', 'name']); // warms the discovery cache
await floor(); // and the replay once more

// interleaved, so that no one of the three always meets the server in the same state
const a = [];
const b = [];
const c = [];
for (let r = 0; r < RUNS; r++) {
  a.push(child([]));
  b.push(await script());
  c.push(await floor());
}
const A = { ms: median(a.map((x) => x.ms)), readMs: median(a.map((x) => x.readMs)), analysisMs: median(a.map((x) => x.analysisMs)), rss: median(a.map((x) => x.rssBytes)), requests: a[0].requests, exitCode: a[0].exitCode };
const B = { ms: median(b.map((x) => x.ms)), codes: b[0].codes };
const C = { ms: median(c.map((x) => x.ms)), objects: c[0].objects };

console.log(
  `live diag: ${s.nodes} nodes, ${s.services} Services, ${s.workloadPods} application Pods (${mb(bytes)} MB bundle) served by replay:\n` +
    `  (a) metallb-doctor diag via kubeconfig: ${A.ms.toFixed(0)} ms (read ${A.readMs.toFixed(0)}, analysis ${A.analysisMs.toFixed(0)}), ${A.requests} GET requests, peak RSS ${mb(A.rss)} MB, exit ${A.exitCode}\n` +
    `  (b) old script, 7 sequential kubectl get -o json: ${B.ms.toFixed(0)} ms (exit codes ${B.codes.join(',')}; CRDs ${B.codes[0] === 0 ? 'read' : 'forbidden'})\n` +
    `  (c) floor, the ${reads.length} reads of (a) in parallel, plain HTTP + JSON.parse: ${C.ms.toFixed(0)} ms, ${C.objects} objects\n` +
    `  (b)/(a) = ${(B.ms / A.ms).toFixed(2)}x (goal >= 3x: ${B.ms / A.ms >= 3 ? 'ok' : 'MISSED'}); (a)/(c) = ${(A.ms / C.ms).toFixed(2)}x (goal <= 1.5x: ${A.ms / C.ms <= 1.5 ? 'ok' : 'MISSED'})`,
);
cleanup();
process.exit(0);
