import type { KubeObject } from '../../sources/types.js';
import { defineRule, type FindingInput } from '../types.js';
import { handledServices, serviceName } from '../../model/simulation.js';
import { announcementOf, endpointConditionRule } from '../../model/announcement.js';
import { endpointCanServeAt, type EndpointConditionRule } from '../../model/announce/common.js';
import { countEndpoints } from '../../model/endpoints.js';
import { asArray, asRecord, type ClusterState } from '../../state/cluster-state.js';

/** The Service's spec.selector as label pairs; undefined when it has none (or an empty one). */
export function serviceSelector(svc: KubeObject): Record<string, string> | undefined {
  const sel = asRecord(asRecord(svc.spec).selector);
  const pairs = Object.entries(sel).map(([k, v]) => [k, String(v)] as const);
  return pairs.length > 0 ? Object.fromEntries(pairs) : undefined;
}

export const selectorText = (sel: Record<string, string>): string =>
  Object.entries(sel)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');

/** Pods of the Service's namespace its selector matches, with how many are Ready (undefined when Pods are not in the input). */
function matchingPods(state: ClusterState, ns: string, sel: Record<string, string>): { total: number; ready: number } | undefined {
  if (!state.isCaptured('Pod', ns)) return undefined;
  let total = 0;
  let ready = 0;
  for (const p of state.inNamespace('Pod', ns) ?? state.all('Pod')) {
    if ((p.metadata?.namespace || 'default') !== ns) continue;
    const labels = p.metadata?.labels ?? {};
    if (!Object.entries(sel).every(([k, v]) => labels[k] === v)) continue;
    total++;
    if (asArray(asRecord(p.status).conditions).some((c) => asRecord(c).type === 'Ready' && asRecord(c).status === 'True')) ready++;
  }
  return { total, ready };
}

/** What the release's speaker counts as an endpoint that can serve, and what the others are. */
const CONDITIONS: Record<EndpointConditionRule, { test: string; failed: string }> = {
  canServe: { test: 'ready unset or true, or serving true', failed: 'not ready and not serving' },
  ready: { test: 'ready unset or true; before v0.14.0 MetalLB ignores serving, so a terminating pod does not count', failed: 'not ready' },
  serving: { test: 'serving true, or when serving is unset ready unset or true (MetalLB v0.14.0 to v0.14.4)', failed: 'not serving' },
};

/**
 * BGP before v0.16.0: every address that can serve is also listed, in some EndpointSlice, by an
 * endpoint that cannot, and hasHealthyEndpoint lets that listing win. Layer 2 is not affected.
 */
