import type { FieldPath, KubeObject } from '../../sources/types.js';
import { defineRule, type Subject } from '../types.js';
import { asArray, asRecord, type ClusterState } from '../../state/cluster-state.js';
import { METALLB_CONFIG_KINDS } from '../../model/kinds.js';
import { classMatches, isLoadBalancer, metallbLoadBalancerClass, serviceClass, type MetalLBClass } from '../../model/lb-class.js';
import { matchesSelector, type LabelSelector } from '../../model/selectors.js';
import { serviceName } from '../../model/simulation.js';
import { namesText } from '../../report/text.js';

/** Another LoadBalancer implementation found in the input. */
interface Implementation {
  /** "k3s ServiceLB" */
  what: string;
  /** what it does to a Service it handles, in a few words */
  does: string;
  /** the object that shows it, and the field */
  subject: { obj: KubeObject; path?: FieldPath };
  evidence: string[];
  /** whether it would handle a LoadBalancer Service of this class that carries nothing else of its own */
  handlesClass(cls: string | undefined): boolean;
  /** whether it handles this LoadBalancer Service */
  handles(svc: KubeObject): boolean;
  /** which Services it handles, in words (for the message when MetalLB's do not overlap) */
  scope: string;
  /** Services that show it acted on them (its labels, annotations, conditions, finalizers, events) */
  marks: Map<KubeObject, string>;
  /** false: only traces of it were seen (it may not run, or may not serve load balancers) */
  certain: boolean;
  fix: string;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
/** Go's strconv.ParseBool, which the implementations use for their environment switches */
const goTrue = (v: string | undefined) => v !== undefined && ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v);
const labelsOf = (o: KubeObject): Record<string, string> => (o.metadata?.labels ?? {}) as Record<string, string>;
const annotationsOf = (o: KubeObject): Record<string, string> => (o.metadata?.annotations ?? {}) as Record<string, string>;
const ref = (o: KubeObject) => `${o.kind} ${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name ?? ''}`;

function podSpecOf(o: KubeObject): Record<string, unknown> {
  return o.kind === 'Pod' ? asRecord(o.spec) : asRecord(asRecord(asRecord(o.spec).template).spec);
}
function containersOf(o: KubeObject): Record<string, unknown>[] {
  return asArray(podSpecOf(o).containers).map(asRecord);
}
function envOf(c: Record<string, unknown>, name: string): string | undefined {
  for (const e of asArray(c.env)) {
    const r = asRecord(e);
    if (r.name === name) return typeof r.value === 'string' ? r.value : undefined;
  }
  return undefined;
}
function argsOf(c: Record<string, unknown>): string[] {
  return [...asArray(c.command), ...asArray(c.args)].map(String);
}
/** A boolean flag: `--name`, `--name=true`; undefined when absent. */
function boolFlag(c: Record<string, unknown>, name: string): boolean | undefined {
  for (const a of argsOf(c)) {
    if (a === `--${name}` || a === `-${name}`) return true;
    const m = new RegExp(`^--?${name}=(.*)$`).exec(a);
    if (m) return goTrue(m[1]);
  }
  return undefined;
}
function stringFlag(c: Record<string, unknown>, name: string): string | undefined {
  const a = argsOf(c);
  for (let i = 0; i < a.length; i++) {
    if (a[i] === `--${name}` || a[i] === `-${name}`) return a[i + 1];
    const m = new RegExp(`^--?${name}=(.*)$`).exec(a[i]!);
    if (m) return m[1];
  }
  return undefined;
}

const OWNER_WORKLOADS = new Set(['ReplicaSet', 'DaemonSet', 'StatefulSet', 'Job', 'ReplicationController']);

/** The pods the detectors look at, sorted out in one pass over the Pods (of which there may be 100,000). */
interface PodLists {
  /**
   * Pods no workload owns (static pods, whose owner is their Node, and bare pods): the only pods that
   * can show an implementation the DaemonSets and Deployments do not (all pods when those workloads
   * were not captured).
   */
  unowned: KubeObject[];
  /** k3s ServiceLB's svclb pods */
  svclb: KubeObject[];
}
const podLists = new WeakMap<ClusterState, PodLists>();

function ownedByWorkload(pod: KubeObject): boolean {
  const refs = pod.metadata?.ownerReferences;
  if (!Array.isArray(refs)) return false;
  for (const r of refs) if (OWNER_WORKLOADS.has(String(asRecord(r).kind))) return true;
  return false;
}

function podListsOf(state: ClusterState): PodLists {
  let hit = podLists.get(state);
  if (!hit) {
    // without the workloads in the input, their pods are all there is to see
    const workloadsSeen = state.isCaptured('Deployment') && state.isCaptured('DaemonSet');
    hit = { unowned: workloadsSeen ? [] : state.all('Pod'), svclb: [] };
    for (const p of state.all('Pod')) {
      if (workloadsSeen && !ownedByWorkload(p)) hit.unowned.push(p);
      if (isSvclb(p)) hit.svclb.push(p);
    }
    podLists.set(state, hit);
  }
  return hit;
}

