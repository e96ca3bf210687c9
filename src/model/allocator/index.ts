// One "reprocess all" pass of MetalLB's controller over a cluster snapshot, as a freshly started
// controller does it (metallb-semantics.md section 3): state is rebuilt from the Services' status,
// Services already holding ingress IPs go first (more IPs first), then the rest.
//
// Order: MetalLB lists Services from its informer's cache (a map: random order) and sort.Slice's
// them by ingress count, which is not stable; then later events arrive in informer order. We use
// ingress count descending, then namespace/name, and say so where it decides: two Services that
// hold one address they may not share (noteContestedAddresses). Where order matters otherwise
// (competition for the last free address), a real controller may have decided differently.
import type { KubeObject } from '../../sources/types.js';
import { formatIP, formatsAs, parseIP, type IP } from '../address.js';
import { Allocator, poolCompatible, poolFromCR, selectIPs, type Candidate, type Pool, type Result } from './allocator.js';
import {
  clusterFamily,
  desiredLbIPs,
  familyForIPs,
  goQuoteList,
  ipText,
  ipsText,
  serviceInfo,
  type FamilyPolicy,
  type ServiceFamily,
  type ServiceInfo,
  type ServiceStandIn,
  DEPRECATED_PREFIX,
} from './service-info.js';

export interface AllocationInput {
  /** IPAddressPools MetalLB sees */
  pools: KubeObject[];
  /** all Services (non-LoadBalancer ones are 'ignored') */
  services: KubeObject[];
  /** for namespaceSelectors; undefined = not captured (results that depend on it say so in notes) */
  namespaces?: KubeObject[];
  /** MetalLB's --lb-class ('' / undefined = none) */
  lbClass?: string;
  /** MetalLB before v0.13.0 filters by no class: every LoadBalancer Service is its (default false) */
  everyClass?: boolean;
  /**
   * MetalLB v0.14.9+ emits a Warning `deprecatedAnnotation` per metallb.universe.tf/* annotation
   * whenever it writes the Service (default true: the newest behaviour)
   */
  deprecatedAnnotationEvents?: boolean;
  /**
   * MetalLB v0.16.0 and later fail a request from a pool with nothing free with "no available IPs
   * in pool X"; before, the empty address went on to Assign and failed as `["<nil>"] is not allowed
   * in config` (commit dc46c0f50). Default true (the newest behaviour).
   */
  emptyPoolIsError?: boolean;
  /** MetalLB before v0.14.9 reads only the metallb.universe.tf/* annotations (default false) */
  legacyAnnotations?: boolean;
  /** per Service (by input index), what the input lacks and is stood in for (see simulation.ts) */
  standIns?: (ServiceStandIn | undefined)[];
  /**
   * A running controller after a change (what-ifs), not a restarted one: its allocator still
   * holds every address that lies in a pool (SetPools re-homes them), so the holders of such
   * addresses keep them before anyone else is given one.
   */
  running?: boolean;
  /**
   * The reads of the last allocation of a state of the same lineage (a what-if's base), which this
   * one reuses for the Services it holds at the same place, and then replaces with its own.
   */
  reads?: ReadCache;
}

/** What an allocation read of its Services (see AllocationInput.reads). */
export interface ReadCache {
  services?: readonly KubeObject[];
  reads?: readonly ServiceRead[];
}

export interface ServiceEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

export interface ServiceResult {
  service: KubeObject;
  /** kept = already held a valid address, which a restarted controller keeps */
  state: 'allocated' | 'kept' | 'pending' | 'ignored';
  /** Go canonical text, in status order */
  ips: string[];
  pool?: string;
  /**
   * Why pending or ignored (or, for a kept Service, why the controller stopped early): MetalLB's
   * event reason ('AllocationFailed', 'LoadBalancerFailed', 'not enough clusterips',
   * 'noclusterIPsIPFamily') or ours ('otherLoadBalancerClass', 'notLoadBalancer', 'noPools', 'noClusterIP').
   */
  reason?: string;
  /** MetalLB's own error text, as its event carries it */
  message?: string;
  /** where MetalLB's pool choice is not deterministic: every outcome it might produce, the first being ips/pool */
  alternatives?: { pool: string; ips: string[] }[];
  /** the events MetalLB's controller would emit for this Service during this pass, in order */
  events: ServiceEvent[];
  /** caveats about this result (missing input, known MetalLB instabilities) */
  notes?: string[];
}

