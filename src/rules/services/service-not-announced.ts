import type { KubeObject } from '../../sources/types.js';
import { namesText } from '../../report/text.js';
import { defineRule, type RuleContext } from '../types.js';
import { announcementOf, type Announcement } from '../../model/announcement.js';
import { carries, type AnnounceResult, type NodeScope } from '../../model/announce/index.js';
import { adMatchesService, adsOfPool, nodeSetOf } from '../../model/announce/common.js';
import { serviceName } from '../../model/simulation.js';
import { asArray, asRecord } from '../../state/cluster-state.js';

// Helpers shared by the announcement rules (service-no-announcing-node, the node rules).


/** How many Nodes a scope holds ('all' = every Node in the input). */
export function scopeSize(a: Announcement, s: NodeScope): number {
  return s.nodes === 'all' ? a.input.nodes.length : s.nodes.length;
}

/** Layer 2: some L2Advertisement of the pool matches the Service and selects a node, and MetalLB does not refuse it. */
export function l2Covers(a: Announcement, r: AnnounceResult): boolean {
  const l2 = r.l2;
  if (!l2 || l2.reason === 'sharedIPWithServiceSelector') return false;
  return l2.advertisements.some((s) => scopeSize(a, s) > 0);
}

/** BGP: some BGPAdvertisement of the pool matches the Service and selects a node. */
export function bgpCovers(a: Announcement, r: AnnounceResult): boolean {
  return !!r.bgp && r.bgp.advertisements.some((s) => scopeSize(a, s) > 0);
}

/** The Service as the speakers look it up (namespace defaulted). */
export function serviceNamespace(svc: KubeObject): string {
  return svc.metadata?.namespace || 'default';
}

/** A label selector the way kubectl writes one: `app=web,tier in (a,b)`. */
export function selectorText(sel: unknown): string {
  const s = asRecord(sel);
  const parts = Object.entries(asRecord(s.matchLabels)).map(([k, v]) => `${k}=${String(v)}`);
  for (const e of asArray(s.matchExpressions)) {
    const r = asRecord(e);
    const vals = asArray(r.values).map(String).join(',');
    switch (r.operator) {
      case 'In':
        parts.push(`${String(r.key)} in (${vals})`);
        break;
      case 'NotIn':
        parts.push(`${String(r.key)} notin (${vals})`);
        break;
      case 'Exists':
        parts.push(String(r.key));
        break;
      case 'DoesNotExist':
        parts.push(`!${String(r.key)}`);
        break;
      default:
        parts.push(`${String(r.key)} ${String(r.operator)} (${vals})`);
    }
  }
  return parts.length > 0 ? parts.join(',') : '(everything)';
}

export function selectorsText(v: unknown): string {
  return asArray(v).map((s) => `{${selectorText(s)}}`).join(' or ');
}

export function labelsText(labels: Record<string, string> | undefined): string {
  const e = Object.entries(labels ?? {});
  return e.length > 0 ? e.map(([k, v]) => `${k}=${v}`).join(',') : 'none';
}

type AdKind = 'L2Advertisement' | 'BGPAdvertisement';

interface AdView {
  ad: KubeObject;
  name: string;
  matchesService: boolean;
  nodes: number;
}

function adViews(a: Announcement, kind: AdKind, pool: KubeObject | undefined, svc: KubeObject): AdView[] {
  if (!pool) return [];
  const all = kind === 'L2Advertisement' ? a.input.l2Advertisements : a.input.bgpAdvertisements;
  return adsOfPool(all, a.input.pools, pool).map((ad) => ({
    ad,
    name: ad.metadata?.name ?? '',
    // before v0.16.0 the API server drops the advertisements' serviceSelectors: every ad matches
    matchesService: a.input.serviceSelectors === false || adMatchesService(ad, svc),
    nodes: nodeSetOf(ad, a.input.nodes).names.size,
  }));
}

