// Workloads, pods with real container statuses, tainted nodes and Secrets for the rules of the
// "pods" group (controller-unavailable, speaker-unavailable, speaker-missing-on-node,
// memberlist-secret-missing). Each builder returns one YAML document, shaped as the API server
// returns the object (what `kubectl get -o yaml` prints), trimmed to the fields that matter.

/** Line and column (1-based) of the last needle, each searched after the one before. */
export function at(text: string, ...needles: string[]): { line: number; column: number } {
  let i = 0;
  for (const n of needles) {
    const j = text.indexOf(n, i);
    if (j < 0) throw new Error(`"${n}" not found after offset ${i}`);
    i = j + (n === needles[needles.length - 1] ? 0 : n.length);
  }
  const before = text.slice(0, i).split('\n');
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}

/** A container status block (indented for `containerStatuses:`), as the kubelet writes it. */
export type ContainerState =
  | { running: true; ready?: boolean; restarts?: number }
  | { waiting: string; message?: string; restarts?: number; last?: { reason: string; exitCode: number } }
  | { terminated: string; exitCode: number; restarts?: number };

export function containerStatus(name: string, image: string, s: ContainerState): string {
  const restarts = s.restarts ?? 0;
  const ready = 'running' in s ? (s.ready ?? true) : false;
  let state: string;
  if ('running' in s) state = `    state:\n      running:\n        startedAt: "2026-11-18T14:20:03Z"\n`;
  else if ('waiting' in s) state = `    state:\n      waiting:\n        reason: ${s.waiting}\n${s.message ? `        message: ${JSON.stringify(s.message)}\n` : ''}`;
  else state = `    state:\n      terminated:\n        reason: ${s.terminated}\n        exitCode: ${s.exitCode}\n`;
  const last =
    'waiting' in s && s.last
      ? `    lastState:\n      terminated:\n        reason: ${s.last.reason}\n        exitCode: ${s.last.exitCode}\n        finishedAt: "2026-11-18T15:02:11Z"\n`
      : '';
  return `  - name: ${name}\n    image: ${image}\n    ready: ${ready}\n    started: ${'running' in s}\n    restartCount: ${restarts}\n${state}${last}`;
}

/** A position moved right: `- type: X` items are found at their dash, positioned at their first key. */
export function shift(p: { line: number; column: number }, by = 2): { line: number; column: number } {
  return { line: p.line, column: p.column + by };
}

// ---------------------------------------------------------------------------------------------
// The controller