export interface PoolUsage {
  pool: string;
  capacity: { ipv4: bigint; ipv6: bigint };
  /** distinct IPs in use (a shared IP counts once) */
  used: { ipv4: bigint; ipv6: bigint };
}

export interface AllocationOutput {
  /** in input order */
  services: ServiceResult[];
  /** in input order */
  pools: PoolUsage[];
  /** Service keys ("ns/name") in the order this model processed them */
  order: string[];
  /** what the allocator read of each Service, in input order (callers reuse it instead of reading again) */
  infos: ServiceInfo[];
}

const NS_NOT_CAPTURED =
  'Namespaces were not captured: namespaceSelectors in IPAddressPool serviceAllocation were taken to match no namespace';

interface Best {
  chosen: Candidate;
  /** the deciding group's candidates, in order (undefined: the pool has nothing) */
  group: readonly (Candidate | undefined)[];
  /** the families (mask: 1 = IPv4, 2 = IPv6) a candidate of the deciding class offers */
  need: number;
}

function offers(c: Candidate, need: number): boolean {
  const mask = (c.ipv4 !== undefined ? 1 : 0) | (c.ipv6 !== undefined ? 2 : 0);
  return (mask & need) === need;
}

export function allocate(input: AllocationInput): AllocationOutput {
  const pools: Pool[] = [];
  input.pools.forEach((p, i) => {
    const pool = poolFromCR(p, i, input.namespaces);
    if (pool.name !== '') pools.push(pool);
  });
  const a = new Allocator(pools);
  a.emptyPoolIsError = input.emptyPoolIsError ?? true;
  const nsUnknown = input.namespaces === undefined && pools.some((p) => p.serviceAllocation?.hasNamespaceSelectors);
  const lbClass = input.lbClass ? input.lbClass : undefined;

  const previous = input.reads;
  const reads = input.services.map((svc, i) => {
    const standIn = input.standIns?.[i];
    const legacy = input.legacyAnnotations ?? false;
    // the same object at the same place in the base's list: what it read (an object never changes)
    const before = previous?.services?.[i] === svc ? previous.reads![i]! : undefined;
    if (before !== undefined && before.standIn === standIn && before.info.legacyAnnotations === legacy) return before;
    return readService(svc, standIn, legacy);
  });
  if (previous) {
    previous.services = input.services;
    previous.reads = reads;
  }
  const infos = reads.map((read) => read.info);
  // most results never get an event, and every one handled gets its own address list: the lists
  // they start with are shared (frozen, so a write to them could not go unnoticed)
  const results: ServiceResult[] = infos.map((info) => ({ service: info.svc, state: 'pending', ips: NO_IPS, events: NO_EVENTS }));

  const todo: number[] = [];
  infos.forEach((info, i) => {
    const r = results[i]!;
    if (!input.everyClass && info.loadBalancerClass !== lbClass) {
      r.state = 'ignored';
      r.reason = 'otherLoadBalancerClass';
    } else if (info.type !== 'LoadBalancer') {
      r.state = 'ignored';
      r.reason = 'notLoadBalancer';
    } else todo.push(i);
  });
  // each Service's status addresses, parsed once for the hold, the sort and convergeBalancer (IPs are never changed)
  const statusParsed = reads.map((read) => read.status);
  const held = input.running ? new Set(todo.filter((i) => statusParsed[i]!.length > 0 && a.poolFor(statusParsed[i]!) !== undefined)) : undefined;
  // the held first, then more status addresses first: one number per Service, not set lookups per comparison
  // (2^40 exceeds any count of addresses)
  const rank = new Float64Array(infos.length);
  for (const i of todo) rank[i] = (held?.has(i) ? -(2 ** 40) : 0) - infos[i]!.statusIPs.length;
  todo.sort((x, y) => {
    const d = rank[x]! - rank[y]!;
    if (d !== 0) return d;
    const kx = infos[x]!.key;
    const ky = infos[y]!.key;
    return kx < ky ? -1 : kx > ky ? 1 : x - y;
  });

  // pools pinned by namespace or by service selector, grouped by priority (> 0 ascending, then 0)
  const pinnedCandidates = pools.filter(
    (p) => p.autoAssign && p.serviceAllocation && (p.serviceAllocation.namespaces.size > 0 || p.serviceAllocation.serviceSelectors.length > 0),
  );
  // Go ranges over its pool map: order unknown, input order stands for it
  const fallback = pools.filter((p) => p.autoAssign && !p.serviceAllocation);

  // a running controller holds every address still inside a pool before it reprocesses anyone
  if (held) for (const i of todo) if (held.has(i)) a.hold(infos[i]!, statusParsed[i]!);

  for (const i of todo) {
    converge(a, infos[i]!, results[i]!, pools, pinnedCandidates, fallback, reads[i]!);
    if (input.deprecatedAnnotationEvents !== false) deprecatedAnnotationEvents(infos[i]!, results[i]!);
    if (nsUnknown) (results[i]!.notes ??= []).push(NS_NOT_CAPTURED);
  }

  // controller/main.go: a Service that gave up addresses still inside a pool makes the controller
  // reprocess every Service (SyncStateReprocessAll), so one that failed earlier in the pass for
  // want of an address tries again. Only those can change: the others converge as before. Each
  // retry pass frees nothing (a pending Service holds nothing), so one more pass settles it.
  const freedInPool = todo.some((i) => {
    const r = results[i]!;
    const had = infos[i]!.statusIPs;
    if (had.length === 0 || r.state === 'kept') return false;
    const held = new Set(r.ips);
    const freed = had.filter((ip) => !held.has(ip)).map((t) => parseIP(t));
    return freed.length > 0 && freed.every((ip) => ip !== undefined) && a.poolFor(freed) !== undefined;
  });
  if (freedInPool) {
    for (const i of todo) {
      const r = results[i]!;
      if (r.state !== 'pending' || r.reason !== 'AllocationFailed') continue;
      // the controller wrote the cleared status: the retry sees the Service without addresses
      const again = infos[i]!.statusIPs.length > 0 ? { ...infos[i]!, statusIPs: [] } : infos[i]!;
      const before = r.events.length;
      delete r.reason;
      delete r.message;
      delete r.alternatives;
      converge(a, again, r, pools, pinnedCandidates, fallback);
      // failing again adds nothing new (the same AllocationFailed event, counted twice by Kubernetes)
      if (r.state === 'pending' && r.events.length !== before) r.events.length = before;
      else (r.notes ??= []).push('allocated when MetalLB reprocessed every Service after another one gave up its address');
    }
  }

  noteContestedAddresses(todo, infos, results, held);

  return {
    services: results,
    pools: pools.map((p) => ({ pool: p.name, capacity: a.capacity(p), used: a.usage(p) })),
    order: todo.map((i) => infos[i]!.key),
    infos,
  };
}