function reportVetoed(svc: KubeObject, slices: readonly KubeObject[], rule: EndpointConditionRule, ips: readonly string[], report: (f: FindingInput) => void): void {
  const listings: string[] = [];
  for (const s of slices) {
    for (const e of asArray(s.endpoints)) {
      const ep = asRecord(e);
      if (endpointCanServeAt(ep.conditions, rule)) continue;
      for (const addr of asArray(ep.addresses)) listings.push(`${String(addr)} in ${s.metadata?.name ?? '?'} (conditions ${JSON.stringify(ep.conditions ?? {})})`);
    }
  }
  const ns = svc.metadata?.namespace || 'default';
  const name = svc.metadata?.name ?? '';
  report({
    message: `Service ${serviceName(svc)} has endpoints that can serve, but each of their addresses is also listed as not serving in another EndpointSlice: MetalLB before v0.16.0 lets that listing win (hasHealthyEndpoint), so every speaker withdraws its BGP routes (noEndpoints) and ${ips.join(', ')} is not reached by BGP. Layer 2 is not affected`,
    subjects: [{ obj: svc }],
    evidence: [`EndpointSlices read: ${slices.map((s) => s.metadata?.name ?? '?').join(', ')}`, ...listings.map((l) => `listed as not serving: ${l}`)],
    fix: `Find why the same pod is listed as not ready in one slice and ready in another (\`kubectl -n ${ns} get endpointslices -l kubernetes.io/service-name=${name} -o yaml\`): a stale slice, or a port whose readiness differs; or upgrade MetalLB to v0.16.0 or newer, whose speaker takes any endpoint that can serve.`,
  });
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export default defineRule({
  meta: {
    id: 'service-no-endpoints',
    severity: 'error',
    category: 'services',
    evidence: ['api'],
    description: 'A LoadBalancer Service with an address has no endpoint that can serve: MetalLB withdraws it, so the address answers nothing.',
    fix: 'Make a pod behind the Service ready: check its EndpointSlices, the pods\' readiness and the Service selector.',
  },
  check({ state, report }) {
    const a = announcementOf(state);
    const rule = endpointConditionRule(state.metallb.version);
    const cond = CONDITIONS[rule];
    for (const { svc, result, info } of handledServices(state)) {
      if ((result.state !== 'allocated' && result.state !== 'kept') || result.ips.length === 0) continue;
      // the speakers' view read the same EndpointSlices with the same test: where it found an
      // endpoint that can serve (most Services), there is nothing to count again
      const r = a.byService.get(svc)?.announce;
      if (r?.bgp?.hasEndpoints) continue;
      const ns = svc.metadata?.namespace || 'default';
      const name = svc.metadata?.name ?? '';
      // absent is not none: without the namespace's EndpointSlices nothing can be said about endpoints
      if (!state.endpointSlicesCaptured(ns)) continue;
      const slices = state.endpointSlicesFor(ns, name);
      const counts = countEndpoints(slices, rule);
      if (counts.serving > 0) {
        if (a.input.bgpAddressVeto && r?.bgp && r.bgp.advertisements.length > 0 && !r.bgp.hasEndpoints) reportVetoed(svc, slices, rule, result.ips, report);
        continue;
      }

      const sel = serviceSelector(svc);
      const etpLocal = asRecord(svc.spec).externalTrafficPolicy === 'Local';
      const evidence: string[] = [];
      let why: string;
      if (slices.length === 0) {
        evidence.push(`EndpointSlices labelled kubernetes.io/service-name=${name} in ${ns}: none`);
        why = sel
          ? `no EndpointSlice belongs to it: no pod matching its selector ${selectorText(sel)} backs it (no such pod, or not created yet)`
          : 'it has no selector and no EndpointSlice was created for it by hand, so nothing backs it';
      } else {
        evidence.push(`EndpointSlices read: ${slices.map((s) => `${s.metadata?.name ?? '?'} (${plural(asArray(s.endpoints).length, 'endpoint')})`).join(', ')}`);
        if (counts.endpoints === 0) {
          why = `its ${plural(slices.length, 'EndpointSlice')} list no endpoint${sel ? `: no running pod matches its selector ${selectorText(sel)}` : ' (it has no selector: its EndpointSlices are maintained by hand)'}`;
        } else {
          const parts: string[] = [];
          if (counts.notServing > 0) parts.push(`${counts.notServing === counts.endpoints ? (counts.endpoints === 1 ? 'its only endpoint is' : `all ${counts.endpoints} endpoints are`) : `${plural(counts.notServing, 'endpoint is', 'endpoints are')}`} ${cond.failed}`);
          if (counts.withoutAddresses > 0) parts.push(`${plural(counts.withoutAddresses, 'endpoint has', 'endpoints have')} no address`);
          why = parts.join(', ');
        }
        evidence.push(`endpoints: ${counts.endpoints}, can serve (${cond.test}, with an address): 0${counts.notServing > 0 ? `, ${cond.failed}: ${counts.notServing}` : ''}${counts.withoutAddresses > 0 ? `, without addresses: ${counts.withoutAddresses}` : ''}`);
      }
      if (sel) {
        const pods = matchingPods(state, ns, sel);
        if (pods) evidence.push(`pods in ${ns} matching ${selectorText(sel)}: ${pods.total}${pods.total > 0 ? `, Ready: ${pods.ready}` : ''}`);
      } else {
        evidence.push('the Service has no spec.selector');
      }

      const hasL2 = !!r?.l2 && r.l2.advertisements.length > 0;
      const hasBGP = !!r?.bgp && r.bgp.advertisements.length > 0;
      const both = !hasL2 && !hasBGP;
      const bgpReason = etpLocal ? 'noLocalEndpoints' : 'noEndpoints';
      const effects: string[] = [];
      if (hasBGP || both) effects.push(`every speaker withdraws its BGP routes (${bgpReason})`);
      if (hasL2 || both) effects.push('in layer 2 every speaker withdraws (notOwner: the election needs one serving endpoint somewhere), so no node answers ARP/NDP for it');
      const ips = result.ips.join(', ');
      report({
        message: `Service ${serviceName(svc)} ${info.statusIPs.length > 0 ? 'has address' : "has no address yet (MetalLB's allocation gives it"} ${ips}${info.statusIPs.length > 0 ? '' : ')'} but no endpoint that can serve: ${why}. MetalLB does not announce it: ${effects.join('; ')}. ${ips} answers nothing`,
        subjects: [{ obj: svc }],
        evidence,
        fix: `Check \`kubectl -n ${ns} get endpointslices -l kubernetes.io/service-name=${name}\`, the readiness of the pods behind it (\`kubectl -n ${ns} get pods${sel ? ` -l ${selectorText(sel)}` : ''}\`) and the Service selector${sel ? '' : ' (it has none: add one, or create the EndpointSlices yourself)'}.`,
      });
    }
  },
});
