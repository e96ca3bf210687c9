import type { KubeObject } from '../../sources/types.js';
import { defineRule } from '../types.js';
import { handledServices, serviceName } from '../../model/simulation.js';
import { ALLOW_SHARED_IP, ALLOW_SHARED_IP_DEPRECATED, adMatchesService, adsOfPool, allowsSharedIP, hasServiceSelectors } from '../../model/announce/common.js';
import { versionAtLeast } from '../../state/installation.js';

/**
 * How MetalLB of a version treats allow-shared-ip with service-selecting L2 advertisements
 * (metallb-semantics.md 4.2): 'refuse' after v0.16.1 (commit "Deny allow-shared-ip with
 * serviceSelectors on L2"), 'split' in v0.16.0 and v0.16.1, 'none' before v0.16.0 (L2Advertisement
 * has no serviceSelectors there), 'unknown' when the version is not known.
 */
export function sharedIPSelectorBehaviour(version: string | undefined): 'refuse' | 'split' | 'none' | 'unknown' {
  const refuses = versionAtLeast(version, 0, 16, 2);
  if (refuses === undefined) return 'unknown';
  if (refuses) return 'refuse';
  return versionAtLeast(version, 0, 16) ? 'split' : 'none';
}

export function allowSharedIPKey(svc: KubeObject): string {
  const a = svc.metadata?.annotations ?? {};
  return Object.prototype.hasOwnProperty.call(a, ALLOW_SHARED_IP) ? ALLOW_SHARED_IP : ALLOW_SHARED_IP_DEPRECATED;
}

export default defineRule({
  meta: {
    id: 'l2-shared-ip-service-selector',
    severity: 'error',
    category: 'services',
    evidence: ['files', 'api'],
    description: 'A Service with allow-shared-ip is matched by an L2Advertisement with serviceSelectors: refused (after v0.16.1) or split brain (v0.16.x).',
    fix: 'Drop serviceSelectors from the L2Advertisements of the pool (select by pool or node instead), or give the Service an address of its own without allow-shared-ip.',
  },
  check({ state, report }) {
    const pools = state.metallbObjects('IPAddressPool');
    const l2Ads = state.metallbObjects('L2Advertisement');
    if (l2Ads.length === 0) return;
    const version = state.metallb.version;
    const behaviour = sharedIPSelectorBehaviour(version);
    // before v0.16.0 L2Advertisement has no serviceSelectors (the API server drops the field)
    if (behaviour === 'none') return;
    const handled = handledServices(state).filter((h) => (h.result.state === 'allocated' || h.result.state === 'kept') && h.result.ips.length > 0 && h.result.pool);
    for (const { svc, result, info } of handled) {
      if (!allowsSharedIP(svc)) continue;
      const pool = pools.find((p) => p.metadata?.name === result.pool);
      if (!pool) continue;
      const ads = adsOfPool(l2Ads, pools, pool).filter((ad) => hasServiceSelectors(ad) && adMatchesService(ad, svc));
      if (ads.length === 0) continue;
      const key = allowSharedIPKey(svc);
      const ips = result.ips.join(', ');
      const adNames = ads.map((ad) => `"${ad.metadata?.name ?? ''}"`).join(', ');
      const sharers = handled
        .filter((h) => h.svc !== svc && h.result.ips.some((ip) => result.ips.includes(ip)))
        .map((h) => serviceName(h.svc));
      const sharing = sharers.length > 0 ? ` (shared with ${sharers.join(', ')})` : '';
      const refuse = `every speaker refuses to announce it in layer 2 (reason sharedIPWithServiceSelector, logged as "allow-shared-ip is incompatible with serviceSelectors on L2 advertisements"), so ${ips} is not announced in layer 2 for it`;
      const split = `MetalLB announces it, but every Service sharing ${ips} runs its own election over the advertisements that match it: where their serviceSelectors give them different candidate nodes, two nodes answer ARP/NDP for the same address (split brain)`;
      let effect: string;
      if (behaviour === 'refuse') effect = `With MetalLB ${version} ${refuse}`;
      else if (behaviour === 'split') effect = `With MetalLB ${version} ${split}; releases after v0.16.1 refuse it instead`;
      else effect = `The MetalLB version is not known: after v0.16.1 ${refuse}; in v0.16.0 and v0.16.1 ${split}`;
      report({
        message: `Service ${serviceName(svc)} has ${key} and ${info.statusIPs.length > 0 ? 'its address' : "the address MetalLB's allocation gives it,"} ${ips}${sharing}, from pool "${result.pool}" is advertised by L2Advertisement ${adNames} with serviceSelectors that match it. ${effect}`,
        subjects: [{ obj: svc, path: ['metadata', 'annotations', key] }, ...ads.map((ad) => ({ obj: ad, path: ['spec', 'serviceSelectors'] }))],
        evidence: [
          `${key}: "${String(svc.metadata?.annotations?.[key] ?? '')}"`,
          `pool "${result.pool}" (the allocator's result${result.state === 'kept' ? ': the Service keeps its address' : ''}); L2Advertisements with serviceSelectors matching the Service: ${adNames}`,
          `MetalLB version: ${version ?? 'unknown (no controller or speaker workload in the input)'}`,
          ...(result.notes ?? []),
        ],
      });
    }
  },
});
