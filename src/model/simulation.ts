// The allocator run once over a ClusterState: what MetalLB's controller would decide for every
// Service, shared by all rules that read it (memoised per state).
import type { KubeObject } from '../sources/types.js';
import type { ClusterState } from '../state/cluster-state.js';
import { asRecord } from '../state/cluster-state.js';
import { allocate, type AllocationOutput, type ReadCache, type ServiceResult } from './allocator/index.js';
import { poolFromCR, poolCompatible, type Pool } from './allocator/allocator.js';
import { annotationKey, annotationValue, desiredLbIPs, type ServiceInfo, type ServiceStandIn } from './allocator/service-info.js';
import { metallbLoadBalancerClass } from './lb-class.js';
import { versionAtLeast } from '../state/installation.js';
import { configInputFrom } from './config/index.js';
import { parsePoolsSection } from './config/pools.js';
import { parseCommunitiesSection } from './config/communities.js';

export interface Simulation {
  output: AllocationOutput;
  /** the allocator's view of the pools (order = input order of named pools) */
  pools: Pool[];
  byService: Map<KubeObject, ServiceResult>;
  info: Map<KubeObject, ServiceInfo>;
  /**
   * MetalLB's controller rejects this configuration (its pools or communities do not parse): it
   * keeps the pools it loaded before, or has none if it starts now. What the allocation shows is
   * what this configuration gives once it is fixed.
   */
  rejected?: string;
}

const cache = new WeakMap<ClusterState, Simulation>();
/** Per lineage (a state and the what-ifs derived from it), what its last allocation read of its Services. */
const readCaches = new WeakMap<object, ReadCache>();

export const ASSUMED_CLUSTER_IP =
  'the Service has no clusterIP in the input (a manifest): its IP family was taken from spec.ipFamilies, else IPv4';
export const ASSUMED_NAMESPACE = 'the Service has no namespace in the input: taken to be "default"';

/**
 * The caveats of the stand-ins, one frozen list per combination, shared by every Service it
 * applies to (a manifest set's 15,000 Services would otherwise each hold a list of its own).
 */
const STAND_IN_NOTES: Record<'none' | 'clusterIP' | 'namespace' | 'both', readonly string[]> = {
  none: Object.freeze([]),
  clusterIP: Object.freeze([ASSUMED_CLUSTER_IP]),
  namespace: Object.freeze([ASSUMED_NAMESPACE]),
  both: Object.freeze([ASSUMED_CLUSTER_IP, ASSUMED_NAMESPACE]),
};

/** A Service lacking nothing (the usual case): one answer for all. */
const COMPLETE: { standIn?: ServiceStandIn; notes: readonly string[] } = Object.freeze({ notes: STAND_IN_NOTES.none });

/**
 * Services from manifests have no clusterIP (the API server assigns it) and may lack a namespace:
 * without them MetalLB's controller would not even look at them, so we stand in plausible values
 * (documentation addresses, never compared with anything) and note it.
 */
function completeService(svc: KubeObject): { standIn?: ServiceStandIn; notes: readonly string[] } {
  const spec = asRecord(svc.spec);
  const hasIPs = (Array.isArray(spec.clusterIPs) && spec.clusterIPs.length > 0) || (typeof spec.clusterIP === 'string' && spec.clusterIP !== '');
  const noClusterIP = !hasIPs && spec.type === 'LoadBalancer';
  const noNamespace = !svc.metadata?.namespace;
  if (!noClusterIP && !noNamespace) return COMPLETE;
  let families: unknown[] = [];
  if (noClusterIP) {
    const fams = (Array.isArray(spec.ipFamilies) ? spec.ipFamilies : []).filter((f) => f === 'IPv4' || f === 'IPv6');
    families = fams.length > 0 ? fams : ['IPv4'];
    if (spec.ipFamilyPolicy === 'RequireDualStack' && families.length < 2) families = families[0] === 'IPv6' ? ['IPv6', 'IPv4'] : ['IPv4', 'IPv6'];
    if (spec.ipFamilyPolicy !== 'RequireDualStack' && spec.ipFamilyPolicy !== 'PreferDualStack') families = families.slice(0, 1);
  }
  // no copy of the Service: the allocator reads the stand-ins beside it
  return { standIn: sharedStandIn(families.slice(0, 2), noNamespace), notes: STAND_IN_NOTES[noClusterIP && noNamespace ? 'both' : noClusterIP ? 'clusterIP' : 'namespace'] };
}

