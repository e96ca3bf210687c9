// Writes a snapshot bundle of a large cluster for the `simulate` benchmark: MetalLB v0.15.2
// (manifests install, frr-k8s BGP backend) with a speaker per node, IPv4 / IPv6 / dual-stack pools
// split between layer 2 (one rack per advertisement) and BGP (every node, two peers), and
// LoadBalancer Services spread over the pools: a quarter sharing addresses in pairs, a quarter
// under externalTrafficPolicy Local, all holding their addresses (or, `unprocessed`, only half). Resources are JSON
// Lists, one per kind, as `kubectl get -o json` prints them. Deterministic (seeded PRNG).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const NAMESPACE = 'metallb-system';
const VERSION = 'v0.15.2';
const RACK_SIZE = 62;
const APP_NAMESPACES = 50;
const CREATED = '2026-10-02T09:00:00Z';

// The speakers' status records are not captured: MetalLB writes a ServiceBGPStatus per Service and
// announcing node (50 million here), which no capture of a cluster this size would hold.
const SHARD = 50000;
const CAPTURED = [
  'IPAddressPool', 'L2Advertisement', 'BGPAdvertisement', 'BGPPeer', 'BFDProfile', 'Community',
  'ConfigurationState',
  'Service', 'Node', 'Pod', 'Endpoints', 'Namespace', 'Event', 'ConfigMap', 'Secret',
  'Deployment', 'DaemonSet', 'EndpointSlice', 'NetworkPolicy',
];

/** mulberry32: a small seeded PRNG, uniform in [0, 1) */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pad = (n, w) => String(n).padStart(w, '0');
const hex = (n) => n.toString(16);

/** `fd00:<prefix>::<n>` in canonical form (n = 0 is the prefix itself) */
const v6 = (prefix, n) => (n === 0 ? `${prefix}::` : `${prefix}::${hex(n)}`);
/** 10.(base + hi).(mid).(lo) for a counter */
const v4 = (first, c) => `${first}.${(c >> 16) & 255}.${(c >> 8) & 255}.${c & 255}`;

/**
 * `workloadPods`: that many application Pods besides MetalLB's (diag's benchmark), spread over the
 * nodes and the application namespaces. Kinds with more than SHARD items are written in several
 * files (pod-0001.json, ...), as a JSON string cannot exceed V8's limit of about 512 MB.
 */