/** Workloads (DaemonSets, Deployments, then Pods no workload owns) whose containers match. */
function workloads(state: ClusterState, match: (c: Record<string, unknown>, o: KubeObject) => boolean): { obj: KubeObject; container: Record<string, unknown> }[] {
  const out: { obj: KubeObject; container: Record<string, unknown> }[] = [];
  for (const kind of ['DaemonSet', 'Deployment', 'Pod']) {
    for (const o of kind === 'Pod' ? podListsOf(state).unowned : state.all(kind)) {
      if (kind === 'Pod' && out.length > 0) continue; // the workload already says it; static pods only otherwise
      const c = containersOf(o).find((x) => match(x, o));
      if (c) out.push({ obj: o, container: c });
    }
  }
  return out;
}
const imageMatches = (re: RegExp) => (c: Record<string, unknown>) => re.test(String(c.image ?? ''));

const lbServiceLists = new WeakMap<ClusterState, KubeObject[]>();
/** The LoadBalancer Services, filtered once per state: the detectors and the check all ask. */
function lbServices(state: ClusterState): KubeObject[] {
  let hit = lbServiceLists.get(state);
  if (!hit) lbServiceLists.set(state, (hit = state.all('Service').filter(isLoadBalancer)));
  return hit;
}

function classLessOr(...classes: string[]): (cls: string | undefined) => boolean {
  return (cls) => cls === undefined || classes.includes(cls);
}
function onlyClasses(...classes: string[]): (cls: string | undefined) => boolean {
  return (cls) => cls !== undefined && classes.includes(cls);
}
const quoteList = (cs: string[]) => cs.map((c) => `"${c}"`).join(' or ');

// ---------------------------------------------------------------------------------------------
// The implementations

const K3S_PREFIX = 'svccontroller.k3s.cattle.io/';
// the label keys as constants: a key built per lookup is hashed anew for each of 100,000 pods
const K3S_SVCNAME = `${K3S_PREFIX}svcname`;
const K3S_SVCNAMESPACE = `${K3S_PREFIX}svcnamespace`;

function isSvclb(o: KubeObject): boolean {
  return labelsOf(o)[K3S_SVCNAME] !== undefined || (o.metadata?.name ?? '').startsWith('svclb-');
}

function k3sServiceLB(state: ClusterState): Implementation | undefined {
  const ds = state.all('DaemonSet').filter(isSvclb);
  const pods = podListsOf(state).svclb;
  const first = ds[0] ?? pods[0];
  if (!first) return undefined;
  const marks = new Map<KubeObject, string>();
  for (const o of [...ds, ...pods]) {
    const l = labelsOf(o);
    const name = l[K3S_SVCNAME];
    // older k3s put the DaemonSet in the Service's namespace, without the namespace label
    const ns = l[K3S_SVCNAMESPACE] ?? o.metadata?.namespace;
    const svc = name && ns ? state.get('Service', ns, name) : undefined;
    if (svc && !marks.has(svc)) marks.set(svc, `${ref(o)} forwards its ports`);
  }
  const handlesClass = classLessOr();
  return {
    what: 'k3s ServiceLB (klipper-lb)',
    does: "runs an svclb DaemonSet that takes the Service's ports on every node and writes the node IPs into status.loadBalancer",
    subject: { obj: first, path: ['metadata', 'name'] },
    evidence: [
      `${ds.length ? `${ds.length} svclb DaemonSet${ds.length === 1 ? '' : 's'} (${namesText(ds.map((d) => d.metadata?.name ?? ''), 3)})` : ''}${ds.length && pods.length ? ', ' : ''}${pods.length ? `${pods.length} svclb pod${pods.length === 1 ? '' : 's'} (${namesText(pods.map((p) => p.metadata?.name ?? ''), 3)})` : ''}: k3s's built-in service load balancer is on`,
    ],
    handlesClass,
    handles: (svc) => handlesClass(serviceClass(svc)),
    scope: 'LoadBalancer Services without a loadBalancerClass',
    marks,
    certain: true,
    fix: 'Start every k3s server with --disable=servicelb (or "disable: [servicelb]" in /etc/rancher/k3s/config.yaml) and restart k3s; it then deletes the svclb DaemonSets.',
  };
}

const KUBE_VIP_CLASS = 'kube-vip.io/kube-vip-class';