const standIns = new Map<string, ServiceStandIn>();

/**
 * The stand-in for these families (none: the Service has its clusterIPs) and namespace, one per
 * combination: the allocator and the Service infos only read it, and its clusterIPs list is each
 * info's, so 15,000 Services share a handful instead of holding one each.
 */
function sharedStandIn(families: unknown[], noNamespace: boolean): ServiceStandIn {
  const key = `${families.join(',')}/${noNamespace}`;
  let standIn = standIns.get(key);
  if (!standIn) {
    standIn = {};
    if (families.length > 0) standIn.clusterIPs = Object.freeze(families.map((f) => (f === 'IPv6' ? 'fd00:10:96::a' : '10.96.0.10'))) as string[];
    if (noNamespace) standIn.namespace = 'default';
    standIns.set(key, Object.freeze(standIn));
  }
  return standIn;
}

export function simulationOf(state: ClusterState): Simulation {
  let sim = cache.get(state);
  if (sim) return sim;
  const originals = state.isCaptured('Service') ? state.all('Service') : [];
  const completed = originals.map(completeService);
  const namespaces = state.isCaptured('Namespace') ? state.all('Namespace') : undefined;
  const originalPools = state.metallbObjects('IPAddressPool');
  const cls = metallbLoadBalancerClass(state);
  const output = allocate({
    pools: originalPools,
    services: originals,
    standIns: completed.map((c) => c.standIn),
    namespaces,
    lbClass: cls.value,
    everyClass: cls.everyClass === true,
    running: state.controllerRunning,
    // the Warning came with v0.14.9; unknown versions are taken as the newest
    deprecatedAnnotationEvents: emitsDeprecatedAnnotationEvents(state.metallb.version),
    legacyAnnotations: legacyAnnotationsOnly(state),
    emptyPoolIsError: versionAtLeast(state.metallb.version, 0, 16, 0) ?? true,
    reads: readCacheOf(state.lineage),
  });
  // the stand-ins' caveats go first in each result's notes
  output.services.forEach((r, i) => {
    const own = completed[i]!.notes;
    // the shared list itself when the allocator has no notes of its own: nothing writes a result's
    // notes once the simulation is built (and it is frozen, so nothing can)
    if (own.length > 0) r.notes = r.notes ? [...own, ...r.notes] : (own as string[]);
  });
  const byService = new Map<KubeObject, ServiceResult>();
  const info = new Map<KubeObject, ServiceInfo>();
  for (let i = 0; i < originals.length; i++) {
    byService.set(originals[i]!, output.services[i]!);
    info.set(originals[i]!, output.infos[i]!);
  }
  const pools: Pool[] = [];
  originalPools.forEach((p, i) => {
    const pool = poolFromCR(p, i, namespaces);
    if (pool.name !== '') pools.push(pool);
  });
  sim = { output, pools, byService, info };
  const rejected = controllerRejection(state);
  if (rejected) {
    sim.rejected = rejected;
    // a fresh allocation does not happen while the configuration is rejected
    const note = Object.freeze([rejected]) as string[];
    for (const r of output.services) if (r.state === 'allocated') r.notes = r.notes ? [...r.notes, rejected] : note;
  }
  cache.set(state, sim);
  return sim;
}

function readCacheOf(lineage: object): ReadCache {
  let c = readCaches.get(lineage);
  if (!c) readCaches.set(lineage, (c = {}));
  return c;
}

/**
 * The controller's configuration (pool_controller.go: the IPAddressPools, Communities and
 * Namespaces through config.For) does not parse: one sentence naming the first error, or undefined.
 */
