// Objects around MetalLB for the "environment" rules (webhook-unavailable, pod-security-blocks-speaker,
// conflicting-lb-implementation, kube-proxy-strict-arp): the controller and its webhook Service, the
// webhook configuration, NetworkPolicies, the namespace, kube-proxy, and other load balancers.
// Each builder returns one YAML document, as test/helpers/cluster.ts does.
import { ALL_KINDS } from './cluster.js';

/** Every kind, with the two cluster-scoped kinds of the installation rules. */
export const EVERY_KIND = [...ALL_KINDS, 'ValidatingWebhookConfiguration', 'CustomResourceDefinition'];

export function bundleOf(captured: string[] = EVERY_KIND, ns = 'metallb-system'): string {
  return JSON.stringify({ format: 'metallb-doctor-bundle/v1', metallbNamespace: ns, captured, gaps: [] });
}

export const everyKindBut = (...kinds: string[]) => EVERY_KIND.filter((k) => !kinds.includes(k));

/**
 * Line and column (1-based) of `needle` in `text`, searching from the first `anchor`; `shift`
 * moves the column (e.g. past a key to its value).
 */
export function at(text: string, anchor: string, needle: string, shift = 0): { line: number; column: number } {
  const start = text.indexOf(anchor);
  if (start < 0) throw new Error(`no ${JSON.stringify(anchor)}`);
  const i = text.indexOf(needle, start);
  if (i < 0) throw new Error(`no ${JSON.stringify(needle)} after ${JSON.stringify(anchor)}`);
  const before = text.slice(0, i).split('\n');
  return { line: before.length, column: before[before.length - 1]!.length + 1 + shift };
}

// ---------------------------------------------------------------------------------------------
// MetalLB's controller and its webhook

export function controllerDeployment(o: { args?: string[]; ready?: number; labels?: string } = {}): string {
  const labels = o.labels ?? '{ app: metallb, component: controller }';
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: controller
  namespace: metallb-system
  labels: { app: metallb, component: controller }
spec:
  replicas: 1
  selector: { matchLabels: ${labels} }
  template:
    metadata:
      labels: ${labels}
    spec:
      containers:
      - name: controller
        image: quay.io/metallb/controller:v0.15.2
        args: [${['--port=7472', ...(o.args ?? [])].join(', ')}]
        ports:
        - { name: monitoring, containerPort: 7472 }
        - { name: webhook-server, containerPort: 9443, protocol: TCP }
status:
  replicas: 1
  readyReplicas: ${o.ready ?? 1}
`;
}

export function controllerPod(o: { name?: string; node?: string; ready?: boolean; waiting?: string; labels?: string } = {}): string {
  const ready = o.ready ?? true;
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${o.name ?? 'controller-5c7d8b9f4d-k2x9p'}
  namespace: metallb-system
  labels: ${o.labels ?? '{ app: metallb, component: controller }'}
spec:
  nodeName: ${o.node ?? 'node-b'}
  containers:
  - name: controller
    image: quay.io/metallb/controller:v0.15.2
    ports:
    - { name: monitoring, containerPort: 7472 }
    - { name: webhook-server, containerPort: 9443, protocol: TCP }
status:
  phase: Running
  podIP: 10.244.1.5
  conditions:
  - type: Ready
    status: "${ready ? 'True' : 'False'}"
  containerStatuses:
  - name: controller
    ready: ${ready}
    restartCount: ${o.waiting ? 7 : 0}
    state:
${o.waiting ? `      waiting: { reason: ${o.waiting}, message: "back-off 5m0s restarting failed container" }` : '      running: { startedAt: "2026-11-18T14:20:04Z" }'}
`;
}

export function webhookService(o: { name?: string; selector?: string; targetPort?: string } = {}): string {
  return `apiVersion: v1
kind: Service
metadata:
  name: ${o.name ?? 'metallb-webhook-service'}
  namespace: metallb-system
spec:
  type: ClusterIP
  selector: ${o.selector ?? '{ component: controller }'}
  ports:
  - port: 443
    targetPort: ${o.targetPort ?? '9443'}
`;
}

/** The EndpointSlice of the webhook Service: one endpoint per entry (true = ready). */
export function webhookSlice(ready: boolean[], svc = 'metallb-webhook-service'): string {
  return `apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: ${svc}-9xw4c
  namespace: metallb-system
  labels:
    kubernetes.io/service-name: ${svc}
addressType: IPv4
endpoints:${ready.length === 0 ? ' []' : ''}
${ready.map((r, i) => `- addresses: ["10.244.1.${5 + i}"]\n  conditions: { ready: ${r}, serving: ${r} }\n  nodeName: node-b\n`).join('')}ports:
- { port: 9443, protocol: TCP }
`;
}

const HOOKS: Array<[string, string, string]> = [
  ['ipaddresspoolvalidationwebhook.metallb.io', 'v1beta1', 'ipaddresspools'],
  ['l2advertisementvalidationwebhook.metallb.io', 'v1beta1', 'l2advertisements'],
  ['bgppeersvalidationwebhook.metallb.io', 'v1beta2', 'bgppeers'],
];

