// Writes a log bundle for the `logs` benchmark (issue 7): a small MetalLB v0.14.8 cluster (native
// BGP, layer 2 with memberlist, speakers at --log-level=debug) whose speakers have written about
// 100 MB of log each, and its controller about a tenth of that. The lines are the ones MetalLB
// writes (go-kit JSON, keys in Go's sorted order, `ts` to the second; metallb-semantics.md §5),
// mostly the ServiceReconciler's resync of the same Services again and again, then debug ARP
// replies, memberlist library lines, BGP session changes, config reloads, a few errors and about
// 0.1% of lines that are not JSON (cut lines, stray text). Deterministic (seeded PRNG), written in
// large chunks through a write stream (bounded memory), and not written again when the directory
// already holds a bundle of the same parameters (the marker file).
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { prng, writeBundle } from './simulate-generate.mjs';

/** Bump when the output changes, so that cached bundles are written again. */
const GENERATOR_VERSION = 2;
const MARKER = '.logs-generate.json';
const NAMESPACE = 'metallb-system';
const VERSION = '0.14.8';
const COMMIT = 'a2ae9c3d';
const CREATED = '2026-11-19T23:00:00Z';
/** the logs cover one day from here */
const LOG_START = Date.parse('2026-11-20T00:00:00Z');
const LOG_SPAN_S = 86400;
const CHUNK = 4 << 20;
const APP_NAMESPACES = 10;
const POOL = 'default';
const PEER = '172.18.0.1';
const MY_ASN = 64512;
const PEER_ASN = 64513;
const CAPTURED = ['IPAddressPool', 'L2Advertisement', 'BGPAdvertisement', 'BGPPeer', 'BFDProfile', 'Community', 'Service', 'EndpointSlice', 'Node', 'Pod', 'DaemonSet', 'Deployment'];

const pad = (n, w) => String(n).padStart(w, '0');
const nodeName = (i) => `node-${i + 1}`;
const nodeIP = (i) => `172.18.${(i + 10) >> 8}.${(i + 10) & 255}`;
const nodeMAC = (i) => `52:54:00:12:${pad(((i >> 8) & 255).toString(16), 2)}:${pad((i & 255).toString(16), 2)}`;
const serviceIP = (k) => `10.100.${Math.floor(k / 250)}.${(k % 250) + 1}`;
const serviceKey = (k) => `app-${k % APP_NAMESPACES}/web-${pad(k, 3)}`;

/**
 * MetalLB's layer 2 election (metallb-semantics.md §4.2) with every node a candidate (Cluster
 * policy, endpoints ready, no selectors): the node whose sha256(node#ip) sorts first.
 */
function l2Winner(nodes, ip) {
  let best = -1;
  let bestHash = null;
  for (let i = 0; i < nodes; i++) {
    const h = createHash('sha256').update(`${nodeName(i)}#${ip}`).digest();
    if (best < 0 || Buffer.compare(h, bestHash) < 0) {
      best = i;
      bestHash = h;
    }
  }
  return best;
}

/**
 * The bundle in `dir`: bundle.json, resources/ (one JSON List per kind) and logs/. Returns
 * { logBytes, logLines, files, generated, ms }; `generated` is false when the marker matched.
 */