function kubeVip(state: ClusterState): Implementation | undefined {
  const found = workloads(state, imageMatches(/(^|\/)(kube-vip\/kube-vip|plndr\/kube-vip)(:|@|$)/));
  const services = found.filter(({ container: c }) => goTrue(envOf(c, 'svc_enable')) || boolFlag(c, 'services') === true);
  const hit = services[0];
  if (!hit) return undefined; // control-plane VIP only: no Service is touched
  const c = hit.container;
  const classOnly = goTrue(envOf(c, 'lb_class_only')) || boolFlag(c, 'lbClassOnly') === true;
  const cls = envOf(c, 'lb_class_name') ?? stringFlag(c, 'lbClassName') ?? KUBE_VIP_CLASS;
  const handlesClass = classOnly ? onlyClasses(cls) : classLessOr(cls);
  const marks = new Map<KubeObject, string>();
  for (const svc of lbServices(state)) {
    const host = annotationsOf(svc)['kube-vip.io/vipHost'];
    if (host) marks.set(svc, `annotation kube-vip.io/vipHost=${host}`);
  }
  return {
    what: 'kube-vip (services mode)',
    does: "announces the Service's IP by ARP or BGP from its own leader node",
    subject: { obj: hit.obj, path: ['metadata', 'name'] },
    evidence: [
      `${ref(hit.obj)} runs kube-vip with svc_enable=true${classOnly ? `, lb_class_only=true (class "${cls}")` : ', without lb_class_only'}`,
    ],
    handlesClass,
    handles: (svc) => handlesClass(serviceClass(svc)),
    scope: classOnly ? `only Services of class "${cls}"` : `LoadBalancer Services without a loadBalancerClass and those of class "${cls}"`,
    marks,
    certain: true,
    fix: `Run kube-vip with lb_class_only=true (env) so that it serves only Services of class "${cls}", or with svc_enable=false if it is meant for the control-plane VIP only.`,
  };
}

function kubeVipCloudProvider(state: ClusterState): Implementation | undefined {
  const found = workloads(state, imageMatches(/kube-vip-cloud-provider/));
  const hit = found[0];
  const c = hit?.container;
  const cmNs = (c && envOf(c, 'KUBEVIP_NAMESPACE')) || 'kube-system';
  const cmName = (c && envOf(c, 'KUBEVIP_CONFIG_MAP')) || 'kubevip';
  const cm = state.get('ConfigMap', cmNs, cmName);
  const ranges = Object.entries(asRecord(cm?.data)).filter(([k]) => /^(cidr|range)-/.test(k));
  if (!hit) {
    // its ConfigMap alone: a leftover when the workloads were captured and it is not among them
    if (!cm || ranges.length === 0) return undefined;
    if (state.isCaptured('Deployment') && state.isCaptured('Pod')) return undefined;
  }
  const lbClass = c ? goTrue(envOf(c, 'KUBEVIP_ENABLE_LOADBALANCERCLASS')) : false;
  const handlesClass = lbClass ? onlyClasses(KUBE_VIP_CLASS) : classLessOr();
  const marks = new Map<KubeObject, string>();
  for (const svc of lbServices(state)) {
    if (labelsOf(svc).implementation === 'kube-vip') marks.set(svc, 'label implementation=kube-vip');
    else if (annotationsOf(svc)['kube-vip.io/loadbalancerIPs'] !== undefined && serviceClass(svc) === undefined)
      marks.set(svc, `annotation kube-vip.io/loadbalancerIPs=${annotationsOf(svc)['kube-vip.io/loadbalancerIPs']}`);
  }
  const evidence: string[] = [];
  if (hit) evidence.push(`${ref(hit.obj)} runs kube-vip-cloud-provider${lbClass ? ' with KUBEVIP_ENABLE_LOADBALANCERCLASS=true' : ''}`);
  if (cm && ranges.length) evidence.push(`ConfigMap ${cmNs}/${cmName}: ${ranges.map(([k, v]) => `${k}=${String(v)}`).join(', ')}`);
  if (!hit) evidence.push('no kube-vip-cloud-provider workload is in the input (Deployments or Pods were not captured): it may still run');
  return {
    what: 'kube-vip-cloud-provider',
    does: 'assigns it an address from the ranges of its kubevip ConfigMap',
    subject: hit ? { obj: hit.obj, path: ['metadata', 'name'] } : { obj: cm!, path: ['data'] },
    evidence,
    handlesClass,
    handles: (svc) => handlesClass(serviceClass(svc)),
    scope: lbClass ? `only Services of class "${KUBE_VIP_CLASS}"` : 'LoadBalancer Services without a loadBalancerClass',
    marks,
    certain: hit !== undefined,
    fix: `Set KUBEVIP_ENABLE_LOADBALANCERCLASS=true on the kube-vip-cloud-provider Deployment (it then serves only Services of class "${KUBE_VIP_CLASS}"), or uninstall it and delete the ${cmName} ConfigMap.`,
  };
}

const CILIUM_L2_CLASS = 'io.cilium/l2-announcer';
const CILIUM_BGP_CLASS = 'io.cilium/bgp-control-plane';