export interface ControllerOpts {
  replicas?: number;
  /** METALLB_ML_SECRET_NAME; null: not set */
  mlSecretName?: string | null;
  /** status block; omit for none */
  status?: { replicas: number; ready: number; available?: boolean; replicaFailure?: string };
}
export function controllerDeployment(o: ControllerOpts = {}): string {
  const ml = o.mlSecretName === undefined ? 'memberlist' : o.mlSecretName;
  const st = o.status;
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: controller
  namespace: metallb-system
  labels: { app: metallb, component: controller }
spec:
${o.replicas !== undefined ? `  replicas: ${o.replicas}\n` : ''}  selector:
    matchLabels: { app: metallb, component: controller }
  template:
    metadata:
      labels: { app: metallb, component: controller }
    spec:
      containers:
      - name: controller
        image: quay.io/metallb/controller:v0.15.2
        args: [--port=7472, --log-level=info]
${ml !== null ? `        env:\n        - { name: METALLB_ML_SECRET_NAME, value: ${ml} }\n        - { name: METALLB_DEPLOYMENT, value: controller }\n` : ''}${
    st
      ? `status:
  replicas: ${st.replicas}
${st.ready > 0 ? `  readyReplicas: ${st.ready}\n  availableReplicas: ${st.ready}\n` : ''}  conditions:
  - type: Available
    status: "${(st.available ?? st.ready > 0) ? 'True' : 'False'}"
    reason: ${(st.available ?? st.ready > 0) ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable'}
${st.replicaFailure ? `  - type: ReplicaFailure\n    status: "True"\n    reason: FailedCreate\n    message: ${JSON.stringify(st.replicaFailure)}\n` : ''}`
      : ''
  }`;
}

export interface PodOpts {
  name?: string;
  node?: string;
  ns?: string;
  labels?: string;
  image?: string;
  container?: string;
  phase?: string;
  ready?: boolean;
  /** the main container's state; omit for a running ready container */
  state?: ContainerState;
  /** extra container status blocks (containerStatus()) */
  more?: string;
  /** PodScheduled=False with this reason and message */
  unscheduled?: { reason: string; message: string; targetNode?: string };
  deleting?: boolean;
  created?: string;
}
function pod(o: PodOpts & { name: string; labels: string; image: string; container: string }): string {
  const state = o.state ?? { running: true };
  const ready = o.ready ?? (!o.unscheduled && 'running' in state && (state.ready ?? true));
  const phase = o.phase ?? (o.unscheduled ? 'Pending' : 'waiting' in state && state.waiting === 'ContainerCreating' ? 'Pending' : 'Running');
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${o.name}
  namespace: ${o.ns ?? 'metallb-system'}
  labels: ${o.labels}
  creationTimestamp: "${o.created ?? '2026-11-18T14:20:00Z'}"
${o.deleting ? '  deletionTimestamp: "2026-11-18T15:00:00Z"\n' : ''}spec:
${o.node && !o.unscheduled ? `  nodeName: ${o.node}\n` : ''}${
    o.unscheduled?.targetNode
      ? `  affinity:\n    nodeAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n        nodeSelectorTerms:\n        - matchFields:\n          - { key: metadata.name, operator: In, values: [${o.unscheduled.targetNode}] }\n`
      : ''
  }  containers:
  - name: ${o.container}
    image: ${o.image}
status:
  phase: ${phase}
  conditions:
  - type: Ready
    status: "${ready ? 'True' : 'False'}"
${o.unscheduled ? `  - type: PodScheduled\n    status: "False"\n    reason: ${o.unscheduled.reason}\n    message: ${JSON.stringify(o.unscheduled.message)}\n` : ''}${
    o.unscheduled ? '' : `  containerStatuses:\n${containerStatus(o.container, o.image, state)}${o.more ?? ''}`
  }`;
}

export function controllerPod(o: PodOpts = {}): string {
  return pod({ ...o, name: o.name ?? 'controller-5c7d8b9f4d-k2x9p', node: o.node ?? 'node-a', labels: o.labels ?? '{ app: metallb, component: controller, pod-template-hash: 5c7d8b9f4d }', image: o.image ?? 'quay.io/metallb/controller:v0.15.2', container: o.container ?? 'controller' });
}

/** A speaker pod on a node with a container state (running and ready by default). */
export function speakerPodState(node: string, o: PodOpts = {}): string {
  return pod({ ...o, node, name: o.name ?? `speaker-${node}`, labels: o.labels ?? '{ app: metallb, component: speaker }', image: o.image ?? 'quay.io/metallb/speaker:v0.15.2', container: o.container ?? 'speaker' });
}

// ---------------------------------------------------------------------------------------------
// The speaker DaemonSet, placement and the memberlist Secret

