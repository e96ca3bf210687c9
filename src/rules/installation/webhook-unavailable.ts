import type { FieldPath, KubeObject } from '../../sources/types.js';
import { defineRule, type Subject } from '../types.js';
import { asArray, asRecord, type ClusterState } from '../../state/cluster-state.js';
import { argValue, containers } from '../../state/installation.js';
import { endpointCanServe } from '../../model/announce/common.js';
import { matchesSelector, selectorMatcher, type LabelSelector } from '../../model/selectors.js';
import { cidrContainsIP, parseCIDR, parseIP } from '../../model/address.js';
import { podDetail, podViewOf } from '../../model/pods.js';
import { namesText } from '../../report/text.js';

const DEFAULT_SERVICE = 'metallb-webhook-service';
/** controller-runtime's webhook server in MetalLB's controller (internal/k8s/k8s.go) */
const WEBHOOK_PORT = 9443;
const WEBHOOK_PORT_NAME = 'webhook-server';

interface Hook {
  config: KubeObject;
  index: number;
  name: string;
  failurePolicy: string;
}

/** The Service the API server calls for MetalLB's webhooks, and the webhooks that call it. */
interface Target {
  namespace: string;
  name: string;
  /** the Service port the webhooks call (clientConfig.service.port, default 443) */
  port: number;
  hooks: Hook[];
  /** false when no ValidatingWebhookConfiguration was captured: the default Service is assumed */
  fromConfig: boolean;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * A webhook for MetalLB's own API group. frr-k8s names its webhook *.metallb.io too, but it
 * validates group frrk8s.metallb.io and is served by frr-k8s, not by MetalLB's controller.
 */
function isMetalLBWebhook(w: Record<string, unknown>): boolean {
  const groups = asArray(w.rules).flatMap((r) => asArray(asRecord(r).apiGroups));
  if (groups.length > 0) return groups.includes('metallb.io');
  const name = str(w.name) ?? '';
  const path = String(asRecord(asRecord(w.clientConfig).service).path ?? '');
  return name.endsWith('.metallb.io') && !/frr/i.test(`${name} ${path}`);
}

function targets(state: ClusterState): Target[] | undefined {
  if (!state.isCaptured('ValidatingWebhookConfiguration')) {
    return [{ namespace: state.metallb.namespace, name: DEFAULT_SERVICE, port: 443, hooks: [], fromConfig: false }];
  }
  const byService = new Map<string, Target>();
  for (const config of state.all('ValidatingWebhookConfiguration')) {
    asArray(config.webhooks).forEach((raw, index) => {
      const w = asRecord(raw);
      if (!isMetalLBWebhook(w)) return;
      const svc = asRecord(asRecord(w.clientConfig).service);
      const name = str(svc.name);
      const namespace = str(svc.namespace);
      if (!name || !namespace) return; // a URL webhook: not served by MetalLB's controller Service
      const port = typeof svc.port === 'number' ? svc.port : 443;
      const key = `${namespace}/${name}/${port}`;
      let t = byService.get(key);
      if (!t) byService.set(key, (t = { namespace, name, port, hooks: [], fromConfig: true }));
      // admissionregistration.k8s.io/v1 defaults failurePolicy to Fail
      t.hooks.push({ config, index, name: str(w.name) ?? `#${index}`, failurePolicy: str(w.failurePolicy) ?? 'Fail' });
    });
  }
  return [...byService.values()];
}

function controllerMain(state: ClusterState): Record<string, unknown> | undefined {
  const c = state.metallb.controller;
  if (!c) return undefined;
  const cs = containers(c);
  return cs.find((x) => String(x.image ?? '').includes('metallb/controller')) ?? cs[0];
}

function hooksEvidence(t: Target): string[] {
  if (!t.fromConfig) return ['ValidatingWebhookConfigurations are not in the input: the default failurePolicy (Fail) is assumed'];
  const fail = t.hooks.filter((h) => h.failurePolicy !== 'Ignore');
  const ignore = t.hooks.filter((h) => h.failurePolicy === 'Ignore');
  const cfgs = [...new Set(t.hooks.map((h) => h.config.metadata?.name ?? ''))];
  const out = [`ValidatingWebhookConfiguration ${namesText(cfgs.map((c) => `"${c}"`))}: ${t.hooks.length} MetalLB webhook${t.hooks.length === 1 ? '' : 's'} call Service ${t.namespace}/${t.name} on port ${t.port}`];
  if (fail.length) out.push(`failurePolicy Fail: ${namesText(fail.map((h) => h.name), 6)}`);
  if (ignore.length) out.push(`failurePolicy Ignore: ${namesText(ignore.map((h) => h.name), 6)} (while the webhook is unreachable these changes bypass validation silently)`);
  return out;
}

/** The bgppeers CRD converts v1beta1 <-> v1beta2 through the same Service. */
function conversionEvidence(state: ClusterState, t: Target): string[] {
  if (!state.isCaptured('CustomResourceDefinition')) return [];
  const crd = state.get('CustomResourceDefinition', undefined, 'bgppeers.metallb.io');
  const conv = asRecord(asRecord(crd?.spec).conversion);
  const svc = asRecord(asRecord(asRecord(conv.webhook).clientConfig).service);
  if (conv.strategy !== 'Webhook' || svc.name !== t.name || svc.namespace !== t.namespace) return [];
  return [`CustomResourceDefinition bgppeers.metallb.io converts between v1beta1 and v1beta2 through this Service too: reading or writing BGPPeers in the other version fails`];
}

function serviceSelector(svc: KubeObject | undefined): Record<string, string> | undefined {
  const sel = asRecord(asRecord(svc?.spec).selector);
  const entries = Object.entries(sel).filter(([, v]) => typeof v === 'string') as [string, string][];
  return entries.length ? Object.fromEntries(entries) : undefined;
}

const selectorText = (sel: Record<string, string>) =>
  Object.entries(sel)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');

/** The pods behind the Service: its selector over the Pods of its namespace. */
function servicePods(state: ClusterState, svc: KubeObject | undefined, ns: string): KubeObject[] | undefined {
  if (!state.isCaptured('Pod', ns)) return undefined;
  const sel = serviceSelector(svc);
  if (!sel) return undefined;
  const matches = selectorMatcher({ matchLabels: sel });
  return (state.inNamespace('Pod', ns) ?? state.all('Pod')).filter((p) => (p.metadata?.namespace ?? '') === ns && matches(p.metadata?.labels));
}

interface Readiness {
  ready: number;
  total: number;
  /** what was looked at */
  seen: string;
  at?: { obj: KubeObject; path: FieldPath };
}

/** Ready endpoints of the Service from its EndpointSlices, else its Endpoints; undefined when neither was captured. */
function readiness(state: ClusterState, t: Target): Readiness | undefined {
  if (state.endpointSlicesCaptured(t.namespace)) {
    const slices = state.endpointSlicesFor(t.namespace, t.name);
    let ready = 0;
    let total = 0;
    for (const s of slices) {
      for (const e of asArray(s.endpoints)) {
        const ep = asRecord(e);
        if (asArray(ep.addresses).length === 0) continue;
        total++;
        if (endpointCanServe(ep.conditions)) ready++;
      }
    }
    const names = slices.map((s) => s.metadata?.name ?? '');
    const seen =
      slices.length === 0
        ? `no EndpointSlice labelled kubernetes.io/service-name=${t.name} in ${t.namespace}`
        : `EndpointSlice ${namesText(names, 3)}: ${total} endpoint${total === 1 ? '' : 's'}, ${ready} ready`;
    return { ready, total, seen, ...(slices[0] ? { at: { obj: slices[0], path: ['endpoints'] } } : {}) };
  }
  if (state.isCaptured('Endpoints', t.namespace, t.name)) {
    const ep = state.get('Endpoints', t.namespace, t.name);
    let ready = 0;
    let notReady = 0;
    for (const s of asArray(ep?.subsets)) {
      ready += asArray(asRecord(s).addresses).length;
      notReady += asArray(asRecord(s).notReadyAddresses).length;
    }
    const seen = ep ? `Endpoints ${t.name}: ${ready} ready address${ready === 1 ? '' : 'es'}, ${notReady} not ready` : `no Endpoints object ${t.namespace}/${t.name}`;
    return { ready, total: ready + notReady, seen, ...(ep ? { at: { obj: ep, path: ['subsets'] } } : {}) };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// NetworkPolicy semantics (networking.k8s.io/v1), for ingress to one pod port from the API server

interface PodTarget {
  name: string;
  labels: Record<string, string> | undefined;
  /** the pod's declared container ports (named ports resolve against them) */
  ports: { name?: string; port: number; protocol: string }[];
  node?: string;
  /** spec.hostNetwork: NetworkPolicy does not define what happens to such a pod's traffic */
  hostNetwork: boolean;
}

interface APIServer {
  /** addresses of default/kubernetes, when in the input */
  ips?: string[];
  /** nodes whose addresses are among them */
  nodes: Set<string>;
}

function apiServerOf(state: ClusterState): APIServer {
  const ips: string[] = [];
  for (const s of state.endpointSlicesFor('default', 'kubernetes'))
    for (const e of asArray(s.endpoints)) for (const a of asArray(asRecord(e).addresses)) if (typeof a === 'string') ips.push(a);
  if (ips.length === 0) {
    const ep = state.get('Endpoints', 'default', 'kubernetes');
    for (const s of asArray(ep?.subsets)) for (const a of asArray(asRecord(s).addresses)) if (typeof asRecord(a).ip === 'string') ips.push(asRecord(a).ip as string);
  }
  const nodes = new Set<string>();
  for (const n of state.all('Node')) {
    const addrs = asArray(asRecord(n.status).addresses).map((a) => asRecord(a).address);
    if (addrs.some((a) => typeof a === 'string' && ips.includes(a))) nodes.add(n.metadata?.name ?? '');
  }
  return { ...(ips.length ? { ips } : {}), nodes };
}

function podPorts(spec: Record<string, unknown>): PodTarget['ports'] {
  const out: PodTarget['ports'] = [];
  for (const c of asArray(spec.containers)) {
    for (const p of asArray(asRecord(c).ports)) {
      const r = asRecord(p);
      if (typeof r.containerPort !== 'number') continue;
      out.push({ ...(str(r.name) ? { name: str(r.name) } : {}), port: r.containerPort, protocol: str(r.protocol) ?? 'TCP' });
    }
  }
  return out;
}

function policyTypes(np: KubeObject): string[] {
  const spec = asRecord(np.spec);
  const given = asArray(spec.policyTypes).filter((t): t is string => typeof t === 'string');
  if (given.length) return given;
  // the API server's default: every policy affects ingress; egress only with egress rules
  return asArray(spec.egress).length ? ['Ingress', 'Egress'] : ['Ingress'];
}

/** A NetworkPolicyPort against TCP port `port` of the pod; a named port resolves on the pod. */
function portMatches(raw: unknown, port: number, pod: PodTarget): boolean {
  const p = asRecord(raw);
  if ((str(p.protocol) ?? 'TCP') !== 'TCP') return false;
  if (p.port === undefined || p.port === null) return true;
  if (typeof p.port === 'number') return typeof p.endPort === 'number' ? p.port <= port && port <= p.endPort : p.port === port;
  if (typeof p.port === 'string') return pod.ports.some((c) => c.name === p.port && c.protocol === 'TCP' && c.port === port);
  return false;
}

type PeerVerdict = 'yes' | 'no' | 'unknown';

/**
 * OpenShift's OVN-Kubernetes admits host-network sources (the API server among them) to a policy
 * whose namespaceSelector selects this label: the host network counts as a namespace of that group.
 */
const OPENSHIFT_HOST_NETWORK = 'policy-group.network.openshift.io/host-network';

function selectsLabelKey(selector: unknown, key: string): boolean {
  const s = asRecord(selector);
  return Object.prototype.hasOwnProperty.call(asRecord(s.matchLabels), key) || asArray(s.matchExpressions).some((e) => asRecord(e).key === key);
}

/**
 * Whether a peer admits the API server. It calls webhooks from the host network of the control
 * plane (or from outside the cluster): no podSelector or namespaceSelector selects it (but
 * OpenShift's host-network policy group may: not provably blocked); an ipBlock does when it holds
 * one of its addresses.
 */
function peerAdmits(raw: unknown, api: APIServer): PeerVerdict {
  const peer = asRecord(raw);
  if (selectsLabelKey(peer.namespaceSelector, OPENSHIFT_HOST_NETWORK)) return 'unknown';
  const block = asRecord(peer.ipBlock);
  if (peer.ipBlock === undefined || peer.ipBlock === null) return 'no';
  const cidr = typeof block.cidr === 'string' ? parseCIDR(block.cidr)?.cidr : undefined;
  if (!cidr) return 'no';
  if (!api.ips) return 'unknown';
  const except = asArray(block.except)
    .map((e) => (typeof e === 'string' ? parseCIDR(e)?.cidr : undefined))
    .filter((c) => c !== undefined);
  return api.ips.some((s) => {
    const ip = parseIP(s);
    return ip !== undefined && cidrContainsIP(cidr, ip) && !except.some((e) => cidrContainsIP(e, ip));
  })
    ? 'yes'
    : 'unknown'; // the source address may be rewritten on its way (a tunnel address): not provably blocked
}

interface Denial {
  /** the policies that isolate the pod for ingress */
  isolating: KubeObject[];
  /** per policy, why none of its rules admits the webhook call */
  why: string[];
}

/** undefined = admitted (or not provably blocked); a Denial = every policy's rules refuse the call. */
function ingressDenied(policies: KubeObject[], pod: PodTarget, port: number, api: APIServer): Denial | undefined {
  const isolating = policies.filter((np) => matchesSelector((asRecord(np.spec).podSelector ?? {}) as LabelSelector, pod.labels) && policyTypes(np).includes('Ingress'));
  if (isolating.length === 0) return undefined;
  // NetworkPolicy behaviour for hostNetwork pods is undefined (Kubernetes' NetworkPolicy docs); most
  // implementations ignore them and treat their traffic as the node's. A hostNetwork controller is
  // the usual workaround when the API server cannot reach pod IPs: not provably blocked.
  if (pod.hostNetwork) return undefined;
  // traffic from the pod's own node is always allowed
  if (pod.node && api.nodes.has(pod.node)) return undefined;
  const why: string[] = [];
  for (const np of isolating) {
    const rules = asArray(asRecord(np.spec).ingress);
    const name = `NetworkPolicy ${np.metadata?.name ?? ''}`;
    if (rules.length === 0) {
      why.push(`${name} selects the pod for ingress and has no ingress rule: it allows nothing`);
      continue;
    }
    const reasons: string[] = [];
    for (const [i, raw] of rules.entries()) {
      const r = asRecord(raw);
      const ports = asArray(r.ports);
      if (ports.length > 0 && !ports.some((p) => portMatches(p, port, pod))) {
        reasons.push(`rule ${i}: ports ${ports.map((p) => `${String(asRecord(p).port ?? '*')}/${str(asRecord(p).protocol) ?? 'TCP'}`).join(', ')} do not include ${port}/TCP`);
        continue;
      }
      const from = asArray(r.from);
      if (from.length === 0) return undefined; // no `from`: every source
      const verdicts = from.map((p) => peerAdmits(p, api));
      if (verdicts.includes('yes') || verdicts.includes('unknown')) return undefined;
      reasons.push(`rule ${i}: from admits only pods or namespaces (podSelector/namespaceSelector), and the API server is neither`);
    }
    why.push(`${name}: ${reasons.join('; ')}`);
  }
  return { isolating, why };
}

/** Where a policy shows the denial: its ingress rules, else its policyTypes, else its podSelector. */
function policyPath(np: KubeObject): FieldPath {
  const spec = asRecord(np.spec);
  if (spec.ingress !== undefined) return ['spec', 'ingress'];
  if (spec.policyTypes !== undefined) return ['spec', 'policyTypes'];
  return ['spec', 'podSelector'];
}

/** The webhook's port on the pod: the Service port's targetPort (a number, or a container port's name). */
function podPort(svc: KubeObject | undefined, servicePort: number, pods: PodTarget[]): { port: number; name?: string } {
  const sp = asArray(asRecord(svc?.spec).ports)
    .map(asRecord)
    .find((p) => p.port === servicePort);
  const tp = sp?.targetPort ?? sp?.port;
  if (typeof tp === 'number') {
    const named = pods.flatMap((p) => p.ports).find((c) => c.port === tp && c.name);
    return { port: tp, ...(named?.name ? { name: named.name } : {}) };
  }
  if (typeof tp === 'string') {
    const c = pods.flatMap((p) => p.ports).find((x) => x.name === tp);
    if (c) return { port: c.port, name: tp };
  }
  return { port: WEBHOOK_PORT, name: WEBHOOK_PORT_NAME };
}

export default defineRule({
  meta: {
    id: 'webhook-unavailable',
    severity: 'error',
    // warning: every MetalLB webhook has failurePolicy Ignore, so changes pass unvalidated instead of failing
    severities: ['error', 'warning'],
    category: 'installation',
    evidence: ['api'],
    description:
      "MetalLB's webhook Service has no ready endpoint, or a NetworkPolicy blocks the API server from the controller's webhook port: every change to MetalLB's resources is rejected (or, with failurePolicy Ignore, accepted unvalidated).",
    fix: 'Make the controller pod ready (kubectl -n <metallb-namespace> describe pod -l app.kubernetes.io/component=controller with Helm, -l component=controller with the manifests), and allow ingress to its port 9443 from the API server in the NetworkPolicies that select it.',
  },
  check({ state, report }) {
    const main = controllerMain(state);
    // it serves no webhook then (MetalLB's operator runs a separate --webhook-mode=onlywebhook deployment)
    if (main && argValue(main, 'webhook-mode') === 'disabled') return;
    const ts = targets(state);
    if (!ts) return;
    // where the API server calls from: asked only of NetworkPolicies that isolate the controller
    let api: APIServer | undefined;
    for (const t of ts) {
      if (t.fromConfig && t.hooks.length === 0) continue;
      const allIgnore = t.hooks.length > 0 && t.hooks.every((h) => h.failurePolicy === 'Ignore');
      const severity = allIgnore ? 'warning' : 'error';
      const consequence = allIgnore
        ? "every MetalLB webhook has failurePolicy Ignore, so the API server waits for the call to fail and then accepts changes to MetalLB's resources without validation: invalid configuration reaches MetalLB and is refused only at runtime"
        : `the API server cannot call ${t.hooks.length === 1 ? 'the validating webhook' : "MetalLB's validating webhooks"}, so it rejects every create and update of MetalLB's resources (IPAddressPool, L2Advertisement, BGPPeer, ...) with "failed calling webhook"`;
      const svcCaptured = state.isCaptured('Service');
      const svc = svcCaptured ? state.get('Service', t.namespace, t.name) : undefined;
      const hookSubject: Subject | undefined = t.hooks[0] ? { obj: t.hooks[0].config, path: ['webhooks', t.hooks[0].index, 'clientConfig', 'service', 'name'] } : undefined;
      const common = [...hooksEvidence(t), ...conversionEvidence(state, t)];

      if (svcCaptured && !svc) {
        // without the configuration we cannot tell that any webhook calls this Service
        if (!hookSubject) continue;
        report({
          message: `MetalLB's webhooks call Service ${t.namespace}/${t.name}, which does not exist: ${consequence}`,
          severity,
          subjects: [hookSubject],
          evidence: [`no Service ${t.namespace}/${t.name} in the input (Services were captured)`, ...common],
          fix: `Recreate the Service (it is part of MetalLB's manifests and Helm chart: port ${t.port} to the controller's port ${WEBHOOK_PORT}), e.g. by re-applying the manifests or running helm upgrade; or point the webhooks' clientConfig.service at the right Service.`,
        });
        continue;
      }
      // without the Service and without the configuration, nothing says a webhook is in use
      if (!svc && !t.fromConfig) continue;

      const sel = serviceSelector(svc);
      const r = readiness(state, t);
      const policies = state.isCaptured('NetworkPolicy', t.namespace) ? state.all('NetworkPolicy').filter((np) => (np.metadata?.namespace ?? '') === t.namespace) : [];
      // the Service's pods (a look at every Pod) serve only to explain a missing endpoint or to evaluate the policies
      const podsAll = (r && r.ready === 0) || policies.length > 0 ? servicePods(state, svc, t.namespace) : undefined;
      if (r && r.ready === 0) {
        const views = (podsAll ?? []).map(podViewOf);
        let because = '';
        if (podsAll && sel && podsAll.length === 0) because = ` (no pod matches its selector ${selectorText(sel)})`;
        else if (views.length > 0 && views.every((v) => !v.ready)) because = ` (${views.length === 1 ? `controller pod ${views[0]!.name} is` : `its ${views.length} pods are`} not ready)`;
        const evidence = [
          ...(svc ? [`Service ${t.namespace}/${t.name}: selector ${sel ? selectorText(sel) : '(none: endpoints are managed by hand)'}`] : []),
          r.seen,
          ...views.slice(0, 3).map((v) => `pod ${podDetail(v)}`),
          ...(podsAll && sel && podsAll.length === 0 ? [`no Pod in ${t.namespace} has the labels ${selectorText(sel)}`] : []),
          ...controllerEvidence(state),
          ...common,
        ];
        const subject: Subject | undefined = svc ? { obj: svc, path: sel ? ['spec', 'selector'] : ['spec'] } : (r.at ?? hookSubject);
        if (!subject) continue;
        report({
          message: `MetalLB's webhook Service ${t.namespace}/${t.name} has no ready endpoint${because}: ${consequence}`,
          severity,
          subjects: [subject, ...views.filter((v) => !v.ready).slice(0, 3).map((v) => ({ obj: v.pod, path: ['status', 'conditions'] }))],
          evidence,
          fix: `Find out why the controller is not ready (kubectl -n ${t.namespace} describe pod -l ${sel ? selectorText(sel) : 'component=controller'}; kubectl -n ${t.namespace} logs deploy/${state.metallb.controller?.metadata?.name ?? 'controller'}) and fix it${podsAll && sel && podsAll.length === 0 ? `, or make the Service's selector match the controller's pod labels` : ''}; the webhooks answer again once the pod is ready.`,
        });
      }

      if (policies.length === 0) continue;
      const pods = podTargets(state, podsAll);
      if (pods.length === 0) continue;
      const port = podPort(svc, t.port, pods);
      const apiServer = (api ??= apiServerOf(state));
      const denials = pods.map((p) => ingressDenied(policies, p, port.port, apiServer));
      // some pod admits the call: the API server reaches the webhook through it
      if (denials.some((d) => d === undefined)) continue;
      const d = denials[0]!;
      const np = d.isolating[0]!;
      const portText = `${port.port}/TCP${port.name ? ` (${port.name})` : ''}`;
      report({
        message: `NetworkPolicy ${np.metadata?.name ?? ''} in ${t.namespace} isolates the controller pods for ingress and no policy admits the API server to the webhook port ${portText}: ${consequence}`,
        severity,
        subjects: [{ obj: np, path: policyPath(np) }, ...d.isolating.slice(1).map((o) => ({ obj: o, path: policyPath(o) }))],
        evidence: [
          `controller ${pods.length === 1 ? `pod ${pods[0]!.name}` : `pods ${namesText(pods.map((p) => p.name), 3)}`}: webhook port ${portText}${apiServer.ips ? `; the API server calls from ${namesText(apiServer.ips, 3)}${apiServer.nodes.size ? ` (node ${namesText([...apiServer.nodes], 3)})` : ''}` : ''}`,
          ...d.why,
          ...common,
        ],
        fix: `Add an ingress rule that admits the API server to port ${port.name ?? port.port} of the controller pods, e.g. a NetworkPolicy in ${t.namespace} with podSelector matching the controller and ingress: [{ports: [{protocol: TCP, port: ${port.port}}]}] (no from: any source, as MetalLB's Helm chart does), or an ipBlock with the control-plane nodes' addresses.`,
      });
    }
  },
});

function controllerEvidence(state: ClusterState): string[] {
  const c = state.metallb.controller;
  if (!c) return [];
  const s = asRecord(c.status);
  const want = typeof asRecord(c.spec).replicas === 'number' ? (asRecord(c.spec).replicas as number) : 1;
  const ready = typeof s.readyReplicas === 'number' ? s.readyReplicas : 0;
  return [`${c.kind} ${c.metadata?.name ?? ''}: ${ready} of ${want} replicas ready`];
}

/** The pods the policies are evaluated for: the Service's pods, else the controller's pod template. */
function podTargets(state: ClusterState, pods: KubeObject[] | undefined): PodTarget[] {
  if (pods && pods.length > 0) {
    return pods.map((p) => {
      const spec = asRecord(p.spec);
      const node = str(spec.nodeName);
      return { name: p.metadata?.name ?? '', labels: p.metadata?.labels, ports: podPorts(spec), hostNetwork: spec.hostNetwork === true, ...(node ? { node } : {}) };
    });
  }
  const c = state.metallb.controller;
  if (!c) return [];
  const tmpl = asRecord(asRecord(c.spec).template);
  const labels = asRecord(asRecord(tmpl.metadata).labels) as Record<string, string>;
  const spec = asRecord(tmpl.spec);
  return [{ name: `of ${c.kind} ${c.metadata?.name ?? ''}`, labels, ports: podPorts(spec), hostNetwork: spec.hostNetwork === true }];
}
