// Our own structural schemas for MetalLB's kinds, written from the Go types in api/v1beta1 and
// api/v1beta2 (kubebuilder markers: ranges, enums, required fields, CEL rules).

import { parseGoDuration, NANOS_PER_SECOND } from './duration.js';
import {
  arr,
  bool,
  type Check,
  duration,
  enumOf,
  fmtPath,
  int32,
  int64,
  labelSelector,
  loose,
  mapOf,
  obj,
  preserve,
  type Schema,
  str,
  uint16,
  uint32,
} from './dsl.js';
import { isQualifiedName, isValidLabelValue, isDNS1123Subdomain } from '../selectors.js';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** metadata.labels keys and values, as the API server's ValidateLabels checks them. */
const labelsCheck: Check = (v, path, emit) => {
  if (!isRecord(v)) return;
  for (const [k, val] of Object.entries(v)) {
    const ke = isQualifiedName(k);
    if (ke.length) emit([...path, k], `${fmtPath(path)}: Invalid value: ${JSON.stringify(k)}: ${ke.join('; ')}`);
    if (typeof val === 'string') {
      const ve = isValidLabelValue(val);
      if (ve.length) emit([...path, k], `${fmtPath(path)}: Invalid value: ${JSON.stringify(val)}: ${ve.join('; ')}`);
    }
  }
};

/** metadata.name of a namespaced custom resource: a DNS-1123 subdomain. */
const nameCheck: Check = (v, path, emit) => {
  if (typeof v !== 'string' || v === '') return;
  const e = isDNS1123Subdomain(v);
  if (e.length) emit(path, `${fmtPath(path)}: Invalid value: ${JSON.stringify(v)}: ${e.join('; ')}`);
};

/**
 * ObjectMeta. For MetalLB kinds (`strict`) every ObjectMeta field is known and anything else is an
 * unknown field (kubectl's strict field validation refuses e.g. a misspelt `namepsace`, which would
 * otherwise put the object in the wrong namespace); core kinds allow anything.
 * `checkName`: custom resources' names must be DNS-1123 subdomains; core kinds differ per kind.
 */
export function metaSchema(strict: boolean): Schema {
  return (strict ? obj : loose)({
    name: str({ checks: strict ? [nameCheck] : [] }),
    generateName: str(),
    namespace: str(),
    selfLink: str(),
    uid: str(),
    resourceVersion: str(),
    generation: int64(),
    creationTimestamp: preserve(),
    deletionTimestamp: preserve(),
    deletionGracePeriodSeconds: int64(),
    labels: { ...mapOf(str()), checks: [labelsCheck] },
    annotations: mapOf(str()),
    ownerReferences: arr(loose({ apiVersion: str(), kind: str(), name: str(), uid: str(), controller: bool(), blockOwnerDeletion: bool() })),
    finalizers: arr(str()),
    managedFields: arr(preserve()),
  });
}

export const objectMeta = metaSchema(true);

const selector = labelSelector(true);
const selectors = arr(selector);

/** A MetalLB kind: apiVersion, kind, metadata and the given spec/status; nothing else. */
function kind(parts: { spec?: Schema; status?: Schema; required?: string[] }): Schema {
  const props: Record<string, Schema> = { apiVersion: str(), kind: str(), metadata: objectMeta };
  if (parts.spec) props.spec = parts.spec;
  if (parts.status) props.status = parts.status;
  return obj(props, { required: parts.required });
}

/** The status of kinds whose status is empty: the API server prunes anything in it. */
const emptyStatus = loose({});

export const ipAddressPool = kind({
  required: ['spec'],
  spec: obj(
    {
      addresses: arr(str()),
      autoAssign: bool(),
      avoidBuggyIPs: bool(),
      serviceAllocation: obj({
        priority: int64(),
        namespaces: arr(str()),
        namespaceSelectors: selectors,
        serviceSelectors: selectors,
      }),
    },
    { required: ['addresses'] },
  ),
  // status is written by the controller through the status subresource; only typed here
  status: loose({ assignedIPv4: int64(), assignedIPv6: int64(), availableIPv4: int64(), availableIPv6: int64() }),
});

export const l2Advertisement = kind({
  spec: obj({
    ipAddressPools: arr(str()),
    ipAddressPoolSelectors: selectors,
    nodeSelectors: selectors,
    interfaces: arr(str()),
    serviceSelectors: selectors,
    preferredNodeSelectors: arr(obj({ weight: int32(1, 100), preference: selector }, { required: ['preference', 'weight'] })),
  }),
  status: emptyStatus,
});

const num = (v: unknown) => (typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : undefined);

/** CEL on BGPAdvertisementSpec: serviceSelectors only with the default aggregation lengths. */
const serviceSelectorsVsAggregation: Check = (v, path, emit) => {
  if (!isRecord(v)) return;
  const ss = v.serviceSelectors;
  if (!Array.isArray(ss) || ss.length === 0) return;
  const a4 = v.aggregationLength;
  const a6 = v.aggregationLengthV6;
  const ok4 = a4 === undefined || a4 === null || num(a4) === 32;
  const ok6 = a6 === undefined || a6 === null || num(a6) === 128;
  if (ok4 && ok6) return;
  emit(
    path,
    `${fmtPath(path)}: Invalid value: "object": serviceSelectors and aggregationLength are mutually exclusive, can only be used together with default aggregationLength (32) and aggregationLengthV6 (128)`,
  );
};

