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
    // a Service asking for the pool by name or by address, or already holding one of its addresses:
    // names and addresses gathered once, when a pool first needs them (most configurations have
    // no pool that could be unusable), then each pool checked against them (pools x Services of
    // containment tests took 48 s on 5,000 pools and 15,000 Services)
    let gathered: { names: Set<string>; ips: Map<number, bigint[]> } | undefined;
    const gather = () => {
      const names = new Set<string>();
      const ips = new Map<number, bigint[]>();
      for (const { info, result } of servicesKnown ? handledServices(state) : []) {
        if (info.desiredPool) names.add(info.desiredPool);
        if (result.pool) names.add(result.pool);
        const d = desiredLbIPs(info);
        for (const ip of ['error' in d ? [] : d.ips, info.statusIPs.map((t) => parseIP(t))].flat()) {
          if (!ip) continue;
          const list = ips.get(ip.family) ?? [];
          list.push(ip.value);
          ips.set(ip.family, list);
        }
      }
      for (const list of ips.values()) list.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      return { names, ips };
    };
    const used = (name: string, entries: Parameters<typeof entriesContainIP>[0], avoid: boolean) => {
      const { names, ips } = (gathered ??= gather());
      return (
        names.has(name) ||
        entries.some((e) => {
          if (!e.range) return false;
          const list = ips.get(e.range.family) ?? [];
          // the first address at or after the range's start, then whether it is inside the range
          let lo = 0;
          let hi = list.length;
          while (lo < hi) {
            const mid = (lo + hi) >> 1;
            if (list[mid]! < e.range.first) lo = mid + 1;
            else hi = mid;
          }
          for (let i = lo; i < list.length && list[i]! <= e.range.last; i++) {
            if (entriesContainIP([e], { family: e.range.family, value: list[i]! }, avoid)) return true;
          }
          return false;
        })
      );
    };
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