export function generateCluster(dir, { nodes = 5000, services = 20000, pools = 200, unprocessed = false, workloadPods = 0 } = {}) {
  const rand = prng(0x5eed ^ (nodes * 31 + services * 17 + pools));
  const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
  const chars = 'bcdfghjklmnpqrstvwxz2456789';
  const suffix = (n) => Array.from({ length: n }, () => chars[Math.floor(rand() * chars.length)]).join('');
  const uid = () => {
    const h = Array.from({ length: 32 }, () => hex(Math.floor(rand() * 16))).join('');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
  };

  const out = {};
  const add = (kind, obj) => (out[kind] ??= []).push(obj);
  for (const k of CAPTURED) out[k] = [];

  // --- Nodes: racks of at most 64 nodes; ~1% excluded from load balancers, control plane first
  const racks = Math.max(1, Math.ceil(nodes / RACK_SIZE));
  const nodeName = (i) => `node-${pad(i + 1, 5)}`;
  const nodeIP = (i) => `172.${16 + ((i >> 16) & 15)}.${(i >> 8) & 255}.${i & 255}`;
  const excluded = new Array(nodes);
  const rackNodes = Array.from({ length: racks }, () => []); // announce-capable nodes per rack
  const eligible = []; // announce-capable nodes overall
  for (let i = 0; i < nodes; i++) {
    const cp = i < 3;
    excluded[i] = cp || rand() < 0.01;
    const rack = Math.floor(i / RACK_SIZE);
    if (!excluded[i]) {
      rackNodes[rack].push(i);
      eligible.push(i);
    }
    const name = nodeName(i);
    const labels = {
      'beta.kubernetes.io/arch': 'amd64',
      'beta.kubernetes.io/os': 'linux',
      'kubernetes.io/arch': 'amd64',
      'kubernetes.io/hostname': name,
      'kubernetes.io/os': 'linux',
      rack: `r${rack}`,
    };
    if (cp) labels['node-role.kubernetes.io/control-plane'] = '';
    if (excluded[i]) labels['node.kubernetes.io/exclude-from-external-load-balancers'] = '';
    add('Node', {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name, uid: uid(), creationTimestamp: CREATED, labels },
      spec: {
        podCIDR: `10.244.${i & 255}.0/24`,
        ...(cp ? { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] } : {}),
      },
      status: {
        addresses: [
          { type: 'InternalIP', address: nodeIP(i) },
          { type: 'Hostname', address: name },
        ],
        conditions: [
          { type: 'NetworkUnavailable', status: 'False', reason: 'RouteCreated', message: 'RouteController created a route' },
          { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory' },
          { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure' },
          { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID' },
          { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
        ],
        nodeInfo: { architecture: 'amd64', containerRuntimeVersion: 'containerd://1.7.22', kubeletVersion: 'v1.31.2', operatingSystem: 'linux' },
      },
    });
  }

  // --- MetalLB v0.15.2, the raw manifests with the frr-k8s backend
  add('Namespace', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: NAMESPACE,
      creationTimestamp: CREATED,
      labels: {
        'kubernetes.io/metadata.name': NAMESPACE,
        'pod-security.kubernetes.io/audit': 'privileged',
        'pod-security.kubernetes.io/enforce': 'privileged',
        'pod-security.kubernetes.io/warn': 'privileged',
      },
    },
    status: { phase: 'Active' },
  });
  const controllerLabels = { app: 'metallb', component: 'controller' };
  const speakerLabels = { app: 'metallb', component: 'speaker' };
  const controllerContainer = {
    name: 'controller',
    image: `quay.io/metallb/controller:${VERSION}`,
    args: ['--port=7472', '--log-level=info', '--tls-min-version=VersionTLS12'],
    env: [
      { name: 'METALLB_ML_SECRET_NAME', value: 'memberlist' },
      { name: 'METALLB_DEPLOYMENT', value: 'controller' },
      { name: 'METALLB_BGP_TYPE', value: 'frr-k8s' },
    ],
    ports: [
      { name: 'monitoring', containerPort: 7472, protocol: 'TCP' },
      { name: 'webhook-server', containerPort: 9443, protocol: 'TCP' },
    ],
    volumeMounts: [{ name: 'cert', mountPath: '/tmp/k8s-webhook-server/serving-certs', readOnly: true }],
  };
  const fieldEnv = (name, fieldPath) => ({ name, valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath } } });
  const speakerContainer = {
    name: 'speaker',
    image: `quay.io/metallb/speaker:${VERSION}`,
    args: ['--port=7472', '--log-level=info'],
    env: [
      fieldEnv('METALLB_NODE_NAME', 'spec.nodeName'),
      fieldEnv('METALLB_POD_NAME', 'metadata.name'),
      fieldEnv('METALLB_HOST', 'status.hostIP'),
      fieldEnv('METALLB_ML_BIND_ADDR', 'status.podIP'),
      { name: 'METALLB_ML_LABELS', value: 'app=metallb,component=speaker' },
      { name: 'METALLB_ML_SECRET_KEY_PATH', value: '/etc/ml_secret_key' },
      { name: 'METALLB_BGP_TYPE', value: 'frr-k8s' },
      { name: 'FRR_K8S_NAMESPACE', value: NAMESPACE },
    ],
    ports: [
      { name: 'monitoring', containerPort: 7472, protocol: 'TCP' },
      { name: 'memberlist-tcp', containerPort: 7946, protocol: 'TCP' },
      { name: 'memberlist-udp', containerPort: 7946, protocol: 'UDP' },
    ],
    securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { add: ['NET_RAW'], drop: ['ALL'] } },
    volumeMounts: [
      { name: 'memberlist', mountPath: '/etc/ml_secret_key', readOnly: true },
      { name: 'metallb-excludel2', mountPath: '/etc/metallb', readOnly: true },
    ],
  };
  const speakerVolumes = [
    { name: 'memberlist', secret: { secretName: 'memberlist', defaultMode: 420 } },
    { name: 'metallb-excludel2', configMap: { name: 'metallb-excludel2', defaultMode: 256 } },
  ];
  const tolerations = [
    { key: 'node-role.kubernetes.io/master', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' },
  ];
  const controllerUid = uid();
  const speakerUid = uid();
  add('Deployment', {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'controller', namespace: NAMESPACE, uid: controllerUid, creationTimestamp: CREATED, generation: 1, labels: controllerLabels },
    spec: {
      replicas: 1,
      revisionHistoryLimit: 3,
      selector: { matchLabels: controllerLabels },
      template: {
        metadata: { annotations: { 'prometheus.io/port': '7472', 'prometheus.io/scrape': 'true' }, labels: controllerLabels },
        spec: {
          serviceAccountName: 'controller',
          nodeSelector: { 'kubernetes.io/os': 'linux' },
          securityContext: { fsGroup: 65534, runAsNonRoot: true, runAsUser: 65534 },
          terminationGracePeriodSeconds: 0,
          containers: [controllerContainer],
          volumes: [{ name: 'cert', secret: { secretName: 'metallb-webhook-cert', defaultMode: 420 } }],
        },
      },
    },
    status: {
      observedGeneration: 1,
      replicas: 1,
      readyReplicas: 1,
      availableReplicas: 1,
      updatedReplicas: 1,
      conditions: [
        { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' },
        { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' },
      ],
    },
  });
  add('DaemonSet', {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'speaker', namespace: NAMESPACE, uid: speakerUid, creationTimestamp: CREATED, generation: 1, labels: speakerLabels },
    spec: {
      selector: { matchLabels: speakerLabels },
      template: {
        metadata: { annotations: { 'prometheus.io/port': '7472', 'prometheus.io/scrape': 'true' }, labels: speakerLabels },
        spec: {
          serviceAccountName: 'speaker',
          hostNetwork: true,
          nodeSelector: { 'kubernetes.io/os': 'linux' },
          terminationGracePeriodSeconds: 2,
          tolerations,
          containers: [speakerContainer],
          volumes: speakerVolumes,
        },
      },
    },
    status: {
      observedGeneration: 1,
      desiredNumberScheduled: nodes,
      currentNumberScheduled: nodes,
      updatedNumberScheduled: nodes,
      numberReady: nodes,
      numberAvailable: nodes,
      numberMisscheduled: 0,
    },
  });
  const podConditions = [
    { type: 'PodReadyToStartContainers', status: 'True' },
    { type: 'Initialized', status: 'True' },
    { type: 'Ready', status: 'True' },
    { type: 'ContainersReady', status: 'True' },
    { type: 'PodScheduled', status: 'True' },
  ];
  const running = (name, image) => [{ name, image, ready: true, started: true, restartCount: 0, state: { running: { startedAt: CREATED } } }];
  const ctrlNode = Math.min(3, nodes - 1);
  add('Pod', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `controller-5c7d8b9f4d-${suffix(5)}`,
      namespace: NAMESPACE,
      uid: uid(),
      creationTimestamp: CREATED,
      labels: { ...controllerLabels, 'pod-template-hash': '5c7d8b9f4d' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'controller-5c7d8b9f4d', uid: uid(), controller: true, blockOwnerDeletion: true }],
    },
    spec: { nodeName: nodeName(ctrlNode), serviceAccountName: 'controller', containers: [controllerContainer] },
    status: {
      phase: 'Running',
      hostIP: nodeIP(ctrlNode),
      podIP: `10.244.${ctrlNode & 255}.2`,
      podIPs: [{ ip: `10.244.${ctrlNode & 255}.2` }],
      conditions: podConditions,
      containerStatuses: running('controller', controllerContainer.image),
    },
  });
  for (let i = 0; i < nodes; i++) {
    add('Pod', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `speaker-${suffix(5)}`,
        namespace: NAMESPACE,
        uid: uid(),
        creationTimestamp: CREATED,
        labels: { ...speakerLabels, 'controller-revision-hash': '6f8d9c5b7', 'pod-template-generation': '1' },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'speaker', uid: speakerUid, controller: true, blockOwnerDeletion: true }],
      },
      spec: {
        nodeName: nodeName(i),
        hostNetwork: true,
        serviceAccountName: 'speaker',
        tolerations,
        containers: [speakerContainer],
        volumes: speakerVolumes,
      },
      status: {
        phase: 'Running',
        hostIP: nodeIP(i),
        podIP: nodeIP(i),
        podIPs: [{ ip: nodeIP(i) }],
        conditions: podConditions,
        containerStatuses: running('speaker', speakerContainer.image),
      },
    });
  }
  add('ConfigMap', {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'metallb-excludel2', namespace: NAMESPACE, creationTimestamp: CREATED },
    data: { 'excludel2.yaml': 'announcedInterfacesToExclude: ["^docker.*", "^cbr.*", "^dummy.*", "^virbr.*", "^lxcbr.*", "^veth.*", "^lo$", "^cali.*", "^tunl.*", "^flannel.*", "^kube-ipvs.*", "^cni.*", "^nodelocaldns.*", "^lxc.*"]\n' },
  });
  // values are never in a bundle, only the key names
  add('Secret', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'memberlist', namespace: NAMESPACE, creationTimestamp: CREATED }, type: 'Opaque', data: { secretkey: '' } });
  add('Secret', {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'metallb-webhook-cert', namespace: NAMESPACE, creationTimestamp: CREATED },
    type: 'Opaque',
    data: { 'ca.crt': '', 'ca.key': '', 'tls.crt': '', 'tls.key': '' },
  });
  add('Service', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'metallb-webhook-service', namespace: NAMESPACE, uid: uid(), creationTimestamp: CREATED },
    spec: {
      type: 'ClusterIP',
      clusterIP: '10.96.0.10',
      clusterIPs: ['10.96.0.10'],
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      selector: controllerLabels,
      ports: [{ port: 443, protocol: 'TCP', targetPort: 9443 }],
      sessionAffinity: 'None',
      internalTrafficPolicy: 'Cluster',
    },
    status: { loadBalancer: {} },
  });
  // its endpoint: the controller pod (no random draw here, so the rest of the cluster stays as it was)
  add('EndpointSlice', {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: 'metallb-webhook-service-7x2kq',
      namespace: NAMESPACE,
      generateName: 'metallb-webhook-service-',
      creationTimestamp: CREATED,
      labels: { 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io', 'kubernetes.io/service-name': 'metallb-webhook-service' },
    },
    addressType: 'IPv4',
    endpoints: [{ addresses: [`10.244.${ctrlNode & 255}.2`], conditions: { ready: true, serving: true, terminating: false }, nodeName: nodeName(ctrlNode) }],
    ports: [{ port: 9443, protocol: 'TCP' }],
  });

  // --- Pools: half IPv4 /24, a quarter IPv6 /64, a quarter dual (IPv4 /24 + IPv6 /112)
  const nV4 = Math.round(pools * 0.5);
  const nV6 = Math.round(pools * 0.25);
  const poolInfo = [];
  let v4Block = 0;
  for (let i = 0; i < pools; i++) {
    const family = i < nV4 ? 'ipv4' : i < nV4 + nV6 ? 'ipv6' : 'dual';
    const p = { name: `pool-${pad(i, 3)}`, family, next4: 1, next6: 0, used: 0 };
    const addresses = [];
    if (family !== 'ipv6') {
      const k = v4Block++;
      p.v4base = `10.${100 + (k >> 8)}.${k & 255}`;
      addresses.push(`${p.v4base}.0/24`);
    }
    if (family === 'ipv6') {
      p.v6prefix = `fd00:${hex(i)}`;
      addresses.push(`${p.v6prefix}::/64`);
    } else if (family === 'dual') {
      p.v6prefix = `fd00:${hex(i)}`;
      addresses.push(`${p.v6prefix}::/112`);
    }
    // an L2 pool is announced from one rack; the rest by BGP from every node
    p.l2 = family === 'ipv4';
    p.rack = i % racks;
    poolInfo.push(p);
    add('IPAddressPool', {
      apiVersion: 'metallb.io/v1beta1',
      kind: 'IPAddressPool',
      metadata: { name: p.name, namespace: NAMESPACE, uid: uid(), creationTimestamp: CREATED, generation: 1 },
      spec: { addresses, autoAssign: true, avoidBuggyIPs: family !== 'ipv6' },
    });
    if (p.l2) {
      add('L2Advertisement', {
        apiVersion: 'metallb.io/v1beta1',
        kind: 'L2Advertisement',
        metadata: { name: `l2-${p.name}`, namespace: NAMESPACE, uid: uid(), creationTimestamp: CREATED, generation: 1 },
        spec: { ipAddressPools: [p.name], nodeSelectors: [{ matchLabels: { rack: `r${p.rack}` } }] },
      });
    } else {
      add('BGPAdvertisement', {
        apiVersion: 'metallb.io/v1beta1',
        kind: 'BGPAdvertisement',
        metadata: { name: `bgp-${p.name}`, namespace: NAMESPACE, uid: uid(), creationTimestamp: CREATED, generation: 1 },
        spec: { ipAddressPools: [p.name], aggregationLength: 32, aggregationLengthV6: 128 },
      });
    }
  }
  for (const [i, peerASN] of [64513, 64514].entries()) {
    add('BGPPeer', {
      apiVersion: 'metallb.io/v1beta2',
      kind: 'BGPPeer',
      metadata: { name: `tor-${i + 1}`, namespace: NAMESPACE, uid: uid(), creationTimestamp: CREATED, generation: 1 },
      // the pools are dual-stack: the IPv4 sessions carry the IPv6 routes too (MetalLB v0.15.0+
      // sends a session its peer's own family only unless told so)
      spec: { myASN: 64512, peerASN, peerAddress: `192.168.0.${i + 1}`, dualStackAddressFamily: true },
    });
  }

  // --- Namespaces of the Services
  for (let n = 0; n < APP_NAMESPACES; n++) {
    const name = `app-${pad(n, 2)}`;
    add('Namespace', { apiVersion: 'v1', kind: 'Namespace', metadata: { name, uid: uid(), creationTimestamp: CREATED, labels: { 'kubernetes.io/metadata.name': name } }, status: { phase: 'Active' } });
  }

  // --- Services: service s lives in pool s % pools, as the j-th of it (j = s / pools). By j % 8:
  // 0 and 1 a sharing pair (s and s + pools), 2 and 3 under Local policy, the rest plain Cluster.
  // Half of each kind already holds the pool's first free addresses (a pair holds one set).
  let clusterIP = 0;
  let podIP = 0;
  const heldBy = new Map(); // first of a pair -> its ips
  const pick = (list, n) => {
    const chosen = new Set();
    n = Math.min(n, list.length);
    while (chosen.size < n) chosen.add(list[Math.floor(rand() * list.length)]);
    return [...chosen].sort((a, b) => a - b);
  };
  const anyNodes = (n) => {
    const chosen = new Set();
    n = Math.min(n, nodes);
    while (chosen.size < n) chosen.add(Math.floor(rand() * nodes));
    return [...chosen].sort((a, b) => a - b);
  };
  for (let s = 0; s < services; s++) {
    const p = poolInfo[s % pools];
    const j = Math.floor(s / pools);
    const pairFirst = j % 8 === 0 && s + pools < services;
    const pairSecond = j % 8 === 1;
    const shared = pairFirst || pairSecond;
    const local = j % 8 === 2 || j % 8 === 3;
    // every Service holds its addresses, as in a running cluster; with `unprocessed`, only half of
    // each kind (pairs, Local, plain) does: the rest wait for a controller that is not running
    const holds = !unprocessed || ((j >> 1) + (j >> 3)) % 2 === 0;
    const name = `svc-${pad(s, 5)}`;
    const namespace = `app-${pad((Math.floor(s % pools) * 7 + Math.floor(j / 2)) % APP_NAMESPACES, 2)}`;
    const svcUid = uid();
    const annotations = { 'metallb.io/address-pool': p.name };
    const shareKey = `share-${pad(pairSecond ? s - pools : s, 5)}`;
    if (shared) annotations['metallb.io/allow-shared-ip'] = shareKey;

    // cluster IPs
    const c = ++clusterIP + 16; // 10.96.0.10 is the webhook's
    const ip4 = `10.${96 + ((c >> 16) & 15)}.${(c >> 8) & 255}.${c & 255}`;
    const ip6 = `fd10::${hex(c)}`;
    const families = p.family === 'ipv4' ? ['IPv4'] : p.family === 'ipv6' ? ['IPv6'] : ['IPv4', 'IPv6'];
    const clusterIPs = families.map((f) => (f === 'IPv4' ? ip4 : ip6));

    // addresses held: the pool's first free ones, in order
    let ingress;
    if (holds) {
      let ips;
      if (pairSecond) ips = heldBy.get(s - pools);
      else {
        ips = [];
        if (p.v4base) {
          if (p.next4 > 254) throw new Error(`${p.name}: more Services than addresses; raise the pool count`);
          ips.push(`${p.v4base}.${p.next4++}`);
        }
        if (p.v6prefix) ips.push(v6(p.v6prefix, p.next6++));
        if (pairFirst) heldBy.set(s, ips);
      }
      annotations['metallb.io/ip-allocated-from-pool'] = p.name;
      ingress = ips.map((ip) => ({ ip, ipMode: 'VIP' }));
    }

    const port = pairSecond ? { name: 'https', port: 443, target: 8443 } : { name: 'http', port: 80, target: 8080 };
    add('Service', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace, uid: svcUid, creationTimestamp: CREATED, labels: { app: name }, annotations },
      spec: {
        type: 'LoadBalancer',
        selector: { app: name },
        clusterIP: clusterIPs[0],
        clusterIPs,
        ipFamilies: families,
        ipFamilyPolicy: p.family === 'dual' ? 'RequireDualStack' : 'SingleStack',
        externalTrafficPolicy: local ? 'Local' : 'Cluster',
        internalTrafficPolicy: 'Cluster',
        allocateLoadBalancerNodePorts: false,
        sessionAffinity: 'None',
        ports: [{ name: port.name, protocol: 'TCP', port: port.port, targetPort: port.target }],
      },
      status: { loadBalancer: ingress ? { ingress } : {} },
    });

    // endpoints: under Local on 1-10 nodes that can announce the pool (its rack for layer 2);
    // otherwise on 1-3 nodes anywhere
    const nodesOf = local ? pick(p.l2 ? rackNodes[p.rack] : eligible, int(1, 10)) : anyNodes(int(1, 3));
    for (const family of families) {
      const endpoints = nodesOf.map((n) => {
        const k = ++podIP;
        return {
          addresses: [family === 'IPv4' ? v4(10, (192 << 16) + k) : `fd30::${hex(k)}`],
          conditions: { ready: true, serving: true, terminating: false },
          nodeName: nodeName(n),
        };
      });
      add('EndpointSlice', {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: {
          name: `${name}-${suffix(5)}`,
          namespace,
          generateName: `${name}-`,
          creationTimestamp: CREATED,
          labels: { 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io', 'kubernetes.io/service-name': name },
          ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name, uid: svcUid, controller: true, blockOwnerDeletion: true }],
        },
        addressType: family,
        endpoints,
        ports: [{ name: port.name, port: port.target, protocol: 'TCP' }],
      });
    }
  }

  // --- application Pods (diag's benchmark): 3 containers' worth of status each, as kubectl prints them
  for (let i = 0; i < workloadPods; i++) {
    const n = i % nodes;
    const app = `app-${pad(i % 997, 3)}`;
    const hash = `${hex(0x5d4c3b2a + (i % 997))}`.slice(0, 10);
    add('Pod', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `${app}-${hash}-${suffix(5)}`,
        namespace: `app-${pad(i % APP_NAMESPACES, 2)}`,
        uid: uid(),
        creationTimestamp: CREATED,
        labels: { app, 'pod-template-hash': hash },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${app}-${hash}`, uid: uid(), controller: true, blockOwnerDeletion: true }],
      },
      spec: {
        nodeName: nodeName(n),
        serviceAccountName: 'default',
        containers: [{ name: 'app', image: `registry.example/${app}:1.${i % 17}.0`, ports: [{ containerPort: 8080, protocol: 'TCP' }], resources: { requests: { cpu: '100m', memory: '128Mi' } } }],
      },
      status: {
        phase: 'Running',
        hostIP: nodeIP(n),
        podIP: v4(10, (200 << 16) + i),
        podIPs: [{ ip: v4(10, (200 << 16) + i) }],
        conditions: podConditions,
        containerStatuses: running('app', `registry.example/${app}:1.${i % 17}.0`),
      },
    });
  }

  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'resources'), { recursive: true });
  return writeBundle(dir, { createdAt: '2026-11-20T10:00:00Z', context: `bench-${nodes}-${services}-${pools}`, captured: CAPTURED, objects: out });
}

/**
 * A bundle as `snapshot` writes it, into `dir` (its resources/ made if missing): bundle.json, and
 * each captured kind as kubectl's layout, a List with four-space indentation (a kind of more than
 * SHARD items in numbered parts). Returns the bytes written. Shared by the benchmarks' generators.
 */
export function writeBundle(dir, { createdAt, context, captured, objects, metallbNamespace = NAMESPACE }) {
  mkdirSync(join(dir, 'resources'), { recursive: true });
  let bytes = 0;
  const write = (file, text) => {
    bytes += Buffer.byteLength(text);
    writeFileSync(file, text);
  };
  const manifest = { format: 'metallb-doctor-bundle/v1', createdAt, tool: { name: 'metallb-doctor', version: 'bench' }, context, kubernetesVersion: 'v1.31.2', metallbNamespace, captured, gaps: [] };
  write(join(dir, 'bundle.json'), JSON.stringify(manifest, null, 2) + '\n');
  for (const kind of captured) {
    const items = objects[kind];
    const list = (part) => JSON.stringify({ apiVersion: 'v1', kind: 'List', items: part, metadata: { resourceVersion: '' } }, null, 4) + '\n';
    if (items.length <= SHARD) write(join(dir, 'resources', `${kind.toLowerCase()}.json`), list(items));
    else for (let i = 0; i < items.length; i += SHARD) write(join(dir, 'resources', `${kind.toLowerCase()}-${pad(i / SHARD + 1, 4)}.json`), list(items.slice(i, i + SHARD)));
  }
  return bytes;
}
