// The object model: TypeScript shapes of every kind metallb-doctor reads. MetalLB kinds are
// complete (api/v1beta1, api/v1beta2); core kinds carry the fields our rules read. Values come
// straight from YAML/JSON, so every field may in practice be of the wrong type: schema
// validation (src/model/schema) says so, rules should still read defensively.

import type { KubeObject, ObjectMeta } from '../sources/types.js';
import type { LabelSelector, LabelSelectorRequirement } from './selectors.js';

export type { LabelSelector, LabelSelectorRequirement };

export const METALLB_GROUP = 'metallb.io';
export const METALLB_V1BETA1 = 'metallb.io/v1beta1';
export const METALLB_V1BETA2 = 'metallb.io/v1beta2';

/** A Go metav1.Duration as written: "90s", "1m30s", "1h". */
export type Duration = string;

// ---------------------------------------------------------------------------------------------
// MetalLB kinds

export interface IPAddressPoolSpec {
  addresses: string[];
  autoAssign?: boolean;
  avoidBuggyIPs?: boolean;
  /** Go name AllocateTo */
  serviceAllocation?: {
    priority?: number;
    namespaces?: string[];
    namespaceSelectors?: LabelSelector[];
    serviceSelectors?: LabelSelector[];
  };
}
export interface IPAddressPoolStatus {
  assignedIPv4?: number;
  assignedIPv6?: number;
  availableIPv4?: number;
  availableIPv6?: number;
}
export interface IPAddressPool extends KubeObject {
  kind: 'IPAddressPool';
  spec: IPAddressPoolSpec;
  status?: IPAddressPoolStatus;
}

export interface PreferredNodeSelector {
  /** 1..100 */
  weight: number;
  preference: LabelSelector;
}
export interface L2AdvertisementSpec {
  ipAddressPools?: string[];
  ipAddressPoolSelectors?: LabelSelector[];
  nodeSelectors?: LabelSelector[];
  interfaces?: string[];
  serviceSelectors?: LabelSelector[];
  preferredNodeSelectors?: PreferredNodeSelector[];
}
export interface L2Advertisement extends KubeObject {
  kind: 'L2Advertisement';
  spec?: L2AdvertisementSpec;
  status?: Record<string, never>;
}

export interface BGPAdvertisementSpec {
  aggregationLength?: number;
  aggregationLengthV6?: number;
  localPref?: number;
  communities?: string[];
  ipAddressPools?: string[];
  ipAddressPoolSelectors?: LabelSelector[];
  nodeSelectors?: LabelSelector[];
  peers?: string[];
  serviceSelectors?: LabelSelector[];
}
export interface BGPAdvertisement extends KubeObject {
  kind: 'BGPAdvertisement';
  spec?: BGPAdvertisementSpec;
  status?: Record<string, never>;
}

export interface SecretReference {
  name?: string;
  namespace?: string;
}
/** BGPPeer v1beta2 (the storage version; the model works on this one). */
export interface BGPPeerSpec {
  myASN: number;
  peerASN?: number;
  localASN?: number;
  dynamicASN?: 'internal' | 'external';
  peerAddress?: string;
  interface?: string;
  sourceAddress?: string;
  peerPort?: number;
  holdTime?: Duration;
  keepaliveTime?: Duration;
  connectTime?: Duration;
  routerID?: string;
  nodeSelectors?: LabelSelector[];
  password?: string;
  passwordSecret?: SecretReference;
  bfdProfile?: string;
  enableGracefulRestart?: boolean;
  ebgpMultiHop?: boolean;
  vrf?: string;
  disableMP?: boolean;
  dualStackAddressFamily?: boolean;
}
export interface BGPPeer extends KubeObject {
  kind: 'BGPPeer';
  spec: BGPPeerSpec;
  status?: Record<string, never>;
}

/** v1beta1's own node selector type: values are required (minItems 1) on every expression. */
export interface V1beta1NodeSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values: string[] }[];
}
export interface BGPPeerV1beta1Spec {
  myASN: number;
  peerASN: number;
  peerAddress: string;
  sourceAddress?: string;
  peerPort?: number;
  holdTime?: Duration;
  keepaliveTime?: Duration;
  routerID?: string;
  nodeSelectors?: V1beta1NodeSelector[];
  password?: string;
  bfdProfile?: string;
  ebgpMultiHop?: boolean;
}
export interface BGPPeerV1beta1 extends KubeObject {
  kind: 'BGPPeer';
  spec: BGPPeerV1beta1Spec;
}

