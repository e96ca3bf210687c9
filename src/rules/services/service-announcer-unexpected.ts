import type { KubeObject } from '../../sources/types.js';
import { defineRule, type Subject } from '../types.js';
import { serviceName } from '../../model/simulation.js';
import { announcementOf, announcingNodes } from '../../model/announcement.js';
import { versionAtLeast } from '../../state/installation.js';
import { namesText } from '../../report/text.js';
import { asRecord, type ClusterState } from '../../state/cluster-state.js';

const MAX_NAMES = 10;
const names = (xs: readonly string[]) => namesText(xs, MAX_NAMES);

/** Since which MetalLB version the speakers write each status kind (metallb-semantics.md 1.8). */
const WRITTEN_SINCE: Record<'ServiceL2Status' | 'ServiceBGPStatus', [number, number, number]> = {
  ServiceL2Status: [0, 14, 6],
  ServiceBGPStatus: [0, 15, 0],
};

function writes(kind: keyof typeof WRITTEN_SINCE, version: string | undefined): boolean {
  return versionAtLeast(version, ...WRITTEN_SINCE[kind]) ?? true;
}

/** The status objects of one kind, by the Service ("ns/name") they name. */
function statusesByService(state: ClusterState, kind: string): Map<string, KubeObject[]> {
  const out = new Map<string, KubeObject[]>();
  for (const o of state.all(kind)) {
    const st = asRecord(o.status);
    const labels = o.metadata?.labels ?? {};
    const name = typeof st.serviceName === 'string' ? st.serviceName : labels['metallb.io/service-name'];
    const ns = typeof st.serviceNamespace === 'string' ? st.serviceNamespace : labels['metallb.io/service-namespace'];
    if (!name) continue;
    const k = `${ns || 'default'}/${name}`;
    out.set(k, [...(out.get(k) ?? []), o]);
  }
  return out;
}

const nodeOf = (o: KubeObject): string => {
  const n = asRecord(o.status).node ?? o.metadata?.labels?.['metallb.io/node'];
  return typeof n === 'string' ? n : '';
};

export default defineRule({
  meta: {
    id: 'service-announcer-unexpected',
    severity: 'warning',
    category: 'services',
    evidence: ['api'],
    description:
      "MetalLB's own status (ServiceL2Status, ServiceBGPStatus) names other announcing nodes than MetalLB's election and BGP checks give for the input.",
    fix: "Compare what the speakers see with the input: their memberlist (speaker logs, port 7946 between nodes), their readiness, and the Nodes' labels and conditions; a stale status object goes when its speaker restarts.",
    severities: ['warning', 'info'],
    new: true,
  },
  check({ state, report }) {
    const a = announcementOf(state);
    if (!a.applies) return;
    const version = state.metallb.version;
    for (const kind of ['ServiceL2Status', 'ServiceBGPStatus'] as const) {
      if (!state.isCaptured(kind) || !writes(kind, version)) continue;
      const byService = statusesByService(state, kind);
      const l2 = kind === 'ServiceL2Status';
      if (byService.size === 0) {
        // not one record at all: the speakers write none (an older or patched MetalLB, or no
        // RBAC for it), which says nothing about each Service: one finding, not thousands
        const expected = [...a.byService.values()].filter(({ announce }) => {
          if (!announce || announce.reason) return false;
          const who = announcingNodes(a, announce);
          return l2 ? who.l2 !== undefined : who.bgp.length > 0;
        });
        if (expected.length === 0) continue;
        report({
          message: `No ${kind} exists, yet ${expected.length} Service(s) should be announced in ${l2 ? 'layer 2' : 'BGP'} (${names(expected.map((e) => serviceName(e.svc)))}): MetalLB ${version ?? ''} speakers write one ${l2 ? 'for each Service they announce' : 'per announcing node and Service'}; none at all means they do not write them (no permission to, or a build without it) or nothing is announced`.replace('MetalLB  ', 'MetalLB '),
          severity: 'info',
          subjects: [{ obj: expected[0]!.svc }],
          evidence: [`${kind} is in the input and holds no object`, ...a.speaker.notes],
        });
        continue;
      }
      for (const { svc, announce } of a.byService.values()) {
        if (!announce || announce.reason) continue;
        const who = announcingNodes(a, announce);
        const predicted = l2 ? (who.l2 ? [who.l2] : []) : [...who.bgp];
        const objs = byService.get(serviceName(svc)) ?? [];
        const reported = [...new Set(objs.map(nodeOf).filter(Boolean))].sort();
        // several L2 claimants are a split brain: service-multiple-announcers says so
        if (l2 && reported.length > 1) continue;
        const p = new Set(predicted);
        const r = new Set(reported);
        const extra = reported.filter((n) => !p.has(n));
        const missing = predicted.filter((n) => !r.has(n));
        if (extra.length === 0 && missing.length === 0) continue;
        const proto = l2 ? 'layer 2' : 'BGP';
        const said = reported.length === 0 ? `no ${kind} for it: no speaker reports announcing it` : `${kind} names ${names(reported)}`;
        const expected = predicted.length === 0 ? 'no node should announce it' : `${l2 ? 'the election picks' : 'the BGP checks let'} ${names(predicted)}`;
        const causes = l2
          ? reported.length === 0
            ? `the elected speaker on ${predicted[0]} is not announcing: its interfaces may not match the L2Advertisement (announceFailed event), or it has not caught up`
            : "the speakers count other memberlist members than the running speaker pods of the input (memberlist traffic on port 7946 blocked, a speaker not ready), or the status is stale"
          : 'speakers whose sessions, node labels or endpoints differ from the input, or stale status objects';
        const subjects: Subject[] = [{ obj: svc }, ...objs.map((o) => ({ obj: o, path: ['status', 'node'] }))];
        report({
          message: `Service ${serviceName(svc)} (${announce.ips.join(', ')}) in ${proto}: MetalLB's ${said}, while ${expected} for this input${extra.length && predicted.length ? ` (not expected: ${names(extra)})` : ''}${missing.length && reported.length ? ` (not reported: ${names(missing)})` : ''}. Likely: ${causes}`,
          subjects,
          evidence: [
            ...objs.slice(0, MAX_NAMES).map((o) => `${kind} ${o.metadata?.name ?? o.metadata?.generateName ?? '?'}: node ${nodeOf(o)}`),
            ...(l2 && announce.l2 ? [`election order for ${announce.ips[0]}: ${names(announce.l2.candidates)}`] : []),
            ...a.speaker.notes,
          ],
        });
      }
    }
  },
});