export const bgpAdvertisement = kind({
  spec: obj(
    {
      aggregationLength: int32(1),
      aggregationLengthV6: int32(),
      localPref: uint32(),
      communities: arr(str()),
      ipAddressPools: arr(str()),
      ipAddressPoolSelectors: selectors,
      nodeSelectors: selectors,
      peers: arr(str()),
      serviceSelectors: selectors,
    },
    { checks: [serviceSelectorsVsAggregation] },
  ),
  status: emptyStatus,
});

/** The two CEL rules on connectTime; CEL's duration() parses like Go. */
const connectTimeCheck: Check = (v, path, emit) => {
  if (typeof v !== 'string') return;
  const d = parseGoDuration(v);
  if (!d.ok) return; // reported by the duration type itself
  const p = fmtPath(path);
  const seconds = d.ns / NANOS_PER_SECOND; // truncates toward zero, like getSeconds()
  if (seconds < 1n || seconds > 65535n) emit(path, `${p}: Invalid value: "string": connect time should be between 1 seconds to 65535`);
  const millis = d.ns / 1000000n;
  if (millis % 1000n !== 0n) emit(path, `${p}: Invalid value: "string": connect time should contain a whole number of seconds`);
};

export const bgpPeerV1beta2 = kind({
  spec: obj(
    {
      myASN: uint32(0, 4294967295),
      peerASN: uint32(0, 4294967295),
      localASN: uint32(1, 4294967295),
      dynamicASN: enumOf('internal', 'external'),
      peerAddress: str(),
      interface: str(),
      sourceAddress: str(),
      peerPort: uint16(1, 16384),
      holdTime: duration(),
      keepaliveTime: duration(),
      connectTime: duration({ checks: [connectTimeCheck], durationInCel: true }),
      routerID: str(),
      nodeSelectors: selectors,
      password: str(),
      passwordSecret: obj({ name: str(), namespace: str() }),
      bfdProfile: str(),
      enableGracefulRestart: bool(),
      ebgpMultiHop: bool(),
      vrf: str(),
      disableMP: bool(),
      dualStackAddressFamily: bool(),
    },
    { required: ['myASN'] },
  ),
  status: emptyStatus,
});

/** v1beta1's own node selector: key, operator and at least one value on every expression. */
const v1beta1NodeSelector = obj({
  matchLabels: mapOf(str()),
  matchExpressions: arr(
    obj(
      // the operator: bgppeer-invalid reports it, after the conversion to v1beta2
      { key: str(), operator: str(), values: arr(str(), { minItems: 1 }) },
      { required: ['key', 'operator', 'values'] },
    ),
  ),
});

export const bgpPeerV1beta1 = kind({
  spec: obj(
    {
      myASN: uint32(0, 4294967295),
      peerASN: uint32(0, 4294967295),
      peerAddress: str(),
      sourceAddress: str(),
      peerPort: uint16(0, 16384),
      holdTime: duration(),
      keepaliveTime: duration(),
      routerID: str(),
      nodeSelectors: arr(v1beta1NodeSelector),
      password: str(),
      bfdProfile: str(),
      ebgpMultiHop: bool(),
    },
    { required: ['myASN', 'peerASN', 'peerAddress'] },
  ),
  status: emptyStatus,
});

export const bfdProfile = kind({
  spec: obj({
    receiveInterval: uint32(10, 60000),
    transmitInterval: uint32(10, 60000),
    detectMultiplier: uint32(2, 255),
    echoInterval: uint32(10, 60000),
    echoMode: bool(),
    passiveMode: bool(),
    minimumTtl: uint32(1, 254),
  }),
  status: emptyStatus,
});

export const community = kind({
  spec: obj({ communities: arr(obj({ name: str(), value: str() })) }),
  status: emptyStatus,
});

export const serviceL2Status = kind({
  spec: obj({}),
  status: obj({ node: str(), serviceName: str(), serviceNamespace: str(), interfaces: arr(obj({ name: str() })) }),
});

export const serviceBGPStatus = kind({
  spec: obj({}),
  status: obj({ node: str(), serviceName: str(), serviceNamespace: str(), peers: arr(str()) }),
});

export const configurationState = kind({
  status: obj({
    result: enumOf('Valid', 'Invalid', 'Unknown'),
    errorSummary: str(),
    conditions: arr(
      obj(
        {
          type: str(),
          status: enumOf('True', 'False', 'Unknown'),
          reason: str(),
          message: str(),
          lastTransitionTime: str(),
          observedGeneration: int64(0),
        },
        { required: ['lastTransitionTime', 'message', 'reason', 'status', 'type'] },
      ),
    ),
  }),
});

export const metallbSchemas: Record<string, Schema> = {
  'metallb.io/v1beta1/IPAddressPool': ipAddressPool,
  'metallb.io/v1beta1/L2Advertisement': l2Advertisement,
  'metallb.io/v1beta1/BGPAdvertisement': bgpAdvertisement,
  'metallb.io/v1beta1/BGPPeer': bgpPeerV1beta1,
  'metallb.io/v1beta2/BGPPeer': bgpPeerV1beta2,
  'metallb.io/v1beta1/BFDProfile': bfdProfile,
  'metallb.io/v1beta1/Community': community,
  'metallb.io/v1beta1/ServiceL2Status': serviceL2Status,
  'metallb.io/v1beta1/ServiceBGPStatus': serviceBGPStatus,
  'metallb.io/v1beta1/ConfigurationState': configurationState,
};
