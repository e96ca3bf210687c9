// MetalLB's IP allocator (internal/allocator/allocator.go, allocation.go) as a state machine over
// bigint addresses. Per-IP sharing state and per-pool used sets mirror the Go maps; address choice
// goes through address.ts (firstFree, or a resumable nthAddress walk), so no pool is ever
// enumerated. Free-address answers are memoised per pool and kept current incrementally: a
// Service picking among many pools costs a lookup per pool; the results are what a fresh search gives.
import type { KubeObject } from '../../sources/types.js';
import {
  capacity,
  cidrRange,
  firstFree,
  formatIP,
  goQuote,
  isBuggyIP,
  nthAddress,
  rangeToCIDRs,
  type AddressRange,
  type CIDR,
  type Family,
  type IP,
  type PoolEntry,
  RangeIndex,
} from '../address.js';
import { parsePool } from '../pools.js';
import { matchesSelector, type LabelSelector } from '../selectors.js';
import { ipsText, type FamilyPolicy, type Port, type ServiceFamily, type ServiceInfo } from './service-info.js';

export interface ServiceAllocation {
  priority: number;
  /** spec.serviceAllocation.namespaces plus the namespaces matched by namespaceSelectors */
  namespaces: Set<string>;
  /** a priority-only serviceAllocation gets one match-all selector, as MetalLB's config does */
  serviceSelectors: LabelSelector[];
  hasNamespaceSelectors: boolean;
}

export interface Pool {
  name: string;
  obj: KubeObject;
  order: number;
  entries: PoolEntry[];
  autoAssign: boolean;
  avoidBuggyIPs: boolean;
  serviceAllocation: ServiceAllocation | undefined;
}

/** Builds the allocator's view of one pool (addressPoolFromCR + addressPoolServiceAllocationsFromCR). */
export function poolFromCR(obj: KubeObject, order: number, namespaces: readonly KubeObject[] | undefined): Pool {
  const parsed = parsePool(obj);
  const spec = (obj.spec ?? {}) as Record<string, unknown>;
  // the Go field is AllocateTo, its JSON name serviceAllocation
  const at = spec.serviceAllocation;
  let serviceAllocation: ServiceAllocation | undefined;
  if (at !== null && typeof at === 'object' && !Array.isArray(at)) {
    const a = at as Record<string, unknown>;
    const nsNames = Array.isArray(a.namespaces) ? a.namespaces.filter((x): x is string => typeof x === 'string') : [];
    const nsSelectors = Array.isArray(a.namespaceSelectors) ? (a.namespaceSelectors as LabelSelector[]) : [];
    const svcSelectors = Array.isArray(a.serviceSelectors) ? (a.serviceSelectors as LabelSelector[]) : [];
    const priority = typeof a.priority === 'number' ? a.priority : 0;
    const set = new Set(nsNames);
    if (nsNames.length === 0 && nsSelectors.length === 0 && svcSelectors.length === 0) {
      serviceAllocation = { priority, namespaces: set, serviceSelectors: [{}], hasNamespaceSelectors: false };
    } else {
      for (const sel of nsSelectors) {
        for (const ns of namespaces ?? []) {
          if (matchesSelector(sel, ns.metadata?.labels ?? {})) set.add(ns.metadata?.name ?? '');
        }
      }
      serviceAllocation = { priority, namespaces: set, serviceSelectors: [...svcSelectors], hasNamespaceSelectors: nsSelectors.length > 0 };
    }
  }
  return {
    name: parsed.name,
    obj,
    order,
    entries: parsed.valid,
    autoAssign: parsed.autoAssign,
    avoidBuggyIPs: parsed.avoidBuggyIPs,
    serviceAllocation,
  };
}

/** isPoolCompatibleWithService: an empty namespace set means no namespace restriction. */
export function poolCompatible(p: Pool, svc: ServiceInfo): boolean {
  const sa = p.serviceAllocation;
  if (!sa) return true;
  if (sa.namespaces.size > 0 && !sa.namespaces.has(svc.namespace)) return false;
  if (sa.serviceSelectors.length > 0) return sa.serviceSelectors.some((s) => matchesSelector(s, svc.labels));
  return true;
}

interface SharingKey {
  sharing: string;
  backend: string;
}

interface Alloc {
  pool: string;
  ips: readonly IP[];
  ports: Port[];
  /** the ports' keys (ServiceInfo.portKeys) */
  portKeys: readonly string[];
  key: SharingKey;
}