export async function generateLogBundle(dir, { speakers = 10, bytesPerSpeaker = 100 * 2 ** 20, controllerBytes = Math.round(bytesPerSpeaker / 10), services = 200 } = {}) {
  const params = { version: GENERATOR_VERSION, speakers, bytesPerSpeaker: Math.round(bytesPerSpeaker), controllerBytes: Math.round(controllerBytes), services };
  const markerFile = join(dir, MARKER);
  if (existsSync(markerFile)) {
    try {
      const m = JSON.parse(readFileSync(markerFile, 'utf8'));
      if (JSON.stringify(m.params) === JSON.stringify(params)) return { ...m.result, files: m.result.files.map((f) => join(dir, f)), generated: false, ms: 0 };
    } catch {
      // unreadable marker: write the bundle again
    }
  }
  const t0 = performance.now();
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'resources'), { recursive: true });

  const rand = prng(0x10e5 ^ (speakers * 131 + services));
  const chars = 'bcdfghjklmnpqrstvwxz2456789';
  const suffix = (n) => Array.from({ length: n }, () => chars[Math.floor(rand() * chars.length)]).join('');
  const owner = Array.from({ length: services }, (_, k) => l2Winner(speakers, serviceIP(k)));
  const speakerPods = Array.from({ length: speakers }, () => `speaker-${suffix(5)}`);
  const controllerPod = `controller-6f8d7b9c5d-${suffix(5)}`;
  writeResources(dir, { speakers, services, speakerPods, controllerPod });

  const files = [];
  let logBytes = 0;
  let logLines = 0;
  for (let i = 0; i < speakers; i++) {
    const rel = join('logs', NAMESPACE, speakerPods[i], 'speaker.log');
    const r = await writeLog(join(dir, rel), params.bytesPerSpeaker, speakerLines(i, { speakers, services, owner, seed: 0x5eed + i }));
    files.push(rel);
    logBytes += r.bytes;
    logLines += r.lines;
  }
  {
    const rel = join('logs', NAMESPACE, controllerPod, 'controller.log');
    const r = await writeLog(join(dir, rel), params.controllerBytes, controllerLines({ services, seed: 0xc0de }));
    files.push(rel);
    logBytes += r.bytes;
    logLines += r.lines;
  }
  const result = { logBytes, logLines, files };
  // written last: a generation cut short leaves no marker, and is done again
  writeFileSync(markerFile, JSON.stringify({ params, result }, null, 2) + '\n');
  return { ...result, files: files.map((f) => join(dir, f)), generated: true, ms: performance.now() - t0 };
}