function controllerRejection(state: ClusterState): string | undefined {
  if (!state.isCaptured('IPAddressPool', state.metallb.namespace) || state.metallbObjects('IPAddressPool').length === 0) return undefined;
  const input = configInputFrom(state);
  // the controller parses without a BGP backend: the backend-specific checks are the speakers'
  const ctx = { backend: 'frr' as const, metallbNamespace: state.metallb.namespace };
  const errors = [...parsePoolsSection(input, ctx), ...parseCommunitiesSection(input, ctx)];
  if (errors.length === 0) return undefined;
  const first = errors[0]!;
  const rule = first.code.startsWith('community') ? 'bgp-community-invalid' : first.code === 'pool-overlap' ? 'pool-overlap' : /selector|namespaces/.test(first.code) ? 'pool-selector-invalid' : 'pool-address-invalid';
  return (
    `MetalLB's controller rejects this configuration (${first.message}${errors.length > 1 ? `, and ${errors.length - 1} more error(s)` : ''}; see ${rule}): ` +
    'it keeps the pools it loaded before (none, if it starts now), so an address it has not handed out yet is only what this configuration gives once it is fixed'
  );
}

export function emitsDeprecatedAnnotationEvents(version: string | undefined): boolean {
  return versionAtLeast(version, 0, 14, 9) ?? true;
}

/** MetalLB before v0.14.9 reads only the metallb.universe.tf/* annotations (metallb.io/* came then); unknown versions are taken as the newest. */
export function legacyAnnotationsOnly(state: ClusterState): boolean {
  return versionAtLeast(state.metallb.version, 0, 14, 9) === false;
}

/** Drops a state's simulation (a what-if's baseline, once the what-if is built). */
export function releaseSimulation(state: ClusterState): void {
  cache.delete(state);
}

/** What MetalLB's controller would decide for every Service of the state (memoised per state). */
export function allocationOf(state: ClusterState): AllocationOutput {
  return simulationOf(state).output;
}

/** The allocator's result for one Service of the state. */
export function resultFor(state: ClusterState, svc: KubeObject): ServiceResult | undefined {
  return simulationOf(state).byService.get(svc);
}

/**
 * Whether the allocation question can be asked at all: Services and pools captured, and at least
 * one pool. Without pools MetalLB clears every Service (pool-missing reports that).
 */
export function simulationApplies(state: ClusterState): boolean {
  // the pools MetalLB reads are its namespace's: captured there is captured
  return state.isCaptured('Service') && state.isCaptured('IPAddressPool', state.metallb.namespace) && simulationOf(state).pools.length > 0;
}

/** The Services MetalLB handles (right class, LoadBalancer) with the allocator's result. */
export function handledServices(state: ClusterState): readonly HandledService[] {
  if (!simulationApplies(state)) return [];
  const sim = simulationOf(state);
  // many rules ask: one list per simulation
  let out = handled.get(sim);
  if (!out) {
    const list: HandledService[] = [];
    for (const [svc, result] of sim.byService) if (result.state !== 'ignored') list.push({ svc, result, info: sim.info.get(svc)! });
    handled.set(sim, (out = Object.freeze(list)));
  }
  return out;
}

export interface HandledService {
  svc: KubeObject;
  result: ServiceResult;
  info: ServiceInfo;
}
const handled = new WeakMap<Simulation, readonly HandledService[]>();

/** Pools that could serve the Service by automatic allocation: pinned and compatible, else the plain pools. */
export function autoAssignCandidates(state: ClusterState, info: ServiceInfo): { pinned: Pool[]; fallback: Pool[] } {
  const pools = simulationOf(state).pools.filter((p) => p.autoAssign);
  const pinned = pools.filter(
    (p) => p.serviceAllocation && (p.serviceAllocation.namespaces.size > 0 || p.serviceAllocation.serviceSelectors.length > 0) && poolCompatible(p, info),
  );
  return { pinned, fallback: pools.filter((p) => !p.serviceAllocation) };
}