/**
 * The sharing state of one address (MetalLB's sharingKeyForIP, servicesOnIP, portsInUse). Most
 * addresses have one user holding one set of ports: those are kept as the user's key and its
 * port keys list, and a Set and a Map are made only once a second user or a partial release
 * needs them (two collections per address were a third of what an allocation allocated).
 */
class IPState {
  /** sharingKeyForIP: the key of the last assignment; dropped when no port is in use any more */
  key: SharingKey | undefined = undefined;
  /** the one user, while `users` is undefined */
  private user: string | undefined = undefined;
  /** every user, once there have been two at a time */
  private users: Set<string> | undefined = undefined;
  /** the ports in use, all held by `portOwner`, while `portMap` is undefined (ServiceInfo.portKeys) */
  private portKeys: readonly string[] | undefined = undefined;
  private portOwner = '';
  /** port key -> user, once the ports in use are not one user's list */
  private portMap: Map<string, string> | undefined = undefined;

  addUser(svcKey: string): void {
    if (this.users) this.users.add(svcKey);
    else if (this.user === undefined) this.user = svcKey;
    else if (this.user !== svcKey) {
      this.users = new Set([this.user, svcKey]);
      this.user = undefined;
    }
  }

  deleteUser(svcKey: string): void {
    if (this.users) this.users.delete(svcKey);
    else if (this.user === svcKey) this.user = undefined;
  }

  hasUsers(): boolean {
    return this.users ? this.users.size > 0 : this.user !== undefined;
  }

  /** whether a user other than `svcKey` holds the address */
  usedByOther(svcKey: string): boolean {
    if (!this.users) return this.user !== undefined && this.user !== svcKey;
    for (const s of this.users) if (s !== svcKey) return true;
    return false;
  }

  /** the users other than `svcKey`, in no order */
  others(svcKey: string): string[] {
    if (!this.users) return this.user !== undefined && this.user !== svcKey ? [this.user] : [];
    return [...this.users].filter((s) => s !== svcKey);
  }

  /** the user holding port `pk` here */
  portUser(pk: string): string | undefined {
    if (this.portMap) return this.portMap.get(pk);
    return this.portKeys !== undefined && this.portKeys.includes(pk) ? this.portOwner : undefined;
  }

  /** `svcKey` takes these ports (an earlier holder of one loses it, as in a map) */
  takePorts(portKeys: readonly string[], svcKey: string): void {
    if (portKeys.length === 0) return;
    if (!this.portMap && (this.portKeys === undefined || this.portKeys.length === 0)) {
      this.portKeys = portKeys;
      this.portOwner = svcKey;
      return;
    }
    const map = this.toMap();
    for (const pk of portKeys) map.set(pk, svcKey);
  }

  /** drops these ports, whoever holds them */
  releasePorts(portKeys: readonly string[]): void {
    if (portKeys.length === 0) return;
    if (!this.portMap) {
      if (this.portKeys === undefined) return;
      // the usual case: the one holder releasing the very list it took
      if (portKeys === this.portKeys) {
        this.portKeys = undefined;
        return;
      }
    }
    const map = this.toMap();
    for (const pk of portKeys) map.delete(pk);
  }

  hasPorts(): boolean {
    return this.portMap ? this.portMap.size > 0 : this.portKeys !== undefined && this.portKeys.length > 0;
  }

  private toMap(): Map<string, string> {
    if (!this.portMap) {
      this.portMap = new Map();
      for (const pk of this.portKeys ?? []) this.portMap.set(pk, this.portOwner);
      this.portKeys = undefined;
    }
    return this.portMap;
  }
}

interface UsedIP {
  /** ipKey(ip) */
  k: IPKey;
  ip: IP;
  users: number;
  /** whether `ip` is in its family's PoolUse.plainBlocked */
  plainBlocked: boolean;
  /** the (non-empty) sharing key under which it is listed in PoolUse.bySharing */
  sharing: string | undefined;
}

/**
 * One value per family, IPv4's then IPv6's (see familyIndex). An object keyed 4 and 6 would read
 * better, but V8 keeps such keys in a dictionary of their own: 250 bytes, three per pool.
 */
type PerFamily<T> = [T, T];

function familyIndex(family: Family): 0 | 1 {
  return family === 4 ? 0 : 1;
}