function writeResources(dir, { speakers, services, speakerPods, controllerPod }) {
  const meta = (name, extra = {}) => ({ name, namespace: NAMESPACE, creationTimestamp: CREATED, ...extra });
  const out = Object.fromEntries(CAPTURED.map((k) => [k, []]));
  const speakerContainer = {
    name: 'speaker',
    image: `quay.io/metallb/speaker:v${VERSION}`,
    args: ['--port=7472', '--log-level=debug'],
    env: [
      { name: 'METALLB_NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
      { name: 'METALLB_POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'METALLB_HOST', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } },
      { name: 'METALLB_ML_BIND_ADDR', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
      { name: 'METALLB_ML_LABELS', value: 'app=metallb,component=speaker' },
      { name: 'METALLB_ML_SECRET_KEY_PATH', value: '/etc/ml_secret_key' },
    ],
    ports: [
      { name: 'monitoring', containerPort: 7472, protocol: 'TCP' },
      { name: 'memberlist-tcp', containerPort: 7946, protocol: 'TCP' },
      { name: 'memberlist-udp', containerPort: 7946, protocol: 'UDP' },
    ],
  };
  const controllerContainer = {
    name: 'controller',
    image: `quay.io/metallb/controller:v${VERSION}`,
    args: ['--port=7472', '--log-level=info'],
    env: [
      { name: 'METALLB_ML_SECRET_NAME', value: 'memberlist' },
      { name: 'METALLB_DEPLOYMENT', value: 'controller' },
    ],
    ports: [
      { name: 'monitoring', containerPort: 7472, protocol: 'TCP' },
      { name: 'webhook-server', containerPort: 9443, protocol: 'TCP' },
    ],
  };
  const speakerLabels = { app: 'metallb', component: 'speaker' };
  const controllerLabels = { app: 'metallb', component: 'controller' };
  out.DaemonSet.push({
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: meta('speaker', { generation: 1, labels: speakerLabels }),
    spec: { selector: { matchLabels: speakerLabels }, template: { metadata: { labels: speakerLabels }, spec: { hostNetwork: true, serviceAccountName: 'speaker', containers: [speakerContainer] } } },
    status: { observedGeneration: 1, desiredNumberScheduled: speakers, currentNumberScheduled: speakers, updatedNumberScheduled: speakers, numberReady: speakers, numberAvailable: speakers, numberMisscheduled: 0 },
  });
  out.Deployment.push({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta('controller', { generation: 1, labels: controllerLabels }),
    spec: { replicas: 1, selector: { matchLabels: controllerLabels }, template: { metadata: { labels: controllerLabels }, spec: { serviceAccountName: 'controller', containers: [controllerContainer] } } },
    status: { observedGeneration: 1, replicas: 1, readyReplicas: 1, availableReplicas: 1, updatedReplicas: 1 },
  });
  const conditions = ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({ type, status: 'True' }));
  const running = (name, image) => [{ name, image, ready: true, started: true, restartCount: 0, state: { running: { startedAt: CREATED } } }];
  for (let i = 0; i < speakers; i++) {
    const name = nodeName(i);
    out.Node.push({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name, creationTimestamp: CREATED, labels: { 'kubernetes.io/arch': 'amd64', 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux' } },
      spec: { podCIDR: `10.244.${i & 255}.0/24` },
      status: {
        addresses: [
          { type: 'InternalIP', address: nodeIP(i) },
          { type: 'Hostname', address: name },
        ],
        conditions: [
          { type: 'NetworkUnavailable', status: 'False', reason: 'RouteCreated' },
          { type: 'Ready', status: 'True', reason: 'KubeletReady' },
        ],
        nodeInfo: { architecture: 'amd64', containerRuntimeVersion: 'containerd://1.7.22', kubeletVersion: 'v1.31.2', operatingSystem: 'linux' },
      },
    });
    out.Pod.push({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: meta(speakerPods[i], { labels: { ...speakerLabels, 'controller-revision-hash': '7b9c5d6f8', 'pod-template-generation': '1' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'speaker', controller: true }] }),
      spec: { nodeName: name, hostNetwork: true, serviceAccountName: 'speaker', containers: [speakerContainer] },
      status: { phase: 'Running', hostIP: nodeIP(i), podIP: nodeIP(i), podIPs: [{ ip: nodeIP(i) }], conditions, containerStatuses: running('speaker', speakerContainer.image) },
    });
  }
  out.Pod.push({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: meta(controllerPod, { labels: { ...controllerLabels, 'pod-template-hash': '6f8d7b9c5d' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'controller-6f8d7b9c5d', controller: true }] }),
    spec: { nodeName: nodeName(0), serviceAccountName: 'controller', containers: [controllerContainer] },
    status: { phase: 'Running', hostIP: nodeIP(0), podIP: '10.244.0.5', podIPs: [{ ip: '10.244.0.5' }], conditions, containerStatuses: running('controller', controllerContainer.image) },
  });
  out.IPAddressPool.push({ apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', metadata: meta(POOL, { generation: 1 }), spec: { addresses: ['10.100.0.0/16'], autoAssign: true, avoidBuggyIPs: true } });
  out.L2Advertisement.push({ apiVersion: 'metallb.io/v1beta1', kind: 'L2Advertisement', metadata: meta('l2', { generation: 1 }), spec: { ipAddressPools: [POOL] } });
  out.BGPPeer.push({ apiVersion: 'metallb.io/v1beta2', kind: 'BGPPeer', metadata: meta('router', { generation: 1 }), spec: { myASN: MY_ASN, peerASN: PEER_ASN, peerAddress: PEER } });
  for (let k = 0; k < services; k++) {
    const [ns, name] = serviceKey(k).split('/');
    const clusterIP = `10.96.${1 + (k >> 8)}.${k & 255}`;
    const selector = { app: name };
    out.Service.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace: ns, creationTimestamp: CREATED, labels: selector },
      spec: {
        type: 'LoadBalancer',
        clusterIP,
        clusterIPs: [clusterIP],
        ipFamilies: ['IPv4'],
        ipFamilyPolicy: 'SingleStack',
        selector,
        ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080, nodePort: 30000 + k }],
        externalTrafficPolicy: 'Cluster',
        internalTrafficPolicy: 'Cluster',
        allocateLoadBalancerNodePorts: true,
        sessionAffinity: 'None',
      },
      status: { loadBalancer: { ingress: [{ ip: serviceIP(k), ipMode: 'VIP' }] } },
    });
    const n = k % speakers;
    out.EndpointSlice.push({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: `${name}-${pad(k, 5)}`, namespace: ns, creationTimestamp: CREATED, labels: { 'kubernetes.io/service-name': name, 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' } },
      addressType: 'IPv4',
      endpoints: [{ addresses: [`10.244.${n & 255}.${10 + (k % 200)}`], conditions: { ready: true, serving: true, terminating: false }, nodeName: nodeName(n) }],
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    });
  }
  writeBundle(dir, { createdAt: '2026-11-21T00:00:00Z', context: `bench-logs-${speakers}`, captured: CAPTURED, objects: out, metallbNamespace: NAMESPACE });
}