/** Labels a Cilium service selector sees: the Service's, plus its namespace and name. */
function ciliumLabels(svc: KubeObject): Record<string, string> {
  return { ...labelsOf(svc), 'io.kubernetes.service.namespace': svc.metadata?.namespace ?? 'default', 'io.kubernetes.service.name': svc.metadata?.name ?? '' };
}

function ciliumConfig(state: ClusterState): { cm?: KubeObject; data: Record<string, string> } {
  const cm = state.get('ConfigMap', 'kube-system', 'cilium-config');
  const data: Record<string, string> = {};
  for (const [k, v] of Object.entries(asRecord(cm?.data))) if (typeof v === 'string') data[k] = v;
  return { ...(cm ? { cm } : {}), data };
}

function ciliumLBIPAM(state: ClusterState): Implementation | undefined {
  const pools = [...state.all('CiliumLoadBalancerIPPool.cilium.io')].filter((p) => asRecord(p.spec).disabled !== true);
  if (pools.length === 0) return undefined;
  const { cm, data } = ciliumConfig(state);
  if (data['enable-lb-ipam'] === 'false') return undefined;
  const requireClass = data['lbipam-require-lb-class'] === 'true' || (data['default-lb-service-ipam'] !== undefined && data['default-lb-service-ipam'] !== 'lbipam');
  const handlesClass = requireClass ? onlyClasses(CILIUM_BGP_CLASS, CILIUM_L2_CLASS) : classLessOr(CILIUM_BGP_CLASS, CILIUM_L2_CLASS);
  // a pool with a serviceSelector serves only the Services it selects; one without serves all
  const selectors = pools.map((p) => asRecord(p.spec).serviceSelector);
  const everySelected = selectors.every((s) => s !== undefined && s !== null);
  const marks = new Map<KubeObject, string>();
  for (const svc of lbServices(state)) {
    const cond = asArray(asRecord(svc.status).conditions)
      .map(asRecord)
      .find((x) => x.type === 'cilium.io/IPAMRequestSatisfied' || x.type === 'io.cilium/lb-ipam-request-satisfied');
    if (cond) marks.set(svc, `status condition ${String(cond.type)}=${String(cond.status)}`);
  }
  const evidence = [
    `${pools.length} CiliumLoadBalancerIPPool${pools.length === 1 ? '' : 's'} (${namesText(pools.map((p) => p.metadata?.name ?? ''), 3)})${everySelected ? ', each with a serviceSelector' : ''}`,
  ];
  if (cm) {
    const keys = ['enable-lb-ipam', 'lbipam-require-lb-class', 'default-lb-service-ipam'].filter((k) => data[k] !== undefined);
    evidence.push(`ConfigMap kube-system/cilium-config: ${keys.length ? keys.map((k) => `${k}=${data[k]}`).join(', ') : 'enable-lb-ipam unset (LB IPAM is on by default)'}`);
  }
  return {
    what: 'Cilium LB IPAM',
    does: 'assigns it an address from a CiliumLoadBalancerIPPool',
    subject: { obj: pools[0]!, path: ['spec'] },
    evidence,
    handlesClass: (cls) => handlesClass(cls) && !everySelected,
    handles: (svc) => handlesClass(serviceClass(svc)) && (!everySelected || selectors.some((s) => matchesSelector(s as LabelSelector, ciliumLabels(svc)))),
    scope: `${requireClass ? `only Services of class ${quoteList([CILIUM_BGP_CLASS, CILIUM_L2_CLASS])}` : `LoadBalancer Services without a loadBalancerClass and those of class ${quoteList([CILIUM_BGP_CLASS, CILIUM_L2_CLASS])}`}${everySelected ? ", among them those its pools' serviceSelectors select" : ''}`,
    marks,
    certain: true,
    fix: `Let only one of them assign addresses: delete the CiliumLoadBalancerIPPools (or set spec.disabled: true), or set lbipam-require-lb-class: "true" in cilium-config so that Cilium serves only Services of class ${quoteList([CILIUM_BGP_CLASS, CILIUM_L2_CLASS])}, or give the pools serviceSelectors that MetalLB's Services do not match.`,
  };
}

