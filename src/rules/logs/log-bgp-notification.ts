import { ordered } from '../../model/logs/analysis.js';
import { defineRule } from '../types.js';
import { eventLine, kubectlLogs, logSubject, occurrenceText } from '../../model/logs/evidence.js';
import type { Occurrence, SessionState } from '../../model/logs/analysis.js';
import { notificationHint, notificationName } from '../../model/bgp/notification.js';
import { namesText } from '../../report/text.js';

interface Seen {
  peer: string;
  direction: 'received' | 'sent';
  code: number;
  subcode: number;
  sessions: { s: SessionState; o: Occurrence }[];
}

export default defineRule({
  meta: {
    id: 'log-bgp-notification',
    severity: 'error',
    severities: ['error', 'warning'],
    category: 'logs',
    evidence: ['logs'],
    description:
      "A BGP NOTIFICATION passed between a node and a router (MetalLB's native speaker or FRR logged it), decoded into its RFC 4271 / 4486 names (e.g. 2/2 OPEN Message Error / Bad Peer AS). Error while the session is not up at the end of the log; warning when it came up again after the NOTIFICATION; routine Cease subcodes (administrative reset or shutdown, configuration change, connection collision) on a session that came up again are not reported.",
    fix: 'Fix what the NOTIFICATION names: for Bad Peer AS, spec.myASN/peerASN against the router\'s neighbor remote-as; for Bad BGP Identifier, the router IDs; for hold time and capabilities, the timers and address families on both sides.',
  },
  check({ state, report }) {
    const logs = state.logAnalysis;
    if (!logs) return;
    const byKey = new Map<string, Seen>();
    for (const s of ordered(logs.sessions)) {
      for (const [key, o] of [...s.allNotifications].sort()) {
        const direction = key.startsWith('bgp-notification-sent') ? 'sent' : 'received';
        const code = Number(o.last.details.code);
        const subcode = Number(o.last.details.subcode);
        // routine: a Cease the session survived
        if (s.up && code === 6 && [2, 3, 4, 6, 7].includes(subcode)) continue;
        const k = `${s.peer}\u0000${direction}\u0000${code}/${subcode}`;
        let seen = byKey.get(k);
        if (!seen) byKey.set(k, (seen = { peer: s.peer, direction, code, subcode, sessions: [] }));
        seen.sessions.push({ s, o });
      }
    }
    for (const seen of byKey.values()) {
      const name = notificationName(seen.code, seen.subcode);
      const down = seen.sessions.filter(({ s }) => !s.up);
      const nodes = seen.sessions.map(({ s }) => s.stream.node ?? s.stream.pod);
      const total = seen.sessions.reduce((n, x) => n + x.o.count, 0);
      const hint = notificationHint(seen.code, seen.subcode);
      const last = seen.sessions.map((x) => x.o.last).sort((a, b) => (b.time ?? 0) - (a.time ?? 0))[0]!;
      report({
        message:
          `${seen.direction === 'received' ? `Router ${seen.peer} sent a NOTIFICATION ${seen.code}/${seen.subcode} (${name.text}) to` : `A NOTIFICATION ${seen.code}/${seen.subcode} (${name.text}) was sent to router ${seen.peer} from`} ` +
          `${namesText(nodes, 5)} (${total === 1 ? 'once' : `${total} times`}); ` +
          (down.length > 0 ? `the session is not up at the end of the log${down.length < seen.sessions.length ? ` on ${namesText(down.map(({ s }) => s.stream.node ?? s.stream.pod), 5)}` : ''}` : 'the session came up again after it') +
          (hint ? `. ${hint}` : '.'),
        severity: down.length > 0 ? 'error' : 'warning',
        subjects: seen.sessions.slice(0, 10).map(({ o }) => logSubject(o.last)),
        evidence: seen.sessions.slice(0, 8).flatMap(({ s, o }) => [`${s.stream.node ?? s.stream.pod}: ${occurrenceText(o)}${s.up ? ', session up at the end of the log' : s.everUp ? ', session down at the end of the log' : ', no session established in the log'}`, eventLine(o.last)]),
        fix:
          `${hint ? `${hint} ` : ''}Compare the BGPPeer (spec.myASN, spec.peerASN, spec.peerAddress, spec.holdTime, spec.routerID) with the router's neighbor configuration for this node's address. Confirm with: ${kubectlLogs(last.stream, 'NOTIFICATION|notification')}` +
          (last.stream.component === 'frr' ? ` and kubectl exec -n ${last.stream.namespace} ${last.stream.pod} -c frr -- vtysh -c "show bgp neighbors ${seen.peer}" (Last reset).` : '.'),
      });
    }
  },
});