export interface BFDProfileSpec {
  receiveInterval?: number;
  transmitInterval?: number;
  detectMultiplier?: number;
  echoInterval?: number;
  echoMode?: boolean;
  passiveMode?: boolean;
  minimumTtl?: number;
}
export interface BFDProfile extends KubeObject {
  kind: 'BFDProfile';
  spec?: BFDProfileSpec;
}

export interface CommunityAlias {
  name?: string;
  value?: string;
}
export interface Community extends KubeObject {
  kind: 'Community';
  spec?: { communities?: CommunityAlias[] };
}

export interface ServiceL2Status extends KubeObject {
  kind: 'ServiceL2Status';
  spec?: Record<string, never>;
  status?: { node?: string; serviceName?: string; serviceNamespace?: string; interfaces?: { name?: string }[] };
}
export interface ServiceBGPStatus extends KubeObject {
  kind: 'ServiceBGPStatus';
  spec?: Record<string, never>;
  status?: { node?: string; serviceName?: string; serviceNamespace?: string; peers?: string[] };
}

/** metav1.Condition */
export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastTransitionTime: string;
  observedGeneration?: number;
}
export interface ConfigurationState extends KubeObject {
  kind: 'ConfigurationState';
  status?: { result?: 'Valid' | 'Invalid' | 'Unknown'; errorSummary?: string; conditions?: Condition[] };
}

// ---------------------------------------------------------------------------------------------
// Core kinds (the fields rules read)

export interface ObjectReference {
  kind?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  apiVersion?: string;
  fieldPath?: string;
}

export interface ServicePort {
  name?: string;
  protocol?: 'TCP' | 'UDP' | 'SCTP';
  port: number;
  targetPort?: number | string;
  nodePort?: number;
  appProtocol?: string;
}
export interface Service extends KubeObject {
  kind: 'Service';
  spec?: {
    type?: 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';
    selector?: Record<string, string>;
    ports?: ServicePort[];
    clusterIP?: string;
    clusterIPs?: string[];
    ipFamilies?: ('IPv4' | 'IPv6')[];
    ipFamilyPolicy?: 'SingleStack' | 'PreferDualStack' | 'RequireDualStack';
    loadBalancerIP?: string;
    loadBalancerClass?: string;
    loadBalancerSourceRanges?: string[];
    externalTrafficPolicy?: 'Cluster' | 'Local';
    internalTrafficPolicy?: 'Cluster' | 'Local';
    healthCheckNodePort?: number;
    allocateLoadBalancerNodePorts?: boolean;
    externalIPs?: string[];
    sessionAffinity?: string;
  };
  status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string; ipMode?: string }[] } };
}

export interface NodeCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastHeartbeatTime?: string;
  lastTransitionTime?: string;
}
export interface Node extends KubeObject {
  kind: 'Node';
  spec?: {
    podCIDR?: string;
    podCIDRs?: string[];
    unschedulable?: boolean;
    taints?: { key: string; value?: string; effect: string }[];
    providerID?: string;
  };
  status?: {
    addresses?: { type: string; address: string }[];
    conditions?: NodeCondition[];
    nodeInfo?: Record<string, string>;
  };
}

export interface ContainerStatus {
  name: string;
  ready?: boolean;
  restartCount?: number;
  image?: string;
  state?: Record<string, unknown>;
  lastState?: Record<string, unknown>;
}
export interface Pod extends KubeObject {
  kind: 'Pod';
  spec?: {
    nodeName?: string;
    hostNetwork?: boolean;
    containers?: { name: string; image?: string; args?: string[]; command?: string[]; env?: unknown[]; ports?: unknown[] }[];
    [k: string]: unknown;
  };
  status?: {
    phase?: string;
    podIP?: string;
    podIPs?: { ip: string }[];
    hostIP?: string;
    conditions?: { type: string; status: string }[];
    containerStatuses?: ContainerStatus[];
  };
}

export interface EndpointSlice extends KubeObject {
  kind: 'EndpointSlice';
  addressType: 'IPv4' | 'IPv6' | 'FQDN';
  endpoints?: {
    addresses: string[];
    conditions?: { ready?: boolean; serving?: boolean; terminating?: boolean };
    nodeName?: string;
    hostname?: string;
    zone?: string;
    targetRef?: ObjectReference;
  }[];
  ports?: { name?: string; port?: number; protocol?: string; appProtocol?: string }[];
}