/** Why none of a protocol's advertisements announces the Service: one clause per advertisement. */
function whyNot(a: Announcement, kind: AdKind, views: AdView[], svc: KubeObject): { text: string; fixes: string[] } {
  const clauses: string[] = [];
  const fixes: string[] = [];
  for (const v of views) {
    const spec = asRecord(v.ad.spec);
    if (!v.matchesService) {
      clauses.push(`${kind} "${v.name}" has serviceSelectors ${selectorsText(spec.serviceSelectors)} that do not match the Service's labels (${labelsText(svc.metadata?.labels)})`);
      fixes.push(`label the Service so it matches the serviceSelectors of ${kind} "${v.name}" (kubectl label svc -n ${serviceNamespace(svc)} ${svc.metadata?.name ?? ''} <key>=<value>), or widen those serviceSelectors`);
    } else if (v.nodes === 0) {
      clauses.push(
        a.input.nodes.length === 0
          ? `${kind} "${v.name}" matches it, but the cluster has no Node`
          : `${kind} "${v.name}" matches it, but its nodeSelectors ${selectorsText(spec.nodeSelectors)} match none of the ${a.input.nodes.length} Node(s)`,
      );
      fixes.push(`correct the nodeSelectors of ${kind} "${v.name}" to match the nodes that should announce (kubectl get nodes --show-labels), or label those nodes`);
    }
  }
  return { text: clauses.join('; '), fixes };
}

function adEvidence(a: Announcement, kind: AdKind, views: AdView[]): string[] {
  return views.map((v) => {
    const spec = asRecord(v.ad.spec);
    const sel = (f: string) => (asArray(spec[f]).length > 0 ? selectorsText(spec[f]) : 'none (all)');
    return `${kind} "${v.name}": serviceSelectors ${sel('serviceSelectors')} (${v.matchesService ? 'match' : 'do not match'} the Service), nodeSelectors ${sel('nodeSelectors')} (select ${v.nodes} of ${a.input.nodes.length} Node(s))`;
  });
}

/**
 * BGP announces the Service, but a session carries its peer's own address family only (MetalLB
 * v0.15.0+, unless the BGPPeer is unnumbered or sets dualStackAddressFamily): an address of the
 * other family reaches no router.
 */
function reportFamilyWithoutSession(svc: KubeObject, r: AnnounceResult, report: RuleContext['report']): void {
  const bgp = r.bgp!;
  if (bgp.sessions.length === 0) return; // no BGPPeer at all: bgp-advertisement-without-peer says so
  const orphans = r.ips.filter((ip) => {
    // a Service holds one address per family: its prefixes of that family are the address's
    const prefixes = bgp.prefixes.filter((p) => p.prefix.includes(':') === ip.includes(':'));
    return prefixes.length > 0 && !prefixes.some((p) => bgp.sessions.some((s) => (p.peers === 'all' || p.peers.includes(s.name)) && carries(s, p.prefix)));
  });
  if (orphans.length === 0) return;
  const family = (ip: string) => (ip.includes(':') ? 'IPv6' : 'IPv4');
  const sessions = bgp.sessions.map((s) => `BGPPeer "${s.name}" (${s.families === 'both' ? 'both families' : s.families === 'ipv6' ? 'IPv6 only' : 'IPv4 only'})`);
  const fams = [...new Set(orphans.map(family))];
  report({
    message: `Service ${serviceName(svc)} is announced by BGP, but no BGP session carries its ${fams.join(' and ')} address ${orphans.join(', ')}: MetalLB sends a peer the routes of the peer address's own family only, so no router learns ${orphans.length === 1 ? 'it' : 'them'} and ${orphans.length === 1 ? 'it answers' : 'they answer'} nothing`,
    subjects: [{ obj: svc }],
    evidence: [`prefixes: ${bgp.prefixes.map((p) => p.prefix).join(', ')}`, `sessions: ${sessions.join(', ')}`],
    fix: `Set dualStackAddressFamily: true on a BGPPeer (its session then carries both families), or add a BGPPeer with an ${fams.join(' and ')} peerAddress for the nodes that announce the Service.`,
  });
}

