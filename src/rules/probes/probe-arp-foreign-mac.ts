import { defineRule } from '../types.js';
import type { NeighborProbe } from '../../model/probe.js';
import { macsOf, servicesAt, svcName } from '../../model/probe-subjects.js';

export default defineRule({
  meta: {
    id: 'probe-arp-foreign-mac',
    severity: 'error',
    category: 'probes',
    evidence: ['net', 'api'],
    description: "The MAC that answered ARP/NDP for a service address belongs to no node (every node's MACs being known from --node-mac or the nodes' annotations): another host owns the address, and traffic for the Service goes there.",
    fix: 'Find the host with that MAC (the switch\'s MAC table, `arp -a` on the router) and take the address off it, or take the address out of MetalLB\'s pool.',
  },
  check({ state, report }) {
    const macs = macsOf(state);
    // only when every node's MAC is known: else an unknown MAC may be a node's
    if (macs.nodes.length === 0 || !macs.nodes.every((n) => macs.known.has(n))) return;
    for (const p of state.probes ?? []) {
      if (p.kind !== 'arp' && p.kind !== 'ndp') continue;
      const np = p as NeighborProbe;
      const foreign = np.replies.filter((r) => !macs.owner.has(r.mac));
      if (foreign.length === 0) continue;
      const svcs = servicesAt(state, np.target);
      report({
        message: `${foreign.map((r) => r.mac).join(', ')} answered ${np.kind === 'arp' ? 'ARP' : 'NDP'} for ${np.target}${svcs.length > 0 ? ` (Service ${svcs.map(svcName).join(', ')})` : ''}, and no node has ${foreign.length === 1 ? 'that MAC' : 'those MACs'}: another host owns the address, so clients may reach it instead of the cluster.`,
        subjects: svcs.map((obj) => ({ obj })),
        evidence: [`${np.command}: ${np.replies.map((r) => `${r.mac} x${r.count}`).join(', ')}`, `the nodes' MACs: ${[...macs.owner].map(([m, o]) => `${o.node} ${m}`).join(', ')}`],
        fix: `Find the host with ${foreign[0]!.mac} (the switch's MAC table) and remove ${np.target} from it, or take ${np.target} out of MetalLB's pool.`,
      });
    }
  },
});