interface PoolUse {
  /** ip key -> number of users */
  ips: Map<IPKey, UsedIP>;
  /**
   * Per family, by ip key: the used addresses that block a Service holding nothing and having no
   * sharing key (those carrying a sharing key and a user). Kept up to date on every change of an
   * address's state, so a first-free search needs no scan of the used set. In no order: firstFree
   * sorts what it is given, and the walk of plainFirstFree asks for membership only.
   */
  plainBlocked: PerFamily<Map<IPKey, IP> | undefined>;
  /**
   * plainBlocked's addresses carrying a non-empty sharing key, by that key: the only ones that
   * may not block a Service with a sharing key (which otherwise sees what a keyless one sees).
   * Made when first needed, as are plainBlocked's maps and cache: many pools never need them.
   */
  bySharing: Map<string, Set<UsedIP>> | undefined;
  /**
   * Per family, an index in allocation order below which every candidate address is in
   * plainBlocked: the plain first-free search resumes there instead of starting over. Lowered
   * when an address is unblocked. Unused when sharedName.
   */
  plainFrom: PerFamily<bigint>;
  /** the one pool bearing this name (undefined when sharedName) */
  pool: Pool | undefined;
  /** first usable address per family and blocking signature; emptied when the pool changes */
  cache: Map<string, IP | null> | undefined;
  /**
   * The same for a Service without sharing key: firstFree over plainBlocked, so kept until that
   * list changes in a way that can move the answer (the answer itself gets blocked, or any
   * address is unblocked).
   */
  plain4?: IP | null;
  plain6?: IP | null;
  /**
   * Several pools bear this name and share this record, each asking with its own entries: the
   * plain answers are then dropped on every change, as for the other signatures.
   */
  sharedName: boolean;
  /** bumped whenever the used set changes: candidate memos of an older version are stale */
  version: number;
}

interface CandidateMemo {
  version: number;
  cand: Candidate | null;
}

/** Per pool object: its usage (shared by name) and freeCandidate's memos per blocking signature. */
interface PoolSlot {
  use: PoolUse;
  /** the common case, a Service without sharing key, outside the map */
  plain?: CandidateMemo;
  bySignature?: Map<string, CandidateMemo>;
}

/** Memoised answers kept per pool (and per reused pools array) for Services with a sharing key: a bound on memory. */
const MAX_SIGNATURES = 64;

/** freeCandidates' state for a pools array passed with `reuse`. */
interface PoolList {
  slots: PoolSlot[];
  plain?: ListAnswer;
  bySignature: Map<string, ListAnswer>;
}

/** One signature's answer over a PoolList: per pool, the candidate and the pool version it is for. */
interface ListAnswer {
  versions: number[];
  cands: (Candidate | undefined)[];
}

export interface Candidate {
  pool: Pool;
  ipv4?: IP;
  ipv6?: IP;
  /**
   * Scratch space for the caller, indexed as it likes: a memoised candidate is handed to many
   * Services while its pool is unchanged, so what they derive from it alone can be kept here.
   */
  memo?: unknown[];
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: string };

/**
 * An address as a map key: an IPv4 one as its number (no text to build and hash), an IPv6 one as
 * its hex text; a number and a text never collide.
 */
type IPKey = number | string;
function ipKey(ip: IP): IPKey {
  return ip.family === 4 ? Number(ip.value) : ip.value.toString(16);
}

function sameAlloc(a: Alloc, pool: string, ips: readonly IP[], ports: readonly Port[], key: SharingKey): boolean {
  if (a.pool !== pool || a.key.sharing !== key.sharing || a.key.backend !== key.backend) return false;
  if (a.ips.length !== ips.length || a.ports.length !== ports.length) return false;
  for (let i = 0; i < ips.length; i++) if (a.ips[i]!.family !== ips[i]!.family || a.ips[i]!.value !== ips[i]!.value) return false;
  for (let i = 0; i < ports.length; i++) if (a.ports[i]!.proto !== ports[i]!.proto || a.ports[i]!.port !== ports[i]!.port) return false;
  return true;
}

function ipFamilyOf(ip: IP): ServiceFamily {
  return ip.family === 4 ? 'ipv4' : 'ipv6';
}

function poolContains(p: Pool, ip: IP): boolean {
  if (p.avoidBuggyIPs && isBuggyIP(ip)) return false;
  for (const r of rangesOf(p)) if (r.family === ip.family && ip.value >= r.first && ip.value <= r.last) return true;
  return false;
}

/** Whether the pool holds every one of `ips` (a missing one it never holds). */
function poolHolds(p: Pool, ips: readonly (IP | undefined)[]): boolean {
  for (const ip of ips) if (ip === undefined || !poolContains(p, ip)) return false;
  return true;
}