/** The annotation key that carries the address-pool request as the state's release reads it (metallb.io wins over the old key from v0.14.9). */
export function poolAnnotationKey(state: ClusterState, svc: KubeObject): string | undefined {
  return annotationKey(svc.metadata?.annotations ?? {}, 'address-pool', legacyAnnotationsOnly(state));
}

/** Where the Service requests its addresses: the loadBalancerIPs annotation or spec.loadBalancerIP. */
export function requestPath(state: ClusterState, svc: KubeObject): (string | number)[] | undefined {
  const a = svc.metadata?.annotations ?? {};
  const legacy = legacyAnnotationsOnly(state);
  if (annotationValue(a, 'loadBalancerIPs', legacy) !== '') return ['metadata', 'annotations', annotationKey(a, 'loadBalancerIPs', legacy)!];
  const lb = asRecord(svc.spec).loadBalancerIP;
  if (typeof lb === 'string' && lb !== '') return ['spec', 'loadBalancerIP'];
  return undefined;
}

export function requestsIPs(info: ServiceInfo): boolean {
  const d = desiredLbIPs(info);
  return 'error' in d || d.ips.length > 0;
}

export function serviceName(svc: KubeObject): string {
  return `${svc.metadata?.namespace || 'default'}/${svc.metadata?.name ?? ''}`;
}

/** "It might instead ..." when MetalLB's choice among pools is not deterministic. */
export function alternativesText(r: ServiceResult): string {
  if (!r.alternatives || r.alternatives.length < 2) return '';
  return ` (MetalLB's choice among pools is not deterministic here: it may take ${r.alternatives.map((a) => `${a.ips.join(',')} from "${a.pool}"`).join(' or ')})`;
}

export type PendingCauseKind =
  | 'pool-unknown'
  | 'requested-ip-outside-pools'
  | 'ip-family'
  | 'no-eligible-pool'
  | 'sharing-conflict'
  | 'requested-ip-in-use'
  | 'pool-exhausted'
  | 'other';

export interface PendingCause {
  kind: PendingCauseKind;
  /** the pools the Service could have used (exhaustion, family): by name */
  pools: string[];
}

/**
 * Why the allocator leaves a handled Service pending, read off MetalLB's own error text (the
 * AllocationFailed message) plus, for the bare "no available IPs", which pools it could use.
 */