/**
 * Two Services whose statuses hold the same address, which they may not share: the one the
 * controller processes first keeps it. It processes Services with more addresses first (an
 * unstable sort of the informer's list, in random order), so between two with as many addresses
 * either may win; the simulation takes them by name and says so on both.
 */
function noteContestedAddresses(todo: readonly number[], infos: readonly ServiceInfo[], results: ServiceResult[], held: ReadonlySet<number> | undefined): void {
  // the Services that gave up a status address to another (rare): nothing to do without one
  const losers = todo.filter((i) => results[i]!.events.some((e) => e.reason === 'ClearAssignment'));
  if (losers.length === 0) return;
  const index = new Map(todo.map((i) => [infos[i]!.key, i]));
  for (const i of losers) {
    for (const e of results[i]!.events) {
      const m = e.reason === 'ClearAssignment' ? /address also in use by (.+)$/.exec(e.message) : null;
      if (!m) continue;
      for (const other of m[1]!.split(',')) {
        const j = index.get(other);
        if (j === undefined || infos[j]!.statusIPs.length !== infos[i]!.statusIPs.length || (held !== undefined && held.has(i) !== held.has(j))) continue;
        const shared = infos[i]!.statusIPs.filter((ip) => infos[j]!.statusIPs.includes(ip)).join(', ');
        const say = (r: ServiceResult, text: string) => {
          r.notes = [...(r.notes ?? []), text];
        };
        const either = `MetalLB's controller processes Services with as many addresses in the informer's order, which is random, so either may keep it`;
        say(results[i]!, `${other} also holds ${shared} in its status and the two may not share it: ${either}; taken here: ${other} keeps it (by name), this Service gets another`);
        say(results[j]!, `${infos[i]!.key} also holds ${shared} in its status and the two may not share it: ${either}; taken here: this Service keeps it (by name), ${infos[i]!.key} gets another`);
      }
    }
  }
}

function ipStrings(ips: readonly (IP | undefined)[]): string[] {
  return ips.map(ipText);
}