function ciliumL2(state: ClusterState): Implementation | undefined {
  const policies = state.all('CiliumL2AnnouncementPolicy.cilium.io');
  const { cm, data } = ciliumConfig(state);
  const enabled = data['enable-l2-announcements'];
  if (cm && enabled !== 'true') return undefined; // off (the default): policies do nothing
  if (policies.length === 0 && enabled !== 'true') return undefined;
  const selectors = policies.map((p) => asRecord(p.spec).serviceSelector);
  const known = policies.length > 0;
  const selects = (svc: KubeObject) => !known || selectors.some((s) => s === undefined || s === null || matchesSelector(s as LabelSelector, ciliumLabels(svc)));
  const handlesClass = classLessOr(CILIUM_L2_CLASS);
  const anyAll = selectors.some((s) => s === undefined || s === null || Object.keys(asRecord(s)).length === 0);
  const evidence: string[] = [];
  if (cm) evidence.push('ConfigMap kube-system/cilium-config: enable-l2-announcements=true');
  if (known) evidence.push(`${policies.length} CiliumL2AnnouncementPolicy (${namesText(policies.map((p) => p.metadata?.name ?? ''), 3)})${anyAll ? ', one without a serviceSelector (every Service)' : ''}`);
  else evidence.push('no CiliumL2AnnouncementPolicy is in the input: which Services Cilium announces is not known');
  return {
    what: 'Cilium L2 announcements',
    does: 'answers ARP for its IP from the Cilium agent that holds the lease',
    subject: known ? { obj: policies[0]!, path: ['spec'] } : { obj: cm!, path: ['data', 'enable-l2-announcements'] },
    evidence,
    handlesClass: (cls) => handlesClass(cls) && (!known || anyAll),
    handles: (svc) => handlesClass(serviceClass(svc)) && selects(svc),
    scope: `Services without a loadBalancerClass or of class "${CILIUM_L2_CLASS}"${known && !anyAll ? ' that its policies select' : ''}`,
    marks: new Map(),
    certain: cm !== undefined && known,
    fix: `Announce each Service from one implementation: delete the CiliumL2AnnouncementPolicies that select MetalLB's Services (or give them serviceSelectors that do not), or set enable-l2-announcements: "false" in cilium-config and restart the Cilium agents.`,
  };
}

function ciliumBGP(state: ClusterState): Implementation | undefined {
  const { cm, data } = ciliumConfig(state);
  if (cm && data['bgp-announce-lb-ip'] === 'true') {
    // Cilium before 1.15 embedded MetalLB's own speaker for this
    const handlesClass = classLessOr();
    return {
      what: "Cilium's MetalLB-based BGP (bgp-announce-lb-ip)",
      does: 'advertises its IP to the routers of Cilium\'s bgp-config',
      subject: { obj: cm, path: ['data', 'bgp-announce-lb-ip'] },
      evidence: ['ConfigMap kube-system/cilium-config: bgp-announce-lb-ip=true'],
      handlesClass,
      handles: (svc) => handlesClass(serviceClass(svc)),
      scope: 'LoadBalancer Services without a loadBalancerClass',
      marks: new Map(),
      certain: true,
      fix: 'Set bgp-announce-lb-ip: "false" in cilium-config (and remove its bgp-config ConfigMap), then restart the Cilium agents and operator.',
    };
  }
  const peering = state.all('CiliumBGPPeeringPolicy.cilium.io');
  const cluster = state.all('CiliumBGPClusterConfig.cilium.io');
  if (peering.length + cluster.length === 0) return undefined;
  if (cm && data['enable-bgp-control-plane'] !== 'true') return undefined;
  // v1 policies advertise the LoadBalancer IPs of the Services their virtual routers select
  const selectors = peering.flatMap((p) => asArray(asRecord(p.spec).virtualRouters).map((r) => asRecord(r).serviceSelector)).filter((s) => s !== undefined && s !== null);
  if (cluster.length === 0 && selectors.length === 0) return undefined;
  const handlesClass = classLessOr(CILIUM_BGP_CLASS);
  const certain = selectors.length > 0;
  const first = peering[0] ?? cluster[0]!;
  return {
    what: 'Cilium BGP control plane',
    does: "advertises its IP to Cilium's BGP peers",
    subject: { obj: first, path: ['spec'] },
    evidence: [
      `${namesText([...peering, ...cluster].map(ref), 3)}${certain ? ': virtual routers with a serviceSelector advertise LoadBalancer IPs' : ': which Services it advertises is set in CiliumBGPAdvertisements, not in the input'}`,
    ],
    handlesClass: (cls) => handlesClass(cls) && !certain,
    handles: (svc) => handlesClass(serviceClass(svc)) && (!certain || selectors.some((s) => matchesSelector(s as LabelSelector, ciliumLabels(svc)))),
    scope: `Services without a loadBalancerClass or of class "${CILIUM_BGP_CLASS}"${certain ? ' that its serviceSelectors select' : ''}`,
    marks: new Map(),
    certain,
    fix: "Advertise each Service's IP from one implementation: narrow Cilium's serviceSelectors (or CiliumBGPAdvertisements) so that they do not select MetalLB's Services.",
  };
}

const OPENELB_ANNOTATION = 'lb.kubesphere.io/v1alpha1';