export function pendingCause(state: ClusterState, svc: KubeObject): PendingCause | undefined {
  const sim = simulationOf(state);
  const r = sim.byService.get(svc);
  const info = sim.info.get(svc);
  if (!r || !info || r.state !== 'pending') return undefined;
  const msg = r.message ?? '';
  if (r.reason !== 'AllocationFailed') return { kind: 'other', pools: [] };
  const poolOf = (m: RegExpMatchArray | null) => (m ? [m[1]!] : []);
  if (/: unknown pool "/.test(msg)) return { kind: 'pool-unknown', pools: [] };
  if (/ for (ipv4|ipv6|dual) IPFamily$/.test(msg)) return { kind: 'ip-family', pools: poolOf(msg.match(/no available IPs in pool (\S+) for/)) };
  if (/does not match the ipFamily of the service|has the same family|IPFamilyForAddresses/.test(msg)) return { kind: 'ip-family', pools: [] };
  // a single-family Service and a pool without that family, or (before v0.16.0) a pool with nothing
  // free: MetalLB selects a nil address, which no pool holds
  if (/\["<nil>"\] is not allowed in config$/.test(msg)) {
    const pools = info.desiredPool ? [info.desiredPool] : [];
    const cap = sim.output.pools.find((u) => u.pool === info.desiredPool)?.capacity;
    const family = info.clusterIPs[0]?.includes(':') ? 'ipv6' : 'ipv4';
    return { kind: cap && cap[family] > 0n ? 'pool-exhausted' : 'ip-family', pools };
  }
  if (/ is not allowed in config$/.test(msg)) return { kind: 'requested-ip-outside-pools', pools: [] };
  if (/not compatible for ip assignment$|is not compatible with requested address pool/.test(msg)) return { kind: 'no-eligible-pool', pools: [] };
  if (/can't change sharing key|is already in use on "/.test(msg)) {
    return { kind: info.sharingKey === '' ? 'requested-ip-in-use' : 'sharing-conflict', pools: [] };
  }
  const inPool = msg.match(/: no available IPs in pool (\S+)$/);
  if (inPool) return { kind: 'pool-exhausted', pools: [inPool[1]!] };
  if (/: no available IPs$/.test(msg)) {
    const { pinned, fallback } = autoAssignCandidates(state, info);
    const candidates = [...pinned, ...fallback];
    if (candidates.length === 0) return { kind: 'no-eligible-pool', pools: [] };
    const usage = new Map(sim.output.pools.map((u) => [u.pool, u]));
    const fams = info.clusterIPs.map((ip) => (ip.includes(':') ? 'ipv6' : 'ipv4') as 'ipv4' | 'ipv6');
    const dual = fams.length === 2;
    const fits = candidates.filter((p) => {
      const cap = usage.get(p.name)?.capacity;
      if (!cap) return false;
      if (dual && info.policy === 'RequireDualStack') return cap.ipv4 > 0n && cap.ipv6 > 0n;
      return fams.some((f) => cap[f] > 0n);
    });
    if (fits.length === 0) return { kind: 'ip-family', pools: candidates.map((p) => p.name) };
    return { kind: 'pool-exhausted', pools: fits.map((p) => p.name) };
  }
  return { kind: 'other', pools: [] };
}

/** The words for a pending cause, as service-pending says it. */
export const CAUSE_RULE: Record<PendingCauseKind, string | undefined> = {
  'pool-unknown': 'service-pool-unknown',
  'requested-ip-outside-pools': 'service-requested-ip-outside-pools',
  'ip-family': 'service-ip-family-unsatisfiable',
  'no-eligible-pool': 'service-no-eligible-pool',
  'sharing-conflict': 'service-sharing-conflict',
  'requested-ip-in-use': 'service-requested-ip-in-use',
  'pool-exhausted': 'service-pool-exhausted',
  other: undefined,
};

/** The pending handled Services with their causes, found once per simulation (nine rules ask, one cause each). */
function pendingOf(state: ClusterState): { uncertain: boolean; pending: readonly { h: HandledService; cause: PendingCause }[] } {
  const sim = simulationOf(state);
  let hit = pendingMemo.get(sim);
  if (!hit) {
    const pending: { h: HandledService; cause: PendingCause }[] = [];
    for (const h of handledServices(state)) {
      if (h.result.state !== 'pending') continue;
      const cause = pendingCause(state, h.svc);
      if (cause) pending.push({ h, cause });
    }
    hit = { uncertain: sim.output.services.some((r) => r.alternatives && r.alternatives.length > 1), pending };
    pendingMemo.set(sim, hit);
  }
  return hit;
}
const pendingMemo = new WeakMap<Simulation, ReturnType<typeof pendingOf>>();

/** The handled Services the allocator leaves pending for one cause, with what to quote. */
export function pendingFor(state: ClusterState, kind: PendingCauseKind): { svc: KubeObject; result: ServiceResult; info: ServiceInfo; cause: PendingCause; evidence: string[] }[] {
  const out = [];
  const { uncertain, pending } = pendingOf(state);
  for (const { h, cause } of pending) {
    if (cause.kind !== kind) continue;
    const evidence = [`MetalLB's controller: Warning AllocationFailed "${h.result.message}"`, ...(h.result.notes ?? [])];
    if (uncertain && (kind === 'pool-exhausted' || kind === 'sharing-conflict' || kind === 'requested-ip-in-use')) {
      evidence.push("MetalLB's pool choice for some Services is not deterministic, and Services compete in processing order: the real controller may have decided differently");
    }
    out.push({ ...h, cause, evidence });
  }
  return out;
}
