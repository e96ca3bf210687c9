import { defineRule } from '../types.js';
import type { NeighborProbe } from '../../model/probe.js';
import { electedNode, servicesAt, svcName } from '../../model/probe-subjects.js';

export default defineRule({
  meta: {
    id: 'probe-arp-no-reply',
    severity: 'error',
    category: 'probes',
    evidence: ['net'],
    description: 'Nobody answered ARP (IPv4) or NDP (IPv6) for a service address, probed with arping / ndisc6 from this machine: no node announces it on that segment, or the probe is not on the segment.',
    fix: "Make sure a node announces the address: its speaker runs, an L2Advertisement selects it and its interface is on this segment (see `metallb-doctor explain service`); ARP does not cross routers, so probe from a host on the same segment as the nodes.",
  },
  check({ state, report }) {
    for (const p of state.probes ?? []) {
      if ((p.kind !== 'arp' && p.kind !== 'ndp') || p.result !== 'no-reply') continue;
      const np = p as NeighborProbe;
      const svcs = servicesAt(state, np.target);
      const elected = electedNode(state, np.target);
      const what = np.kind === 'arp' ? 'ARP' : 'NDP';
      report({
        message:
          `Nobody answered ${what} for ${np.target}${svcs.length > 0 ? ` (Service ${svcs.map(svcName).join(', ')})` : ''}${np.interface ? ` on ${np.interface}` : ''}: ${np.sent} request${np.sent === 1 ? '' : 's'}, no reply` +
          (elected ? `; MetalLB elects node ${elected} to answer it` : '') +
          '. Either no node announces the address on this segment, or this machine is not on the segment (ARP/NDP does not cross routers).',
        subjects: svcs.map((obj) => ({ obj })),
        evidence: [`${np.command}: ${np.sent} sent, 0 replies (${np.durationMs} ms)`, ...(elected ? [`the layer 2 election picks ${elected}: its speaker must run and own an interface on this segment`] : [])],
        fix: `${elected ? `Check the speaker on ${elected} (kubectl -n ${state.metallb.namespace} get pods -o wide --field-selector spec.nodeName=${elected}) and its log for "createARPResponder"; ` : ''}check who should announce it with \`metallb-doctor explain service ${svcs[0] ? svcName(svcs[0]) : '<ns/name>'}\`, and probe from a host on the nodes' segment.`,
      });
    }
  },
});