/** The ranges of a pool's CIDRs, in order, worked out once per pool (every Service's addresses are looked up in them). */
const poolRanges = new WeakMap<Pool, AddressRange[]>();
function rangesOf(p: Pool): AddressRange[] {
  let r = poolRanges.get(p);
  if (r === undefined) poolRanges.set(p, (r = p.entries.flatMap((e) => e.cidrs.map(cidrRange))));
  return r;
}

export class Allocator {
  readonly pools: Pool[];
  readonly byName = new Map<string, Pool>();
  /** see AllocationInput.emptyPoolIsError */
  emptyPoolIsError = true;
  private readonly allocated = new Map<string, Alloc>();
  private readonly ipState = new Map<IPKey, IPState>();
  private readonly poolUse = new Map<string, PoolUse>();
  private readonly slots = new Map<Pool, PoolSlot>();
  private readonly lists = new WeakMap<readonly Pool[], PoolList>();
  /** ip key -> the pools whose used set holds it (more than one only with overlapping pools) */
  private readonly holders = new Map<IPKey, PoolUse[]>();
  /** set while assignInternal unassigns: the addresses whose settling waits for the new allocation */
  private deferred: IPKey[] | undefined;
  /** which pool holds an address, for poolFor; undefined when pools overlap */
  private readonly rangeIndex: RangeIndex<Pool> | undefined;

  constructor(pools: Pool[]) {
    this.pools = pools;
    for (const p of pools) {
      if (!this.byName.has(p.name)) this.byName.set(p.name, p);
      const prev = this.poolUse.get(p.name);
      if (prev) {
        prev.sharedName = true;
        prev.pool = undefined;
      }
      this.poolUse.set(p.name, {
        ips: new Map(),
        plainBlocked: [undefined, undefined],
        bySharing: undefined,
        plainFrom: [0n, 0n],
        pool: prev ? undefined : p,
        cache: undefined,
        sharedName: prev !== undefined,
        version: 0,
      });
    }
    // after the loop: a duplicated name ends up with the last PoolUse, as lookups by name do
    for (const p of pools) this.slots.set(p, { use: this.poolUse.get(p.name)! });
    this.rangeIndex = RangeIndex.of([...this.byName.values()].flatMap((p) => rangesOf(p).map((r) => ({ ...r, owner: p }))));
  }

  /**
   * poolFor: the pool holding every one of `ips`. MetalLB walks its pool map (random order); with
   * non-overlapping pools (which its config enforces) at most one pool can match.
   */
  poolFor(ips: readonly (IP | undefined)[]): Pool | undefined {
    const first = ips[0];
    if (first && this.rangeIndex) {
      const hit = this.rangeIndex.owner(first);
      return hit && poolHolds(hit, ips) ? hit : undefined;
    }
    for (const p of this.byName.values()) if (poolHolds(p, ips)) return p;
    return undefined;
  }

  pool(svcKey: string): string {
    return this.allocated.get(svcKey)?.pool ?? '';
  }

  ips(svcKey: string): readonly IP[] {
    return this.allocated.get(svcKey)?.ips ?? [];
  }

  private assignInternal(svcKey: string, alloc: Alloc): void {
    // the old allocation's addresses are settled after the new one is in: an address kept across
    // a re-assignment (a PreferDualStack Service getting its second family) never leaves plainBlocked
    const pending: IPKey[] = [];
    this.deferred = pending;
    this.unassign(svcKey);
    this.deferred = undefined;
    this.allocated.set(svcKey, alloc);
    const use = this.poolUse.get(alloc.pool)!;
    if (use.cache?.size) use.cache.clear(); // clear() allocates a fresh table even when empty
    if (use.sharedName) use.plain4 = use.plain6 = undefined;
    use.version++;
    for (const ip of alloc.ips) {
      const k = ipKey(ip);
      let st = this.ipState.get(k);
      if (!st) {
        st = new IPState();
        this.ipState.set(k, st);
      }
      st.key = alloc.key;
      st.takePorts(alloc.portKeys, svcKey);
      st.addUser(svcKey);
      const u = use.ips.get(k);
      if (u) u.users++;
      else {
        use.ips.set(k, { k, ip, users: 1, plainBlocked: false, sharing: undefined });
        const h = this.holders.get(k);
        if (h) h.push(use);
        else this.holders.set(k, [use]);
      }
      this.syncPlainBlocked(k);
    }
    for (const k of pending) this.settle(k);
  }