function openELB(state: ClusterState): Implementation | undefined {
  const eips = state.all('Eip.network.kubesphere.io');
  const found = workloads(state, (c, o) => /(^|\/)(openelb|porter)(-[a-z]+)?(:|@|$)/.test(String(c.image ?? '')) || /^openelb-(manager|controller|speaker)/.test(o.metadata?.name ?? ''));
  const hit = found[0];
  if (!hit && eips.length === 0) return undefined;
  const isOpenELBService = (svc: KubeObject) => annotationsOf(svc)[OPENELB_ANNOTATION] === 'openelb' || labelsOf(svc)['eip.openelb.kubesphere.io/v1alpha2'] !== undefined;
  const marks = new Map<KubeObject, string>();
  for (const svc of lbServices(state)) if (isOpenELBService(svc)) marks.set(svc, `annotation ${OPENELB_ANNOTATION}=openelb`);
  const evidence: string[] = [];
  if (hit) evidence.push(`${ref(hit.obj)} runs OpenELB`);
  if (eips.length) evidence.push(`${eips.length} Eip${eips.length === 1 ? '' : 's'} (${namesText(eips.map((e) => e.metadata?.name ?? ''), 3)})`);
  return {
    what: 'OpenELB',
    does: 'assigns it an address from an Eip and announces it',
    subject: hit ? { obj: hit.obj, path: ['metadata', 'name'] } : { obj: eips[0]!, path: ['spec'] },
    evidence,
    handlesClass: () => false,
    handles: isOpenELBService,
    scope: `only Services annotated ${OPENELB_ANNOTATION}: openelb`,
    marks,
    certain: hit !== undefined,
    fix: `Remove the ${OPENELB_ANNOTATION} annotation from Services that MetalLB serves, or give them a loadBalancerClass that MetalLB does not handle; uninstall OpenELB if MetalLB should serve everything.`,
  };
}

function pureLB(state: ClusterState): Implementation | undefined {
  const groups = state.all('ServiceGroup.purelb.io');
  const allocator = workloads(state, imageMatches(/purelb.*\/allocator(:|@|$)/))[0];
  const agent = workloads(state, imageMatches(/purelb.*\/lbnodeagent(:|@|$)/))[0];
  if (!allocator && !agent && groups.length === 0) return undefined;
  const v2 = groups.some((g) => g.apiVersion === 'purelb.io/v2');
  const cls = v2 ? 'purelb.io/purelbv2' : 'purelb.io/purelb';
  // the allocator serves Services without a class only while DEFAULT_ANNOUNCER is "PureLB" (the default install)
  const asDefault = allocator ? envOf(allocator.container, 'DEFAULT_ANNOUNCER') === 'PureLB' : true;
  const handlesClass = asDefault ? classLessOr(cls) : onlyClasses(cls);
  const marks = new Map<KubeObject, string>();
  for (const svc of lbServices(state)) {
    const by = annotationsOf(svc)['purelb.io/allocated-by'];
    if (by === 'PureLB') marks.set(svc, 'annotation purelb.io/allocated-by=PureLB');
  }
  const evidence: string[] = [];
  if (allocator) evidence.push(`${ref(allocator.obj)} runs PureLB's allocator${asDefault ? ' with DEFAULT_ANNOUNCER=PureLB' : ' without DEFAULT_ANNOUNCER=PureLB'}`);
  if (agent) evidence.push(`${ref(agent.obj)} runs PureLB's lbnodeagent`);
  if (groups.length) evidence.push(`${groups.length} ServiceGroup${groups.length === 1 ? '' : 's'} (${namesText(groups.map((g) => g.metadata?.name ?? ''), 3)})`);
  if (!allocator) evidence.push("PureLB's allocator is not in the input: its default (serving Services without a class) is assumed");
  return {
    what: 'PureLB',
    does: 'assigns it an address from a ServiceGroup and announces it',
    subject: allocator ? { obj: allocator.obj, path: ['metadata', 'name'] } : agent ? { obj: agent.obj, path: ['metadata', 'name'] } : { obj: groups[0]!, path: ['spec'] },
    evidence,
    handlesClass,
    handles: (svc) => handlesClass(serviceClass(svc)),
    scope: asDefault ? `LoadBalancer Services without a loadBalancerClass and those of class "${cls}"` : `only Services of class "${cls}"`,
    marks,
    certain: allocator !== undefined,
    fix: `Remove the DEFAULT_ANNOUNCER environment variable from PureLB's allocator Deployment (Helm: defaultAnnouncer) so that it serves only Services of class "${cls}", or uninstall PureLB.`,
  };
}

/** Cloud controllers that implement no LoadBalancer (vSphere's CPI, Talos', Proxmox's, RKE2's own: its ServiceLB is k3s's) */
const NO_LB_CLOUDS = /vsphere|talos|proxmox|rke2-cloud-provider/;
const CLEANUP_FINALIZER = 'service.kubernetes.io/load-balancer-cleanup';
/** Events the cloud-provider service controller (k8s.io/cloud-provider) records on the Services it handles */
const CLOUD_EVENTS = new Set(['EnsuringLoadBalancer', 'EnsuredLoadBalancer', 'SyncLoadBalancerFailed', 'UpdatedLoadBalancer']);

