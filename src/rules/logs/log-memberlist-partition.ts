import { ordered } from '../../model/logs/analysis.js';
import { defineRule } from '../types.js';
import { eventLine, logSubject } from '../../model/logs/evidence.js';
import type { LogEvent } from '../../model/logs/types.js';
import { namesText } from '../../report/text.js';
import { podSelectorText } from '../../model/pods.js';

export default defineRule({
  meta: {
    id: 'log-memberlist-partition',
    severity: 'error',
    category: 'logs',
    evidence: ['logs'],
    description:
      'Speakers repeatedly marked members failed, or members left and joined again and again, or two speakers marked each other failed: the memberlist cluster is partitioned or flapping, and each side elects its own layer 2 announcers (split brain).',
    fix: 'Find what cuts the speakers apart (port 7946 TCP/UDP, a flapping link, overloaded nodes missing probe deadlines) and fix it; see log-memberlist-unreachable for blocked traffic.',
  },
  check({ state, report }) {
    const logs = state.logAnalysis;
    if (!logs) return;
    // who marked whom failed (or saw leave): observer -> member -> count
    const marks: { observer: string; member: string; count: number; last: LogEvent; churn: boolean }[] = [];
    for (const m of ordered(logs.memberlist)) {
      const observer = m.stream.node ?? m.stream.pod;
      for (const [member, o] of [...m.failed].sort()) marks.push({ observer, member, count: o.count, last: o.last, churn: false });
      for (const [member, o] of [...m.leaves].sort()) {
        const joins = m.joins.get(member)?.count ?? 0;
        if (o.count >= 2 && joins >= 2) marks.push({ observer, member, count: o.count, last: o.last, churn: true });
      }
    }
    const mutual = marks.filter((a) => !a.churn && marks.some((b) => !b.churn && b.observer === a.member && b.member === a.observer));
    const repeated = marks.filter((a) => a.count >= 2);
    const hits = [...new Set([...mutual, ...repeated])];
    if (hits.length === 0) return;
    const overlaps = logs.overlappingClaims();
    report({
      message:
        (mutual.length > 0
          ? `Speakers marked each other failed (${namesText([...new Set(mutual.map((m) => `${m.observer} ↔ ${m.member}`).map((t) => t.split(' ↔ ').sort().join(' ↔ ')))], 4)}): the memberlist cluster split`
          : `Memberlist members were marked failed or left and rejoined again and again (${namesText([...new Set(repeated.map((m) => m.member))], 5)})`) +
        '; while it is split, each side elects its own layer 2 announcer for every address' +
        (overlaps.length > 0 ? `, and the logs show it happened: ${namesText(overlaps.map((o) => `${o.key} by ${o.a.node} and ${o.b.node}`), 3)} (see service-multiple-announcers).` : ', so two nodes may answer ARP for the same address.'),
      subjects: hits.slice(0, 10).map((h) => logSubject(h.last)),
      evidence: hits.slice(0, 10).map((h) => `${h.observer} saw ${h.member} ${h.churn ? `leave and rejoin ${h.count} times` : `marked failed ${h.count === 1 ? 'once' : `${h.count} times`}`}: ${eventLine(h.last)}`),
      fix: `Make the speakers reach each other reliably: TCP and UDP 7946 open between all nodes, no packet loss on the node network, and nodes not so loaded that probes time out. Check \`kubectl -n ${hits[0]!.last.stream.namespace} logs -l ${podSelectorText(state.metallb.speaker, 'component=speaker')} -c speaker --tail=-1 --prefix | grep -E 'Marking .* as failed|Suspect|node event'\` for the pattern (--tail=-1: with -l, kubectl prints only the last 10 lines of each pod).`,
    });
  },
});
