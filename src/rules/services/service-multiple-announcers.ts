import type { KubeObject } from '../../sources/types.js';
import type { Subject } from '../types.js';
import { defineRule } from '../types.js';
import { serviceName } from '../../model/simulation.js';
import { announcementOf, hasRunningSpeaker } from '../../model/announcement.js';
import type { L2Result } from '../../model/announce/l2.js';
import { allowsSharedIP } from '../../model/announce/common.js';
import { parseIP, formatIP } from '../../model/address.js';
import { asArray, asRecord, type ClusterState } from '../../state/cluster-state.js';
import { sharedIPSelectorBehaviour } from './l2-shared-ip-service-selector.js';
import { eventLine, logSubject, timeText } from '../../model/logs/evidence.js';

interface Announcer {
  svc: KubeObject;
  node: string;
  l2: L2Result;
  /** the election as MetalLB v0.16.0/v0.16.1 runs it (no sharedIPWithServiceSelector refusal) */
  preRefusal: boolean;
}

/** Read only for the Services of a finding: most addresses have one announcer, and their Services' specs are never looked at. */
const etpLocal = (x: Announcer) => asRecord(x.svc.spec).externalTrafficPolicy === 'Local';

const arpOrNdp = (ip: string) => (ip.includes(':') ? 'NDP' : 'ARP');
const list = (xs: readonly string[]) => (xs.length <= 1 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`);

function describe(x: Announcer): string {
  const ads = x.l2.advertisements.map((ad) => ad.name);
  return `${x.node} for ${serviceName(x.svc)} (candidates ${x.l2.candidates.join(', ')}; L2Advertisements ${ads.join(', ') || 'none'}; externalTrafficPolicy ${etpLocal(x) ? 'Local' : 'Cluster'})`;
}

/** Why the candidate sets of Services sharing an address differ. */
function whyDiffer(xs: readonly Announcer[]): string[] {
  const why: string[] = [];
  const adKey = (x: Announcer) => x.l2.advertisements.map((a) => a.name).sort().join(',');
  if (new Set(xs.map(adKey)).size > 1) {
    why.push(`their matching L2Advertisements differ (serviceSelectors pick ${list(xs.map((x) => `${x.l2.advertisements.map((a) => `"${a.name}"`).join(', ') || 'none'} for ${serviceName(x.svc)}`))}), and those select different nodes`);
  }
  const local = xs.filter(etpLocal);
  if (local.length > 0 && local.length < xs.length) {
    why.push(`${list(local.map((x) => serviceName(x.svc)))} ${local.length === 1 ? 'has' : 'have'} externalTrafficPolicy Local and the others Cluster: Local limits the candidates to the nodes with a serving endpoint of that Service`);
  } else if (local.length > 1) {
    why.push('externalTrafficPolicy Local limits each to the nodes with a serving endpoint of its own, and their endpoints are on different nodes');
  }
  const excl = xs.filter((x) => x.l2.excluded.some((e) => e.reason !== 'noLocalEndpoints'));
  if (why.length === 0 && excl.length > 0) why.push('different nodes are excluded from their candidates');
  if (why.length === 0) why.push('their candidate sets differ');
  return why;
}

function checkModel(state: ClusterState, report: (f: { message: string; subjects: Subject[]; evidence: string[]; fix: string }) => void): void {
  const a = announcementOf(state);
  if (!a.applies) return;
  const version = state.metallb.version;
  const preRefusal = sharedIPSelectorBehaviour(version) === 'split';
  const byIP = new Map<string, Announcer[]>();
  for (const { svc, announce } of a.byService.values()) {
    if (!announce?.l2 || !announce.pool) continue;
    // the model runs the election as the version does (v0.16.0/v0.16.1 elect instead of refusing)
    const l2: L2Result = announce.l2;
    const recomputed = preRefusal && allowsSharedIP(svc) && l2.advertisements.length > 0;
    const node = l2?.winner;
    if (!l2 || !node || !hasRunningSpeaker(a, node)) continue;
    const x: Announcer = { svc, node, l2, preRefusal: recomputed };
    for (const ip of announce.ips) {
      const l = byIP.get(ip);
      if (l) l.push(x);
      else byIP.set(ip, [x]);
    }
  }
  // a dual-stack pair sharing both addresses is one finding
  const groups = new Map<string, { ips: string[]; xs: Announcer[] }>();
  for (const [ip, xs] of byIP) {
    // one announcer, one node: no set to build for each of 20,000 addresses
    if (xs.length < 2 || new Set(xs.map((x) => x.node)).size < 2) continue;
    const key = xs.map((x) => `${serviceName(x.svc)}@${x.node}`).join('|');
    const g = groups.get(key);
    if (g) g.ips.push(ip);
    else groups.set(key, { ips: [ip], xs });
  }
  for (const { ips, xs } of groups.values()) {
    const nodes = [...new Set(xs.map((x) => x.node))];
    const ipText = ips.join(', ');
    const proto = [...new Set(ips.map(arpOrNdp))].join('/');
    const evidence = [
      ...xs.map((x) => `${serviceName(x.svc)}: election order for ${ips[0]}: ${x.l2.candidates.join(', ')}${x.l2.excluded.length > 0 ? `; excluded ${x.l2.excluded.map((e) => `${e.node} (${e.reason})`).join(', ')}` : ''}`),
      ...a.speaker.notes,
    ];
    if (xs.some((x) => x.preRefusal)) {
      evidence.push(`MetalLB ${version} elects Services with allow-shared-ip matched by L2Advertisements with serviceSelectors like any other (releases after v0.16.1 refuse them: see l2-shared-ip-service-selector)`);
    }
    report({
      message: `Layer 2 address ${ipText} is announced by ${nodes.length} nodes at once: ${list(xs.map(describe))}. Every Service sharing the address runs its own election, and their candidate sets differ: ${whyDiffer(xs).join('; ')}. ${list(nodes)} ${nodes.length === 2 ? 'both' : 'all'} answer ${proto} for ${ipText}, so clients reach whichever replied last (split brain)`,
      subjects: xs.map((x) => ({ obj: x.svc })),
      evidence,
      fix: 'Give every Service sharing the address the same candidates: the same L2Advertisements (no serviceSelectors on the pool\'s L2Advertisements) and the same externalTrafficPolicy with endpoints on the same nodes; or stop sharing the address (remove metallb.io/allow-shared-ip).',
    });
  }
}

function canonicalIP(s: unknown): string | undefined {
  if (typeof s !== 'string') return undefined;
  const p = parseIP(s);
  return p ? formatIP(p) : undefined;
}

function checkStatus(state: ClusterState, report: (f: { message: string; subjects: Subject[]; evidence: string[]; fix: string }) => void): void {
  if (!state.isCaptured('ServiceL2Status')) return;
  const statuses = state.all('ServiceL2Status').filter((s) => {
    const st = asRecord(s.status);
    return typeof st.node === 'string' && st.node !== '' && typeof st.serviceName === 'string' && st.serviceName !== '';
  });
  if (statuses.length < 2) return;
  const svcKey = (s: KubeObject) => `${String(asRecord(s.status).serviceNamespace || 'default')}/${String(asRecord(s.status).serviceName)}`;
  const serviceOf = (s: KubeObject): KubeObject | undefined => {
    if (!state.isCaptured('Service')) return undefined;
    const st = asRecord(s.status);
    const ns = String(st.serviceNamespace || 'default');
    return state.get('Service', ns, String(st.serviceName)) ?? (ns === 'default' ? state.get('Service', undefined, String(st.serviceName)) : undefined);
  };
  const ipsOf = (svc: KubeObject | undefined): string[] =>
    svc ? [...new Set(asArray(asRecord(asRecord(svc.status).loadBalancer).ingress).map((i) => canonicalIP(asRecord(i).ip)).filter((x): x is string => !!x))] : [];

  // union-find over the status objects: joined when they name the same Service or their Services share an address
  const parent = statuses.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  const join = (i: number, j: number) => {
    parent[find(i)] = find(j);
  };
  const firstBy = new Map<string, number>();
  statuses.forEach((s, i) => {
    for (const k of [`svc:${svcKey(s)}`, ...ipsOf(serviceOf(s)).map((ip) => `ip:${ip}`)]) {
      const j = firstBy.get(k);
      if (j === undefined) firstBy.set(k, i);
      else join(i, j);
    }
  });
  const comps = new Map<number, number[]>();
  statuses.forEach((_, i) => {
    const r = find(i);
    comps.set(r, [...(comps.get(r) ?? []), i]);
  });
  for (const idx of comps.values()) {
    const members = idx.map((i) => statuses[i]!);
    const nodes = [...new Set(members.map((s) => String(asRecord(s.status).node)))];
    if (nodes.length < 2) continue;
    const services = [...new Set(members.map(svcKey))];
    const svcObjs = [...new Set(members.map(serviceOf).filter((x): x is KubeObject => !!x))];
    const ips = [...new Set(svcObjs.flatMap((s) => ipsOf(s)))];
    const what = ips.length > 0 ? `address ${ips.join(', ')}` : `Service ${services.join(', ')}`;
    const lines = members.map((s) => `ServiceL2Status ${s.metadata?.name ?? s.metadata?.generateName ?? '?'}: node ${String(asRecord(s.status).node)} announces ${svcKey(s)}`);
    const sameService = services.length < members.length;
    const cause = sameService
      ? 'In steady state the elected speaker keeps exactly one ServiceL2Status per Service and deletes the other nodes\' objects: several nodes each believe they won the election (their speakers disagree on memberlist membership or on the inputs), or a speaker that lost could not delete its object'
      : 'Services sharing an address are elected separately, and MetalLB elected them to different nodes';
    report({
      message: `MetalLB's own status shows ${what} announced in layer 2 by ${nodes.length} nodes (${list(nodes)}): ${lines.map((l) => l.replace(/^ServiceL2Status /, '')).join('; ')}. ${cause}; every announcing node answers ARP/NDP for the address (split brain)`,
      subjects: [...svcObjs.map((obj) => ({ obj })), ...members.map((obj) => ({ obj, path: ['status', 'node'] as const }))],
      evidence: [...lines, ...svcObjs.map((s) => `Service ${serviceName(s)} ingress: ${ipsOf(s).join(', ') || 'none'}`)],
      fix: `Compare who answers: \`kubectl -n ${state.metallb.namespace} get servicel2statuses\` and the speakers' logs on ${list(nodes)}; check that every speaker pod is running and the memberlist port (7946 TCP/UDP) is open between nodes. Deleting the stale ServiceL2Status objects is safe: the elected speaker recreates its own.`,
    });
  }
}

