// diag --probe: after the analysis, each announced layer 2 address is asked by ARP/NDP and each
// BGP peer gets an OPEN, from this machine, with bounded concurrency (64), the whole phase bounded by
// --probe-timeout. A probe that cannot run (no arping, no privileges) stops its kind and becomes a
// gap: the report says what it could not check.
import { isIP } from 'node:net';
import type { Gap } from '../types.js';
import type { ProbeResult } from '../../model/probe.js';
import type { ClusterState } from '../../state/cluster-state.js';
import { announcementOf } from '../../model/announcement.js';
import { peerProbeTarget } from '../../model/probe-subjects.js';

export interface ClusterProbeOptions {
  /** the whole phase, ms */
  timeoutMs: number;
  /** probes at once (default 64: an ARP probe mostly waits) */
  concurrency?: number;
}

interface Job {
  kind: 'arp' | 'ndp' | 'bgp';
  run(timeoutMs: number): Promise<ProbeResult>;
}

export async function probeCluster(state: ClusterState, opts: ClusterProbeOptions): Promise<{ probes: ProbeResult[]; gaps: Gap[] }> {
  const deadline = Date.now() + opts.timeoutMs;
  const [{ probeArp, probeNdp }, { probeBgp }] = await Promise.all([import('./neighbor.js'), import('./bgp.js')]);
  const jobs: Job[] = [];
  const a = announcementOf(state);
  const seen = new Set<string>();
  if (a.applies) {
    for (const { announce } of a.byService.values()) {
      if (!announce?.l2?.winner) continue;
      for (const ip of announce.ips) {
        if (seen.has(ip)) continue;
        seen.add(ip);
        const v6 = isIP(ip) === 6;
        // one second each: every owner answers the first (broadcast) request at once
        jobs.push({ kind: v6 ? 'ndp' : 'arp', run: (t) => (v6 ? probeNdp(ip, { count: 1, timeoutMs: t }) : probeArp(ip, { count: 2, timeoutMs: t })) });
      }
    }
  }
  for (const obj of state.isCaptured('BGPPeer') ? state.metallbObjects('BGPPeer') : []) {
    const t = peerProbeTarget(obj, state.metallb.namespace);
    if (!t.address || !isIP(t.address) || t.myAsn === undefined) continue;
    const key = `${t.address}:${t.port}:${t.myAsn}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const { address, myAsn } = t;
    jobs.push({ kind: 'bgp', run: (timeoutMs) => probeBgp(address, { port: t.port, myAsn, ...(t.peerAsn !== undefined ? { peerAsn: t.peerAsn } : {}), ...(t.holdTime !== undefined ? { holdTime: t.holdTime } : {}), ...(t.routerId ? { routerId: t.routerId } : {}), timeoutMs, peer: t.peer }) });
  }

  const probes: ProbeResult[] = [];
  const gaps: Gap[] = [];
  const stopped = new Set<string>();
  let notRun = 0;
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= jobs.length) return;
      const job = jobs[i]!;
      const family = job.kind;
      if (stopped.has(family)) continue;
      const left = deadline - Date.now();
      if (left < 200) {
        notRun++;
        continue;
      }
      const p = await job.run(Math.min(job.kind === 'bgp' ? 5000 : 1000, left));
      if (p.result === 'error' && 'error' in p && p.error && (p.error.code === 'missing-tool' || p.error.code === 'no-privileges')) {
        if (!stopped.has(family)) gaps.push({ what: `${job.kind.toUpperCase()} probes`, why: p.error.message });
        stopped.add(family);
        continue;
      }
      probes.push(p);
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 64, jobs.length) }, worker));
  if (notRun > 0) gaps.push({ what: `${notRun} probe${notRun === 1 ? '' : 's'}`, why: `not run within --probe-timeout (${Math.round(opts.timeoutMs / 100) / 10}s)` });
  // the order of the jobs, whatever order they finished in
  probes.sort((x, y) => (x.kind < y.kind ? -1 : x.kind > y.kind ? 1 : x.target < y.target ? -1 : x.target > y.target ? 1 : 0));
  return { probes, gaps };
}
