// MetalLB's CustomResourceDefinitions per release: which CRDs a release needs, which API versions
// its components read, and which schema fields arrived when. Read from MetalLB's repository:
// config/crd/kustomization.yaml and config/crd/bases/*.yaml at each tag (v0.13.0 .. v0.16.1),
// internal/k8s/k8s.go and internal/k8s/controllers/*_controller.go (what each component watches).
import type { KubeObject } from '../sources/types.js';
import { asArray, asRecord } from '../state/cluster-state.js';
import type { BGPBackend } from '../state/installation.js';

/** [major, minor, patch] of a MetalLB release. */
export type Release = readonly [number, number, number];

export const releaseText = (r: Release): string => `v${r.join('.')}`;

export function releaseAtLeast(v: Release, r: Release): boolean {
  for (let i = 0; i < 3; i++) if (v[i] !== r[i]) return v[i]! > r[i]!;
  return true;
}

export interface MetalLBCRD {
  /** metadata.name of the CRD */
  name: string;
  kind: string;
  /**
   * core: MetalLB cannot allocate or announce anything without it; config: the other configuration
   * kinds (the reconcilers watch them too); status: objects MetalLB writes
   */
  role: 'core' | 'config' | 'status';
  /**
   * the first release whose components watch or write the kind (for ServiceL2Status: v0.14.6,
   * where the status became unconditional; v0.14.4 and v0.14.5 only shipped the CRD, written behind
   * the speaker's --enable-l2-service-status)
   */
  needed: Release;
  /** the first release that no longer watches it (the legacy AddressPool: v0.14.0) */
  until?: Release;
  /** the API version(s) MetalLB's components read (BGPPeer: v1beta2, the storage version, since v0.13) */
  reads: readonly string[];
  /** needed only with this BGP backend (METALLB_BGP_TYPE) */
  backend?: BGPBackend;
}

/**
 * Does release `r` with BGP backend `backend` watch or write the CRD's kind? An unknown release:
 * every CRD deployed since v0.13 but the legacy AddressPool.
 */
export function neededBy(c: MetalLBCRD, r: Release | undefined, backend: BGPBackend | undefined): boolean {
  if (c.backend !== undefined && c.backend !== backend) return false;
  return r ? releaseAtLeast(r, c.needed) && !(c.until && releaseAtLeast(r, c.until)) : c.until === undefined;
}

/** The API group of a CRD: its name after the plural. */
export const crdGroup = (c: MetalLBCRD): string => c.name.slice(c.name.indexOf('.') + 1);

/**
 * Every CRD of group metallb.io that a release since v0.13 deploys. The legacy AddressPool CRD was
 * deployed until v0.14.2, but only v0.13.x watches it (config and pool reconcilers). And frr-k8s's
 * FRRConfiguration: in frr-k8s mode (v0.14.0+) the speakers' FRRK8sReconciler watches and writes it
 * (internal/k8s/k8s.go); its CRD ships with frr-k8s (the frr-k8s manifest, the Helm subchart).
 */
export const METALLB_CRDS: readonly MetalLBCRD[] = [
  { name: 'ipaddresspools.metallb.io', kind: 'IPAddressPool', role: 'core', needed: [0, 13, 0], reads: ['v1beta1'] },
  { name: 'l2advertisements.metallb.io', kind: 'L2Advertisement', role: 'core', needed: [0, 13, 0], reads: ['v1beta1'] },
  { name: 'bgpadvertisements.metallb.io', kind: 'BGPAdvertisement', role: 'core', needed: [0, 13, 0], reads: ['v1beta1'] },
  { name: 'bgppeers.metallb.io', kind: 'BGPPeer', role: 'config', needed: [0, 13, 0], reads: ['v1beta2'] },
  { name: 'bfdprofiles.metallb.io', kind: 'BFDProfile', role: 'config', needed: [0, 13, 0], reads: ['v1beta1'] },
  { name: 'communities.metallb.io', kind: 'Community', role: 'config', needed: [0, 13, 0], reads: ['v1beta1'] },
  { name: 'addresspools.metallb.io', kind: 'AddressPool', role: 'config', needed: [0, 13, 0], until: [0, 14, 0], reads: ['v1beta1'] },
  { name: 'servicel2statuses.metallb.io', kind: 'ServiceL2Status', role: 'status', needed: [0, 14, 6], reads: ['v1beta1'] },
  { name: 'servicebgpstatuses.metallb.io', kind: 'ServiceBGPStatus', role: 'status', needed: [0, 15, 0], reads: ['v1beta1'] },
  { name: 'configurationstates.metallb.io', kind: 'ConfigurationState', role: 'status', needed: [0, 15, 3], reads: ['v1beta1'] },
  { name: 'frrconfigurations.frrk8s.metallb.io', kind: 'FRRConfiguration', role: 'config', needed: [0, 14, 0], reads: ['v1beta1'], backend: 'frr-k8s' },
];

