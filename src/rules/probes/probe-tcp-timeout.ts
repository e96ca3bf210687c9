import { defineRule } from '../types.js';
import type { TcpProbe } from '../../model/probe.js';
import { servicesAt, svcName } from '../../model/probe-subjects.js';

export default defineRule({
  meta: {
    id: 'probe-tcp-timeout',
    severity: 'error',
    category: 'probes',
    evidence: ['net'],
    description: 'A service address did not answer a TCP connection on one of its ports (timeout, or no route): no node announces the address where this machine is, a firewall drops the packets, or the announcing node drops them (externalTrafficPolicy Local without a local endpoint).',
    fix: 'Check who announces the address (`metallb-doctor explain service`, `probe arp`), the path from this machine to it, and firewalls; with externalTrafficPolicy Local the announcing node needs a ready endpoint.',
  },
  check({ state, report }) {
    for (const p of state.probes ?? []) {
      if (p.kind !== 'tcp' || (p.result !== 'timeout' && p.result !== 'unreachable')) continue;
      const tp = p as TcpProbe;
      const svcs = servicesAt(state, tp.address);
      report({
        message: `${tp.target}${svcs.length > 0 ? ` (Service ${svcs.map(svcName).join(', ')})` : ''} did not answer: ${tp.result === 'timeout' ? `no answer within ${tp.durationMs} ms` : 'no route to it'}. Nothing announces the address toward this machine, or a firewall drops the packets.`,
        subjects: svcs.map((obj) => ({ obj })),
        evidence: [`TCP connect to ${tp.target}: ${tp.result}${tp.error ? ` (${tp.error.message})` : ''}`],
        fix: `Check who announces ${tp.address}: \`metallb-doctor probe arp ${tp.address}\` from the segment, \`metallb-doctor explain service ${svcs[0] ? svcName(svcs[0]) : '<ns/name>'}\`; then the firewalls between this machine and the node.`,
      });
    }
  },
});
