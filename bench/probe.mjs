// The probe benchmark (issue 8): `diag --probe` over 200 announced layer 2 addresses and 20 BGP
// peers must finish within --probe-timeout (default 10 s). Built with ip netns: a client namespace
// the tool runs in, a node namespace owning the 200 addresses, and 20 router namespaces each
// running GoBGP accepting the client as neighbour. Needs root, iproute2, iputils-arping and
// gobgpd; without them it prints why and skips. Every namespace and daemon is removed at the end.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const ADDRESSES = Number(process.env.BENCH_PROBE_ADDRESSES ?? 200);
const PEERS = Number(process.env.BENCH_PROBE_PEERS ?? 20);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const base = `mlbd-bp-${process.pid}-`;
const ns = (n) => base + n;
const have = (p) => spawnSync('sh', ['-c', `command -v ${p}`]).status === 0;

function ip(args) {
  const r = spawnSync('ip', args, { encoding: 'utf8', timeout: 10_000 });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr.trim()}`);
}

const why = process.getuid?.() !== 0 ? 'needs root (network namespaces)' : !have('arping') ? 'needs arping (iputils-arping)' : !have('gobgpd') ? 'needs gobgpd' : undefined;
if (why) {
  console.log(`probe: skipped: ${why}`);
} else {
  const made = [];
  const daemons = [];
  const tmp = mkdtempSync(join(tmpdir(), 'mlbd-bench-probe-'));
  const cleanup = () => {
    for (const d of daemons) d.kill('SIGKILL');
    for (const n of made) spawnSync('ip', ['netns', 'del', n]);
    rmSync(tmp, { recursive: true, force: true });
  };
  process.on('exit', cleanup);
  try {
    const addNs = (n) => {
      ip(['netns', 'add', ns(n)]);
      made.push(ns(n));
      ip(['-n', ns(n), 'link', 'set', 'lo', 'up']);
    };
    addNs('sw');
    ip(['-n', ns('sw'), 'link', 'add', 'br0', 'type', 'bridge']);
    ip(['-n', ns('sw'), 'link', 'set', 'br0', 'up']);
    let port = 0;
    const link = (n, addrs) => {
      const p = `p${port++}`;
      ip(['link', 'add', 'name', 'eth0', 'netns', ns(n), 'type', 'veth', 'peer', 'name', p, 'netns', ns('sw')]);
      ip(['-n', ns('sw'), 'link', 'set', p, 'master', 'br0', 'up']);
      for (const a of addrs) ip(['-n', ns(n), 'addr', 'add', a, 'dev', 'eth0']);
      ip(['-n', ns(n), 'link', 'set', 'eth0', 'up']);
    };
    addNs('client');
    link('client', ['10.96.0.2/16']);
    addNs('node');
    const svcIP = (i) => `10.96.${1 + Math.floor(i / 250)}.${(i % 250) + 1}`;
    link('node', ['10.96.0.3/16']);
    for (let i = 0; i < ADDRESSES; i++) ip(['-n', ns('node'), 'addr', 'add', `${svcIP(i)}/32`, 'dev', 'eth0']);
    const peerIP = (i) => `10.96.200.${i + 1}`;
    for (let i = 0; i < PEERS; i++) {
      addNs(`r${i}`);
      link(`r${i}`, [`${peerIP(i)}/16`]);
      const conf = join(tmp, `r${i}.toml`);
      writeFileSync(conf, `[global.config]\n  as = 64513\n  router-id = "${peerIP(i)}"\n  local-address-list = ["${peerIP(i)}"]\n[[neighbors]]\n  [neighbors.config]\n    neighbor-address = "10.96.0.2"\n    peer-as = 64512\n  [neighbors.transport.config]\n    passive-mode = true\n`);
      daemons.push(spawn('ip', ['netns', 'exec', ns(`r${i}`), 'gobgpd', '-f', conf, '-t', 'toml', '--api-hosts', `127.0.0.1:${50051 + i}`, '--log-level', 'warn'], { stdio: 'ignore' }));
    }
    // the cluster: one node announcing every address (layer 2), and a BGPPeer per router
    const dir = join(tmp, 'bundle');
    mkdirSync(join(dir, 'resources'), { recursive: true });
    const captured = ['IPAddressPool', 'L2Advertisement', 'BGPAdvertisement', 'BGPPeer', 'BFDProfile', 'Community', 'Service', 'EndpointSlice', 'Node', 'Pod', 'DaemonSet', 'Deployment'];
    writeFileSync(join(dir, 'bundle.json'), JSON.stringify({ format: 'metallb-doctor-bundle/v1', createdAt: new Date().toISOString(), metallbNamespace: 'metallb-system', captured }));
    const items = [
      { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1' }, status: { addresses: [{ type: 'InternalIP', address: '10.96.0.3' }], conditions: [{ type: 'Ready', status: 'True' }] } },
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'speaker-1', namespace: 'metallb-system', labels: { app: 'metallb', component: 'speaker' } }, spec: { nodeName: 'node-1', containers: [{ name: 'speaker', image: 'quay.io/metallb/speaker:v0.15.2' }] }, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } },
      { apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', metadata: { name: 'lan', namespace: 'metallb-system' }, spec: { addresses: ['10.96.1.0/24', '10.96.2.0/24'] } },
      { apiVersion: 'metallb.io/v1beta1', kind: 'L2Advertisement', metadata: { name: 'lan', namespace: 'metallb-system' }, spec: { ipAddressPools: ['lan'] } },
      ...Array.from({ length: PEERS }, (_, i) => ({ apiVersion: 'metallb.io/v1beta2', kind: 'BGPPeer', metadata: { name: `tor-${i}`, namespace: 'metallb-system' }, spec: { myASN: 64512, peerASN: 64513, peerAddress: peerIP(i) } })),
      ...Array.from({ length: ADDRESSES }, (_, i) => [
        { apiVersion: 'v1', kind: 'Service', metadata: { name: `web-${i}`, namespace: 'shop' }, spec: { type: 'LoadBalancer', ports: [{ port: 80, protocol: 'TCP' }], clusterIPs: ['10.43.0.1'] }, status: { loadBalancer: { ingress: [{ ip: svcIP(i) }] } } },
        { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: `web-${i}-x`, namespace: 'shop', labels: { 'kubernetes.io/service-name': `web-${i}` } }, addressType: 'IPv4', endpoints: [{ addresses: ['10.42.0.9'], nodeName: 'node-1', conditions: { ready: true, serving: true } }] },
      ]).flat(),
    ];
    writeFileSync(join(dir, 'resources', 'all.json'), JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
    // the routers listen
    for (let i = 0; i < PEERS; i++) {
      for (let t = 0; t < 100; t++) {
        const r = spawnSync('ip', ['netns', 'exec', ns(`r${i}`), 'ss', '-ltn', 'sport = :179'], { encoding: 'utf8' });
        if (r.stdout.includes(':179')) break;
        spawnSync('sleep', ['0.1']);
      }
    }
    const times = [];
    let last;
    for (let r = 0; r < RUNS; r++) {
      const t0 = performance.now();
      const res = spawnSync('ip', ['netns', 'exec', ns('client'), process.execPath, join(root, 'dist', 'cli', 'metallb-doctor.js'), 'diag', '--from', dir, '--probe', '-o', 'json'], { encoding: 'utf8', maxBuffer: 1 << 28, timeout: 120_000 });
      times.push(performance.now() - t0);
      last = JSON.parse(res.stdout);
      // GoBGP holds a neighbour Idle for 5 s after a session ends: let it before the next run
      if (r + 1 < RUNS) spawnSync('sleep', ['6']);
    }
    const probes = last.probes ?? [];
    const count = (k, r) => probes.filter((p) => p.kind === k && (r === undefined || p.result === r)).length;
    const median = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)];
    console.log(
      `probe: diag --probe over ${ADDRESSES} layer 2 addresses and ${PEERS} BGP peers (GoBGP), ${RUNS} run(s): median ${(median / 1000).toFixed(2)} s for the whole diag\n` +
        `  arp: ${count('arp')} probed, ${count('arp', 'answered')} answered; bgp: ${count('bgp')} probed, ${count('bgp', 'established')} established; probe gaps: ${(last.gaps ?? []).filter((g) => /probe/i.test(g.what)).map((g) => `${g.what}: ${g.why}`).join('; ') || 'none'}\n` +
        `  goal: within --probe-timeout (10 s): ${median < 10_000 ? 'ok' : 'MISSED'}`,
    );
  } finally {
    cleanup();
  }
}
