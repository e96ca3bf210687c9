import { defineRule } from '../types.js';
import { closestName, selectedPools } from '../../model/advertisements.js';

export default defineRule({
  meta: {
    id: 'advertisement-unknown-pool',
    severity: 'error',
    category: 'advertisements',
    evidence: ['files'],
    description: '`ipAddressPools` of an L2Advertisement or BGPAdvertisement names a pool that does not exist: MetalLB ignores the name silently.',
    fix: 'Name an existing IPAddressPool in ipAddressPools, or create the pool it names.',
  },
  check({ state, report }) {
    // Absent is not none: the names can only be unknown when the pools were captured.
    if (!state.isCaptured('IPAddressPool')) return;
    const ns = state.metallb.namespace;
    const pools = state.metallbObjects('IPAddressPool');
    const names = pools.map((p) => p.metadata?.name ?? '').filter(Boolean);
    const known = new Set(names);
    for (const kind of ['L2Advertisement', 'BGPAdvertisement']) {
      for (const ad of state.metallbObjects(kind)) {
        const spec = (ad.spec ?? {}) as Record<string, unknown>;
        const list = Array.isArray(spec.ipAddressPools) ? (spec.ipAddressPools as unknown[]) : [];
        const announcesNothing = selectedPools(ad, pools).length === 0;
        list.forEach((name, index) => {
          if (typeof name !== 'string' || known.has(name)) return;
          const guess = closestName(name, names);
          const elsewhere = state
            .all('IPAddressPool')
            .filter((p) => p.metadata?.name === name && p.metadata?.namespace && p.metadata.namespace !== ns)
            .map((p) => p.metadata.namespace);
          const parts = [
            `${kind} "${ad.metadata?.name ?? ''}" names IPAddressPool "${name}" in ipAddressPools, but there is no such pool in namespace "${ns}"`,
          ];
          if (elsewhere.length) parts.push(` (a pool of that name is in namespace "${elsewhere[0]}", where MetalLB does not look)`);
          parts.push(': MetalLB ignores the name silently');
          if (announcesNothing) parts.push(', and this advertisement selects no other pool, so it announces nothing');
          if (guess) parts.push(`; did you mean "${guess}"?`);
          const fixed = list.map((n, i) => (i === index && guess ? guess : n)).filter((n): n is string => typeof n === 'string');
          report({
            message: parts.join(''),
            subjects: [{ obj: ad, path: ['spec', 'ipAddressPools', index] }],
            evidence: [`IPAddressPools in "${ns}": ${names.length ? names.map((n) => `"${n}"`).join(', ') : 'none'}`],
            fix: guess
              ? `Correct the name:\n  ipAddressPools:\n${fixed.map((n) => `  - ${n}`).join('\n')}`
              : `Create IPAddressPool "${name}" in namespace "${ns}", or name an existing pool in ipAddressPools.`,
          });
        });
      }
    }
  },
});