  /** Drops the used-set entries of `k` left without users, then syncs its plainBlocked membership. */
  private settle(k: IPKey): void {
    const h = this.holders.get(k);
    if (h) {
      for (let i = h.length - 1; i >= 0; i--) {
        const use = h[i]!;
        const u = use.ips.get(k)!;
        if (u.users > 0) continue;
        use.ips.delete(k);
        if (u.plainBlocked) setPlainBlocked(use, u, false);
        if (u.sharing !== undefined) setSharing(use, u, undefined);
        h.splice(i, 1);
      }
      if (h.length === 0) this.holders.delete(k);
    }
    this.syncPlainBlocked(k);
  }

  /**
   * After a change of the state of address `k`: its membership in plainBlocked, in every pool
   * holding it. What blocks a keyless Service holding nothing: an address with a sharing key and
   * a user (checkSharing's verdict for it, whatever its ports: a key is only kept while some
   * user holds ports there).
   */
  private syncPlainBlocked(k: IPKey): void {
    const h = this.holders.get(k);
    if (!h) return;
    const st = this.ipState.get(k);
    const blocked = st !== undefined && st.key !== undefined && st.hasUsers();
    const sharing = blocked && st.key!.sharing !== '' ? st.key!.sharing : undefined;
    for (const use of h) {
      const u = use.ips.get(k)!;
      if (u.plainBlocked !== blocked) {
        u.plainBlocked = blocked;
        setPlainBlocked(use, u, blocked);
      }
      if (u.sharing !== sharing) setSharing(use, u, sharing);
    }
  }

  unassign(svcKey: string): void {
    const al = this.allocated.get(svcKey);
    if (!al) return;
    this.allocated.delete(svcKey);
    const use = this.poolUse.get(al.pool);
    if (use) {
      if (use.cache?.size) use.cache.clear();
      if (use.sharedName) use.plain4 = use.plain6 = undefined;
      use.version++;
    }
    for (const ip of al.ips) {
      const k = ipKey(ip);
      const st = this.ipState.get(k);
      if (st) {
        st.releasePorts(al.portKeys);
        st.deleteUser(svcKey);
        if (!st.hasPorts()) st.key = undefined;
        if (!st.hasUsers() && st.key === undefined) this.ipState.delete(k);
      }
      const u = use?.ips.get(k);
      if (u) u.users--;
      if (this.deferred) this.deferred.push(k);
      else this.settle(k);
    }
  }

  /** checkSharing: undefined when `svcKey` may use `ip` with these ports (ServiceInfo.portKeys) and keys. */
  checkSharing(svcKey: string, ip: IP, portKeys: readonly string[], key: SharingKey): string | undefined {
    const st = this.ipState.get(ipKey(ip));
    const existing = st?.key;
    if (!st || !existing) return undefined;
    const ok = existing.sharing !== '' && key.sharing !== '' && existing.sharing === key.sharing && existing.backend === key.backend;
    if (!ok) {
      // Go iterates a map here; sorted for a stable text
      const others = st.others(svcKey).sort();
      if (others.length > 0) return `can't change sharing key for "${svcKey}", address also in use by ${others.join(',')}`;
    }
    for (const pk of portKeys) {
      const cur = st.portUser(pk);
      if (cur !== undefined && cur !== svcKey) return `port ${pk} is already in use on ${goQuote(formatIP(ip))}`;
    }
    return undefined;
  }

  /** Assign: the requested (or chosen) IPs, all in one pool, permitted by sharing. */
  assign(svc: ServiceInfo, ips: readonly (IP | undefined)[], hint?: Pool): Result<readonly IP[]> {
    const pool = hint && poolHolds(hint, ips) ? hint : this.poolFor(ips);
    if (!pool) return { ok: false, error: `${ipsText(ips)} is not allowed in config` };
    if (!poolCompatible(pool, svc)) return { ok: false, error: `pool ${pool.name} not compatible for ip assignment` };
    if (ips.length > 2) return { ok: false, error: `more than two addresses ${ipsText(ips)}` };
    const real = ips as readonly IP[];
    if (real.length === 2 && real[0]!.family === real[1]!.family) {
      return { ok: false, error: `${goQuote(formatIP(real[0]!))} ${goQuote(formatIP(real[1]!))} has the same family` };
    }
    const key = svc.keys;
    for (const ip of real) {
      const err = this.checkSharing(svc.key, ip, svc.portKeys, key);
      if (err) return { ok: false, error: err };
    }
    // the Service already holds exactly this (a running controller held it, and now reprocesses
    // it): releasing and taking it again would leave every set as it is
    const held = this.allocated.get(svc.key);
    if (held && sameAlloc(held, pool.name, real, svc.ports, key)) return { ok: true, value: real };
    // the Service's ports as they are: neither side ever changes them
    // the addresses as given: no caller changes a list it passes
    this.assignInternal(svc.key, { pool: pool.name, ips: real, ports: svc.ports, portKeys: svc.portKeys, key });
    return { ok: true, value: real };
  }

