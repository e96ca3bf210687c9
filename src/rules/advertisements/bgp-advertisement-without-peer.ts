import { defineRule } from '../types.js';
import { closestName, selectedPeers } from '../../model/advertisements.js';

export default defineRule({
  meta: {
    id: 'bgp-advertisement-without-peer',
    severity: 'error',
    category: 'advertisements',
    evidence: ['files'],
    description: 'A BGPAdvertisement exists but no BGPPeer does, or its `peers` names BGPPeers that do not exist: nothing is announced to them.',
    fix: 'Create the BGPPeer, or name existing BGPPeers in peers.',
  },
  check({ state, report }) {
    // Absent is not none: only conclude when BGPPeers were captured.
    if (!state.isCaptured('BGPPeer')) return;
    const ns = state.metallb.namespace;
    const ads = state.metallbObjects('BGPAdvertisement');
    if (ads.length === 0) return;
    const peers = state.metallbObjects('BGPPeer');
    if (peers.length === 0) {
      report({
        message: `${ads.length === 1 ? `BGPAdvertisement "${ads[0]!.metadata?.name ?? ''}" exists` : `${ads.length} BGPAdvertisements exist`} but there is no BGPPeer in namespace "${ns}": MetalLB opens no BGP session, so nothing is announced over BGP`,
        subjects: ads.map((obj) => ({ obj, path: ['metadata', 'name'] })),
        evidence: [`kubectl get bgppeers.metallb.io -n ${ns}`],
        fix: `Create a BGPPeer for the router:\n  apiVersion: metallb.io/v1beta2\n  kind: BGPPeer\n  metadata:\n    name: router\n    namespace: ${ns}\n  spec:\n    myASN: <node ASN>\n    peerASN: <router ASN>\n    peerAddress: <router address>`,
      });
      return;
    }
    const names = peers.map((p) => p.metadata?.name ?? '').filter(Boolean);
    const known = new Set(names);
    for (const ad of ads) {
      const spec = (ad.spec ?? {}) as Record<string, unknown>;
      const list = Array.isArray(spec.peers) ? (spec.peers as unknown[]) : [];
      const toNone = selectedPeers(ad, peers).length === 0;
      list.forEach((name, index) => {
        if (typeof name !== 'string' || known.has(name)) return;
        const guess = closestName(name, names);
        const fixed = list.map((n, i) => (i === index && guess ? guess : n)).filter((n): n is string => typeof n === 'string');
        report({
          message:
            `BGPAdvertisement "${ad.metadata?.name ?? ''}" names BGPPeer "${name}" in peers, but there is no such peer in namespace "${ns}": MetalLB accepts it silently and sends this advertisement to no peer of that name` +
            (toNone ? ', and it names no existing peer, so it is announced to no one' : '') +
            (guess ? `; did you mean "${guess}"?` : ''),
          subjects: [{ obj: ad, path: ['spec', 'peers', index] }],
          evidence: [`BGPPeers in "${ns}": ${names.map((n) => `"${n}"`).join(', ')}`],
          fix: guess
            ? `Correct the name:\n  peers:\n${fixed.map((n) => `  - ${n}`).join('\n')}`
            : `Name an existing BGPPeer in peers (or remove peers to announce to every peer), or create BGPPeer "${name}".`,
        });
      });
    }
  },
});