/** k8s.io/cloud-provider's names for its service controller: the alias "service" and "service-lb-controller" */
const SERVICE_CONTROLLER_NAMES = new Set(['service', 'service-lb-controller']);

/**
 * Whether a cloud controller manager's --controllers (default "*") runs the service controller, as
 * k8s.io/cloud-provider decides it (IsControllerEnabled over the aliased names): the first entry
 * naming it decides (name on, -name off); else "*" turns it on, and without "*" it is off.
 */
function serviceControllerOn(controllers: string | undefined): boolean {
  if (controllers === undefined) return true;
  let star = false;
  for (const raw of controllers.split(',')) {
    const c = raw.trim();
    if (SERVICE_CONTROLLER_NAMES.has(c)) return true;
    if (c.startsWith('-') && SERVICE_CONTROLLER_NAMES.has(c.slice(1))) return false;
    if (c === '*') star = true;
  }
  return star;
}

function cloudController(state: ClusterState, others: readonly Implementation[]): Implementation | undefined {
  const found = workloads(state, (c, o) => {
    if (/kube-vip-cloud-provider/.test(String(c.image ?? ''))) return false;
    const id = `${o.metadata?.name ?? ''} ${String(c.image ?? '')}`;
    if (!/cloud-controller-manager/.test(id)) return false;
    // cloud providers without load balancers: k8s.io/cloud-provider then never starts the service controller
    if (NO_LB_CLOUDS.test(id)) return false;
    // --controllers=*,-service (or -service-lb-controller): this one runs without the service controller
    return serviceControllerOn(stringFlag(c, 'controllers'));
  });
  const hit = found[0];
  // k3s's and kube-vip's cloud providers run the same service controller: they explain its marks
  const explained = others.some((o) => o.what.startsWith('k3s') || o.what === 'kube-vip-cloud-provider');
  const marks = new Map<KubeObject, string>();
  if (!explained) {
    for (const svc of lbServices(state)) {
      if (serviceClass(svc) !== undefined) continue;
      if (asArray(svc.metadata?.finalizers).includes(CLEANUP_FINALIZER)) marks.set(svc, `finalizer ${CLEANUP_FINALIZER}`);
    }
    if (state.isCaptured('Event')) {
      for (const e of state.all('Event')) {
        const r = asRecord(e.involvedObject ?? e.regarding);
        const reason = str(e.reason);
        if (r.kind !== 'Service' || !reason || !CLOUD_EVENTS.has(reason)) continue;
        const svc = state.get('Service', str(r.namespace), str(r.name) ?? '');
        if (svc && serviceClass(svc) === undefined && !marks.has(svc)) marks.set(svc, `event ${reason}`);
      }
    }
  }
  if (!hit && marks.size === 0) return undefined;
  const handlesClass = classLessOr();
  const evidence: string[] = [];
  if (hit) evidence.push(`${ref(hit.obj)} runs a cloud controller manager`);
  if (marks.size) evidence.push(`a cloud-provider service controller handles Services without a class: ${namesText([...marks].map(([s, m]) => `${serviceName(s)} (${m})`), 5)}`);
  else evidence.push('no Service shows that it provisions load balancers (some cloud controllers have no load-balancer support)');
  return {
    what: hit ? 'a cloud controller manager' : 'a cloud-provider service controller',
    does: 'provisions a cloud load balancer for it and writes that address into status.loadBalancer',
    subject: hit ? { obj: hit.obj, path: ['metadata', 'name'] } : { obj: [...marks.keys()][0]!, path: ['metadata', 'finalizers'] },
    evidence,
    handlesClass,
    handles: (svc) => handlesClass(serviceClass(svc)),
    scope: 'LoadBalancer Services without a loadBalancerClass',
    marks,
    // a workload alone may have no load-balancer support; marks alone may be left over
    certain: hit !== undefined && marks.size > 0,
    fix: 'Give the Services MetalLB should serve to MetalLB alone: run MetalLB with --lb-class (Helm: loadBalancerClass) and set that class on them, or disable the cloud controller\'s service controller (--controllers=*,-service).',
  };
}

// ---------------------------------------------------------------------------------------------

function metallbPresent(state: ClusterState): boolean {
  if (state.metallb.controller || state.metallb.speaker) return true;
  return [...METALLB_CONFIG_KINDS].some((k) => state.metallbObjects(k).length > 0);
}

function metallbScope(cls: MetalLBClass): string {
  if (cls.everyClass) return 'every LoadBalancer Service, whatever its loadBalancerClass';
  return cls.value === undefined ? 'Services without a loadBalancerClass' : `Services of class "${cls.value}"`;
}