export interface EndpointAddress {
  ip: string;
  hostname?: string;
  nodeName?: string;
  targetRef?: ObjectReference;
}
export interface Endpoints extends KubeObject {
  kind: 'Endpoints';
  subsets?: {
    addresses?: EndpointAddress[];
    notReadyAddresses?: EndpointAddress[];
    ports?: { name?: string; port: number; protocol?: string }[];
  }[];
}

export interface Namespace extends KubeObject {
  kind: 'Namespace';
  status?: { phase?: string };
}

/** core/v1 Event */
export interface EventV1 extends KubeObject {
  kind: 'Event';
  involvedObject?: ObjectReference;
  reason?: string;
  message?: string;
  type?: string;
  count?: number;
  firstTimestamp?: string | null;
  lastTimestamp?: string | null;
  eventTime?: string | null;
  source?: { component?: string; host?: string };
  reportingComponent?: string;
}
/** events.k8s.io/v1 Event */
export interface EventsV1Event extends KubeObject {
  kind: 'Event';
  regarding?: ObjectReference;
  reason?: string;
  note?: string;
  type?: string;
  eventTime?: string | null;
  deprecatedCount?: number;
  deprecatedFirstTimestamp?: string | null;
  deprecatedLastTimestamp?: string | null;
  reportingController?: string;
  reportingInstance?: string;
  series?: { count?: number; lastObservedTime?: string };
}

export interface PodTemplate {
  metadata?: ObjectMeta;
  spec?: Pod['spec'];
}
export interface Deployment extends KubeObject {
  kind: 'Deployment';
  spec?: { replicas?: number; selector?: LabelSelector; template?: PodTemplate };
  status?: { replicas?: number; readyReplicas?: number; availableReplicas?: number; updatedReplicas?: number; unavailableReplicas?: number };
}
export interface DaemonSet extends KubeObject {
  kind: 'DaemonSet';
  spec?: { selector?: LabelSelector; template?: PodTemplate };
  status?: {
    desiredNumberScheduled?: number;
    currentNumberScheduled?: number;
    numberReady?: number;
    numberAvailable?: number;
    numberUnavailable?: number;
    updatedNumberScheduled?: number;
    numberMisscheduled?: number;
  };
}