/**
 * Writes lines from `source` until `target` bytes, in CHUNK-sized writes. `source(clock)` returns
 * the next few lines (a string ending in a newline); `clock.ts()` is their timestamp, which moves
 * through the day as the file fills (the lines of one call share it, as a reconcile's lines do).
 */
async function writeLog(file, target, source) {
  mkdirSync(join(file, '..'), { recursive: true });
  const ws = createWriteStream(file, { highWaterMark: CHUNK });
  let second = -1;
  let tsText = '';
  const clock = {
    at(position) {
      const s = Math.floor((position / target) * LOG_SPAN_S);
      if (s !== second) {
        second = s;
        tsText = new Date(LOG_START + s * 1000).toISOString().slice(0, 19) + 'Z';
      }
    },
    ts: () => tsText,
  };
  let bytes = 0;
  let lines = 0;
  let buf = '';
  const count = (text) => {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
  };
  while (bytes + buf.length < target) {
    clock.at(bytes + buf.length);
    buf += source(clock);
    if (buf.length >= CHUNK) {
      bytes += buf.length;
      count(buf);
      if (!ws.write(buf)) await once(ws, 'drain');
      buf = '';
    }
  }
  bytes += buf.length;
  count(buf);
  ws.end(buf);
  await once(ws, 'finish');
  return { bytes, lines };
}

/** A line that is not JSON: the head of a line cut short, or stray text on stdout/stderr. */
function garbage(rand, line) {
  const r = rand();
  if (r < 0.6) return line.slice(0, 10 + Math.floor(rand() * (line.length - 20))) + '\n';
  if (r < 0.8) return `goroutine ${1 + Math.floor(rand() * 900)} [select]:\n`;
  return 'W1120 04:13:55.512093       1 reflector.go:547] pkg/mod/k8s.io/client-go@v0.29.3/tools/cache/reflector.go:229: watch of *v1.EndpointSlice ended with: an error on the server ("unable to decode an event from the watch stream: http2: client connection lost") has prevented the request from succeeding\n';
}

