// BGP aggregates shared by Services (speaker/bgp_controller.go publishAds): a speaker announces
// the union of the advertisements of every Service it announces, so a node announces an
// aggregated prefix (aggregationLength shorter than the address) as soon as one Service inside it
// is announced there. A Service under externalTrafficPolicy Local inside that prefix then gets
// traffic at nodes without its endpoints, where kube-proxy drops it.
import type { KubeObject } from '../sources/types.js';
import type { ClusterState } from '../state/cluster-state.js';
import { announcementOf, announcingNodes } from './announcement.js';
import { inScope } from './announce/common.js';

export interface AggregateLeak {
  /** the aggregated prefix, e.g. 10.0.0.0/24 */
  prefix: string;
  /** nodes that announce it for other Services and hold no serving endpoint of this one */
  nodes: string[];
  /** the other Services that make those nodes announce it */
  others: KubeObject[];
}

const HOST = /\/(32|128)$/;

const cache = new WeakMap<ClusterState, Map<KubeObject, AggregateLeak[]>>();

/** Per Local-policy Service announced by BGP: the aggregates that nodes without its endpoints announce. */
export function aggregateLeaks(state: ClusterState): Map<KubeObject, AggregateLeak[]> {
  let out = cache.get(state);
  if (out) return out;
  out = new Map();
  cache.set(state, out);
  const a = announcementOf(state);
  if (!a.applies) return out;
  // per aggregated prefix: who announces it from which nodes
  const byPrefix = new Map<string, { svc: KubeObject; nodes: readonly string[]; local?: ReadonlySet<string> }[]>();
  let anyLocal = false;
  for (const { svc, announce: r } of a.byService.values()) {
    const bgp = r?.bgp;
    if (!bgp || bgp.prefixes.length === 0) continue;
    const aggregated = bgp.prefixes.filter((p) => !HOST.test(p.prefix));
    if (aggregated.length === 0) continue;
    const local = bgp.localEndpointNodes ? new Set(bgp.localEndpointNodes) : undefined;
    if (local && bgp.hasEndpoints) anyLocal = true;
    const announcers = bgp.announcingCount > 0 ? announcingNodes(a, r!).bgp : [];
    for (const p of aggregated) {
      const scope = bgp.advertisements.find((s) => s.name === p.advertisement);
      const nodes = scope && scope.nodes !== 'all' ? announcers.filter((n) => inScope(scope, n)) : announcers;
      let list = byPrefix.get(p.prefix);
      if (!list) byPrefix.set(p.prefix, (list = []));
      list.push({ svc, nodes, ...(local ? { local } : {}) });
    }
  }
  if (!anyLocal) return out;
  for (const [prefix, entries] of byPrefix) {
    if (entries.length < 2) continue;
    for (const own of entries) {
      if (!own.local) continue;
      const leak = new Set<string>();
      const others: KubeObject[] = [];
      for (const e of entries) {
        if (e === own || e.svc === own.svc) continue;
        let added = false;
        for (const n of e.nodes) {
          if (own.local.has(n)) continue;
          leak.add(n);
          added = true;
        }
        if (added) others.push(e.svc);
      }
      if (leak.size === 0) continue;
      const list = out.get(own.svc) ?? [];
      list.push({ prefix, nodes: [...leak].sort(), others });
      out.set(own.svc, list);
    }
  }
  return out;
}
