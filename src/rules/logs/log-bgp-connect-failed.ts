import { ordered } from '../../model/logs/analysis.js';
import { defineRule } from '../types.js';
import { eventLine, kubectlLogs, logSubject, occurrenceText } from '../../model/logs/evidence.js';
import type { SessionState } from '../../model/logs/analysis.js';
import { namesText } from '../../report/text.js';

/** One failure is a router restarting; this many, or this long, is a session that does not come up. */
const MIN_FAILURES = 3;
const MIN_SPAN_MS = 30_000;

/** What the connect error means (the texts of Go's net package and FRR's errno). */
export function connectCause(error: string): string {
  const asn = /unexpected peer ASN (\d+), want (\d+)/.exec(error);
  if (asn) return `TCP works, but the router's OPEN carries AS ${asn[1]} where the BGPPeer says spec.peerASN ${asn[2]}: one of the two is wrong`;
  if (/does not support 4-byte ASNs/.test(error)) return 'TCP works, but the router does not announce 4-byte AS support, which MetalLB\'s native speaker requires';
  if (/i\/o timeout|timed out|\btimeout\b|ETIMEDOUT|Connection timed out|\(110\)/i.test(error)) return 'nothing answers on port 179: a firewall drops the SYNs, the address is wrong, or the router silently ignores connections from addresses it has no neighbor for';
  if (/connection refused|ECONNREFUSED|\(111\)/i.test(error)) return 'the router refuses the connection: it does not listen on port 179 for this node (the node\'s address is not a configured neighbor, or BGP is not running on it)';
  if (/no route to host|network is unreachable|EHOSTUNREACH|ENETUNREACH|\(113\)|\(101\)/i.test(error)) return 'the node has no route to the peer address: a peer that is not on the node\'s subnet needs a route (and, for eBGP, spec.ebgpMultiHop: true)';
  if (/connection reset|EOF|broken pipe/i.test(error)) return 'the router accepts TCP and then drops it: it rejects this node as a neighbor (address, or a TCP-MD5 password mismatch)';
  return 'the TCP connection to the router does not complete';
}

export default defineRule({
  meta: {
    id: 'log-bgp-connect-failed',
    severity: 'error',
    category: 'logs',
    evidence: ['logs'],
    description:
      "A BGP session never came up in the logs: the speaker (native) or FRR failed to connect to the peer again and again (`failed to connect to peer`, FRR's `Connect failed`), with no `sessionUp` / `ADJCHANGE Up` / FSM `went from OpenConfirm to Established` after: an unreachable address, port 179 filtered, a router that has no neighbor for the node, or an eBGP peer off the node's subnet without multihop.",
    fix: "Read the connect error: a timeout is a filter or a router that ignores unknown neighbors, a refusal a router without this neighbor, no route a peer off the subnet (spec.ebgpMultiHop, a route). Add each node's address as neighbor on the router, with the ASNs of the BGPPeer.",
  },
  check({ state, report }) {
    const logs = state.logAnalysis;
    if (!logs) return;
    const byPeer = new Map<string, SessionState[]>();
    for (const s of ordered(logs.sessions)) {
      const f = s.connectFailures;
      if (!f || s.up || s.everUp) continue;
      // a NOTIFICATION in answer to the OPEN is log-bgp-notification's
      if (s.notifications.size > 0) continue;
      if (f.count < MIN_FAILURES && (f.last.time ?? 0) - (f.first.time ?? 0) < MIN_SPAN_MS) continue;
      byPeer.set(s.peer, [...(byPeer.get(s.peer) ?? []), s]);
    }
    for (const [peer, ss] of byPeer) {
      const last = ss[0]!.connectFailures!.last;
      const error = last.details.error || last.message;
      const nodes = ss.map((s) => s.stream.node ?? s.stream.pod);
      report({
        message: `The BGP session to ${peer} never came up from ${namesText(nodes, 5)}: every connection attempt failed (${occurrenceText(ss[0]!.connectFailures!)} on ${nodes[0]}): ${connectCause(error)}.`,
        subjects: ss.slice(0, 10).map((s) => logSubject(s.connectFailures!.last)),
        evidence: ss.slice(0, 8).flatMap((s) => [`${s.stream.node ?? s.stream.pod}: connect failed ${occurrenceText(s.connectFailures!)}, never established`, eventLine(s.connectFailures!.last)]),
        fix:
          `From the node, test the path: \`nc -zv -w 3 ${peer} 179\` (or \`metallb-doctor probe bgp ${peer}\` from a node). ` +
          `Then make the router accept the node: each node's address as neighbor with remote-as = the BGPPeer's myASN, port 179 open both ways, and for a peer off the node's subnet a route and spec.ebgpMultiHop: true. Watch: ${kubectlLogs(last.stream, 'connect|session')}.`,
      });
    }
  },
});