/**
 * What the allocator reads of one Service object: its info and its status addresses parsed. A function of the object, its stand-in and the annotations
 * read, as objects are never changed: the state a what-if derives holds most of its base's
 * Services as they are, and its allocation takes their reads from the base's (AllocationInput.reads).
 */
interface ServiceRead {
  /** the stand-ins are shared per combination (simulation.ts): the same Service has the same one */
  standIn: ServiceStandIn | undefined;
  info: ServiceInfo;
  status: readonly (IP | undefined)[];
}

function readService(svc: KubeObject, standIn: ServiceStandIn | undefined, legacyAnnotations: boolean): ServiceRead {
  const info = serviceInfo(svc, standIn, legacyAnnotations);
  return { standIn, info, status: info.statusIPs.map((t) => parseIP(t)) };
}

/**
 * Go's texts of the status addresses, in a list of the result's own: the status's texts where
 * they are already Go's (the usual case), so none is written again and none needs keeping.
 */
function statusTexts(read: ServiceRead): string[] {
  const written = read.info.statusIPs;
  const out = new Array<string>(read.status.length);
  for (let i = 0; i < out.length; i++) {
    const ip = read.status[i];
    out[i] = ip !== undefined && formatsAs(ip, written[i]!) ? written[i]! : ipText(ip);
  }
  return out;
}

function sameElements<T>(x: readonly T[], y: readonly T[]): boolean {
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

/** serviceFamilyChanged */
function familyChanged(lbFamily: ServiceFamily | undefined, clusterFamily: ServiceFamily, info: ServiceInfo): boolean {
  if (lbFamily === undefined) return true;
  if (lbFamily === clusterFamily) return false;
  return !(clusterFamily === 'dual' && info.policy === 'PreferDualStack');
}

/** IPs ordered as isEqualIPs orders them: by Go's text of each (net.IP.String()). */
function textOrder(ips: readonly IP[]): IP[] {
  return ips.map((ip) => [formatIP(ip), ip] as const).sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0)).map(([, ip]) => ip);
}

function sameIPSet(x: readonly IP[], y: readonly IP[]): boolean {
  const sx = ipStrings(x).sort();
  const sy = ipStrings(y).sort();
  return sx.length === sy.length && sx.every((v, i) => v === sy[i]);
}

const NO_IPS = Object.freeze([]) as unknown as string[];
const NO_EVENTS = Object.freeze([]) as unknown as ServiceEvent[];

/** The Service's events: its own list from the first one on. */
function event(r: ServiceResult, e: ServiceEvent): void {
  if (r.events === NO_EVENTS) r.events = [e];
  else r.events.push(e);
}
function warn(r: ServiceResult, reason: string, message: string): void {
  event(r, { type: 'Warning', reason, message });
}
function normal(r: ServiceResult, reason: string, message: string): void {
  event(r, { type: 'Normal', reason, message });
}

/** The controller stops processing the Service, which stays pending. */
function stop(r: ServiceResult, reason: string, message?: string): void {
  r.state = 'pending';
  r.reason = reason;
  if (message !== undefined) r.message = message;
}

/** These stops clear the Service: whatever a running controller held for it is released. */
function clearStop(a: Allocator, info: ServiceInfo, r: ServiceResult, reason: string, message: string): void {
  a.unassign(info.key);
  stop(r, reason, message);
}

/**
 * convergeBalancer for one LoadBalancer Service of the right class. Its helpers (events, stops)
 * are plain functions, not closures made per Service.
 */