  /**
   * A running controller's allocator already holds a Service's addresses before it is processed
   * again (SetPools re-homes every allocation still inside a pool, without the compatibility
   * checks of Assign). False when the addresses are in no pool, or clash with one already held.
   */
  hold(svc: ServiceInfo, ips: readonly (IP | undefined)[]): boolean {
    if (ips.length === 0 || ips.length > 2 || ips.some((ip) => ip === undefined)) return false;
    const pool = this.poolFor(ips);
    if (!pool) return false;
    const key = svc.keys;
    for (const ip of ips as IP[]) if (this.checkSharing(svc.key, ip, svc.portKeys, key)) return false;
    this.assignInternal(svc.key, { pool: pool.name, ips: ips as readonly IP[], ports: svc.ports, portKeys: svc.portKeys, key });
    return true;
  }

  /** getFreeIPsFromPool: the first usable address of each family, independently. */
  freeIPs(pool: Pool, svc: ServiceInfo): Result<Candidate> {
    // every field set up front: candidates share one object shape, which keeps reading them fast
    const cand: Candidate = { pool, ipv4: undefined, ipv6: undefined, memo: undefined };
    for (const fam of [4, 6] as const) {
      const ip = this.firstUsable(pool, fam, svc);
      if (ip) {
        if (fam === 4) cand.ipv4 = ip;
        else cand.ipv6 = ip;
      }
    }
    if (!cand.ipv4 && !cand.ipv6) return { ok: false, error: `no available IPs in pool ${pool.name}` };
    return { ok: true, value: cand };
  }

