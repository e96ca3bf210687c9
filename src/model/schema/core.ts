// Lenient schemas for the core Kubernetes kinds rules read: only the fields we model are
// type-checked, unknown fields are allowed (no false alarms on Pods and friends).

import { arr, bool, enumOf, int32, intOrString, labelSelector, loose, mapOf, preserve, type Schema, str } from './dsl.js';
import { metaSchema } from './metallb.js';

const meta = metaSchema(false);
const selector = labelSelector(false);

function kind(props: Record<string, Schema>): Schema {
  return loose({ apiVersion: str(), kind: str(), metadata: meta, ...props });
}

const objectReference = loose({ kind: str(), namespace: str(), name: str(), uid: str(), apiVersion: str(), fieldPath: str() });

const container = loose({
  name: str(),
  image: str(),
  args: arr(str()),
  command: arr(str()),
  env: arr(loose({ name: str(), value: str() })),
  ports: arr(loose({ name: str(), containerPort: int32(1, 65535), protocol: enumOf('TCP', 'UDP', 'SCTP') })),
});
const podSpec = loose({
  nodeName: str(),
  hostNetwork: bool(),
  containers: arr(container),
  initContainers: arr(container),
});
const podTemplate = loose({ metadata: meta, spec: podSpec });

const service = kind({
  spec: loose({
    type: enumOf('ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'),
    selector: mapOf(str()),
    ports: arr(
      loose({
        name: str(),
        protocol: enumOf('SCTP', 'TCP', 'UDP'),
        port: int32(1, 65535),
        targetPort: intOrString(),
        nodePort: int32(),
        appProtocol: str(),
      }),
    ),
    clusterIP: str(),
    clusterIPs: arr(str()),
    ipFamilies: arr(enumOf('IPv4', 'IPv6')),
    ipFamilyPolicy: enumOf('PreferDualStack', 'RequireDualStack', 'SingleStack'),
    loadBalancerIP: str(),
    loadBalancerClass: str(),
    loadBalancerSourceRanges: arr(str()),
    externalTrafficPolicy: enumOf('Cluster', 'Local'),
    internalTrafficPolicy: enumOf('Cluster', 'Local'),
    healthCheckNodePort: int32(),
    allocateLoadBalancerNodePorts: bool(),
    externalIPs: arr(str()),
    sessionAffinity: str(),
  }),
  status: loose({ loadBalancer: loose({ ingress: arr(loose({ ip: str(), hostname: str(), ipMode: str() })) }) }),
});

const node = kind({
  spec: loose({
    podCIDR: str(),
    podCIDRs: arr(str()),
    unschedulable: bool(),
    taints: arr(loose({ key: str(), value: str(), effect: str() })),
    providerID: str(),
  }),
  status: loose({
    addresses: arr(loose({ type: str(), address: str() })),
    conditions: arr(loose({ type: str(), status: str(), reason: str(), message: str() })),
    nodeInfo: mapOf(str()),
  }),
});

const pod = kind({
  spec: podSpec,
  status: loose({
    phase: str(),
    podIP: str(),
    podIPs: arr(loose({ ip: str() })),
    hostIP: str(),
    conditions: arr(loose({ type: str(), status: str() })),
    containerStatuses: arr(loose({ name: str(), ready: bool(), restartCount: int32(), image: str(), state: preserve(), lastState: preserve() })),
  }),
});

const endpointSlice = kind({
  addressType: enumOf('IPv4', 'IPv6', 'FQDN'),
  endpoints: arr(
    loose({
      addresses: arr(str()),
      conditions: loose({ ready: bool(), serving: bool(), terminating: bool() }),
      nodeName: str(),
      hostname: str(),
      zone: str(),
      targetRef: objectReference,
    }),
  ),
  ports: arr(loose({ name: str(), port: int32(), protocol: str(), appProtocol: str() })),
});

