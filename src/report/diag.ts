// `diag`: the health report's sections (cli.md "JSON report"): what the old one-file diagnostic
// script listed (CRDs, pods, pools, advertisements, peers, Services), what it never knew (use per
// family, who announces, speaker coverage, ConfigurationState verdicts), and checks[] per section.
import { timeText } from '../model/logs/evidence.js';
import type { KubeObject } from '../sources/types.js';
import type { ClusterState } from '../state/cluster-state.js';
import { asArray, asRecord } from '../state/cluster-state.js';
import type { Rule } from '../rules/types.js';
import type { Check, CheckStatus, Finding, Report, Severity } from './types.js';
import { SEVERITY_RANK } from './types.js';
import { blockingRules, nodeViews, poolViews, serviceView, type NodeView, type PoolView, type ServiceView } from './views.js';
import { announcementOf } from '../model/announcement.js';
import { nodeSetOf } from '../model/announce/common.js';
import { metallbPods, podProblem, podSummary, podViewOf } from '../model/pods.js';
import { METALLB_CRDS, neededBy } from '../model/crds.js';
import { METALLB_GROUP, MODELLED_KINDS } from '../model/kinds.js';
import { parseVersion } from '../state/installation.js';
import { namesText } from './text.js';

export interface CrdView {
  name: string;
  core: boolean;
  installed: boolean;
  /** served versions (storage version marked with *) */
  versions: string[];
}

export interface PodView {
  component: 'controller' | 'speaker';
  namespace: string;
  name: string;
  node?: string;
  phase: string;
  ready: boolean;
  restarts: number;
  /** why it is not ready: CrashLoopBackOff, "CrashLoopBackOff after OOMKilled", Unschedulable... */
  reason?: string;
}


export interface AdvertisementView {
  kind: 'L2Advertisement' | 'BGPAdvertisement';
  name: string;
  /** the pools it names or selects ("all" when it names none) */
  pools: string[] | 'all';
  /** its node selection: "all", or the nodes it selects */
  nodes: string[] | 'all';
  interfaces?: string[];
  peers?: string[];
}

export interface PeerView {
  name: string;
  address: string;
  port: number;
  myASN?: number;
  peerASN?: number;
  bfdProfile?: string;
  /** nodes that open the session ("all" without nodeSelectors) */
  nodes: string[] | 'all';
}

export interface ConfigStateView {
  name: string;
  component: string;
  result: string;
  errors: string[];
}

/** A Service as diag lists it: the model's view and its ports, as the old diagnostic script showed them. */
export interface DiagServiceView extends ServiceView {
  /** "80/TCP", "53/UDP" */
  ports: string[];
}

export interface DiagReport extends Report {
  pools: PoolView[];
  services: DiagServiceView[];
  nodes: NodeView[];
  crds?: CrdView[];
  pods?: PodView[];
  advertisements: AdvertisementView[];
  bgpPeers: PeerView[];
  configurationStates?: ConfigStateView[];
}

/** checks[] sections, in the order the report shows them. */
export const SECTIONS = ['crds', 'pods', 'config', 'environment', 'pools', 'advertisements', 'bgpPeers', 'services', 'nodes', 'logs', 'probes'] as const;
export type Section = (typeof SECTIONS)[number];

const SECTION_OF_RULE: Record<string, Section> = {
  'crds-missing': 'crds',
  'crd-version-outdated': 'crds',
  'controller-unavailable': 'pods',
  'speaker-unavailable': 'pods',
  'speaker-missing-on-node': 'pods',
  'memberlist-secret-missing': 'pods',
  'pod-security-blocks-speaker': 'pods',
  'config-invalid': 'config',
  'config-source-missing': 'config',
  'legacy-configmap-config': 'config',
  'webhook-unavailable': 'environment',
  'conflicting-lb-implementation': 'environment',
  'kube-proxy-strict-arp': 'environment',
  'metallb-version-known-issue': 'environment',
  'other-bgp-speaker-same-peer': 'bgpPeers',
};

const SECTION_OF_CATEGORY: Record<string, Section> = {
  input: 'config',
  installation: 'environment',
  pools: 'pools',
  advertisements: 'advertisements',
  bgp: 'bgpPeers',
  services: 'services',
  nodes: 'nodes',
  logs: 'logs',
  probes: 'probes',
};