  /**
   * freeIPs over several pools, as candidates in their order (undefined for a pool with nothing
   * for this Service). For a Service holding no allocation a pool's answer depends only on its
   * used set and the Service's blocking signature, so it is memoised until that pool changes:
   * picking among many pools then costs a lookup per pool, not an address search.
   *
   * With `reuse`, `pools` is an array the caller passes again and again: the answer is then an
   * array the allocator keeps per blocking signature and refreshes in place, valid until the
   * next call for the same pools.
   */
  freeCandidates(pools: readonly Pool[], svc: ServiceInfo, reuse = false): readonly (Candidate | undefined)[] {
    if (this.allocated.has(svc.key)) {
      return pools.map((p) => {
        const f = this.freeIPs(p, svc);
        return f.ok ? f.value : undefined;
      });
    }
    const plain = svc.sharingKey === '';
    if (!reuse) return pools.map((p) => this.memoFor(this.slots.get(p)!, p, svc, plain).cand ?? undefined);
    let list = this.lists.get(pools);
    if (!list) {
      list = { slots: pools.map((p) => this.slots.get(p)!), bySignature: new Map() };
      this.lists.set(pools, list);
    }
    let answer = plain ? list.plain : list.bySignature.get(svc.blockingSignature4);
    if (!answer) {
      answer = { versions: pools.map(() => -1), cands: pools.map(() => undefined) };
      if (plain) list.plain = answer;
      else {
        // many distinct signatures (sharing keys) would otherwise each keep an answer forever
        if (list.bySignature.size >= MAX_SIGNATURES) list.bySignature.clear();
        list.bySignature.set(svc.blockingSignature4, answer);
      }
    }
    const { slots } = list;
    const { versions, cands } = answer;
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i]!;
      if (versions[i] === slot.use.version) continue;
      const memo = this.memoFor(slot, pools[i]!, svc, plain);
      versions[i] = memo.version;
      cands[i] = memo.cand ?? undefined;
    }
    return cands;
  }

  /** freeIPs of one pool for a Service holding nothing, memoised per blocking signature and pool version. */
  private memoFor(slot: PoolSlot, pool: Pool, svc: ServiceInfo, plain: boolean): CandidateMemo {
    let memo = plain ? slot.plain : slot.bySignature?.get(svc.blockingSignature4);
    if (memo === undefined || memo.version !== slot.use.version) {
      const f = this.freeIPs(pool, svc);
      memo = { version: slot.use.version, cand: f.ok ? f.value : null };
      if (plain) slot.plain = memo;
      else {
        slot.bySignature ??= new Map();
        if (slot.bySignature.size >= MAX_SIGNATURES) slot.bySignature.clear();
        slot.bySignature.set(svc.blockingSignature4, memo);
      }
    }
    return memo;
  }

  private firstUsable(pool: Pool, family: Family, svc: ServiceInfo): IP | undefined {
    const use = this.poolUse.get(pool.name)!;
    const key = svc.keys;
    // For a Service holding no allocation, what blocks an address depends only on its keys and
    // ports: cache the answer per pool and signature until the pool changes.
    const slot = this.allocated.has(svc.key) ? undefined : family === 4 ? svc.blockingSignature4 : svc.blockingSignature6;
    // the common case (no sharing key) lives in two plain fields, no map lookup
    const plain = slot !== undefined && svc.sharingKey === '';
    if (plain) {
      const hit = family === 4 ? use.plain4 : use.plain6;
      if (hit !== undefined) return hit ?? undefined;
    } else if (slot !== undefined) {
      const hit = use.cache?.get(slot);
      if (hit !== undefined) return hit ?? undefined;
    }
    let ip: IP | undefined;
    if (slot !== undefined && use.pool === pool) {
      ip = plain ? plainFirstFree(use, pool, family) : this.sharedFirstFree(use, pool, family, svc);
    } else if (plain) {
      ip = firstFree(pool.entries, family, use.plainBlocked[familyIndex(family)]?.values() ?? [], pool.avoidBuggyIPs);
    } else {
      const blocked: IP[] = [];
      for (const [k, { ip }] of use.ips) {
        if (ip.family !== family) continue;
        if (this.blocks(svc.key, k, svc.portKeys, key)) blocked.push(ip);
      }
      ip = firstFree(pool.entries, family, blocked, pool.avoidBuggyIPs);
    }
    if (plain) {
      if (family === 4) use.plain4 = ip ?? null;
      else use.plain6 = ip ?? null;
    } else if (slot !== undefined) (use.cache ??= new Map()).set(slot, ip ?? null);
    return ip;
  }

  /**
   * firstFree for a Service with a sharing key and no allocation. It is blocked by plainBlocked
   * except the addresses it may share (same sharing and backend keys, none of its ports taken),
   * so the answer is whichever comes first in allocation order: the keyless answer or one of those.
   */
  private sharedFirstFree(use: PoolUse, pool: Pool, family: Family, svc: ServiceInfo): IP | undefined {
    // the keyless answer, from its cache when current (plainFrom is then its index)
    const cached = family === 4 ? use.plain4 : use.plain6;
    let best = cached !== undefined ? (cached ?? undefined) : plainFirstFree(use, pool, family);
    if (cached === undefined) {
      if (family === 4) use.plain4 = best ?? null;
      else use.plain6 = best ?? null;
    }
    let bestIndex = best === undefined ? undefined : use.plainFrom[familyIndex(family)];
    for (const u of use.bySharing?.get(svc.sharingKey) ?? []) {
      if (u.ip.family !== family) continue;
      const st = this.ipState.get(u.k)!;
      if (st.key!.backend !== svc.backendKey) continue;
      if (svc.portKeys.some((pk) => {
        const cur = st.portUser(pk);
        return cur !== undefined && cur !== svc.key;
      })) continue;
      const n = candidateIndex(pool, u.ip);
      if (n !== undefined && (bestIndex === undefined || n < bestIndex)) {
        bestIndex = n;
        best = { family, value: u.ip.value };
      }
    }
    return best;
  }

  /** checkSharing's verdict without building its message (the hot path of the address search). */
  private blocks(svcKey: string, k: IPKey, portKeys: readonly string[], key: SharingKey): boolean {
    const st = this.ipState.get(k);
    const existing = st?.key;
    if (!st || !existing) return false;
    const ok = existing.sharing !== '' && key.sharing !== '' && existing.sharing === key.sharing && existing.backend === key.backend;
    if (!ok) {
      if (st.usedByOther(svcKey)) return true;
    }
    for (const pk of portKeys) {
      const cur = st.portUser(pk);
      if (cur !== undefined && cur !== svcKey) return true;
    }
    return false;
  }

  /** Distinct IPs in use per family. */
  usage(pool: Pool): { ipv4: bigint; ipv6: bigint } {
    let v4 = 0n;
    let v6 = 0n;
    for (const { ip } of this.poolUse.get(pool.name)?.ips.values() ?? []) {
      if (ip.family === 4) v4++;
      else v6++;
    }
    return { ipv4: v4, ipv6: v6 };
  }

  capacity(pool: Pool): { ipv4: bigint; ipv6: bigint } {
    return { ipv4: capacity(pool.entries, 4, pool.avoidBuggyIPs), ipv6: capacity(pool.entries, 6, pool.avoidBuggyIPs) };
  }
}