function converge(a: Allocator, info: ServiceInfo, r: ServiceResult, pools: Pool[], pinned: Pool[], fallback: Pool[], read?: ServiceRead): void {
  if (pools.length === 0) return clearStop(a, info, r, 'noPools', 'no IPAddressPool: MetalLB clears the Service');
  if (info.clusterIPs.length === 0) return clearStop(a, info, r, 'noClusterIP', 'no clusterIP(s): the IP family cannot be determined');

  // never changed in place, only replaced: the read's own list serves
  let lbIPs: readonly (IP | undefined)[] = read ? read.status : info.statusIPs.map((t) => parseIP(t));
  if (info.policy === 'RequireDualStack' && rawClusterIPs(info).length < 2) {
    const msg = `Service requires dual stack but not enough clusterips [${rawClusterIPs(info).join(' ')}]`;
    warn(r, 'not enough clusterips', msg);
    return clearStop(a, info, r, 'not enough clusterips', msg);
  }

  if (lbIPs.length > 0) {
    const lbFam = familyForIPs(lbIPs);
    if ('error' in lbFam) warn(r, 'nolbIPsIPFamily', `Failed to retrieve LBIPs IPFamily for ${ipsText(lbIPs)}: ${lbFam.error}`);
    const clusterFam = clusterFamily(info);
    if ('error' in clusterFam) {
      const raw = rawClusterIPs(info);
      const cip = clusterIPField(info);
      const msg = `Failed to retrieve ClusterIPs IPFamily for ${goQuoteList(raw)} ${cip}: ${clusterFam.error}`;
      warn(r, 'noclusterIPsIPFamily', msg);
      // the status is left as it was, but the allocator holds nothing
      return clearStop(a, info, r, 'noclusterIPsIPFamily', msg);
    }
    if (familyChanged('error' in lbFam ? undefined : lbFam.family, clusterFam.family, info)) {
      a.unassign(info.key);
      lbIPs = [];
    }
  }

  if (lbIPs.length > 0) {
    const res = a.assign(info, lbIPs);
    if (!res.ok) {
      normal(r, 'ClearAssignment', `current IP for "${info.key}" not allowed by config, will attempt for new IP assignment: ${res.error}`);
      a.unassign(info.key);
      lbIPs = [];
    }
    if (lbIPs.length > 0 && info.desiredPool !== '' && a.pool(info.key) !== info.desiredPool) {
      a.unassign(info.key);
      lbIPs = [];
    }
    const desired = desiredLbIPs(info);
    if ('error' in desired) {
      const msg = `invalid requested loadbalancer IPs: ${desired.error}`;
      warn(r, 'LoadBalancerFailed', msg);
      if (lbIPs.length > 0) {
        // the controller stops, but the Service keeps its (re-assigned) status
        finish(a, info, r, lbIPs as IP[], 'kept');
        r.reason = 'LoadBalancerFailed';
        r.message = msg;
        return;
      }
      return stop(r, 'LoadBalancerFailed', msg);
    }
    if (desired.ips.length > 0) {
      // isEqualIPs sorts the status's IPs in place by their text, and that order is written back
      if (!sameIPSet(lbIPs as IP[], desired.ips)) {
        a.unassign(info.key);
        lbIPs = [];
      } else lbIPs = textOrder(lbIPs as IP[]);
    }
  }

  if (lbIPs.length === 1 && info.policy === 'PreferDualStack') {
    const extra = additionalFamily(a, info, lbIPs[0]!);
    if (!extra.ok) normal(r, 'AdditionalAssignFailed', `cannot assign additional IP in PreferDualStack: ${extra.error}`);
    else {
      lbIPs = [lbIPs[0], extra.value];
      normal(r, 'IPAllocated', `Assigned additional IP ${ipsText([extra.value]).slice(1, -1)}`);
      if (rawClusterIPs(info).length < 2) {
        (r.notes ??= []).push(
          'PreferDualStack with a single clusterIP: the second-family IP added here fails the family check on the next pass, so the status may oscillate between one and two IPs',
        );
      }
    }
  }

  if (lbIPs.length > 0) return finish(a, info, r, lbIPs as IP[], 'kept', read);

  const res = allocateIPs(a, info, pinned, fallback);
  if (!res.ok) {
    const msg = `Failed to allocate IP for "${info.key}": ${res.error}`;
    warn(r, 'AllocationFailed', msg);
    return stop(r, 'AllocationFailed', msg);
  }
  normal(r, 'IPAllocated', `Assigned IP ${ipsText(res.value.ips)}`);
  // requested IPs are written in the request's order, and the next pass (which the status update
  // itself triggers) rewrites them in text order: the order the speakers settle on
  const wanted = desiredLbIPs(info);
  const requested = !('error' in wanted) && wanted.ips.length > 0;
  finish(a, info, r, requested ? textOrder(res.value.ips) : res.value.ips, 'allocated');
  if (res.value.alternatives && res.value.alternatives.length > 1) {
    r.alternatives = res.value.alternatives;
  }
}

function finish(a: Allocator, info: ServiceInfo, r: ServiceResult, ips: readonly IP[], state: 'kept' | 'allocated', read?: ServiceRead): void {
  r.state = state;
  // a Service keeping its status as it is: the texts of its addresses are mostly the status's own
  r.ips = read && sameElements(ips, read.status) ? statusTexts(read) : ipStrings(ips);
  r.pool = a.pool(info.key);
}