export interface ConfigMap extends KubeObject {
  kind: 'ConfigMap';
  data?: Record<string, string>;
  binaryData?: Record<string, string>;
}
/** Only the type and key names matter: values are redacted by the sources. */
export interface Secret extends KubeObject {
  kind: 'Secret';
  type?: string;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

export interface NetworkPolicy extends KubeObject {
  kind: 'NetworkPolicy';
  spec?: {
    podSelector?: LabelSelector;
    policyTypes?: ('Ingress' | 'Egress')[];
    ingress?: unknown[];
    egress?: unknown[];
  };
}

export interface CustomResourceDefinition extends KubeObject {
  kind: 'CustomResourceDefinition';
  spec?: {
    group?: string;
    scope?: 'Namespaced' | 'Cluster';
    names?: { kind?: string; plural?: string; singular?: string; listKind?: string; shortNames?: string[] };
    versions?: { name: string; served: boolean; storage: boolean; deprecated?: boolean; deprecationWarning?: string; schema?: unknown }[];
    conversion?: { strategy?: 'None' | 'Webhook'; webhook?: unknown };
  };
  status?: { storedVersions?: string[]; conditions?: { type: string; status: string }[] };
}

export interface ValidatingWebhook {
  name: string;
  failurePolicy?: 'Fail' | 'Ignore';
  clientConfig?: { service?: { name: string; namespace: string; path?: string; port?: number }; url?: string; caBundle?: string };
  rules?: { apiGroups?: string[]; apiVersions?: string[]; operations?: string[]; resources?: string[]; scope?: string }[];
  namespaceSelector?: LabelSelector;
  objectSelector?: LabelSelector;
  sideEffects?: string;
  admissionReviewVersions?: string[];
  timeoutSeconds?: number;
  matchPolicy?: string;
}
export interface ValidatingWebhookConfiguration extends KubeObject {
  kind: 'ValidatingWebhookConfiguration';
  webhooks?: ValidatingWebhook[];
}

// ---------------------------------------------------------------------------------------------
// Group/version table

/** Every (apiVersion, kind) we model. */
export const MODELLED_KINDS: Readonly<Record<string, readonly string[]>> = {
  [METALLB_V1BETA1]: [
    'IPAddressPool',
    'L2Advertisement',
    'BGPAdvertisement',
    'BGPPeer',
    'BFDProfile',
    'Community',
    'ServiceL2Status',
    'ServiceBGPStatus',
    'ConfigurationState',
  ],
  [METALLB_V1BETA2]: ['BGPPeer'],
  v1: ['Service', 'Node', 'Pod', 'Endpoints', 'Namespace', 'Event', 'ConfigMap', 'Secret'],
  'apps/v1': ['Deployment', 'DaemonSet'],
  'discovery.k8s.io/v1': ['EndpointSlice'],
  'networking.k8s.io/v1': ['NetworkPolicy'],
  'apiextensions.k8s.io/v1': ['CustomResourceDefinition'],
  'admissionregistration.k8s.io/v1': ['ValidatingWebhookConfiguration'],
  'events.k8s.io/v1': ['Event'],
};

/**
 * Kinds of other projects that rules read as evidence (another LoadBalancer implementation, another
 * BGP speaker, frr-k8s session state). They are indexed under a qualified name, `Kind.group`
 * (Calico's BGPPeer is not MetalLB's), and only their presence means something: no gap is
 * reported for them and no rule concludes anything from their absence.
 */
export const FOREIGN_KINDS: Readonly<Record<string, readonly string[]>> = {
  'crd.projectcalico.org/v1': ['BGPPeer', 'BGPConfiguration'],
  'cilium.io/v2alpha1': ['CiliumLoadBalancerIPPool', 'CiliumL2AnnouncementPolicy', 'CiliumBGPPeeringPolicy', 'CiliumBGPClusterConfig'],
  'cilium.io/v2': ['CiliumLoadBalancerIPPool', 'CiliumBGPClusterConfig'],
  'network.kubesphere.io/v1alpha2': ['Eip'],
  'purelb.io/v1': ['ServiceGroup', 'LBNodeAgent'],
  'purelb.io/v2': ['ServiceGroup', 'LBNodeAgent'],
  'frrk8s.metallb.io/v1beta1': ['FRRConfiguration', 'BGPSessionState', 'FRRNodeState'],
};

/** Calico's BGPPeer as ClusterState indexes it. */
export const CALICO_BGPPEER = 'BGPPeer.crd.projectcalico.org';

function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/**
 * The kind under which ClusterState indexes an object: its kind for the kinds we model, `Kind.group`
 * for FOREIGN_KINDS, undefined for everything else (skipped and counted).
 */
export function stateKind(apiVersion: unknown, kind: unknown): string | undefined {
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return undefined;
  if (isModelledKind(apiVersion, kind)) return kind;
  const foreign = Object.prototype.hasOwnProperty.call(FOREIGN_KINDS, apiVersion) ? FOREIGN_KINDS[apiVersion] : undefined;
  return foreign?.includes(kind) ? `${kind}.${groupOf(apiVersion)}` : undefined;
}

export function isModelledKind(apiVersion: unknown, kind: unknown): boolean {
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return false;
  const kinds = Object.prototype.hasOwnProperty.call(MODELLED_KINDS, apiVersion) ? MODELLED_KINDS[apiVersion] : undefined;
  return kinds !== undefined && kinds.includes(kind);
}

/** Kinds of group metallb.io (any version). */
export const METALLB_KINDS: ReadonlySet<string> = new Set([...MODELLED_KINDS[METALLB_V1BETA1]!]);

export function isMetalLBObject(obj: { apiVersion?: unknown }): boolean {
  return typeof obj.apiVersion === 'string' && obj.apiVersion.startsWith(`${METALLB_GROUP}/`);
}

/**
 * MetalLB's configuration kinds: what its config reconciler reads. "Absent is not none":
 * a capture without one of these kinds says nothing about whether such objects exist.
 */
export const METALLB_CONFIG_KINDS: ReadonlySet<string> = new Set([
  'IPAddressPool',
  'L2Advertisement',
  'BGPAdvertisement',
  'BGPPeer',
  'BFDProfile',
  'Community',
]);

/** The apiVersion a kind is normally written with (the storage version for BGPPeer). */
export function preferredApiVersion(kind: string): string | undefined {
  if (kind === 'BGPPeer') return METALLB_V1BETA2;
  if (kind === 'Event') return 'v1';
  for (const [gv, kinds] of Object.entries(MODELLED_KINDS)) if (kinds.includes(kind)) return gv;
  return undefined;
}