/**
 * Adds the used address `u` to (or removes it from) the pool's plainBlocked, dropping the plain
 * first-free answer if that can move it: firstFree over a set is unchanged by adding any address
 * but the answer itself.
 */
function setPlainBlocked(use: PoolUse, u: UsedIP, present: boolean): void {
  const { ip } = u;
  const f = familyIndex(ip.family);
  if (present) (use.plainBlocked[f] ??= new Map()).set(u.k, ip);
  else {
    use.plainBlocked[f]?.delete(u.k);
    if (use.pool) {
      const r = candidateIndex(use.pool, ip);
      if (r !== undefined && r < use.plainFrom[f]) use.plainFrom[f] = r;
    }
  }
  const cached = ip.family === 4 ? use.plain4 : use.plain6;
  if (cached === undefined) return;
  if (!present || (cached !== null && cached.value === ip.value)) {
    if (ip.family === 4) use.plain4 = undefined;
    else use.plain6 = undefined;
  }
}

/**
 * firstFree over plainBlocked, as a walk of nthAddress resuming at plainFrom: each allocation
 * moves it by a step or two instead of a search over the whole used set.
 */
function plainFirstFree(use: PoolUse, pool: Pool, family: Family): IP | undefined {
  const f = familyIndex(family);
  const blocked = use.plainBlocked[f];
  let n = use.plainFrom[f];
  for (;;) {
    const ip = nthAddress(pool.entries, family, n, pool.avoidBuggyIPs);
    if (ip === undefined || !blocked?.has(ipKey(ip))) {
      use.plainFrom[f] = n;
      return ip;
    }
    n++;
  }
}

function cidrsCapacity(cidrs: CIDR[], family: Family, avoidBuggyIPs: boolean): bigint {
  const entry: PoolEntry = { text: '', kind: 'range', family, range: undefined, cidrs, hostBitsSet: false, mixedFamilies: false };
  return capacity([entry], family, avoidBuggyIPs);
}

/** The index of `ip`'s first occurrence in the pool's allocation order (nthAddress's n), if it is a candidate. */
function candidateIndex(pool: Pool, ip: IP): bigint | undefined {
  if (pool.avoidBuggyIPs && isBuggyIP(ip)) return undefined;
  let before = 0n;
  for (const e of pool.entries) {
    for (const c of e.cidrs) {
      if (c.family !== ip.family) continue;
      const r = cidrRange(c);
      if (ip.value >= r.first && ip.value <= r.last) {
        if (ip.value === r.first) return before;
        const head = rangeToCIDRs({ family: ip.family, first: r.first, last: ip.value - 1n });
        return before + cidrsCapacity(head, ip.family, pool.avoidBuggyIPs);
      }
      before += cidrsCapacity([c], ip.family, pool.avoidBuggyIPs);
    }
  }
  return undefined;
}

function setSharing(use: PoolUse, u: UsedIP, sharing: string | undefined): void {
  if (u.sharing !== undefined) {
    const g = use.bySharing!.get(u.sharing)!;
    g.delete(u);
    if (g.size === 0) use.bySharing!.delete(u.sharing);
  }
  u.sharing = sharing;
  if (sharing !== undefined) {
    const g = (use.bySharing ??= new Map()).get(sharing);
    if (g) g.add(u);
    else use.bySharing.set(sharing, new Set([u]));
  }
}

/** Allocation.selectIPsForFamilyAndPolicy; a single-family service gets its family's slot even when empty (Go's nil). */
export function selectIPs(c: Candidate, family: ServiceFamily, policy: FamilyPolicy): Result<(IP | undefined)[]> {
  if (family === 'ipv4') return { ok: true, value: [c.ipv4] };
  if (family === 'ipv6') return { ok: true, value: [c.ipv6] };
  if (policy === 'RequireDualStack' || policy === 'PreferDualStack') {
    if (c.ipv4 && c.ipv6) return { ok: true, value: [c.ipv4, c.ipv6] };
  }
  if (policy === 'PreferDualStack') {
    if (c.ipv4) return { ok: true, value: [c.ipv4] };
    if (c.ipv6) return { ok: true, value: [c.ipv6] };
  }
  return { ok: false, error: `no available IPs in pool ${c.pool.name} for ${family} IPFamily` };
}

export { ipFamilyOf };
