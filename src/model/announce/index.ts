// Which nodes announce a Service (metallb-semantics.md 4): the speaker's SetBalancer flow
// (speaker/main.go) over the layer 2 election and the BGP decision, evaluated for all nodes at once.
import type { KubeObject } from '../../sources/types.js';
import { formatIP, parseIP, cidrContainsIP, cidrRange, RangeIndex, type IP } from '../address.js';
import { parsePool } from '../pools.js';
import { type AnnounceInput, endpointsOf, list, nameOf, rec } from './common.js';
import { electL2, type L2Result } from './l2.js';
import { decideBGP, type BGPResult } from './bgp.js';

export type { AnnounceInput, NodeScope } from './common.js';
export { endpointCanServe, isExcludedFromBalancers, isNetworkUnavailable, EXCLUDE_LB_LABEL, inScope } from './common.js';
export { l2Order, l2ForNode, preferredNodeScores, type L2Result, type L2Reason, type L2Exclusion } from './l2.js';
export { bgpForNode, carries, BGP_REASONS, type BGPResult, type BGPSession, type BGPReason, type BGPPrefix, type BGPNodeView } from './bgp.js';

/** Why no protocol is even evaluated (every node withdraws the service). */
export type ServiceReason = 'notLoadBalancer' | 'noIPAllocated' | 'invalidIP' | 'ipNotAllowed';

export interface AnnounceResult {
  /** the pool the ingress IPs fall in (by containment only) */
  pool?: string;
  /** the ingress IPs in Go's canonical text, in status order */
  ips: string[];
  reason?: ServiceReason;
  /** BGP first, then layer 2, as the speaker runs them; a service may be announced by both */
  bgp?: BGPResult;
  l2?: L2Result;
}

/** poolFor: the pool whose CIDRs contain every IP (pools do not overlap in a valid configuration; first in input order). */
export function poolForIPs(pools: readonly KubeObject[], ips: readonly IP[]): KubeObject | undefined {
  const index = poolIndex(pools);
  if (index) {
    // disjoint ranges: at most one pool holds each IP
    let found: KubeObject | undefined;
    for (const ip of ips) {
      const p = index.owner(ip);
      if (!p || (found && p !== found)) return undefined;
      found = p;
    }
    return found;
  }
  return pools.find((p) => ips.every((ip) => parsePool(p).valid.some((e) => e.cidrs.some((c) => cidrContainsIP(c, ip)))));
}

const poolIndexes = new WeakMap<readonly KubeObject[], RangeIndex<KubeObject> | null>();
/** Every CIDR of every pool; null when pools overlap (then the linear, first-in-order search decides). */
function poolIndex(pools: readonly KubeObject[]): RangeIndex<KubeObject> | null {
  let idx = poolIndexes.get(pools);
  if (idx === undefined) {
    idx = RangeIndex.of(pools.flatMap((p) => parsePool(p).valid.flatMap((e) => e.cidrs.map((c) => ({ ...cidrRange(c), owner: p }))))) ?? null;
    poolIndexes.set(pools, idx);
  }
  return idx;
}

export function announce(input: AnnounceInput, service: KubeObject): AnnounceResult {
  const spec = rec(service.spec);
  if (spec.type !== 'LoadBalancer') return { ips: [], reason: 'notLoadBalancer' };
  const ingress = list(rec(rec(service.status).loadBalancer).ingress);
  if (ingress.length === 0) return { ips: [], reason: 'noIPAllocated' };
  const parsed: IP[] = [];
  for (const i of ingress) {
    const text = rec(i).ip;
    const ip = typeof text === 'string' ? parseIP(text) : undefined;
    if (!ip) return { ips: [], reason: 'invalidIP' };
    parsed.push(ip);
  }
  return announceAt(input, service, service.metadata?.namespace ?? 'default', parsed, parsed.map(formatIP));
}

/**
 * announce for a Service whose ingress IPs are known (parsed, and as Go's canonical text), read
 * as if in `namespace`: the allocator's answer needs neither a copy of the Service with it in the
 * status nor a parse of its own text.
 */
export function announceAt(input: AnnounceInput, service: KubeObject, namespace: string, parsed: readonly IP[], ips: string[]): AnnounceResult {
  const pool = poolForIPs(input.pools, parsed);
  if (!pool) return { ips, reason: 'ipNotAllowed' };
  const endpoints = endpointsOf(input.endpointSlices(namespace, nameOf(service)), input.endpointConditions);
  const bgp = decideBGP(input, service, pool, ips, endpoints);
  const result: AnnounceResult = { pool: nameOf(pool), ips, bgp };
  if (!input.disableLayer2) result.l2 = electL2(input, service, pool, ips, endpoints);
  return result;
}