/** The speaker on node `self`: a function returning the next lines on each call. */
function speakerLines(self, { speakers, services, owner, seed }) {
  const rand = prng(seed);
  const me = nodeName(self);
  const nodesJSON = JSON.stringify(Array.from({ length: speakers }, (_, i) => nodeName(i)));
  // per Service, the parts of its lines that never change
  const svc = Array.from({ length: services }, (_, k) => {
    const key = serviceKey(k);
    const ips = `"ips":["${serviceIP(k)}"]`;
    return { key, ips, ip: serviceIP(k), mine: owner[k] === self };
  });
  const mine = svc.filter((s) => s.mine);
  const clients = [1, 2, 3, 4, 5].map((h) => ({ ip: `172.18.0.${h}`, mac: `52:54:00:00:00:0${h}` }));
  const others = Array.from({ length: speakers }, (_, i) => i).filter((i) => i !== self);
  const other = () => others[Math.floor(rand() * others.length)] ?? self;
  const peerKeys = `"localASN":${MY_ASN}`;
  let next = 0;
  let started = false;
  let sessionUp = false;
  let down = -1; // a member memberlist declared failed, until it joins again

  const reconcile = (clock, s) => {
    const ts = clock.ts();
    let out =
      `{"caller":"service_controller.go:64","controller":"ServiceReconciler","level":"info","start reconcile":"${s.key}","ts":"${ts}"}\n` +
      `{"caller":"main.go:333","event":"startUpdate","level":"debug","msg":"start of service update","ts":"${clock.ts()}"}\n` +
      `{"caller":"bgp_controller.go:163","event":"skipping should announce bgp",${s.ips},"level":"debug","pool":"${POOL}","protocol":"bgp","reason":"pool not matching my node","service":"${s.key}","ts":"${clock.ts()}"}\n` +
      `{"caller":"layer2_controller.go:110","event":"shouldannounce",${s.ips},"level":"debug","nodes":${nodesJSON},"pool":"${POOL}","protocol":"l2","service":"${s.key}","ts":"${clock.ts()}"}\n`;
    if (s.mine) out += `{"caller":"main.go:420","event":"serviceAnnounced",${s.ips},"level":"info","msg":"service has IP, announcing","pool":"${POOL}","protocol":"layer2","ts":"${clock.ts()}"}\n`;
    const t = clock.ts();
    return out + `{"caller":"main.go:334","event":"endUpdate","level":"debug","msg":"end of service update","ts":"${t}"}\n{"caller":"service_controller.go:65","controller":"ServiceReconciler","end reconcile":"${s.key}","level":"info","ts":"${t}"}\n`;
  };
  const arp = (clock, s, c, error) =>
    error
      ? `{"caller":"arp.go:113","error":"write: network is down","interface":"eth0","ip":"${s.ip}","level":"error","msg":"failed to send ARP reply","op":"arpReply","responseMAC":"${nodeMAC(self)}","senderIP":"${c.ip}","senderMAC":"${c.mac}","ts":"${clock.ts()}"}\n`
      : `{"caller":"arp.go:110","interface":"eth0","ip":"${s.ip}","level":"debug","msg":"got ARP request for service IP, sending response","responseMAC":"${nodeMAC(self)}","senderIP":"${c.ip}","senderMAC":"${c.mac}","ts":"${clock.ts()}"}\n`;
  const memberlist = (clock, caller, level, msg) => `{"caller":"${caller}","component":"Memberlist","level":"${level}","msg":"memberlist: ${msg}","ts":"${clock.ts()}"}\n`;
  const nodeEvent = (clock, i, event) => `{"caller":"speakerlist.go:313","level":"info","msg":"node event - forcing sync","node addr":"${nodeIP(i)}","node event":"${event}","node name":"${nodeName(i)}","ts":"${clock.ts()}"}\n`;
  const configReload = (clock, changed) => {
    const ts = clock.ts();
    return (
      `{"caller":"config_controller.go:58","controller":"ConfigReconciler","level":"info","start reconcile":"${NAMESPACE}/${POOL}","ts":"${ts}"}\n` +
      (changed
        ? `{"caller":"main.go:533","event":"startUpdate","level":"debug","msg":"start of config update","ts":"${ts}"}\n` +
          `{"caller":"main.go:534","event":"endUpdate","level":"debug","msg":"end of config update","ts":"${ts}"}\n` +
          `{"caller":"config_controller.go:178","controller":"ConfigReconciler","event":"config reloaded","level":"info","ts":"${ts}"}\n`
        : `{"caller":"config_controller.go:149","controller":"ConfigReconciler","event":"configuration did not change, ignoring","level":"debug","ts":"${ts}"}\n`) +
      `{"caller":"config_controller.go:59","controller":"ConfigReconciler","end reconcile":"${NAMESPACE}/${POOL}","level":"info","ts":"${clock.ts()}"}\n`
    );
  };
  const session = (clock, event) =>
    event === 'up'
      ? `{"caller":"native.go:109","event":"sessionUp","level":"info",${peerKeys},"msg":"BGP session established","peer":"${PEER}","peerASN":${PEER_ASN},"ts":"${clock.ts()}"}\n`
      : event === 'down'
        ? `{"caller":"native.go:115","event":"sessionDown","level":"warn",${peerKeys},"msg":"BGP session down","peer":"${PEER}","peerASN":${PEER_ASN},"ts":"${clock.ts()}"}\n`
        : `{"caller":"native.go:101","error":"dial tcp ${PEER}:179: connect: connection refused","level":"error",${peerKeys},"msg":"failed to connect to peer","op":"connect","peer":"${PEER}","peerASN":${PEER_ASN},"ts":"${clock.ts()}"}\n`;

  return (clock) => {
    if (!started) {
      started = true;
      const ts = clock.ts();
      return (
        `{"branch":"main","caller":"main.go:106","commit":"${COMMIT}","goversion":"gc / go1.22.5 / amd64","level":"info","msg":"MetalLB speaker starting version ${VERSION} (commit ${COMMIT}, branch main)","ts":"${ts}","version":"${VERSION}"}\n` +
        `{"caller":"speakerlist.go:261","level":"info","msg":"memberlist join successfully","number of other nodes":${speakers - 1},"op":"Member detection","ts":"${ts}"}\n` +
        `{"caller":"bgp_controller.go:229","event":"peerAdded","level":"info","msg":"peer configured, starting BGP session","peer":"${PEER}","ts":"${ts}"}\n` +
        configReload(clock, true) +
        session(clock, 'connect') +
        session(clock, 'up')
      );
    }
    const r = rand();
    // a call writes about 4.5 lines: 0.4% of calls is about 0.1% of lines
    if (r < 0.004) {
      const text = reconcile(clock, svc[Math.floor(rand() * services)]);
      return garbage(rand, text.slice(0, text.indexOf('\n')));
    }
    if (r < 0.7) {
      const s = svc[next];
      next = (next + 1) % services;
      return reconcile(clock, s);
    }
    if (r < 0.9) {
      if (mine.length === 0) return reconcile(clock, svc[Math.floor(rand() * services)]);
      const s = mine[Math.floor(rand() * mine.length)];
      const c = clients[Math.floor(rand() * clients.length)];
      return arp(clock, s, c, rand() < 0.0005);
    }
    if (r < 0.995) {
      const q = rand();
      const i = other();
      if (q < 0.5) return memberlist(clock, 'net.go:210', 'debug', `Stream connection from=${nodeIP(i)}:${32768 + Math.floor(rand() * 28000)}`);
      if (q < 0.98) return memberlist(clock, 'state.go:588', 'debug', `Initiating push/pull sync with: ${nodeName(i)} ${nodeIP(i)}:7946`);
      if (q < 0.99) return memberlist(clock, 'state.go:449', 'warn', `Was able to connect to ${nodeName(i)} over TCP but UDP probes failed, network may be misconfigured`);
      if (down < 0 && q < 0.993) {
        down = i;
        return (
          memberlist(clock, 'state.go:1311', 'info', `Suspect ${nodeName(i)} has failed, no acks received`) +
          memberlist(clock, 'state.go:1346', 'info', `Marking ${nodeName(i)} as failed, suspect timeout reached (2 peer confirmations)`) +
          nodeEvent(clock, i, 'NodeLeave')
        );
      }
      if (down >= 0 && q < 0.996) {
        const j = down;
        down = -1;
        return nodeEvent(clock, j, 'NodeJoin');
      }
      return memberlist(clock, 'net.go:1002', 'error', `Push/Pull with ${nodeName(i)} failed: dial tcp ${nodeIP(i)}:7946: i/o timeout`);
    }
    if (r < 0.998) {
      // a flapping session: down, a few refused connects, up again
      if (sessionUp) {
        sessionUp = false;
        return session(clock, 'down');
      }
      if (rand() < 0.6) return session(clock, 'connect');
      sessionUp = true;
      return session(clock, 'up');
    }
    if (r < 0.9995) return configReload(clock, rand() < 0.3);
    const s = svc[Math.floor(rand() * services)];
    const [ns, name] = s.key.split('/');
    const ts = clock.ts();
    return (
      `{"caller":"service_controller.go:64","controller":"ServiceReconciler","level":"info","start reconcile":"${s.key}","ts":"${ts}"}\n` +
      `{"caller":"service_controller.go:77","controller":"ServiceReconciler","error":"Get \\"https://10.96.0.1:443/api/v1/namespaces/${ns}/services/${name}\\": http2: client connection lost","level":"error","message":"failed to get service","service":"${s.key}","ts":"${ts}"}\n` +
      `{"caller":"service_controller.go:65","controller":"ServiceReconciler","end reconcile":"${s.key}","level":"info","ts":"${ts}"}\n`
    );
  };
}