export interface SpeakerOpts {
  /** YAML flow list items, e.g. '{ key: node-role.kubernetes.io/control-plane, operator: Exists, effect: NoSchedule }' */
  tolerations?: string[];
  nodeSelector?: Record<string, string>;
  /** the block under `affinity:` (indented 8) */
  affinity?: string;
  hostNetwork?: boolean;
  /** memberlist secret: 'volume' (v0.13.8 and later, the default), 'env' (before v0.13.8), 'none' */
  secret?: 'volume' | 'env' | 'none';
  secretName?: string;
  /** the volume's items, e.g. '[{ key: other, path: secretkey }]' */
  items?: string;
  optional?: boolean;
  status?: { desired: number; ready: number; current?: number };
  tag?: string;
}
export function speakerDs(o: SpeakerOpts = {}): string {
  const secret = o.secret ?? 'volume';
  const name = o.secretName ?? 'memberlist';
  const st = o.status;
  return `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: speaker
  namespace: metallb-system
  labels: { app: metallb, component: speaker }
spec:
  selector:
    matchLabels: { app: metallb, component: speaker }
  template:
    metadata:
      labels: { app: metallb, component: speaker }
    spec:
      hostNetwork: ${o.hostNetwork ?? true}
${o.nodeSelector ? `      nodeSelector:\n${Object.entries(o.nodeSelector).map(([k, v]) => `        ${k}: ${v}\n`).join('')}` : ''}${o.affinity ? `      affinity:\n${o.affinity}` : ''}${o.tolerations ? `      tolerations:\n${o.tolerations.map((t) => `      - ${t}\n`).join('')}` : ''}      containers:
      - name: speaker
        image: quay.io/metallb/speaker:${o.tag ?? 'v0.15.2'}
        args: [--port=7472, --log-level=info]
        env:
        - { name: METALLB_NODE_NAME, valueFrom: { fieldRef: { fieldPath: spec.nodeName } } }
        - { name: METALLB_ML_BIND_ADDR, valueFrom: { fieldRef: { fieldPath: status.podIP } } }
        - { name: METALLB_ML_LABELS, value: "app=metallb,component=speaker" }
${
  secret === 'env'
    ? `        - name: METALLB_ML_SECRET_KEY
          valueFrom:
            secretKeyRef:
              name: ${name}
              key: secretkey
`
    : secret === 'volume'
      ? `        - { name: METALLB_ML_SECRET_KEY_PATH, value: /etc/ml_secret_key }
        volumeMounts:
        - { name: memberlist, mountPath: /etc/ml_secret_key, readOnly: true }
      volumes:
      - name: memberlist
        secret:
          secretName: ${name}
${o.items ? `          items: ${o.items}\n` : ''}${o.optional ? '          optional: true\n' : ''}          defaultMode: 420
`
      : ''
}${st ? `status:\n  desiredNumberScheduled: ${st.desired}\n  currentNumberScheduled: ${st.current ?? st.desired}\n  numberReady: ${st.ready}\n  numberAvailable: ${st.ready}\n` : ''}`;
}

export interface TaintSpec {
  key: string;
  value?: string;
  effect: string;
}
/** A Node with labels and taints (spec.taints as the API returns them), optionally NetworkUnavailable=True. */
export function nodeWith(name: string, o: { labels?: Record<string, string>; taints?: TaintSpec[]; networkUnavailable?: boolean } = {}): string {
  const labels = { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', ...(o.labels ?? {}) };
  return `apiVersion: v1
kind: Node
metadata:
  name: ${name}
  labels:
${Object.entries(labels).map(([k, v]) => `    ${k}: "${v}"\n`).join('')}${
    o.taints && o.taints.length > 0
      ? `spec:\n  taints:\n${o.taints.map((t) => `  - key: ${t.key}\n${t.value !== undefined ? `    value: "${t.value}"\n` : ''}    effect: ${t.effect}\n`).join('')}`
      : ''
  }status:
  conditions:
  - type: Ready
    status: "True"
${o.networkUnavailable ? '  - type: NetworkUnavailable\n    status: "True"\n    reason: NoRouteCreated\n' : ''}`;
}

/** A Secret as a bundle keeps it: type and key names, values emptied. */
export function secret(name: string, keys: string[] = ['secretkey'], ns = 'metallb-system'): string {
  return `apiVersion: v1
kind: Secret
metadata:
  name: ${name}
  namespace: ${ns}
type: Opaque
data:${keys.length === 0 ? ' {}' : ''}
${keys.map((k) => `  ${k}: ""\n`).join('')}`;
}

export function metallbCrd(plural = 'ipaddresspools', kind = 'IPAddressPool'): string {
  return `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: ${plural}.metallb.io
spec:
  group: metallb.io
  scope: Namespaced
  names: { kind: ${kind}, plural: ${plural} }
  versions:
  - { name: v1beta1, served: true, storage: true }
`;
}

/** A Warning event about an object (core/v1 Event). */
export function warningEvent(kind: string, name: string, reason: string, message: string, ns = 'metallb-system', count = 1): string {
  return `apiVersion: v1
kind: Event
metadata:
  name: ${name}.1809f2a1b2c3d4e5
  namespace: ${ns}
involvedObject: { kind: ${kind}, name: ${name}, namespace: ${ns} }
type: Warning
reason: ${reason}
message: ${JSON.stringify(message)}
count: ${count}
lastTimestamp: "2026-11-18T15:01:00Z"
`;
}
