// The whole parse: every section, in config.For's order, every error (MetalLB stops at the first).
import { asRecord, type ClusterState } from '../../state/cluster-state.js';
import { normalizeBGPPeer } from '../bgppeer-conversion.js';
import type { ConfigError, ConfigInput, ParseContext } from './types.js';
import { parsePoolsSection } from './pools.js';
import { parseCommunitiesSection } from './communities.js';
import { parseAdvertisementsSection } from './advertisements.js';
import { parsePeersSection } from './peers.js';
import { parseBFDSection } from './bfd.js';
import { crossObjectChecks } from './cross.js';

export * from './types.js';

export function parseConfig(input: ConfigInput, ctx: ParseContext): ConfigError[] {
  return [
    ...parsePeersSection(input, ctx),
    ...parseBFDSection(input, ctx),
    ...parseCommunitiesSection(input, ctx),
    ...parsePoolsSection(input, ctx),
    ...parseAdvertisementsSection(input, ctx),
    ...crossObjectChecks(input, ctx),
  ];
}

/** What MetalLB's reconciler reads from a state: its namespace's objects; gaps stay undefined. */
export function configInputFrom(state: ClusterState): ConfigInput {
  const ns = state.metallb.namespace;
  const captured = (kind: string) => (state.isCaptured(kind) ? state.all(kind) : undefined);
  return {
    pools: state.metallbObjects('IPAddressPool'),
    peers: state.metallbObjects('BGPPeer').map(normalizeBGPPeer),
    bfdProfiles: state.metallbObjects('BFDProfile'),
    communities: state.metallbObjects('Community'),
    l2Advertisements: state.metallbObjects('L2Advertisement'),
    bgpAdvertisements: state.metallbObjects('BGPAdvertisement'),
    nodes: captured('Node'),
    namespaces: captured('Namespace'),
    secrets: secretsCaptured(state) ? state.all('Secret').filter((s) => (s.metadata?.namespace ?? ns) === ns) : undefined,
    bgpExtras: state.isCaptured('ConfigMap', ns, 'bgpextras') ? state.get('ConfigMap', ns, 'bgpextras') : undefined,
    notCaptured: new Set((['BFDProfile', 'Community'] as const).filter((k) => !state.isCaptured(k, ns))),
  };
}

/**
 * The Secrets of MetalLB's namespace were read, or each one a BGPPeer's passwordSecret names (a
 * live read takes only the Secrets MetalLB uses, by name). With no such reference nothing is looked up.
 */
function secretsCaptured(state: ClusterState): boolean {
  const ns = state.metallb.namespace;
  if (state.isCaptured('Secret', ns)) return true;
  const names = state.metallbObjects('BGPPeer').map((p) => asRecord(asRecord(p.spec).passwordSecret).name);
  return names.every((n) => typeof n !== 'string' || n === '' || state.isCaptured('Secret', ns, n));
}

const cache = new WeakMap<ClusterState, Map<string, ConfigError[]>>();

/** The parse of a state's configuration under a backend, computed once for all rules. */
export function configErrors(state: ClusterState, backend: ParseContext['backend']): ConfigError[] {
  let byBackend = cache.get(state);
  if (!byBackend) cache.set(state, (byBackend = new Map()));
  let errors = byBackend.get(backend);
  if (!errors) {
    errors = parseConfig(configInputFrom(state), { backend, metallbNamespace: state.metallb.namespace, ...(state.metallb.version ? { version: state.metallb.version } : {}) });
    byBackend.set(backend, errors);
  }
  return errors;
}