/**
 * controller/main.go: when the controller is about to write the Service (its status or its
 * ip-allocated-from-pool annotation changes), one Warning per deprecated annotation key (Go map
 * order, which is random: sorted here).
 */
function deprecatedAnnotationEvents(info: ServiceInfo, r: ServiceResult): void {
  const annotations = info.svc.metadata?.annotations;
  if (!annotations || !hasDeprecatedKey(annotations)) return;
  const keys = Object.keys(annotations).filter((k) => k.startsWith(DEPRECATED_PREFIX)).sort();
  const poolAnnotation = annotations['metallb.io/ip-allocated-from-pool'];
  const writes =
    r.state === 'allocated' || (r.state === 'pending' && info.statusIPs.length > 0) || (r.state === 'kept' && r.pool !== undefined && poolAnnotation !== r.pool);
  if (!writes) return;
  for (const k of keys) event(r, { type: 'Warning', reason: 'deprecatedAnnotation', message: `Service uses deprecated annotation ${k}` });
}

/** Whether some annotation key is a deprecated one (most Services have none: no list of keys for them). */
function hasDeprecatedKey(annotations: Record<string, string>): boolean {
  for (const k in annotations) if (k.startsWith(DEPRECATED_PREFIX)) return true;
  return false;
}

function rawClusterIPs(info: ServiceInfo): string[] {
  return info.rawClusterIPs;
}

function clusterIPField(info: ServiceInfo): string {
  const spec = (info.svc.spec ?? {}) as Record<string, unknown>;
  return typeof spec.clusterIP === 'string' ? spec.clusterIP : '';
}


/** getFreeIPsFromPool as the running version has it: before v0.16.0 an empty pool is no error, just no address. */
function poolIPs(a: Allocator, pool: Pool, info: ServiceInfo): Result<Candidate> {
  const free = a.freeIPs(pool, info);
  if (free.ok || a.emptyPoolIsError) return free;
  return { ok: true, value: { pool, ipv4: undefined, ipv6: undefined, memo: undefined } };
}

/** AllocateFromPoolForAdditionalFamily: the missing family from the pool already in use. */
function additionalFamily(a: Allocator, info: ServiceInfo, existing: IP): Result<IP> {
  const poolName = a.pool(info.key);
  const pool = a.byName.get(poolName);
  if (!pool) return { ok: false, error: `unknown pool "${poolName}"` };
  const free = poolIPs(a, pool, info);
  if (!free.ok) return free;
  const extra = existing.family === 4 ? free.value.ipv6 : free.value.ipv4;
  const res = a.assign(info, [existing, extra], pool);
  if (!res.ok) return res;
  return { ok: true, value: extra! };
}

interface Allocated {
  ips: readonly IP[];
  alternatives?: { pool: string; ips: string[] }[];
}

