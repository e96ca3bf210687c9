// Cluster objects for the announcement rules and the simulation: Nodes, the speaker, its pods,
// EndpointSlices, advertisements, peers, and the bundle.json that says every kind was captured
// (so an absent kind means "none exist"). Each builder returns one YAML document; its first line
// is the object's position (line 1, column 1 of the document).
import { docs, pool } from './services.js';

/** Every kind the bundles of these tests capture. */
export const ALL_KINDS = [
  'IPAddressPool', 'L2Advertisement', 'BGPAdvertisement', 'BGPPeer', 'BFDProfile', 'Community',
  'ServiceL2Status', 'ServiceBGPStatus', 'ConfigurationState', 'Service', 'Node', 'Pod', 'Endpoints',
  'Namespace', 'Event', 'ConfigMap', 'Secret', 'Deployment', 'DaemonSet', 'EndpointSlice', 'NetworkPolicy',
];

/** bundle.json capturing every kind (or those given): put it at the root of a case's files. */
export function bundleJson(captured: string[] = ALL_KINDS): string {
  return JSON.stringify({ format: 'metallb-doctor-bundle/v1', metallbNamespace: 'metallb-system', captured, gaps: [] });
}

export interface NodeOpts {
  labels?: Record<string, string>;
  networkUnavailable?: boolean;
}
export function node(name: string, o: NodeOpts = {}): string {
  const labels = { 'kubernetes.io/hostname': name, ...(o.labels ?? {}) };
  return `apiVersion: v1
kind: Node
metadata:
  name: ${name}
  labels:
${Object.entries(labels).map(([k, v]) => `    ${k}: "${v}"\n`).join('')}status:
  conditions:
  - type: Ready
    status: "True"
  - type: NetworkUnavailable
    status: "${o.networkUnavailable ? 'True' : 'False'}"
`;
}

/**
 * The speaker DaemonSet as the raw manifests deploy it (memberlist on unless `memberlist: false`),
 * with extra args (e.g. --ignore-exclude-lb).
 */
export function speakerDaemonSet(o: { args?: string[]; memberlist?: boolean; tag?: string; bgpType?: string } = {}): string {
  const ml = o.memberlist ?? true;
  return `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: speaker
  namespace: metallb-system
  labels: { app: metallb, component: speaker }
spec:
  selector: { matchLabels: { app: metallb, component: speaker } }
  template:
    metadata:
      labels: { app: metallb, component: speaker }
    spec:
      containers:
      - name: speaker
        image: quay.io/metallb/speaker:${o.tag ?? 'v0.15.2'}
        args: [${['--port=7472', ...(o.args ?? [])].join(', ')}]
        env:
        - { name: METALLB_NODE_NAME, valueFrom: { fieldRef: { fieldPath: spec.nodeName } } }
${ml ? `        - { name: METALLB_ML_BIND_ADDR, valueFrom: { fieldRef: { fieldPath: status.podIP } } }
        - { name: METALLB_ML_LABELS, value: "app=metallb,component=speaker" }
` : ''}${o.bgpType ? `        - { name: METALLB_BGP_TYPE, value: ${o.bgpType} }\n` : ''}`;
}

/** A speaker pod on a node; `running: false` makes it Pending and not ready. */
/**
 * A speaker pod on a node. `containerState` (e.g. `{ waiting: { reason: CrashLoopBackOff } }`) adds
 * the speaker container's status: a crash-looping speaker's pod stays Running, not ready.
 */
export function speakerPod(nodeName: string, o: { running?: boolean; containerState?: string; restartCount?: number } = {}): string {
  const running = o.running ?? true;
  const ready = running && (o.containerState === undefined || o.containerState.includes('running'));
  return `apiVersion: v1
kind: Pod
metadata:
  name: speaker-${nodeName}
  namespace: metallb-system
  labels: { app: metallb, component: speaker }
spec:
  nodeName: ${nodeName}
  containers:
  - name: speaker
    image: quay.io/metallb/speaker:v0.15.2
status:
  phase: ${running ? 'Running' : 'Pending'}
  conditions:
  - type: Ready
    status: "${ready ? 'True' : 'False'}"
${o.containerState === undefined ? '' : `  containerStatuses:
  - name: speaker
    image: quay.io/metallb/speaker:v0.15.2
    ready: ${ready}
    restartCount: ${o.restartCount ?? 12}
    state: ${o.containerState}
`}`;
}

