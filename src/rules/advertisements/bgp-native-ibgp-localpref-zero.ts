import { defineRule } from '../types.js';
import { selectedPeers } from '../../model/advertisements.js';
import { normalizeBGPPeer } from '../../model/bgppeer-conversion.js';
import { sessionType } from './bgp-localpref-ebgp.js';

export default defineRule({
  meta: {
    id: 'bgp-native-ibgp-localpref-zero',
    severity: 'info',
    category: 'advertisements',
    evidence: ['files'],
    new: true,
    description:
      'The native BGP speaker announces over iBGP a BGPAdvertisement without localPref: it sends LOCAL_PREF 0, so the routers prefer any other path to the same prefix (their default is 100).',
    fix: 'Set localPref on the BGPAdvertisement (100 matches the routers\' default), or run the FRR or FRR-K8s backend, which sends no LOCAL_PREF when it is unset.',
  },
  check({ state, options, report }) {
    if (options.bgpBackend !== 'native' || !state.isCaptured('BGPPeer')) return;
    const peers = state.metallbObjects('BGPPeer').map(normalizeBGPPeer);
    for (const ad of state.metallbObjects('BGPAdvertisement')) {
      const pref = ((ad.spec ?? {}) as Record<string, unknown>).localPref;
      if (typeof pref === 'number' && pref !== 0) continue;
      const ibgp = selectedPeers(ad, peers).filter((p) => sessionType(p, 'native')?.ebgp === false);
      if (ibgp.length === 0) continue;
      const names = ibgp.map((p) => `"${p.metadata?.name ?? ''}" (${sessionType(p, 'native')!.text})`).join(', ');
      report({
        message: `BGPAdvertisement "${ad.metadata?.name ?? ''}" sets no localPref and is announced over iBGP to BGPPeer ${names} by the native BGP speaker, which then sends LOCAL_PREF 0: any other path to the same prefix (LOCAL_PREF 100 by default) wins over MetalLB's`,
        subjects: [{ obj: ad, path: ad.spec && 'localPref' in (ad.spec as object) ? ['spec', 'localPref'] : ['spec'] }],
        evidence: ibgp.map((p) => `BGPPeer "${p.metadata?.name ?? ''}": ${sessionType(p, 'native')!.text} (iBGP)`),
      });
    }
  },
});