/** allocateIPs */
function allocateIPs(a: Allocator, info: ServiceInfo, pinned: Pool[], fallback: Pool[]): Result<Allocated> {
  const fam = clusterFamily(info);
  if ('error' in fam) return { ok: false, error: fam.error };
  const family = fam.family;
  const desired = desiredLbIPs(info);
  if ('error' in desired) return { ok: false, error: desired.error };

  if (desired.ips.length > 0) {
    if (family !== desired.family) {
      return { ok: false, error: `requested loadBalancer IP(s) ${ipsText(desired.ips)} does not match the ipFamily of the service` };
    }
    const res = a.assign(info, desired.ips);
    if (!res.ok) return res;
    if (info.desiredPool !== '' && a.pool(info.key) !== info.desiredPool) {
      a.unassign(info.key);
      return {
        ok: false,
        error: `requested loadBalancer IP(s) ${ipsText(desired.ips)} is not compatible with requested address pool ${info.desiredPool}`,
      };
    }
    return { ok: true, value: { ips: desired.ips } };
  }

  if (info.desiredPool !== '') {
    // AllocateFromPool: autoAssign does not matter here
    const pool = a.byName.get(info.desiredPool);
    if (!pool) return { ok: false, error: `unknown pool "${info.desiredPool}"` };
    const free = poolIPs(a, pool, info);
    if (!free.ok) return free;
    const sel = selectIPs(free.value, family, info.policy);
    if (!sel.ok) return sel;
    const res = a.assign(info, sel.value, pool);
    if (!res.ok) return res;
    return { ok: true, value: { ips: res.value } };
  }

  // Allocate: the pinned pools in MetalLB's order, then the plain pools
  const compatible = pinned.filter((p) => poolCompatible(p, info));
  const orders = compatible.length > 0 ? pinnedOrders(compatible, info.namespace) : undefined;
  let pinnedGroups: Pool[][];
  if (orders) pinnedGroups = orders[0]!.map((p) => [p]);
  else {
    // too many orders to walk: by priority (> 0 ascending, then the rest), each group's order unknown
    const groups = new Map<number, Pool[]>();
    for (const p of compatible) {
      const pr = p.serviceAllocation!.priority > 0 ? p.serviceAllocation!.priority : Infinity;
      const g = groups.get(pr);
      if (g) g.push(p);
      else groups.set(pr, [p]);
    }
    pinnedGroups = [...groups.entries()].sort((x, y) => x[0] - y[0]).map(([, g]) => g);
  }
  for (const [groupsToTry, reuse] of [
    [pinnedGroups, false],
    [[fallback], true],
  ] as const) {
    const best = findBestPool(a, info, family, groupsToTry, reuse);
    if (!best) continue;
    const sel = selectIPs(best.chosen, family, info.policy);
    if (!sel.ok) continue;
    const res = a.assign(info, sel.value, best.chosen.pool);
    if (!res.ok) continue;
    const alternatives = [{ pool: best.chosen.pool.name, ips: ipStrings(res.value) }];
    // every pool of the deciding group in the deciding class
    const kind = selectionKind(family, info.policy);
    if (!reuse && orders && orders.length > 1) {
      // the namespace pools' order is Go's map order: each order MetalLB may walk, once
      for (const order of orders.slice(1)) {
        const other = findBestPool(a, info, family, order.map((p) => [p]), false);
        if (!other || other.chosen.pool === best.chosen.pool || alternatives.some((x) => x.pool === other.chosen.pool.name)) continue;
        const entry = alternativeOf(other.chosen, family, info.policy, kind);
        if (entry) alternatives.push(entry);
      }
    } else if (reuse) {
      const entries = alignedEntries(best.group, best.need, family, info.policy, kind);
      for (let j = 0; j < entries.length; j++) {
        const entry = entries[j];
        if (entry && best.group[j]!.pool !== best.chosen.pool) alternatives.push(entry);
      }
    } else {
      for (const alt of best.group) {
        if (alt === undefined || alt.pool === best.chosen.pool || !offers(alt, best.need)) continue;
        const entry = alternativeOf(alt, family, info.policy, kind);
        if (entry) alternatives.push(entry);
      }
    }
    return { ok: true, value: { ips: res.value, alternatives } };
  }
  return { ok: false, error: 'no available IPs' };
}

/**
 * The orders in which MetalLB's pinnedPoolsForService hands the pinned pools to
 * findBestPoolForService, the one input order gives first; undefined when there are too many to
 * walk. The list is the pools pinned to the Service's namespace (ByNamespace: Go map order, so any
 * order), then the pools with serviceSelectors (ByServiceSelector: by name; a pool with both is in
 * both), sorted by sortPools, whose comparison is not an order: two pools without priority always
 * compare "less" and a negative priority is neither set nor unset. sort.Slice runs an insertion
 * sort up to 12 elements, so what that comparison does is deterministic there: ties without
 * priority come out reversed, ties of equal priority stay as they are.
 */
function pinnedOrders(compatible: readonly Pool[], namespace: string): Pool[][] | undefined {
  const byNamespace = compatible.filter((p) => p.serviceAllocation!.namespaces.has(namespace));
  const bySelector = compatible.filter((p) => p.serviceAllocation!.serviceSelectors.length > 0).sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  if (byNamespace.length > 5 || byNamespace.length + bySelector.length > 12) return undefined;
  const out: Pool[][] = [];
  const seen = new Set<string>();
  for (const perm of permutations(byNamespace)) {
    const list = [...perm, ...bySelector];
    goSortPools(list);
    const k = list.map((p) => p.name).join('\u0000');
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(list);
  }
  return out;
}

/** sortPools' comparison (internal/allocator/allocator.go): a lower priority first, no priority (0) last. */
function sortPoolsLess(x: Pool, y: Pool): boolean {
  const px = x.serviceAllocation?.priority ?? 0;
  const py = y.serviceAllocation?.priority ?? 0;
  if (px > 0 && py > 0) return px < py;
  if (px === 0 && py > 0) return false;
  return true;
}

