import { defineRule } from '../types.js';
import { handledServices, simulationOf } from '../../model/simulation.js';
import { entriesContainIP, parseIP } from '../../model/address.js';
import { desiredLbIPs } from '../../model/allocator/service-info.js';

export default defineRule({
  meta: {
    id: 'pool-unusable',
    severity: 'warning',
    category: 'pools',
    evidence: ['api', 'files'],
    description: 'No Service can get an address from the pool: its serviceAllocation selects no existing namespace, or it has autoAssign: false and nothing requests it.',
    fix: 'Point serviceAllocation at namespaces that exist, set autoAssign: true, or have Services request the pool (metallb.io/address-pool) or its addresses.',
  },
  check({ state, report }) {
    const sim = simulationOf(state);
    const servicesKnown = state.isCaptured('Service');
    const handled = servicesKnown ? handledServices(state) : [];
    // a Service asking for the pool by name or by address, or already holding one of its addresses
    const used = (name: string, entries: Parameters<typeof entriesContainIP>[0], avoid: boolean) =>
      handled.some(({ info, result }) => {
        if (info.desiredPool === name || result.pool === name) return true;
        const d = desiredLbIPs(info);
        const asked = 'error' in d ? [] : d.ips;
        return [...asked, ...info.statusIPs.map((t) => parseIP(t)).filter((x) => x !== undefined)].some((ip) => entriesContainIP(entries, ip, avoid));
      });
    for (const p of sim.pools) {
      if (p.entries.length === 0) continue;
      const sa = p.serviceAllocation;
      const restrictsNs = !!sa && (sa.namespaces.size > 0 || sa.hasNamespaceSelectors);
      if (restrictsNs && state.isCaptured('Namespace')) {
        const existing = new Set(state.all('Namespace').map((n) => n.metadata?.name ?? ''));
        const hit = [...sa!.namespaces].filter((n) => existing.has(n));
        if (hit.length === 0 && !used(p.name, p.entries, p.avoidBuggyIPs)) {
          report({
            message: `IPAddressPool "${p.name}": its serviceAllocation selects no existing namespace, so MetalLB never assigns its addresses automatically${servicesKnown ? ', and no Service requests it' : ''}`,
            subjects: [{ obj: p.obj, path: ['spec', 'serviceAllocation'] }],
            evidence: [`namespaces in the input: ${[...existing].sort().join(', ') || 'none'}`],
          });
          continue;
        }
      }
      if (!p.autoAssign && servicesKnown && !used(p.name, p.entries, p.avoidBuggyIPs)) {
        report({
          message: `IPAddressPool "${p.name}" has autoAssign: false and no Service requests it (metallb.io/address-pool) or one of its addresses: MetalLB hands out none of them`,
          subjects: [{ obj: p.obj, path: ['spec', 'autoAssign'] }],
        });
      }
    }
  },
});