export function sectionOf(rule: string, category: string | undefined): Section {
  return SECTION_OF_RULE[rule] ?? SECTION_OF_CATEGORY[category ?? ''] ?? 'environment';
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/**
 * MetalLB's CRDs that its running release needs (every one deployed since v0.13 when the version is
 * unknown, without the legacy AddressPool): installed or not, and the versions they serve.
 */
export function crdViews(state: ClusterState): CrdView[] | undefined {
  if (!state.isCaptured('CustomResourceDefinition')) return undefined;
  const have = new Map(state.all('CustomResourceDefinition').map((c) => [c.metadata?.name ?? '', c]));
  const release = parseVersion(state.metallb.version);
  const wanted = METALLB_CRDS.filter((c) => neededBy(c, release, state.metallb.bgpBackend));
  return wanted.map((c) => {
    const crd = have.get(c.name);
    const versions = asArray(asRecord(crd?.spec).versions)
      .map(asRecord)
      .filter((v) => v.served !== false && typeof v.name === 'string')
      .map((v) => `${v.name as string}${v.storage === true ? '*' : ''}`);
    return { name: c.name, core: c.role === 'core', installed: crd !== undefined, versions };
  });
}

/** The controller's and speakers' pods in MetalLB's namespace, with their state. */
export function podViews(state: ClusterState): PodView[] | undefined {
  if (!state.isCaptured('Pod', state.metallb.namespace)) return undefined;
  const out: PodView[] = [];
  for (const component of ['controller', 'speaker'] as const) {
    for (const p of metallbPods(state, component)) {
      // a ready pod needs no container's state: only the others' whole view says why they are not
      const v = podSummary(p);
      const view: PodView = { component, namespace: v.namespace, name: v.name, phase: v.phase, ready: v.ready, restarts: v.restarts };
      if (v.node) view.node = v.node;
      if (!v.ready) view.reason = podProblem(podViewOf(p)).group;
      out.push(view);
    }
  }
  return out.sort((a, b) => (a.component === b.component ? (a.node ?? '').localeCompare(b.node ?? '') || a.name.localeCompare(b.name) : a.component === 'controller' ? -1 : 1));
}

function poolsOf(ad: KubeObject, poolNames: readonly string[]): string[] | 'all' {
  const spec = asRecord(ad.spec);
  const named = asArray(spec.ipAddressPools).filter((x): x is string => typeof x === 'string');
  const selectors = asArray(spec.ipAddressPoolSelectors);
  if (named.length === 0 && selectors.length === 0) return 'all';
  return named.length > 0 || selectors.length === 0 ? named : poolNames.length > 0 ? [`(by selector)`] : [];
}

export function advertisementViews(state: ClusterState, pools: readonly PoolView[]): AdvertisementView[] {
  const out: AdvertisementView[] = [];
  const a = announcementOf(state);
  const nodesOf = (ad: KubeObject): string[] | 'all' => {
    if (asArray(asRecord(ad.spec).nodeSelectors).length === 0) return 'all';
    if (!state.isCaptured('Node')) return ['(by selector)'];
    return [...nodeSetOf(ad, a.input.nodes).names];
  };
  for (const kind of ['L2Advertisement', 'BGPAdvertisement'] as const) {
    for (const ad of state.metallbObjects(kind)) {
      const name = ad.metadata?.name ?? '';
      // the pools this advertisement covers, as poolViews computed them
      const covered = pools.filter((p) => (kind === 'L2Advertisement' ? p.advertisedBy.l2 : p.advertisedBy.bgp).includes(name)).map((p) => p.name);
      const named = poolsOf(ad, covered);
      const spec = asRecord(ad.spec);
      const view: AdvertisementView = { kind, name, pools: named === 'all' ? 'all' : covered, nodes: nodesOf(ad) };
      const interfaces = asArray(spec.interfaces).filter((x): x is string => typeof x === 'string');
      if (interfaces.length) view.interfaces = interfaces;
      const peers = asArray(spec.peers).filter((x): x is string => typeof x === 'string');
      if (peers.length) view.peers = peers;
      out.push(view);
    }
  }
  return out;
}

export function peerViews(state: ClusterState): PeerView[] {
  const a = announcementOf(state);
  return state.metallbObjects('BGPPeer').map((p) => {
    const spec = asRecord(p.spec);
    const view: PeerView = {
      name: p.metadata?.name ?? '',
      address: str(spec.peerAddress) ?? '',
      port: num(spec.peerPort) ?? 179,
      nodes: 'all',
    };
    const my = num(spec.myASN);
    const peer = num(spec.peerASN);
    if (my !== undefined) view.myASN = my;
    if (peer !== undefined) view.peerASN = peer;
    const bfd = str(spec.bfdProfile);
    if (bfd) view.bfdProfile = bfd;
    if (asArray(spec.nodeSelectors).length > 0) {
      view.nodes = state.isCaptured('Node') ? [...nodeSetOf(p, a.input.nodes).names].sort() : ['(by selector)'];
    }
    return view;
  });
}

export function configStateViews(state: ClusterState): ConfigStateView[] | undefined {
  if (!state.isCaptured('ConfigurationState')) return undefined;
  return state.metallbObjects('ConfigurationState').map((c) => {
    const status = asRecord(c.status);
    const summary = str(status.errorSummary) ?? '';
    return {
      name: c.metadata?.name ?? '',
      component: c.metadata?.labels?.['metallb.io/component-type'] ?? (c.metadata?.name === 'controller' ? 'controller' : 'speaker'),
      result: str(status.result) ?? 'Unknown',
      errors: summary.split('\n').filter((l) => l.trim() !== ''),
    };
  });
}

/** The kinds of group metallb.io: a state holds no object of a kind it does not model, so only these hold its objects. */
const METALLB_GROUP_KINDS = [...new Set(Object.entries(MODELLED_KINDS).flatMap(([gv, kinds]) => (gv.startsWith(`${METALLB_GROUP}/`) ? kinds : [])))];

/** The objects of group metallb.io, counted in the lists of its kinds: not a pass over every object (100,000 Pods). */
function metallbObjectCount(state: ClusterState): number {
  let n = 0;
  for (const kind of METALLB_GROUP_KINDS) for (const o of state.all(kind)) if (o.apiVersion?.startsWith('metallb.io/')) n++;
  return n;
}

function worst(findings: readonly Finding[]): CheckStatus {
  let w: Severity | undefined;
  for (const f of findings) if (!w || SEVERITY_RANK[f.severity] > SEVERITY_RANK[w]) w = f.severity;
  return w ?? 'ok';
}

const plural = (n: number | bigint, one: string, many = `${one}s`) => `${n} ${n === 1 || n === 1n ? one : many}`;

/** One check per section: the worst finding's severity, and what the section holds in one line. */
export function diagChecks(report: Omit<DiagReport, 'checks'>, state: ClusterState, rules: readonly Rule[]): Check[] {
  const category = new Map(rules.map((r) => [r.meta.id, r.meta.category]));
  const bySection = new Map<Section, Finding[]>();
  for (const f of report.findings) {
    const s = sectionOf(f.rule, category.get(f.rule));
    const l = bySection.get(s);
    if (l) l.push(f);
    else bySection.set(s, [f]);
  }
  // absent is not "none": a section whose kind the input lacks says so, never 0
  const ns = state.metallb.namespace;
  const known = (kind: string) => state.isCaptured(kind, ns);
  const message: Record<Section, () => string | undefined> = {
    crds: () => {
      if (!report.crds) return 'not captured';
      const core = report.crds.filter((c) => c.core);
      const opt = report.crds.filter((c) => !c.core);
      return `core ${core.filter((c) => c.installed).length}/${core.length}, optional ${opt.filter((c) => c.installed).length}/${opt.length} installed`;
    },
    pods: () => {
      const parts: string[] = [];
      if (!state.metallb.controller) parts.push('no controller Deployment in the input');
      if (!report.pods) return [...parts, 'Pods not captured'].join('; ');
      const ctl = report.pods.filter((p) => p.component === 'controller');
      const spk = report.pods.filter((p) => p.component === 'speaker');
      parts.push(ctl.length === 0 ? 'no controller pod' : `controller ${ctl.every((p) => p.ready) ? 'ready' : 'not ready'}`);
      parts.push(`speakers ${spk.filter((p) => p.ready).length}/${spk.length} ready`);
      return parts.join(', ');
    },
    config: () => {
      if (state.metallb.configSource === 'configmap') return `legacy ConfigMap "${state.metallb.configMapName}"`;
      const cs = report.configurationStates;
      if (!cs || cs.length === 0) return `${plural(metallbObjectCount(state), 'MetalLB object')}`;
      const invalid = cs.filter((c) => c.result === 'Invalid');
      return invalid.length > 0 ? `ConfigurationState Invalid on ${namesText(invalid.map((c) => c.name))}` : `ConfigurationState ${cs.every((c) => c.result === 'Valid') ? 'Valid' : 'Unknown'} on ${plural(cs.length, 'component')}`;
    },
    environment: () => undefined,
    pools: () => {
      if (!known('IPAddressPool')) return 'not captured';
      if (!state.isCaptured('Service')) return `${plural(report.pools.length, 'pool')}, use unknown (Services not captured)`;
      const v4 = report.pools.reduce((s, p) => s + p.used.ipv4, 0n);
      const c4 = report.pools.reduce((s, p) => s + p.capacity.ipv4, 0n);
      const v6 = report.pools.reduce((s, p) => s + p.used.ipv6, 0n);
      const c6 = report.pools.reduce((s, p) => s + p.capacity.ipv6, 0n);
      const use = [c4 > 0n ? `IPv4 ${v4}/${c4}` : '', c6 > 0n ? `IPv6 ${v6}/${c6}` : ''].filter(Boolean).join(', ');
      return `${plural(report.pools.length, 'pool')}${use ? `, ${use} in use` : ''}`;
    },
    advertisements: () => {
      const l2 = report.advertisements.filter((a) => a.kind === 'L2Advertisement').length;
      return `${known('L2Advertisement') ? `${l2} L2` : 'L2 not captured'}, ${known('BGPAdvertisement') ? `${report.advertisements.length - l2} BGP` : 'BGP not captured'}`;
    },
    bgpPeers: () => (known('BGPPeer') ? plural(report.bgpPeers.length, 'peer') : 'not captured'),
    services: () => {
      if (!state.isCaptured('Service')) return 'not captured';
      if (!known('IPAddressPool')) return `${plural(report.services.length, 'LoadBalancer Service')}: addresses and announcement not computed (IPAddressPools not captured)`;
      const n = (s: string) => report.services.filter((v) => v.state === s).length;
      // who announces is not computed without its inputs: no "0 announced"
      const parts = announcementOf(state).applies ? [`${n('announced')} announced`] : [];
      for (const s of ['assigned', 'not-announced', 'pending', 'ignored']) if (n(s) > 0) parts.push(`${n(s)} ${s}`);
      if (!announcementOf(state).applies) parts.push('announcement not computed');
      return `${plural(report.services.length, 'LoadBalancer Service')}: ${parts.join(', ')}`;
    },
    nodes: () => {
      if (!state.isCaptured('Node')) return 'not captured';
      const a = announcementOf(state);
      return `${plural(report.nodes.length, 'node')}, ${a.applies ? `${report.nodes.filter((n) => n.announces).length} announcing` : `announcement not computed (${a.missing.join(', ')} not captured)`}`;
    },
    logs: () => {
      const a = state.logAnalysis;
      if (!a) return "no container logs read (from a cluster --logs reads them; a bundle has them in logs/)";
      const times = a.streams.flatMap((s) => [s.firstTime, s.lastTime]).filter((t): t is number => t !== undefined);
      const span = times.length > 0 ? `, ${timeText(Math.min(...times))} to ${timeText(Math.max(...times))}` : '';
      return `${plural(a.streams.length, 'container log')}, ${plural(a.lines, 'line')}${span}`;
    },
    probes: () => {
      const ps = state.probes;
      if (!ps) return undefined;
      const by = (k: string) => ps.filter((p) => p.kind === k).length;
      return ps.length === 0 ? 'nothing probed' : [['arp', 'ARP'], ['ndp', 'NDP'], ['tcp', 'TCP'], ['bgp', 'BGP']].filter(([k]) => by(k!) > 0).map(([k, n]) => `${by(k!)} ${n}`).join(', ') + ' probed from this machine';
    },
  };
  const out: Check[] = [];
  for (const id of SECTIONS) {
    const fs = bySection.get(id) ?? [];
    const what = message[id]();
    if (what === undefined && fs.length === 0) continue;
    const counts = fs.length > 0 ? plural(fs.length, 'finding') : '';
    out.push({ id, status: worst(fs), message: [what, counts].filter(Boolean).join('; ') || 'no findings' });
  }
  return out;
}

function portsOf(svc: KubeObject): string[] {
  // one loop, no intermediate arrays: asked for each of 20,000 Services
  const out: string[] = [];
  for (const raw of asArray(asRecord(svc.spec).ports)) {
    const p = asRecord(raw);
    if (typeof p.port === 'number') out.push(`${p.port}/${typeof p.protocol === 'string' ? p.protocol : 'TCP'}`);
  }
  return out;
}

/** The sections of diag's report besides findings and checks. */
export function diagSections(state: ClusterState, findings: readonly Finding[], inScope: (svc: KubeObject) => boolean) {
  const blocking = blockingRules(findings);
  const pools = poolViews(state);
  // Services read in some namespaces only (Service@ns) are not allocated: no view of them. One
  // loop over the 20,000 Services of a large cluster, without a filtered copy of the list.
  const services: DiagServiceView[] = [];
  if (state.isCaptured('Service')) {
    for (const s of state.all('Service')) {
      if (asRecord(s.spec).type === 'LoadBalancer' && inScope(s)) services.push(serviceView(state, s, blocking, portsOf(s)) as DiagServiceView);
    }
  }
  const crds = crdViews(state);
  const pods = podViews(state);
  const configurationStates = configStateViews(state);
  return {
    pools,
    services,
    nodes: nodeViews(state),
    ...(crds ? { crds } : {}),
    ...(pods ? { pods } : {}),
    advertisements: advertisementViews(state, pools),
    bgpPeers: peerViews(state),
    ...(configurationStates ? { configurationStates } : {}),
  };
}