export interface EndpointOpts {
  /** omit for an endpoint without nodeName */
  node?: string;
  ready?: boolean;
  serving?: boolean;
  ip?: string;
}
/** The EndpointSlice of Service ns/svc, with one endpoint per entry. */
export function endpointSlice(svc: string, endpoints: EndpointOpts[], ns = 'shop', name = `${svc}-abc12`): string {
  return `apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: ${name}
  namespace: ${ns}
  labels:
    kubernetes.io/service-name: ${svc}
addressType: IPv4
endpoints:${endpoints.length === 0 ? ' []' : ''}
${endpoints
  .map(
    (e, i) => `- addresses: ["${e.ip ?? `10.244.0.${i + 10}`}"]
  conditions: { ready: ${e.ready ?? true}, serving: ${e.serving ?? e.ready ?? true} }
${e.node ? `  nodeName: ${e.node}\n` : ''}`,
  )
  .join('')}ports:
- port: 8080
  protocol: TCP
`;
}

export interface AdOpts {
  pools?: string[];
  nodeSelectors?: string;
  serviceSelectors?: string;
  interfaces?: string[];
  extra?: string;
}
function adSpec(o: AdOpts): string {
  return `spec:
${o.pools ? `  ipAddressPools: [${o.pools.join(', ')}]\n` : ''}${o.nodeSelectors ? `  nodeSelectors: ${o.nodeSelectors}\n` : ''}${o.serviceSelectors ? `  serviceSelectors: ${o.serviceSelectors}\n` : ''}${o.interfaces ? `  interfaces: [${o.interfaces.join(', ')}]\n` : ''}${o.extra ?? ''}`;
}
export function l2Advertisement(name: string, o: AdOpts = {}): string {
  return `apiVersion: metallb.io/v1beta1
kind: L2Advertisement
metadata:
  name: ${name}
  namespace: metallb-system
${adSpec(o)}`;
}
export function bgpAdvertisement(name: string, o: AdOpts = {}): string {
  return `apiVersion: metallb.io/v1beta1
kind: BGPAdvertisement
metadata:
  name: ${name}
  namespace: metallb-system
${adSpec(o)}`;
}
export function bgpPeer(name: string, o: { peerAddress?: string; nodeSelectors?: string; extra?: string } = {}): string {
  return `apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata:
  name: ${name}
  namespace: metallb-system
spec:
  myASN: 64512
  peerASN: 64513
  peerAddress: ${o.peerAddress ?? '192.168.1.1'}
${o.nodeSelectors ? `  nodeSelectors: ${o.nodeSelectors}\n` : ''}${o.extra ? `  ${o.extra}\n` : ''}`;
}

/** Three nodes, each with a running speaker, and the speaker DaemonSet: a working base. */
export function threeNodes(o: { speakerArgs?: string[]; memberlist?: boolean } = {}): string {
  return [node('node-a'), node('node-b'), node('node-c'), speakerDaemonSet({ args: o.speakerArgs, memberlist: o.memberlist }), speakerPod('node-a'), speakerPod('node-b'), speakerPod('node-c')].join('---\n');
}

/**
 * Nodes node-a and node-b (their documents given, e.g. one cordoned) with running speakers of
 * MetalLB `tag`, pool lan (10.0.0.0/24) for layer 2 and for BGP (peer tor), then `rest` (the
 * Service and its EndpointSlices).
 */
export function lanForBothProtocols(tag: string, nodes: [string, string], ...rest: string[]): string {
  return docs(...nodes, speakerDaemonSet({ tag }), speakerPod('node-a'), speakerPod('node-b'), pool('lan', ['10.0.0.0/24']), l2Advertisement('lan'), bgpPeer('tor'), bgpAdvertisement('lan'), ...rest);
}
