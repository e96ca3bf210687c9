import { ordered } from '../../model/logs/analysis.js';
import { defineRule } from '../types.js';
import { eventLine, kubectlLogs, logSubject, occurrenceText, streamText } from '../../model/logs/evidence.js';
import type { MemberlistTrouble } from '../../model/logs/analysis.js';
import { namesText } from '../../report/text.js';

/** Failed probes below this many are the noise of a node restarting. */
const MIN_PROBES = 3;
/** A blocked port fails to the end of the log: failures that stopped this long before its end are history. */
const ONGOING_MS = 15 * 60_000;

export default defineRule({
  meta: {
    id: 'log-memberlist-unreachable',
    severity: 'error',
    category: 'logs',
    evidence: ['logs'],
    description:
      "Speakers logged failing memberlist traffic (failed pings and joins, `partial join`, `over TCP but UDP probes failed`) that goes on to the end of their logs, or a join that never completed: port 7946 (TCP and UDP) is blocked between nodes, so speakers see each other as dead and several may announce the same layer 2 address.",
    fix: 'Allow TCP and UDP 7946 (the speakers\' memberlist port, --ml-bindport) between all nodes: host firewalls, security groups, NetworkPolicies.',
  },
  check({ state, report }) {
    const logs = state.logAnalysis;
    if (!logs) return;
    const troubled: MemberlistTrouble[] = [];
    const ends = new Map(logs.streams.map((s) => [s.stream.file, s.lastTime]));
    for (const m of ordered(logs.memberlist)) {
      const end = ends.get(m.stream.file);
      const ongoing = (o: { last: { time?: number } } | undefined) => o !== undefined && (end === undefined || o.last.time === undefined || o.last.time >= end - ONGOING_MS);
      const failures = (m.probes?.count ?? 0) + (m.udpOnly?.count ?? 0);
      const joinOpen = m.joinFailures && !m.joinedAfter;
      if (joinOpen || (failures >= MIN_PROBES && (ongoing(m.probes) || ongoing(m.udpOnly)))) troubled.push(m);
    }
    if (troubled.length === 0) return;
    const udp = troubled.filter((m) => m.udpOnly);
    const targets = new Set(troubled.flatMap((m) => [...m.targets.keys()]));
    const nodes = troubled.map((m) => m.stream.node ?? m.stream.pod);
    report({
      message:
        `Memberlist traffic between speakers fails: ${namesText(nodes, 5)} cannot reach ${targets.size > 0 ? namesText([...targets], 5) : 'the other members'}` +
        (udp.length > 0 ? '; TCP connects but UDP probes fail, so UDP 7946 is blocked (a firewall or security group that allows only TCP)' : '; port 7946 looks blocked (TCP and UDP)') +
        '. Speakers that cannot see each other each believe they own the layer 2 addresses they would win without the others: several nodes can answer ARP for one address, or an address can lose its announcer late.',
      subjects: troubled.slice(0, 10).map((m) => logSubject((m.udpOnly ?? m.joinFailures ?? m.probes)!.last)),
      evidence: troubled.slice(0, 8).flatMap((m) => [
        `${streamText(m.stream)}: ${[m.probes ? `failed probes ${occurrenceText(m.probes)}` : '', m.udpOnly ? `UDP failed while TCP worked ${occurrenceText(m.udpOnly)}` : '', m.joinFailures ? `failed joins ${occurrenceText(m.joinFailures)}${m.joinedAfter ? ' (joined later)' : ''}` : ''].filter(Boolean).join('; ')}`,
        eventLine((m.udpOnly ?? m.joinFailures ?? m.probes)!.last),
      ]),
      fix:
        `Open TCP and UDP 7946 between every pair of nodes (host firewall, cloud security group, a NetworkPolicy on the speakers). Confirm from one node to another: \`nc -zv NODE_IP 7946\` and \`nc -zvu NODE_IP 7946\`; and watch ${kubectlLogs(troubled[0]!.stream, 'memberlist|partial join')}.`,
    });
  },
});