/** The controller (at --log-level=info): the first allocations, then resyncs and config reloads. */
function controllerLines({ services, seed }) {
  const rand = prng(seed);
  let k = 0;
  let started = false;
  const bracket = (clock, key, inner) => {
    const ts = clock.ts();
    return `{"caller":"service_controller.go:64","controller":"ServiceReconciler","level":"info","start reconcile":"${key}","ts":"${ts}"}\n${inner(ts)}{"caller":"service_controller.go:65","controller":"ServiceReconciler","end reconcile":"${key}","level":"info","ts":"${clock.ts()}"}\n`;
  };
  const poolReload = (clock) => {
    const ts = clock.ts();
    return (
      `{"caller":"pool_controller.go:48","controller":"PoolReconciler","level":"info","start reconcile":"${NAMESPACE}/${POOL}","ts":"${ts}"}\n` +
      `{"caller":"pool_controller.go:112","controller":"PoolReconciler","event":"config reloaded","level":"info","ts":"${ts}"}\n` +
      `{"caller":"pool_controller.go:49","controller":"PoolReconciler","end reconcile":"${NAMESPACE}/${POOL}","level":"info","ts":"${clock.ts()}"}\n`
    );
  };
  return (clock) => {
    if (!started) {
      started = true;
      const ts = clock.ts();
      return (
        `{"branch":"main","caller":"main.go:167","commit":"${COMMIT}","goversion":"gc / go1.22.5 / amd64","level":"info","msg":"MetalLB controller starting version ${VERSION} (commit ${COMMIT}, branch main)","ts":"${ts}","version":"${VERSION}"}\n` +
        `{"caller":"k8s.go:400","level":"info","msg":"secret successfully created","op":"CreateMlSecret","ts":"${ts}"}\n` +
        poolReload(clock)
      );
    }
    const key = serviceKey(k % services);
    const ip = serviceIP(k % services);
    const first = k < services;
    k++;
    if (first) {
      return bracket(
        clock,
        key,
        (ts) =>
          `{"caller":"service.go:150","event":"ipAllocated","ip":["${ip}"],"level":"info","msg":"IP address assigned by controller","ts":"${ts}"}\n` +
          `{"caller":"main.go:116","event":"serviceUpdated","level":"info","msg":"updated service object","ts":"${ts}"}\n`,
      );
    }
    const r = rand();
    // a call writes about 2 lines: 0.2% of calls is about 0.1% of lines
    if (r < 0.002) return garbage(rand, bracket(clock, key, () => '').split('\n')[0]);
    if (r < 0.003) return poolReload(clock);
    if (r < 0.0035)
      return bracket(
        clock,
        key,
        (ts) =>
          `{"caller":"main.go:112","error":"Operation cannot be fulfilled on services \\"${key.split('/')[1]}\\": the object has been modified; please apply your changes to the latest version and try again","level":"error","msg":"failed to update service","op":"updateServiceStatus","ts":"${ts}"}\n`,
      );
    return bracket(clock, key, () => '');
  };
}
