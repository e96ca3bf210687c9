import { defineRule } from '../types.js';
import { selectedPeers } from '../../model/advertisements.js';
import { normalizeBGPPeer } from '../../model/bgppeer-conversion.js';
import type { KubeObject } from '../../sources/types.js';

const asn = (v: unknown): number | undefined => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined);

/**
 * Whether the session with this peer is eBGP: dynamicASN says so directly; otherwise the peer's
 * ASN against the local one. Only the FRR backend renders localASN (local-as ... replace-as), so
 * there the session's local ASN is localASN when set. undefined: cannot tell.
 */
export function sessionType(peer: KubeObject, backend: string): { ebgp: boolean; text: string } | undefined {
  const s = (peer.spec ?? {}) as Record<string, unknown>;
  if (s.dynamicASN === 'external') return { ebgp: true, text: 'dynamicASN: external' };
  if (s.dynamicASN === 'internal') return { ebgp: false, text: 'dynamicASN: internal' };
  const local = (backend === 'frr' ? asn(s.localASN) : undefined) ?? asn(s.myASN);
  const remote = asn(s.peerASN);
  if (local === undefined || remote === undefined) return undefined;
  return { ebgp: local !== remote, text: `${local} -> ${remote}` };
}

export default defineRule({
  meta: {
    id: 'bgp-localpref-ebgp',
    severity: 'warning',
    category: 'advertisements',
    evidence: ['files'],
    description: 'A BGPAdvertisement sets localPref while every session it is announced on is eBGP: LOCAL_PREF is never sent.',
    fix: 'Remove localPref, or announce over iBGP (peerASN equal to myASN) where LOCAL_PREF is meant to count.',
  },
  check({ state, options, report }) {
    if (!state.isCaptured('BGPPeer')) return;
    const peers = state.metallbObjects('BGPPeer').map(normalizeBGPPeer);
    for (const ad of state.metallbObjects('BGPAdvertisement')) {
      const pref = ((ad.spec ?? {}) as Record<string, unknown>).localPref;
      if (typeof pref !== 'number' || pref === 0) continue; // 0 = not set
      const selected = selectedPeers(ad, peers);
      if (selected.length === 0) continue; // bgp-advertisement-without-peer
      const types = selected.map((p) => ({ peer: p, type: sessionType(p, options.bgpBackend) }));
      if (!types.every((t) => t.type?.ebgp === true)) continue;
      const list = types.map((t) => `"${t.peer.metadata?.name ?? ''}" (${t.type!.text})`).join(', ');
      report({
        message: `BGPAdvertisement "${ad.metadata?.name ?? ''}" sets localPref ${pref}, but every BGPPeer it is announced to is eBGP (${list}): LOCAL_PREF is only sent to iBGP peers, so MetalLB sends it to none and the routers ignore this setting`,
        subjects: [{ obj: ad, path: ['spec', 'localPref'] }],
        evidence: types.map((t) => `BGPPeer "${t.peer.metadata?.name ?? ''}": ${t.type!.text} (eBGP)`),
        fix: 'Remove `localPref` from the BGPAdvertisement; to steer eBGP routers, use communities the routers act on, or peer over iBGP (peerASN equal to myASN).',
      });
    }
  },
});
