import type { KubeObject } from '../../sources/types.js';
import type { Subject } from '../types.js';
import { ordered } from '../../model/logs/analysis.js';
import { defineRule, type RuleContext } from '../types.js';
import { eventLine, logSubject, timeText } from '../../model/logs/evidence.js';
import { parseIP } from '../../model/address.js';
import { poolForIPs } from '../../model/announce/index.js';
import { adMatchesService, adsOfPool, nodeSetOf } from '../../model/announce/common.js';
import { asArray, asRecord, type ClusterState } from '../../state/cluster-state.js';

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** The Warning event the speaker records on the Service (speaker/layer2_controller.go SetBalancer). */
export const ANNOUNCE_FAILED = 'announceFailed';
const MESSAGE = /the interfaces specified by LB IP "([^"]*)" doesn't exist in assigned node "([^"]*)"/;

interface EventFacts {
  obj: KubeObject;
  ns: string;
  service: string;
  message: string;
  count?: number;
  last?: string;
  first?: string;
  source?: string;
}

/** An Event of either API (core/v1 or events.k8s.io/v1), read defensively. */
function factsOf(e: KubeObject): EventFacts | undefined {
  const r = e as unknown as Record<string, unknown>;
  if (r.reason !== ANNOUNCE_FAILED) return undefined;
  const about = asRecord(r.involvedObject ?? r.regarding);
  if (about.kind !== undefined && about.kind !== 'Service') return undefined;
  const name = str(about.name);
  if (!name) return undefined;
  const series = asRecord(r.series);
  const source = str(asRecord(r.source).component) || str(r.reportingComponent) || str(r.reportingController);
  const core = typeof r.message === 'string';
  return {
    obj: e,
    ns: str(about.namespace) || e.metadata?.namespace || 'default',
    service: name,
    message: core ? (r.message as string) : str(r.note),
    count: num(series.count) ?? num(r.count) ?? num(r.deprecatedCount),
    last: str(series.lastObservedTime) || str(r.lastTimestamp) || str(r.deprecatedLastTimestamp) || str(r.eventTime) || undefined,
    first: str(r.firstTimestamp) || str(r.deprecatedFirstTimestamp) || undefined,
    source: source || undefined,
  };
}

function ingressIPs(svc: KubeObject): string[] {
  return asArray(asRecord(asRecord(svc.status).loadBalancer).ingress)
    .map((i) => str(asRecord(i).ip))
    .filter(Boolean);
}

interface AdsView {
  /** the L2Advertisements of the address's pool that match the Service and include the node */
  ads: KubeObject[];
  /** their interfaces (union); undefined when one of them allows every interface */
  interfaces?: string[];
}

/** What the speaker on `node` would use for `ip` now (SetBalancer's union), when the state tells it. */
function adsFor(state: ClusterState, svc: KubeObject | undefined, ipText: string, node: string): AdsView | undefined {
  if (!svc || !state.isCaptured('IPAddressPool') || !state.isCaptured('L2Advertisement') || !state.isCaptured('Node')) return undefined;
  const ip = parseIP(ipText);
  if (!ip) return undefined;
  const pools = state.metallbObjects('IPAddressPool');
  const pool = poolForIPs(pools, [ip]);
  if (!pool) return undefined;
  const nodes = state.all('Node');
  const ads = adsOfPool(state.metallbObjects('L2Advertisement'), pools, pool).filter((ad) => adMatchesService(ad, svc) && nodeSetOf(ad, nodes).names.has(node));
  if (ads.length === 0) return undefined;
  const union = new Set<string>();
  for (const ad of ads) {
    const ifs = asArray(asRecord(ad.spec).interfaces).filter((i): i is string => typeof i === 'string');
    if (ifs.length === 0) return { ads };
    ifs.forEach((i) => union.add(i));
  }
  return { ads, interfaces: [...union] };
}

/** A ServiceL2Status of the Service names another node: that speaker announces it. */
function announcedElsewhere(state: ClusterState, ns: string, service: string, node: string): boolean {
  if (!state.isCaptured('ServiceL2Status')) return false;
  return state.metallbObjects('ServiceL2Status').some((s) => {
    const st = asRecord(s.status);
    return str(st.serviceName) === service && (str(st.serviceNamespace) || 'default') === ns && str(st.node) !== '' && str(st.node) !== node;
  });
}

export default defineRule({
  meta: {
    id: 'l2-interface-announce-failed',
    severity: 'error',
    category: 'services',
    evidence: ['api', 'logs'],
    description: "MetalLB's speaker recorded announceFailed on a Service (an Event, or its warning line in the speaker's log): the node that won the layer 2 election has none of the interfaces its L2Advertisement allows, so nobody answers ARP/NDP for the address.",
    fix: 'Make spec.interfaces of the L2Advertisement name interfaces that exist on every node it selects, or restrict its nodeSelectors to the nodes that have them.',
  },
  check({ state, report }) {
    const reported = new Set<string>();
    checkEvents(state, report, reported);
    checkLogs(state, report, reported);
  },
});

/** The speaker's own warning line: `op=SetBalancer` "the specified interfaces used to announce LB IP don't exist", with its `localIfs`. */
function checkLogs(state: ClusterState, report: RuleContext['report'], reported: Set<string>): void {
  const logs = state.logAnalysis;
  if (!logs) return;
  for (const f of ordered(logs.announceFailures)) {
    const node = f.stream.node ?? f.stream.pod;
    if (!f.service || reported.has(`${f.service}@${node}`)) continue;
    const [ns, name] = f.service.split('/') as [string, string];
    const svc = state.isCaptured('Service') ? state.get('Service', ns, name) : undefined;
    if (state.isCaptured('Service', ns) && !svc) continue;
    if (announcedElsewhere(state, ns, name, node)) continue;
    const e = f.occ.last;
    const local = e.details.localIfs;
    report({
      message: `Service ${f.service}: the speaker on ${node} logged that the interfaces its L2Advertisement allows do not exist there (${f.occ.count === 1 ? 'once' : `${f.occ.count} times`}, last ${timeText(e.time)}), so it does not answer ARP/NDP for the address from that node and MetalLB does not fail over to another one`,
      subjects: [...(svc ? [{ obj: svc }] : []), logSubject(e)],
      evidence: [eventLine(e), ...(e.details.IPAdvertisement ? [`the advertisement it used: ${e.details.IPAdvertisement}`] : []), ...(local ? [`interfaces on ${node}: ${local}`] : [])],
      fix: `Put an interface that exists on ${node}${local ? ` (it has ${local})` : ''} into spec.interfaces of the L2Advertisement, or restrict its nodeSelectors to the nodes that have the named interfaces.`,
    });
  }
}

function checkEvents(state: ClusterState, report: RuleContext['report'], reported: Set<string>): void {
  // absent is not none: without the Events nothing is known
  if (!state.isCaptured('Event')) return;
  const events = state.all('Event').map(factsOf).filter((f): f is EventFacts => f !== undefined);
  if (events.length === 0) return;
  // the failure needs an advertisement that restricts interfaces: with none left, every such
  // event predates a configuration change (Events live an hour by default)
  if (state.isCaptured('L2Advertisement') && !state.metallbObjects('L2Advertisement').some((ad) => asArray(asRecord(ad.spec).interfaces).length > 0)) return;
  const servicesKnown = state.isCaptured('Service');
  for (const e of events) {
    if (e.source && !e.source.includes('metallb')) continue;
    const m = MESSAGE.exec(e.message);
    const ip = m?.[1] ?? '';
    const node = m?.[2] ?? '';
    const svc = servicesKnown ? state.get('Service', e.ns, e.service) : undefined;
    // the Service is gone, or no longer holds the address: the event is history
    if (servicesKnown && !svc) continue;
    if (svc && ip && !ingressIPs(svc).includes(ip)) continue;
    // another node announces the Service now (its ServiceL2Status): the election moved on
    if (node && announcedElsewhere(state, e.ns, e.service, node)) continue;
    const view = node && ip ? adsFor(state, svc, ip, node) : undefined;
    // the advertisements that apply now allow every interface: fixed since
    if (view && view.interfaces === undefined) continue;
    const ref = `${e.ns}/${e.service}`;
    reported.add(`${ref}@${node}`);
    const times = e.count !== undefined ? `${e.count} time${e.count === 1 ? '' : 's'}` : '';
    const when = [times, e.last ? `last ${e.last}` : ''].filter(Boolean).join(', ');
    const adNames = view ? view.ads.map((ad) => `L2Advertisement "${ad.metadata?.name ?? ''}"`).join(', ') : 'its L2Advertisement';
    const ifText = view?.interfaces ? ` (${view.interfaces.join(', ')})` : '';
    const subjects: Subject[] = [{ obj: e.obj, path: ['reason'] }];
    if (view) for (const ad of view.ads) subjects.push({ obj: ad, path: ['spec', 'interfaces'] });
    if (svc) subjects.push({ obj: svc });
    report({
      message:
        `Service ${ref}: ${node ? `node ${node}` : 'the node'} won the layer 2 election for ${ip || 'its address'} but has none of the interfaces ${adNames} allows${ifText}, ` +
        `so no node answers ARP/NDP for it: MetalLB does not fail over to another node (announceFailed${when ? `, ${when}` : ''})`,
      subjects,
      evidence: [
        `Event ${e.obj.metadata?.name ?? ''} (Warning ${ANNOUNCE_FAILED}${e.source ? ` from ${e.source}` : ''}): "${e.message}"`,
        ...(times || e.first || e.last ? [`count ${e.count ?? '?'}${e.first ? `, first ${e.first}` : ''}${e.last ? `, last ${e.last}` : ''}`] : []),
        ...(view ? view.ads.map((ad) => `L2Advertisement "${ad.metadata?.name ?? ''}" selects node ${node} with interfaces: ${asArray(asRecord(ad.spec).interfaces).join(', ')}`) : []),
        ...(svc ? [] : ['Services not captured: whether the Service still holds the address is not known']),
      ],
      fix:
        `List the interfaces on ${node || 'the node'} (ssh ${node || '<node>'} ip -br link, or kubectl debug node/${node || '<node>'} -it --image=busybox -- ip -br link) and put the right name into spec.interfaces of ${adNames}; ` +
        `or restrict that advertisement's nodeSelectors to the nodes that have ${view?.interfaces ? view.interfaces.join('/') : 'the interface'}. The speaker retries on the next Service or node change.`,
    });
  }
}
