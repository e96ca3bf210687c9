// MetalLB's IP allocator (internal/allocator/allocator.go, allocation.go) as a state machine over
// bigint addresses. Per-IP sharing state and per-pool used sets mirror the Go maps; address choice
// goes through address.ts's firstFree, so no pool is ever enumerated.
import type { KubeObject } from '../../sources/types.js';
import { capacity, cidrRange, firstFree, formatIP, goQuote, isBuggyIP, type Family, type IP, type PoolEntry } from '../address.js';
import { parsePool } from '../pools.js';
import { matchesSelector, type LabelSelector } from '../selectors.js';
import { ipsText, type FamilyPolicy, type Port, type ServiceFamily, type ServiceInfo } from './service-info.js';

export interface ServiceAllocation {
  priority: number;
  /** spec.allocateTo.namespaces plus the namespaces matched by namespaceSelectors */
  namespaces: Set<string>;
  /** a priority-only allocateTo gets one match-all selector, as MetalLB's config does */
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
  const at = spec.allocateTo;
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
  ips: IP[];
  ports: Port[];
  key: SharingKey;
}

interface IPState {
  ip: IP;
  /** sharingKeyForIP: the key of the last assignment; dropped when no port is in use any more */
  key: SharingKey | undefined;
  services: Set<string>;
  ports: Map<string, string>;
}

interface PoolUse {
  /** ip key -> number of users */
  ips: Map<string, { ip: IP; users: number }>;
  /** first usable address per family and blocking signature; emptied when the pool changes */
  cache: Map<string, IP | null>;
  plain4?: IP | null;
  plain6?: IP | null;
}

export interface Candidate {
  pool: Pool;
  ipv4?: IP;
  ipv6?: IP;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: string };

function ipKey(ip: IP): string {
  return `${ip.family}:${ip.value.toString(16)}`;
}

function portKey(p: Port): string {
  return `${p.proto}/${p.port}`;
}

function ipFamilyOf(ip: IP): ServiceFamily {
  return ip.family === 4 ? 'ipv4' : 'ipv6';
}

function poolContains(p: Pool, ip: IP): boolean {
  if (p.avoidBuggyIPs && isBuggyIP(ip)) return false;
  for (const e of p.entries) {
    for (const c of e.cidrs) {
      if (c.family !== ip.family) continue;
      const r = cidrRange(c);
      if (ip.value >= r.first && ip.value <= r.last) return true;
    }
  }
  return false;
}

export class Allocator {
  readonly pools: Pool[];
  readonly byName = new Map<string, Pool>();
  private readonly allocated = new Map<string, Alloc>();
  private readonly ipState = new Map<string, IPState>();
  private readonly poolUse = new Map<string, PoolUse>();
  /** per family: CIDR ranges sorted by start, for poolFor; null when some ranges overlap */
  private readonly rangeIndex: Record<Family, { first: bigint; last: bigint; pool: Pool }[] | null>;

  constructor(pools: Pool[]) {
    this.pools = pools;
    for (const p of pools) {
      if (!this.byName.has(p.name)) this.byName.set(p.name, p);
      this.poolUse.set(p.name, { ips: new Map(), cache: new Map() });
    }
    this.rangeIndex = { 4: this.buildIndex(4), 6: this.buildIndex(6) };
  }

  private buildIndex(family: Family): { first: bigint; last: bigint; pool: Pool }[] | null {
    const list: { first: bigint; last: bigint; pool: Pool }[] = [];
    for (const p of this.byName.values()) {
      for (const e of p.entries) for (const c of e.cidrs) if (c.family === family) list.push({ ...cidrRange(c), pool: p });
    }
    list.sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
    for (let i = 1; i < list.length; i++) if (list[i]!.first <= list[i - 1]!.last) return null;
    return list;
  }

