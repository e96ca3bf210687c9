import { defineRule } from '../types.js';
import type { NeighborProbe } from '../../model/probe.js';
import { electedNode, macText, macsOf, servicesAt, svcName } from '../../model/probe-subjects.js';

export default defineRule({
  meta: {
    id: 'probe-arp-multiple-macs',
    severity: 'error',
    category: 'probes',
    evidence: ['net'],
    description: 'More than one MAC answered ARP/NDP for a service address: two nodes announce it (a split brain of the speakers), another host uses the address (an IP conflict), or one node answers on two interfaces of the segment.',
    fix: 'Find who owns each MAC (the nodes\' `ip link`, the switch\'s MAC table): two nodes mean the speakers disagree (memberlist, see log-memberlist-partition); a host that is no node holds an address of the pool (take it out of the pool or off the host); one node twice means its L2Advertisement lets it answer on two interfaces.',
  },
  check({ state, report }) {
    for (const p of state.probes ?? []) {
      if ((p.kind !== 'arp' && p.kind !== 'ndp') || p.result !== 'multiple-macs') continue;
      const np = p as NeighborProbe;
      const svcs = servicesAt(state, np.target);
      const owners = np.replies.map((r) => macsOf(state).owner.get(r.mac)?.node);
      const nodes = [...new Set(owners.filter((n): n is string => !!n))];
      const elected = electedNode(state, np.target);
      const cause =
        nodes.length >= 2
          ? `nodes ${nodes.join(' and ')} both answer: the speakers disagree about who owns it (split brain)`
          : nodes.length === 1 && owners.includes(undefined)
            ? `node ${nodes[0]} and a MAC of no known node answer: another host may use the address (an IP conflict)`
            : 'a split brain of the speakers, an IP conflict with another host, or one node answering on two interfaces';
      report({
        message: `${np.replies.length} MACs answered ${np.kind === 'arp' ? 'ARP' : 'NDP'} for ${np.target}${svcs.length > 0 ? ` (Service ${svcs.map(svcName).join(', ')})` : ''}: ${np.replies.map((r) => macText(state, r.mac)).join(', ')}. ${cause}; clients reach whichever answered last.`,
        subjects: svcs.map((obj) => ({ obj })),
        evidence: [`${np.command}: ${np.replies.map((r) => `${r.mac} x${r.count}`).join(', ')}`, ...(elected ? [`MetalLB elects ${elected} to answer it`] : [])],
        fix: 'Find who owns each MAC (each node: `ip -br link`; the switch\'s MAC table). Two nodes: restore memberlist between the speakers (TCP/UDP 7946), see `metallb-doctor logs`; a host that is no node: remove the address from it or from the pool; one node twice: restrict the L2Advertisement\'s interfaces.',
      });
    }
  },
});
