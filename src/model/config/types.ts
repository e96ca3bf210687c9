// MetalLB's configuration parse (config.For in internal/config/config.go, with the mode filter
// of validation.go), re-implemented to report every error rather than the first, each with
// MetalLB's own text, the objects at fault, and where MetalLB rejects it.
import type { FieldPath, KubeObject } from '../../sources/types.js';

export type BGPBackend = 'native' | 'frr' | 'frr-k8s';

/** What MetalLB's config reconciler reads: the objects of its namespace. */
export interface ConfigInput {
  pools: KubeObject[];
  /** the v1beta2 view of every BGPPeer (normalizeBGPPeer) */
  peers: KubeObject[];
  bfdProfiles: KubeObject[];
  communities: KubeObject[];
  l2Advertisements: KubeObject[];
  bgpAdvertisements: KubeObject[];
  /** undefined when the input did not capture them: checks that need them are skipped */
  nodes?: KubeObject[];
  namespaces?: KubeObject[];
  /** Secrets of MetalLB's namespace (type and key names only) */
  secrets?: KubeObject[];
  /** the `bgpextras` ConfigMap, when captured and present */
  bgpExtras?: KubeObject;
  /**
   * BFDProfiles and Communities the input did not capture (absent is not "none"): a peer's
   * bfdProfile, an advertisement's community alias, is then not checked against them
   */
  notCaptured?: ReadonlySet<'BFDProfile' | 'Community'>;
}

export interface ParseContext {
  backend: BGPBackend;
  metallbNamespace: string;
  /** the running MetalLB release (its image tag), when known: checks that changed follow it */
  version?: string;
}

/**
 * Where MetalLB rejects it:
 * - 'webhook': the validating webhook refuses the apply (when it runs: failurePolicy Fail, up);
 * - 'runtime': accepted when applied, then the runtime parse fails and every MetalLB component
 *   keeps its previous configuration (stale) until it is fixed.
 * ('crd' errors, the API server's schema and CEL, are object-schema-invalid's.)
 */
export type Rejection = 'webhook' | 'runtime';

export type ConfigErrorCode =
  // pools (internal/config/config.go addressPoolFromCR, and the overlap check)
  | 'pool-name-missing'
  | 'pool-no-prefixes'
  | 'pool-cidr-invalid'
  | 'pool-overlap'
  | 'pool-namespaces-duplicate'
  | 'pool-selector-duplicate'
  | 'pool-selector-invalid'
  | 'pool-ipv6-native-bgp'
  // peers
  | 'peer-my-asn-missing'
  | 'peer-asn-missing'
  | 'peer-asn-both'
  | 'peer-dynamic-asn-invalid'
  | 'peer-ebgp-multihop-ibgp'
  | 'peer-address-missing'
  | 'peer-address-both'
  | 'peer-address-invalid'
  | 'peer-router-id-invalid'
  | 'peer-source-address-invalid'
  | 'peer-timers-invalid'
  | 'peer-node-selector'
  | 'peer-password-both'
  | 'peer-secret-missing'
  | 'peer-secret-type'
  | 'peer-secret-no-password'
  | 'peer-bfd-profile-missing'
  | 'peer-native-unsupported'
  | 'peer-frr-router-id'
  | 'peer-frr-duplicate'
  | 'peer-frr-my-asn'
  // BFD profiles
  | 'bfd-range'
  | 'bfd-duplicate'
  | 'bfd-native'
  | 'bfd-echo-ipv6'
  // communities
  | 'community-invalid'
  | 'community-duplicate'
  | 'community-large-native'
  // advertisements
  | 'adv-duplicate-entry'
  | 'adv-selector-duplicate'
  | 'adv-selector-invalid'
  | 'adv-service-selectors-aggregation'
  | 'adv-aggregation-range'
  | 'adv-aggregation-prefix'
  | 'adv-localpref-conflict'
  | 'adv-community-invalid'
  // speaker handler
  | 'bgpextras-unsupported';

export interface ConfigError {
  code: ConfigErrorCode;
  /** MetalLB's own error text (the runtime parse's, which the webhook returns too) */
  message: string;
  /** the objects at fault, the first one being where the finding points */
  subjects: { obj: KubeObject; path?: FieldPath }[];
  rejectedBy: Rejection;
  /**
   * MetalLB treats it as transient (a missing BFD profile, Secret or community alias: the
   * webhook blanks those fields, the runtime parse fails until the object appears)
   */
  transient?: boolean;
}

/** The words a finding uses for where MetalLB rejects it. */
export function rejectionText(r: Rejection): string {
  return r === 'webhook'
    ? 'rejected when applied (by the webhook; if it is bypassed, MetalLB keeps its old configuration)'
    : 'accepted when applied, then MetalLB keeps its old configuration';
}