/** MetalLB's ValidatingWebhookConfiguration (three of its webhooks), with one failurePolicy for all, or none written. */
export function webhookConfiguration(o: { failurePolicy?: 'Fail' | 'Ignore' | null; service?: string; policies?: Array<'Fail' | 'Ignore'> } = {}): string {
  return `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata:
  name: metallb-webhook-configuration
webhooks:
${HOOKS.map(([name, version, resource], i) => {
  const fp = o.policies?.[i] ?? (o.failurePolicy === null ? undefined : (o.failurePolicy ?? 'Fail'));
  return `- name: ${name}
  admissionReviewVersions: [v1]
  clientConfig:
    service:
      name: ${o.service ?? 'metallb-webhook-service'}
      namespace: metallb-system
      path: /validate-metallb-io-${version}-${resource.replace(/s$/, '')}
${fp ? `  failurePolicy: ${fp}\n` : ''}  sideEffects: None
  rules:
  - { apiGroups: [metallb.io], apiVersions: [${version}], operations: [CREATE, UPDATE], resources: [${resource}] }
`;
}).join('')}`;
}

export function networkPolicy(name: string, spec: string, ns = 'metallb-system'): string {
  return `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: ${name}
  namespace: ${ns}
spec:
${spec}`;
}

/** The API server's Service endpoints: default/kubernetes at these addresses. */
export function kubernetesSlice(ips: string[]): string {
  return `apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: kubernetes
  namespace: default
  labels:
    kubernetes.io/service-name: kubernetes
addressType: IPv4
endpoints:
- addresses: [${ips.map((i) => `"${i}"`).join(', ')}]
  conditions: { ready: true }
ports:
- { name: https, port: 6443, protocol: TCP }
`;
}

/** A Node with an InternalIP. */
export function nodeWithIP(name: string, ip: string): string {
  return `apiVersion: v1
kind: Node
metadata:
  name: ${name}
  labels: { kubernetes.io/hostname: ${name} }
status:
  addresses:
  - { type: InternalIP, address: ${ip} }
  conditions:
  - { type: Ready, status: "True" }
`;
}

// ---------------------------------------------------------------------------------------------
// The namespace, kube-proxy

export function metallbNamespace(labels: Record<string, string>): string {
  const entries = Object.entries(labels);
  return `apiVersion: v1
kind: Namespace
metadata:
  name: metallb-system
  labels:${entries.length ? '' : ' {}'}
${entries.map(([k, v]) => `    ${k}: ${JSON.stringify(v)}\n`).join('')}status:
  phase: Active
`;
}

/** kube-proxy's ConfigMap; `conf` is the KubeProxyConfiguration body after apiVersion/kind (2-space YAML). */
export function kubeProxyConfigMap(conf: string): string {
  const body = `apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nbindAddress: 0.0.0.0\n${conf}`;
  return `apiVersion: v1
kind: ConfigMap
metadata:
  name: kube-proxy
  namespace: kube-system
  labels: { app: kube-proxy }
data:
  config.conf: |
${body
  .split('\n')
  .filter((l) => l !== '')
  .map((l) => `    ${l}\n`)
  .join('')}  kubeconfig.conf: |
    apiVersion: v1
    kind: Config
`;
}

export function kubeProxyDaemonSet(): string {
  return `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: kube-proxy
  namespace: kube-system
  labels: { k8s-app: kube-proxy }
spec:
  selector: { matchLabels: { k8s-app: kube-proxy } }
  template:
    metadata:
      labels: { k8s-app: kube-proxy }
    spec:
      hostNetwork: true
      containers:
      - name: kube-proxy
        image: registry.k8s.io/kube-proxy:v1.31.2
        command: [/usr/local/bin/kube-proxy, --config=/var/lib/kube-proxy/config.conf, --hostname-override=$(NODE_NAME)]
`;
}

/** The speaker DaemonSet as MetalLB's manifests write it (hostNetwork, NET_RAW), with status counts. */
export function privilegedSpeaker(o: { desired?: number; current?: number } = {}): string {
  const desired = o.desired ?? 3;
  const current = o.current ?? desired;
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
      hostNetwork: true
      containers:
      - name: speaker
        image: quay.io/metallb/speaker:v0.15.2
        args: [--port=7472]
        ports:
        - { name: monitoring, containerPort: 7472 }
        - { name: memberlist-tcp, containerPort: 7946 }
        securityContext:
          allowPrivilegeEscalation: false
          capabilities: { add: [NET_RAW], drop: [ALL] }
status:
  desiredNumberScheduled: ${desired}
  currentNumberScheduled: ${current}
  numberReady: ${current}
`;
}

/** A FailedCreate Warning event of the speaker DaemonSet. */
export function failedCreateEvent(message: string): string {
  return `apiVersion: v1
kind: Event
metadata:
  name: speaker.17f3a
  namespace: metallb-system
involvedObject: { kind: DaemonSet, namespace: metallb-system, name: speaker }
type: Warning
reason: FailedCreate
message: ${JSON.stringify(message)}
count: 14
lastTimestamp: "2026-11-20T09:58:00Z"
`;
}