  /**
   * poolFor: the pool holding every one of `ips`. MetalLB walks its pool map (random order); with
   * non-overlapping pools (which its config enforces) at most one pool can match.
   */
  poolFor(ips: readonly (IP | undefined)[]): Pool | undefined {
    const first = ips[0];
    let candidates: Iterable<Pool> = this.byName.values();
    if (first) {
      const idx = this.rangeIndex[first.family];
      if (idx) {
        let lo = 0;
        let hi = idx.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (idx[mid]!.last < first.value) lo = mid + 1;
          else hi = mid;
        }
        const hit = idx[lo];
        candidates = hit && hit.first <= first.value ? [hit.pool] : [];
      }
    }
    for (const p of candidates) {
      if (ips.every((ip) => ip !== undefined && poolContains(p, ip))) return p;
    }
    return undefined;
  }

  pool(svcKey: string): string {
    return this.allocated.get(svcKey)?.pool ?? '';
  }

  ips(svcKey: string): IP[] {
    return this.allocated.get(svcKey)?.ips ?? [];
  }

  private assignInternal(svcKey: string, alloc: Alloc): void {
    this.unassign(svcKey);
    this.allocated.set(svcKey, alloc);
    const use = this.poolUse.get(alloc.pool)!;
    use.cache.clear();
    use.plain4 = use.plain6 = undefined;
    for (const ip of alloc.ips) {
      const k = ipKey(ip);
      let st = this.ipState.get(k);
      if (!st) {
        st = { ip, key: undefined, services: new Set(), ports: new Map() };
        this.ipState.set(k, st);
      }
      st.key = alloc.key;
      for (const port of alloc.ports) st.ports.set(portKey(port), svcKey);
      st.services.add(svcKey);
      const u = use.ips.get(k);
      if (u) u.users++;
      else use.ips.set(k, { ip, users: 1 });
    }
  }

  unassign(svcKey: string): void {
    const al = this.allocated.get(svcKey);
    if (!al) return;
    this.allocated.delete(svcKey);
    const use = this.poolUse.get(al.pool);
    if (use) {
      use.cache.clear();
      use.plain4 = use.plain6 = undefined;
    }
    for (const ip of al.ips) {
      const k = ipKey(ip);
      const st = this.ipState.get(k);
      if (st) {
        for (const port of al.ports) st.ports.delete(portKey(port));
        st.services.delete(svcKey);
        if (st.ports.size === 0) st.key = undefined;
        if (st.services.size === 0 && st.key === undefined) this.ipState.delete(k);
      }
      const u = use?.ips.get(k);
      if (u && --u.users === 0) use!.ips.delete(k);
    }
  }

  /** checkSharing: undefined when `svcKey` may use `ip` with these ports and keys. */
  checkSharing(svcKey: string, ip: IP, ports: readonly Port[], key: SharingKey): string | undefined {
    const st = this.ipState.get(ipKey(ip));
    const existing = st?.key;
    if (!st || !existing) return undefined;
    const ok = existing.sharing !== '' && key.sharing !== '' && existing.sharing === key.sharing && existing.backend === key.backend;
    if (!ok) {
      // Go iterates a map here; sorted for a stable text
      const others = [...st.services].filter((s) => s !== svcKey).sort();
      if (others.length > 0) return `can't change sharing key for "${svcKey}", address also in use by ${others.join(',')}`;
    }
    for (const port of ports) {
      const cur = st.ports.get(portKey(port));
      if (cur !== undefined && cur !== svcKey) return `port ${portKey(port)} is already in use on ${goQuote(formatIP(ip))}`;
    }
    return undefined;
  }

  /** Assign: the requested (or chosen) IPs, all in one pool, permitted by sharing. */
  assign(svc: ServiceInfo, ips: (IP | undefined)[], hint?: Pool): Result<IP[]> {
    const pool = hint && ips.every((ip) => ip !== undefined && poolContains(hint, ip)) ? hint : this.poolFor(ips);
    if (!pool) return { ok: false, error: `${ipsText(ips)} is not allowed in config` };
    if (!poolCompatible(pool, svc)) return { ok: false, error: `pool ${pool.name} not compatible for ip assignment` };
    if (ips.length > 2) return { ok: false, error: `more than two addresses ${ipsText(ips)}` };
    const real = ips as IP[];
    if (real.length === 2 && real[0]!.family === real[1]!.family) {
      return { ok: false, error: `${goQuote(formatIP(real[0]!))} ${goQuote(formatIP(real[1]!))} has the same family` };
    }
    const key = { sharing: svc.sharingKey, backend: svc.backendKey };
    for (const ip of real) {
      const err = this.checkSharing(svc.key, ip, svc.ports, key);
      if (err) return { ok: false, error: err };
    }
    this.assignInternal(svc.key, { pool: pool.name, ips: [...real], ports: [...svc.ports], key });
    return { ok: true, value: real };
  }

  /** getFreeIPsFromPool: the first usable address of each family, independently. */
  freeIPs(pool: Pool, svc: ServiceInfo): Result<Candidate> {
    const cand: Candidate = { pool };
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

  private firstUsable(pool: Pool, family: Family, svc: ServiceInfo): IP | undefined {
    const use = this.poolUse.get(pool.name)!;
    const key = { sharing: svc.sharingKey, backend: svc.backendKey };
    // For a Service holding no allocation, what blocks an address depends only on its keys and
    // ports: cache the answer per pool and signature until the pool changes.
    const slot = this.allocated.has(svc.key) ? undefined : family === 4 ? svc.blockingSignature4 : svc.blockingSignature6;
    // the common case (no sharing key) lives in two plain fields, no map lookup
    const plain = slot !== undefined && svc.sharingKey === '';
    if (plain) {
      const hit = family === 4 ? use.plain4 : use.plain6;
      if (hit !== undefined) return hit ?? undefined;
    } else if (slot !== undefined) {
      const hit = use.cache.get(slot);
      if (hit !== undefined) return hit ?? undefined;
    }
    const blocked: IP[] = [];
    for (const { ip } of use.ips.values()) {
      if (ip.family !== family) continue;
      if (this.blocks(svc.key, ip, svc.ports, key)) blocked.push(ip);
    }
    const ip = firstFree(pool.entries, family, blocked, pool.avoidBuggyIPs);
    if (plain) {
      if (family === 4) use.plain4 = ip ?? null;
      else use.plain6 = ip ?? null;
    } else if (slot !== undefined) use.cache.set(slot, ip ?? null);
    return ip;
  }

  /** checkSharing's verdict without building its message (the hot path of the address search). */
  private blocks(svcKey: string, ip: IP, ports: readonly Port[], key: SharingKey): boolean {
    const st = this.ipState.get(ipKey(ip));
    const existing = st?.key;
    if (!st || !existing) return false;
    const ok = existing.sharing !== '' && key.sharing !== '' && existing.sharing === key.sharing && existing.backend === key.backend;
    if (!ok) {
      for (const s of st.services) if (s !== svcKey) return true;
    }
    for (const port of ports) {
      const cur = st.ports.get(portKey(port));
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
