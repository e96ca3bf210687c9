import type { KubeObject } from '../../sources/types.js';
import { defineRule } from '../types.js';
import { handledServices, serviceName } from '../../model/simulation.js';
import { announcementOf } from '../../model/announcement.js';
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
  for (const p of state.all('Pod')) {
    if ((p.metadata?.namespace || 'default') !== ns) continue;
    const labels = p.metadata?.labels ?? {};
    if (!Object.entries(sel).every(([k, v]) => labels[k] === v)) continue;
    total++;
    if (asArray(asRecord(p.status).conditions).some((c) => asRecord(c).type === 'Ready' && asRecord(c).status === 'True')) ready++;
  }
  return { total, ready };
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
      const counts = countEndpoints(slices);
      if (counts.serving > 0) continue;

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
          if (counts.notServing > 0) parts.push(`${counts.notServing === counts.endpoints ? (counts.endpoints === 1 ? 'its only endpoint is' : `all ${counts.endpoints} endpoints are`) : `${plural(counts.notServing, 'endpoint is', 'endpoints are')}`} not ready and not serving`);
          if (counts.withoutAddresses > 0) parts.push(`${plural(counts.withoutAddresses, 'endpoint has', 'endpoints have')} no address`);
          why = parts.join(', ');
        }
        evidence.push(`endpoints: ${counts.endpoints}, can serve (ready unset or true, or serving true, with an address): 0${counts.notServing > 0 ? `, not ready and not serving: ${counts.notServing}` : ''}${counts.withoutAddresses > 0 ? `, without addresses: ${counts.withoutAddresses}` : ''}`);
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