export interface CRDField {
  crd: string;
  version: string;
  /** under the version's openAPIV3Schema, e.g. ['spec', 'serviceAllocation'] */
  path: readonly [string, string];
  /** the first release whose CRD declares it (config/crd/bases at the tag) */
  since: Release;
  /** what the API server drops without it */
  what: string;
}

/** Fields that arrived after v0.13.0, in the version MetalLB reads. */
export const CRD_FIELDS: readonly CRDField[] = [
  { crd: 'ipaddresspools.metallb.io', version: 'v1beta1', path: ['spec', 'avoidBuggyIPs'], since: [0, 13, 4], what: 'avoidBuggyIPs' },
  { crd: 'ipaddresspools.metallb.io', version: 'v1beta1', path: ['spec', 'serviceAllocation'], since: [0, 13, 8], what: 'serviceAllocation' },
  { crd: 'ipaddresspools.metallb.io', version: 'v1beta1', path: ['status', 'assignedIPv4'], since: [0, 15, 0], what: 'status counters (assignedIPv4/IPv6, availableIPv4/IPv6) the controller writes' },
  { crd: 'l2advertisements.metallb.io', version: 'v1beta1', path: ['spec', 'interfaces'], since: [0, 13, 6], what: 'interfaces' },
  { crd: 'l2advertisements.metallb.io', version: 'v1beta1', path: ['spec', 'serviceSelectors'], since: [0, 16, 0], what: 'serviceSelectors' },
  { crd: 'bgpadvertisements.metallb.io', version: 'v1beta1', path: ['spec', 'serviceSelectors'], since: [0, 16, 0], what: 'serviceSelectors' },
  { crd: 'bgppeers.metallb.io', version: 'v1beta2', path: ['spec', 'vrf'], since: [0, 13, 8], what: 'vrf' },
  { crd: 'bgppeers.metallb.io', version: 'v1beta2', path: ['spec', 'connectTime'], since: [0, 14, 4], what: 'connectTime' },
  { crd: 'bgppeers.metallb.io', version: 'v1beta2', path: ['spec', 'enableGracefulRestart'], since: [0, 14, 6], what: 'enableGracefulRestart' },
  { crd: 'bgppeers.metallb.io', version: 'v1beta2', path: ['spec', 'dynamicASN'], since: [0, 14, 9], what: 'dynamicASN' },
  { crd: 'bgppeers.metallb.io', version: 'v1beta2', path: ['spec', 'interface'], since: [0, 15, 0], what: 'interface' },
  { crd: 'bgppeers.metallb.io', version: 'v1beta2', path: ['spec', 'dualStackAddressFamily'], since: [0, 15, 0], what: 'dualStackAddressFamily' },
  { crd: 'bgppeers.metallb.io', version: 'v1beta2', path: ['spec', 'localASN'], since: [0, 16, 0], what: 'localASN' },
  { crd: 'servicel2statuses.metallb.io', version: 'v1beta1', path: ['status', 'serviceName'], since: [0, 14, 6], what: 'status.serviceName/serviceNamespace the speaker writes' },
];

/** The CRDs of group metallb.io in the input, by name. */
export function metallbCRDsIn(crds: readonly KubeObject[]): Map<string, KubeObject> {
  const out = new Map<string, KubeObject>();
  for (const c of crds) {
    const name = c.metadata?.name;
    if (typeof name === 'string' && name.endsWith('.metallb.io')) out.set(name, c);
  }
  return out;
}

export interface CRDVersionView {
  index: number;
  name: string;
  served: boolean;
  /**
   * the properties of `spec`/`status` in its schema (empty when the schema has no such part);
   * undefined when the input holds no schema for the version, or the part keeps unknown fields
   */
  properties: { spec?: ReadonlySet<string>; status?: ReadonlySet<string> };
}

/** spec.versions of a CRD as read defensively (entries without a string name are skipped). */
export function crdVersions(crd: KubeObject): CRDVersionView[] {
  const out: CRDVersionView[] = [];
  asArray(asRecord(crd.spec).versions).forEach((v, index) => {
    const r = asRecord(v);
    if (typeof r.name !== 'string') return;
    const top = asRecord(asRecord(asRecord(r.schema).openAPIV3Schema).properties);
    // no schema in the input (a capture that left it out): nothing can be concluded
    const hasSchema = Object.keys(top).length > 0;
    const props = (part: string): ReadonlySet<string> | undefined => {
      if (!hasSchema) return undefined;
      const p = asRecord(top[part]);
      // a schema that keeps unknown fields prunes nothing: nothing can be missing
      if (p['x-kubernetes-preserve-unknown-fields'] === true) return undefined;
      return new Set(Object.keys(asRecord(p.properties)));
    };
    // served is required in a CRD; an input that left it out is not taken to mean "not served"
    out.push({ index, name: r.name, served: r.served !== false, properties: { spec: props('spec'), status: props('status') } });
  });
  return out;
}