const endpointAddress = loose({ ip: str(), hostname: str(), nodeName: str(), targetRef: objectReference });
const endpoints = kind({
  subsets: arr(
    loose({
      addresses: arr(endpointAddress),
      notReadyAddresses: arr(endpointAddress),
      ports: arr(loose({ name: str(), port: int32(), protocol: str() })),
    }),
  ),
});

const namespace = kind({ status: loose({ phase: str() }) });

const eventV1 = kind({
  involvedObject: objectReference,
  reason: str(),
  message: str(),
  type: str(),
  count: int32(),
  source: loose({ component: str(), host: str() }),
  reportingComponent: str(),
});
const eventsV1 = kind({
  regarding: objectReference,
  reason: str(),
  note: str(),
  type: str(),
  deprecatedCount: int32(),
  reportingController: str(),
  reportingInstance: str(),
  series: loose({ count: int32(), lastObservedTime: str() }),
});

const deployment = kind({
  spec: loose({ replicas: int32(0), selector, template: podTemplate }),
  status: loose({ replicas: int32(), readyReplicas: int32(), availableReplicas: int32(), updatedReplicas: int32(), unavailableReplicas: int32() }),
});
const daemonSet = kind({
  spec: loose({ selector, template: podTemplate }),
  status: loose({
    desiredNumberScheduled: int32(),
    currentNumberScheduled: int32(),
    numberReady: int32(),
    numberAvailable: int32(),
    numberUnavailable: int32(),
    updatedNumberScheduled: int32(),
    numberMisscheduled: int32(),
  }),
});

const configMap = kind({ data: mapOf(str()), binaryData: mapOf(str()), immutable: bool() });
const secret = kind({ type: str(), data: mapOf(str()), stringData: mapOf(str()), immutable: bool() });

const networkPolicy = kind({
  spec: loose({
    podSelector: selector,
    policyTypes: arr(enumOf('Ingress', 'Egress')),
    ingress: arr(preserve()),
    egress: arr(preserve()),
  }),
});

const crd = kind({
  spec: loose({
    group: str(),
    scope: enumOf('Cluster', 'Namespaced'),
    names: loose({ kind: str(), plural: str(), singular: str(), listKind: str(), shortNames: arr(str()) }),
    versions: arr(loose({ name: str(), served: bool(), storage: bool(), deprecated: bool(), deprecationWarning: str(), schema: preserve() })),
    conversion: loose({ strategy: enumOf('None', 'Webhook'), webhook: preserve() }),
  }),
  status: loose({ storedVersions: arr(str()), conditions: arr(loose({ type: str(), status: str() })) }),
});

const vwc = kind({
  webhooks: arr(
    loose({
      name: str(),
      failurePolicy: enumOf('Fail', 'Ignore'),
      clientConfig: loose({
        service: loose({ name: str(), namespace: str(), path: str(), port: int32(1, 65535) }),
        url: str(),
        caBundle: str(),
      }),
      rules: arr(loose({ apiGroups: arr(str()), apiVersions: arr(str()), operations: arr(str()), resources: arr(str()), scope: str() })),
      namespaceSelector: selector,
      objectSelector: selector,
      sideEffects: str(),
      admissionReviewVersions: arr(str()),
      timeoutSeconds: int32(1, 30),
      matchPolicy: enumOf('Exact', 'Equivalent'),
    }),
  ),
});

export const coreSchemas: Record<string, Schema> = {
  'v1/Service': service,
  'v1/Node': node,
  'v1/Pod': pod,
  'v1/Endpoints': endpoints,
  'v1/Namespace': namespace,
  'v1/Event': eventV1,
  'v1/ConfigMap': configMap,
  'v1/Secret': secret,
  'apps/v1/Deployment': deployment,
  'apps/v1/DaemonSet': daemonSet,
  'discovery.k8s.io/v1/EndpointSlice': endpointSlice,
  'networking.k8s.io/v1/NetworkPolicy': networkPolicy,
  'apiextensions.k8s.io/v1/CustomResourceDefinition': crd,
  'admissionregistration.k8s.io/v1/ValidatingWebhookConfiguration': vwc,
  'events.k8s.io/v1/Event': eventsV1,
};