export default defineRule({
  meta: {
    id: 'conflicting-lb-implementation',
    severity: 'error',
    // warning: only traces of the other implementation (it may not run); info: it runs, but its class keeps it apart from MetalLB
    severities: ['error', 'warning', 'info'],
    category: 'installation',
    evidence: ['api'],
    description:
      'Another LoadBalancer implementation (k3s ServiceLB, kube-vip, kube-vip-cloud-provider, Cilium LB IPAM / L2 announcements / BGP, OpenELB, PureLB, a cloud controller) handles the same Services as MetalLB.',
    fix: 'Keep one implementation per Service: disable or uninstall the other one, or separate them by loadBalancerClass (MetalLB --lb-class, Helm loadBalancerClass).',
  },
  check({ state, report }) {
    if (!metallbPresent(state)) return;
    const cls = metallbLoadBalancerClass(state);
    const found: Implementation[] = [];
    for (const detect of [k3sServiceLB, kubeVip, kubeVipCloudProvider, ciliumLBIPAM, ciliumL2, ciliumBGP, openELB, pureLB]) {
      const impl = detect(state);
      if (impl) found.push(impl);
    }
    const cloud = cloudController(state, found);
    if (cloud) found.push(cloud);
    const services = lbServices(state);
    const servicesKnown = state.isCaptured('Service');
    for (const impl of found) {
      const contested = services.filter((svc) => classMatches(svc, cls) && impl.handles(svc));
      // MetalLB without a class filter meets every implementation on the classes that one serves
      const overlap = cls.everyClass === true || impl.handlesClass(cls.value);
      const marked = contested.filter((s) => impl.marks.has(s));
      const evidence = [...impl.evidence, `MetalLB handles ${metallbScope(cls)} (${cls.from})`];
      if (contested.length) {
        evidence.push(
          `Services both may serve: ${namesText(contested.map((s) => serviceDetail(s, impl.marks.get(s))), 10)}`,
        );
      } else if (!servicesKnown) {
        evidence.push('Services are not in the input: which ones are contested is not known');
      } else if (overlap) {
        evidence.push(`no LoadBalancer Service of that kind yet: the next one is contested`);
      }
      const subjects: Subject[] = [impl.subject, ...(marked.length ? marked : contested).slice(0, 3).map((s) => ({ obj: s, path: ['status', 'loadBalancer'] as FieldPath }))];
      if (!overlap && contested.length === 0) {
        report({
          message: `${capital(impl.what)} runs next to MetalLB, but it handles ${impl.scope} and MetalLB handles ${metallbScope(cls)}: no Service is served by both`,
          severity: 'info',
          subjects,
          evidence,
          fix: 'Nothing to do while the classes stay apart; give each Service the loadBalancerClass of the implementation that should serve it.',
        });
        continue;
      }
      const which = contested.length
        ? `${contested.length === 1 ? 'Service' : `${contested.length} Services`} ${namesText(contested.map(serviceName), 3)}`
        : `every ${cls.everyClass ? 'LoadBalancer Service' : metallbScope(cls).replace(/^Services/, 'LoadBalancer Service')} created from now on`;
      const fight = `MetalLB assigns and announces an address from its pools while ${impl.what} ${impl.does}: they overwrite each other's status.loadBalancer, and clients reach whichever answered last`;
      report({
        message: impl.certain
          ? `${capital(impl.what)} is active and handles ${impl.scope}, as MetalLB does (${metallbScope(cls)}): both serve ${which}; ${fight}`
          : `${capital(impl.what)} may be active (only traces of it are in the input) and would handle ${impl.scope}, as MetalLB does: ${which} may be served by both; ${fight}`,
        severity: impl.certain ? 'error' : 'warning',
        subjects,
        evidence,
        fix: `${impl.fix} Or ${cls.everyClass ? 'upgrade MetalLB to v0.13.0 or later (the first to filter by class) and ' : ''}separate them by class: run MetalLB with --lb-class=<class> (Helm: loadBalancerClass) and set spec.loadBalancerClass on the Services MetalLB should serve (the field is immutable: recreate them).`,
      });
    }
  },
});

/** "shop/web (finalizer ...; status.loadBalancer 10.0.0.1)" */
function serviceDetail(svc: KubeObject, mark: string | undefined): string {
  const ips = asArray(asRecord(asRecord(svc.status).loadBalancer).ingress)
    .map((i) => str(asRecord(i).ip) ?? str(asRecord(i).hostname))
    .filter((x): x is string => x !== undefined);
  const parts = [...(mark ? [mark] : []), ...(ips.length ? [`status.loadBalancer ${ips.join(', ')}`] : [])];
  return `${serviceName(svc)}${parts.length ? ` (${parts.join('; ')})` : ''}`;
}

/** "a cloud controller manager" opens a sentence as "A ..."; product names keep their spelling (k3s, kube-vip). */
function capital(s: string): string {
  return s.startsWith('a ') ? `A${s.slice(1)}` : s;
}
