import { defineRule } from '../types.js';
import type { BgpProbe } from '../../model/probe.js';
import { peerOf } from '../../model/probe-subjects.js';

const WHY: Record<string, string> = {
  refused: 'the router refused the connection: nothing listens on the port for this machine (BGP not running, or no neighbour for this address)',
  timeout: 'no answer: the address is wrong, a firewall drops port 179, or the router ignores connections from addresses it has no neighbour for',
  'no-route': 'there is no route from this machine to the peer',
  'closed without a word': 'the router accepted TCP and closed it without a NOTIFICATION: it has no neighbour for this address, or it expects a TCP-MD5 password',
  'closed after its OPEN': 'the router sent its OPEN and then closed without a NOTIFICATION when it got ours',
  'no KEEPALIVE': 'the router sent its OPEN but never a KEEPALIVE: it did not accept ours',
  'no OPEN': 'the router accepted TCP but sent no OPEN in time: it is not configured for this neighbour, or something else answers on the port',
  reset: 'the router reset the connection',
};

export default defineRule({
  meta: {
    id: 'probe-bgp-unreachable',
    severity: 'error',
    category: 'probes',
    evidence: ['net'],
    description: "TCP to a BGP peer's port failed (refused, timeout, no route), or the peer closed it without a NOTIFICATION, probed from this machine. A router that accepts only its configured neighbours answers a node differently: the finding says so.",
    fix: "Check the peer's address and port (spec.peerAddress, spec.peerPort), the path and firewalls for TCP 179, and the router's neighbour configuration; then probe from a node.",
  },
  check({ state, report }) {
    for (const p of state.probes ?? []) {
      if (p.kind !== 'bgp' || (p.result !== 'unreachable' && p.result !== 'closed')) continue;
      const bp = p as BgpProbe;
      const peer = peerOf(state, bp);
      const why = WHY[bp.reason ?? ''] ?? `${bp.result} (${bp.reason ?? 'no reason'})`;
      report({
        message: `BGP to ${bp.target}${peer ? ` (BGPPeer "${peer.metadata?.name ?? ''}")` : ''} failed from this machine: ${why}.`,
        subjects: peer ? [{ obj: peer, path: ['spec', 'peerAddress'] }] : [],
        evidence: [`TCP ${bp.target}: ${bp.result}${bp.reason ? ` (${bp.reason})` : ''}${bp.connectMs !== undefined ? `, connected in ${bp.connectMs} ms` : ''}`, ...bp.notes],
        fix: `Check the address and port, then TCP 179 through the firewalls; the router must have each node's address as neighbour. From a node: kubectl debug node/<node> -it --image=nicolaka/netshoot -- nc -zv -w 3 ${bp.address} ${bp.port}.`,
      });
    }
  },
});
