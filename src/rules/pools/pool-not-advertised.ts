import { defineRule } from '../types.js';
import { parsePool } from '../../model/pools.js';
import { selectedPools } from '../../model/advertisements.js';
import { formatIP, parseIP, rangeContainsIP, type IP } from '../../model/address.js';
import type { KubeObject } from '../../sources/types.js';

const ALLOCATED_FROM = 'metallb.io/ip-allocated-from-pool';
const ALLOCATED_FROM_OLD = 'metallb.universe.tf/ip-allocated-from-pool';

/** The pool the controller recorded on the Service: the metallb.io key wins when present, even empty. */
function allocatedFrom(svc: KubeObject): string | undefined {
  const a = svc.metadata?.annotations ?? {};
  const v = ALLOCATED_FROM in a ? a[ALLOCATED_FROM] : a[ALLOCATED_FROM_OLD];
  return typeof v === 'string' && v ? v : undefined;
}

function ingressIPs(svc: KubeObject): IP[] {
  const lb = ((svc.status ?? {}) as Record<string, unknown>).loadBalancer as Record<string, unknown> | undefined;
  const ingress = Array.isArray(lb?.ingress) ? lb.ingress : [];
  const out: IP[] = [];
  for (const i of ingress) {
    const text = (i as Record<string, unknown> | null)?.ip;
    const ip = typeof text === 'string' ? parseIP(text) : undefined;
    if (ip) out.push(ip);
  }
  return out;
}

export default defineRule({
  meta: {
    id: 'pool-not-advertised',
    severity: 'error',
    severities: ['error', 'warning'],
    category: 'pools',
    evidence: ['files'],
    description: 'No L2Advertisement or BGPAdvertisement selects the pool: its addresses are handed out but never announced.',
    fix: 'Select the pool from an advertisement: name it in ipAddressPools, or label it to match ipAddressPoolSelectors.',
  },
  check({ state, report }) {
    // Absent is not none: both advertisement kinds must have been captured.
    if (!state.isCaptured('L2Advertisement') || !state.isCaptured('BGPAdvertisement')) return;
    const ads = [...state.metallbObjects('L2Advertisement'), ...state.metallbObjects('BGPAdvertisement')];
    if (ads.length === 0) return; // advertisement-missing says it once for all pools
    const pools = state.metallbObjects('IPAddressPool');
    const advertised = new Set<KubeObject>();
    for (const ad of ads) for (const p of selectedPools(ad, pools)) advertised.add(p);
    const services = state.isCaptured('Service') ? state.all('Service') : [];
    for (const pool of pools) {
      if (advertised.has(pool)) continue;
      const parsed = parsePool(pool);
      const holders: { svc: KubeObject; what: string }[] = [];
      for (const svc of services) {
        const ip = ingressIPs(svc).find((ip) => parsed.valid.some((e) => e.range && rangeContainsIP(e.range, ip)));
        if (ip) holders.push({ svc, what: formatIP(ip) });
        else if (allocatedFrom(svc) === parsed.name) holders.push({ svc, what: `an address (${ALLOCATED_FROM}: ${parsed.name})` });
      }
      const base = `IPAddressPool "${parsed.name}" is selected by no L2Advertisement or BGPAdvertisement: MetalLB assigns its addresses to Services but no node announces them`;
      const ref = (s: KubeObject) => `${s.metadata?.namespace ?? 'default'}/${s.metadata?.name ?? ''}`;
      report({
        message: holders.length
          ? `${base}; Service ${holders.slice(0, 3).map((h) => `${ref(h.svc)} holds ${h.what}`).join(', ')}${holders.length > 3 ? ` (and ${holders.length - 3} more)` : ''} and is unreachable from outside the cluster`
          : `${base} (no Service holds one yet)`,
        severity: holders.length ? 'error' : 'warning',
        subjects: [{ obj: pool, path: ['metadata', 'name'] }, ...holders.map((h) => ({ obj: h.svc }))],
        evidence: ads.slice(0, 5).map((a) => `${a.kind} "${a.metadata?.name ?? ''}" selects: ${selectedPools(a, pools).map((p) => `"${p.metadata?.name ?? ''}"`).join(', ') || 'no pool'}`),
        fix: `Add the pool to an advertisement, e.g.\n  spec:\n    ipAddressPools:\n    - ${parsed.name}`,
      });
    }
  },
});