export default defineRule({
  meta: {
    id: 'service-not-announced',
    severity: 'error',
    category: 'services',
    evidence: ['api'],
    description: 'The Service has an address, but no advertisement of its pool matches it and selects a node: no node announces it.',
    fix: 'Add or correct an L2Advertisement or BGPAdvertisement for the pool so that it matches the Service (serviceSelectors) and selects nodes (nodeSelectors).',
  },
  check({ state, report }) {
    const a = announcementOf(state);
    if (!a.applies) return;
    for (const { svc, result, announce: r } of a.byService.values()) {
      // ipNotAllowed and the like: service-ip-outside-pools and friends own those
      if (!r || r.reason !== undefined || !r.pool) continue;
      if (r.bgp && r.bgp.announcingCount > 0 && !r.l2?.winner) reportFamilyWithoutSession(svc, r, report);
      if (l2Covers(a, r) || bgpCovers(a, r)) continue;
      const pool = r.pool;
      const poolObj = a.input.pools.find((p) => p.metadata?.name === pool);
      const l2 = adViews(a, 'L2Advertisement', poolObj, svc);
      const bgp = adViews(a, 'BGPAdvertisement', poolObj, svc);
      const clauses: string[] = [];
      const fixes: string[] = [];
      const reasons: string[] = [];
      if (l2.length === 0 && bgp.length === 0) {
        clauses.push(`no L2Advertisement or BGPAdvertisement selects IPAddressPool "${pool}" (see pool-not-advertised)`);
        fixes.push(`add an advertisement for the pool, e.g. an L2Advertisement with spec.ipAddressPools: [${pool}] (or a BGPAdvertisement with a BGPPeer)`);
      } else {
        if (r.l2?.reason === 'sharedIPWithServiceSelector') {
          const withSel = l2.filter((v) => v.matchesService && asArray(asRecord(v.ad.spec).serviceSelectors).length > 0).map((v) => `"${v.name}"`);
          clauses.push(
            `layer 2: the Service has the allow-shared-ip annotation and L2Advertisement ${withSel.join(', ')} selects Services by serviceSelectors, so MetalLB refuses to announce it in layer 2 (sharedIPWithServiceSelector; see l2-shared-ip-service-selector)`,
          );
          fixes.push('remove the serviceSelectors from the L2Advertisements of the pool, or the allow-shared-ip annotation from the Service (see l2-shared-ip-service-selector)');
          reasons.push('layer 2 sharedIPWithServiceSelector');
        } else if (r.l2 && l2.length > 0) {
          const w = whyNot(a, 'L2Advertisement', l2, svc);
          clauses.push(`layer 2: ${w.text}`);
          fixes.push(...w.fixes);
          reasons.push(`layer 2 ${r.l2.reason ?? 'noMatchingAdvertisement'}`);
        }
        if (r.bgp && bgp.length > 0) {
          const w = whyNot(a, 'BGPAdvertisement', bgp, svc);
          clauses.push(`BGP: ${w.text}`);
          fixes.push(...w.fixes);
          if (r.bgp.reason) reasons.push(`BGP ${r.bgp.reason}`);
        }
        // the other protocol has no advertisement for the pool at all: say so briefly
        if (l2.length === 0) clauses.push(`no L2Advertisement selects the pool`);
        if (bgp.length === 0) clauses.push(`no BGPAdvertisement selects the pool`);
      }
      if (r.l2?.noServingEndpoints) clauses.push('the Service also has no serving endpoint (see service-no-endpoints)');
      const others = [
        ...a.input.l2Advertisements.filter((ad) => !l2.some((v) => v.ad === ad)).map((ad) => `L2Advertisement "${ad.metadata?.name ?? ''}"`),
        ...a.input.bgpAdvertisements.filter((ad) => !bgp.some((v) => v.ad === ad)).map((ad) => `BGPAdvertisement "${ad.metadata?.name ?? ''}"`),
      ];
      report({
        message: `Service ${serviceName(svc)} ${result.state === 'kept' ? 'has' : "gets (from MetalLB's allocator)"} ${r.ips.join(', ')} from IPAddressPool "${pool}", but no advertisement announces it from any node${reasons.length > 0 ? ` (every speaker withdraws it: ${reasons.join(', ')})` : ''}: ${clauses.join('; ')}`,
        subjects: [{ obj: svc }],
        evidence: [
          `Service labels: ${labelsText(svc.metadata?.labels)}`,
          ...adEvidence(a, 'L2Advertisement', l2),
          ...adEvidence(a, 'BGPAdvertisement', bgp),
          ...(others.length > 0 ? [`advertisements of other pools: ${namesText(others)}`] : []),
        ],
        ...(fixes.length > 0 ? { fix: `${fixes.map((f, i) => (i === 0 ? f[0]!.toUpperCase() + f.slice(1) : f)).join('; ')}.` } : {}),
      });
    }
  },
});