/** Go's sort.Slice on up to 12 elements: insertionSort_func, whatever the comparison does. */
function goSortPools(list: Pool[]): void {
  for (let i = 1; i < list.length; i++) {
    for (let j = i; j > 0 && sortPoolsLess(list[j]!, list[j - 1]!); j--) {
      const t = list[j]!;
      list[j] = list[j - 1]!;
      list[j - 1] = t;
    }
  }
}

/** Every order of a short list, the given one first. */
function permutations<T>(xs: readonly T[]): T[][] {
  if (xs.length <= 1) return [[...xs]];
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i++) for (const rest of permutations([...xs.slice(0, i), ...xs.slice(i + 1)])) out.push([xs[i]!, ...rest]);
  return out;
}

type Alternative = { pool: string; ips: string[] };
const POLICY_INDEX: Record<FamilyPolicy, number> = { SingleStack: 0, PreferDualStack: 1, RequireDualStack: 2 };

/** What selectIPs' answer depends on besides the candidate: it reads the policy only for a dual-stack Service. */
function selectionKind(family: ServiceFamily, policy: FamilyPolicy): number {
  return family === 'ipv4' ? 0 : family === 'ipv6' ? 1 : 2 + POLICY_INDEX[policy];
}

interface Aligned {
  /** the candidates the entries were derived from */
  from: (Candidate | undefined)[];
  entries: (Alternative | null)[];
}
const aligned = new WeakMap<readonly (Candidate | undefined)[], Map<number, Aligned>>();

/**
 * For a group answer freeCandidates keeps and refreshes in place: per position, the alternatives
 * entry of its candidate if that is in the class `need` (else null). Kept alongside, per class and
 * selection kind, so only the positions whose candidate changed are derived again.
 */
function alignedEntries(
  group: readonly (Candidate | undefined)[],
  need: number,
  family: ServiceFamily,
  policy: FamilyPolicy,
  kind: number,
): readonly (Alternative | null)[] {
  let byKey = aligned.get(group);
  if (!byKey) aligned.set(group, (byKey = new Map()));
  const key = kind * 4 + need;
  let al = byKey.get(key);
  if (!al) byKey.set(key, (al = { from: [], entries: [] }));
  const { from, entries } = al;
  for (let j = 0; j < group.length; j++) {
    const c = group[j];
    if (j < from.length && from[j] === c) continue;
    from[j] = c;
    entries[j] = c !== undefined && offers(c, need) ? alternativeOf(c, family, policy, kind) : null;
  }
  return entries;
}

/**
 * The alternatives entry a candidate gives a Service of this family and policy (null when
 * selectIPs refuses it). Memoised on the candidate, which freeCandidate hands to every Service
 * while its pool is unchanged: the entry is then shared by those Services' results, so it is frozen.
 */
function alternativeOf(c: Candidate, family: ServiceFamily, policy: FamilyPolicy, k: number): Alternative | null {
  const memo = (c.memo ??= []);
  let entry = memo[k] as Alternative | null | undefined;
  if (entry === undefined) {
    const s = selectIPs(c, family, policy);
    entry = s.ok ? Object.freeze({ pool: c.pool.name, ips: Object.freeze(ipStrings(s.value)) as string[] }) : null;
    memo[k] = entry;
  }
  return entry;
}

/**
 * findBestPoolForService over pools whose order is only partly known: `groups` are in order,
 * the order inside a group is not (Go map order, unstable sort among equal priorities). The
 * chosen candidate is the one input order gives; alternatives are every pool of the deciding
 * group that MetalLB's walk could have stopped at.
 */
function findBestPool(a: Allocator, info: ServiceInfo, family: ServiceFamily, groups: readonly Pool[][], reuse: boolean): Best | undefined {
  // classes of candidates, as masks of the families they must offer
  const classes = [family === 'ipv4' ? 1 : family === 'ipv6' ? 2 : 3];
  if (info.policy === 'PreferDualStack' && family === 'dual') {
    const primary = info.ipv6Primary ? 2 : 1;
    classes.push(primary, 3 - primary);
  }
  // evaluated lazily: most Services stop at the first group
  const evaluated: (readonly (Candidate | undefined)[] | undefined)[] = [];
  for (const need of classes) {
    for (let i = 0; i < groups.length; i++) {
      const group = (evaluated[i] ??= a.freeCandidates(groups[i]!, info, reuse));
      for (const c of group) if (c !== undefined && offers(c, need)) return { chosen: c, group, need };
    }
  }
  return undefined;
}
