import type { KubeObject } from '../../sources/types.js';
import type { Subject } from '../types.js';
import { defineRule } from '../types.js';
import { handledServices, serviceName } from '../../model/simulation.js';
import { announcementOf, endpointConditionRule } from '../../model/announcement.js';
import { endpointCanServeAt, type EndpointConditionRule } from '../../model/announce/common.js';
import { asArray, asRecord } from '../../state/cluster-state.js';

interface ServingEndpoint {
  slice: KubeObject;
  index: number;
  nodeName?: string;
  address: string;
}

const nodeOf = (ep: Record<string, unknown>): string | undefined => (typeof ep.nodeName === 'string' && ep.nodeName !== '' ? ep.nodeName : undefined);
/** An endpoint with addresses whose conditions the release counts as serving. */
const serves = (ep: Record<string, unknown>, rule: EndpointConditionRule): boolean => asArray(ep.addresses).length > 0 && endpointCanServeAt(ep.conditions, rule);

/**
 * Whether a serving endpoint carries no nodeName: what the rule is about, asked before the
 * endpoints are collected (nearly every Service has none such).
 */
function hasNodelessServing(slices: readonly KubeObject[], rule: EndpointConditionRule): boolean {
  for (const slice of slices) {
    for (const e of asArray(slice.endpoints)) {
      const ep = asRecord(e);
      if (nodeOf(ep) === undefined && serves(ep, rule)) return true;
    }
  }
  return false;
}

/** The endpoints MetalLB counts as serving (addresses and a can-serve condition), with where they are. */
function servingEndpoints(slices: readonly KubeObject[], rule: EndpointConditionRule): ServingEndpoint[] {
  const out: ServingEndpoint[] = [];
  for (const slice of slices) {
    asArray(slice.endpoints).forEach((e, index) => {
      const ep = asRecord(e);
      if (!serves(ep, rule)) return;
      const node = nodeOf(ep);
      out.push({ slice, index, ...(node ? { nodeName: node } : {}), address: String(asArray(ep.addresses)[0]) });
    });
  }
  return out;
}

export default defineRule({
  meta: {
    id: 'service-endpoints-without-node',
    severity: 'error',
    severities: ['error', 'warning'],
    category: 'services',
    evidence: ['api'],
    description: 'Under externalTrafficPolicy Local, serving endpoints without nodeName are on no node: MetalLB never announces for them.',
    fix: 'Set nodeName on the endpoints (EndpointSlice endpoints[].nodeName, or nodeName on the Endpoints addresses), or use externalTrafficPolicy Cluster.',
  },
  check({ state, report }) {
    const a = announcementOf(state);
    const rule = endpointConditionRule(state.metallb.version);
    for (const { svc, result } of handledServices(state)) {
      if ((result.state !== 'allocated' && result.state !== 'kept') || result.ips.length === 0) continue;
      // with Cluster, MetalLB only asks whether some endpoint can serve, wherever it is (metallb-semantics.md 4.2, 4.4)
      if (asRecord(svc.spec).externalTrafficPolicy !== 'Local') continue;
      const ns = svc.metadata?.namespace || 'default';
      const name = svc.metadata?.name ?? '';
      // absent is not none: the namespace's EndpointSlices must have been read
      if (!state.endpointSlicesCaptured(ns)) continue;
      const slices = state.endpointSlicesFor(ns, name);
      if (!hasNodelessServing(slices, rule)) continue;
      const serving = servingEndpoints(slices, rule);
      // no serving endpoint at all: service-no-endpoints says so
      if (serving.length === 0) continue;
      const nodeless = serving.filter((e) => e.nodeName === undefined);
      if (nodeless.length === 0) continue;
      const located = serving.filter((e) => e.nodeName !== undefined);
      const nodes = [...new Set(located.map((e) => e.nodeName!))].sort();

      const sliceSubjects: Subject[] = [];
      const seen = new Set<KubeObject>();
      for (const e of nodeless) {
        if (seen.has(e.slice)) continue;
        seen.add(e.slice);
        sliceSubjects.push({ obj: e.slice, path: ['endpoints', e.index] });
      }
      const evidence = [
        `EndpointSlices read: ${slices.map((s) => s.metadata?.name ?? '?').join(', ')}`,
        `serving endpoints without nodeName: ${nodeless.map((e) => `${e.address} (${e.slice.metadata?.name ?? '?'})`).join(', ')}`,
        `serving endpoints with nodeName: ${located.length === 0 ? 'none' : located.map((e) => `${e.address} on ${e.nodeName}`).join(', ')}`,
        'externalTrafficPolicy: Local',
      ];
      if (!serviceHasSelector(svc)) evidence.push('the Service has no selector: its endpoints are maintained by hand');
      const mirrored = state.isCaptured('Endpoints', svc.metadata?.namespace || 'default', name) ? state.get('Endpoints', svc.metadata?.namespace, name) : undefined;
      if (mirrored) evidence.push(`Endpoints ${ns}/${name} exists: the EndpointSlice mirroring controller copies its addresses (and their nodeName, if set) into EndpointSlices`);

      const ann = a.byService.get(svc)?.announce;
      const protocols = [
        ...(ann?.bgp && ann.bgp.advertisements.length > 0 ? ['bgp'] : []),
        ...(ann?.l2 && ann.l2.advertisements.length > 0 ? ['l2'] : []),
      ];
      const ips = result.ips.join(', ');
      if (located.length === 0) {
        const effects: string[] = [];
        if (protocols.length === 0 || protocols.includes('bgp')) effects.push('every BGP speaker withdraws (noLocalEndpoints)');
        if (protocols.length === 0 || protocols.includes('l2')) effects.push('the layer 2 election has no candidate (every node notOwner), so no node answers ARP/NDP');
        report({
          message: `Service ${serviceName(svc)} (${ips}) has externalTrafficPolicy Local, but none of its ${serving.length} serving endpoint(s) carries nodeName: no node holds a local endpoint, so MetalLB never announces it (${effects.join('; ')})`,
          subjects: [{ obj: svc }, ...sliceSubjects],
          evidence,
          fix: fixText(ns, name, !!mirrored),
        });
      } else {
        report({
          severity: 'warning',
          message: `Service ${serviceName(svc)} (${ips}) has externalTrafficPolicy Local and ${nodeless.length} of its ${serving.length} serving endpoints ${nodeless.length === 1 ? 'carries' : 'carry'} no nodeName: MetalLB announces it only from the nodes with a local endpoint (${nodes.join(', ')}), and kube-proxy there sends external traffic only to endpoints on that node, so ${nodeless.length === 1 ? 'the endpoint without nodeName never receives' : 'the endpoints without nodeName never receive'} traffic entering through MetalLB`,
          subjects: [{ obj: svc }, ...sliceSubjects],
          evidence,
          fix: fixText(ns, name, !!mirrored),
        });
      }
    }
  },
});

function serviceHasSelector(svc: KubeObject): boolean {
  return Object.keys(asRecord(asRecord(svc.spec).selector)).length > 0;
}

function fixText(ns: string, name: string, mirrored: boolean): string {
  return `Set nodeName on every endpoint (${mirrored ? `the addresses of Endpoints ${ns}/${name}, which are mirrored into EndpointSlices` : 'endpoints[].nodeName in the EndpointSlices you maintain'}) to the node the backend runs on, or switch the Service to externalTrafficPolicy: Cluster; check with \`kubectl -n ${ns} get endpointslices -l kubernetes.io/service-name=${name} -o yaml\`.`;
}