/** The speakers' logs: two nodes announcing one address by layer 2 in the same window, neither withdrawing. */
function checkLogs(state: ClusterState, report: (f: { message: string; subjects: Subject[]; evidence: string[]; fix: string }) => void): void {
  const logs = state.logAnalysis;
  if (!logs) return;
  for (const o of logs.overlappingClaims()) {
    const [ns, name] = o.key.startsWith('ip ') ? [undefined, undefined] : (o.key.split('/') as [string, string]);
    const svc = ns !== undefined ? state.get('Service', ns, name!) : undefined;
    const what = o.key.startsWith('ip ') ? `address ${o.key.slice(3)}` : `Service ${o.key}${svc ? ` (${ipsText(svc)})` : ''}`;
    const minutes = Math.max(1, Math.round((o.to - o.from) / 60_000));
    report({
      message: `The speakers' logs show ${what} announced in layer 2 by ${o.a.node} and ${o.b.node} at the same time, from ${timeText(o.from)} to ${timeText(o.to)} (about ${minutes} min), neither withdrawing: both answered ARP/NDP for it (split brain), so clients reached whichever replied last. Each speaker believed it won the election: they did not see each other in memberlist (see log-memberlist-partition / log-memberlist-unreachable).`,
      subjects: [...(svc ? [{ obj: svc }] : []), logSubject(o.a.first), logSubject(o.b.first)],
      evidence: [`${o.a.node} announced it from ${eventLine(o.a.first)}`, `${o.b.node} announced it from ${eventLine(o.b.first)}`, `overlap: ${timeText(o.from)} to ${timeText(o.to)}`],
      fix: `Restore memberlist between the speakers (TCP and UDP 7946 between all nodes); once they see each other, the losers withdraw. Confirm who answers now: \`arping -c 3 -I <interface> <address>\` from a host on the segment (two MACs is a split brain), and \`kubectl -n ${o.a.first.stream.namespace} get servicel2statuses\`.`,
    });
  }
}

function ipsText(svc: KubeObject): string {
  const ips = asArray(asRecord(asRecord(svc.status).loadBalancer).ingress).map((i) => asRecord(i).ip).filter((x): x is string => typeof x === 'string');
  return ips.length > 0 ? ips.join(', ') : 'no address now';
}

export default defineRule({
  meta: {
    id: 'service-multiple-announcers',
    severity: 'error',
    category: 'services',
    evidence: ['api', 'logs'],
    description: "More than one node announces the same layer 2 address (split brain): as MetalLB's election computes it, as its ServiceL2Status objects say, or as the speakers' logs show (two nodes announcing one address in the same window).",
    fix: 'Make every Service sharing the address elect the same node (same L2Advertisements, same externalTrafficPolicy and endpoint nodes), or stop sharing it; for disagreeing speakers, check memberlist connectivity.',
  },
  check({ state, report }) {
    checkModel(state, report);
    checkStatus(state, report);
    checkLogs(state, report);
  },
});
