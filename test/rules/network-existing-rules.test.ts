// The three existing rules the "against real Nodes / Secrets" issue names, checked on snapshots
// (bundle.json says what was captured) and on `lint FILES --from SNAPSHOT`: they read the real
// Node labels and Secrets when those were captured, and stay silent when they were not.
import { ruleTester } from '../helpers/rule-tester.js';
import { ALL_KINDS, bgpAdvertisement, bgpPeer, bundleJson, l2Advertisement, node } from '../helpers/cluster.js';
import { docs, pool } from '../helpers/services.js';
import { at, metallbPeer } from '../helpers/network.js';

const nodes = docs(node('node-a', { labels: { rack: 'r1' } }), node('node-b', { labels: { rack: 'r2' } }));
const without = (kind: string) => ALL_KINDS.filter((k) => k !== kind);
const snapshot = (text: string, captured = ALL_KINDS) => ({ 'bundle.json': bundleJson(captured), 'resources/c.yaml': text });

const byRack = (rack: string) => `[{ matchLabels: { rack: ${rack} } }]`;
const adRack3 = docs(nodes, pool('lan', ['10.0.0.0/24']), l2Advertisement('lan', { nodeSelectors: byRack('r3') }));
const adFile = bgpAdvertisement('edge', { nodeSelectors: byRack('r3') });

ruleTester('advertisement-selects-nothing', {
  valid: [
    { name: 'snapshot: nodeSelectors match a captured Node', files: snapshot(docs(nodes, pool('lan', ['10.0.0.0/24']), l2Advertisement('lan', { nodeSelectors: byRack('r2') }))) },
    { name: 'snapshot without Nodes captured: absent is not none', files: snapshot(docs(pool('lan', ['10.0.0.0/24']), l2Advertisement('lan', { nodeSelectors: byRack('r3') })), without('Node')) },
    { name: 'lint --from: the snapshot\'s Nodes match the file\'s selector', from: snapshot(docs(nodes, pool('lan', ['10.0.0.0/24']))), files: { 'ad.yaml': bgpAdvertisement('edge', { nodeSelectors: byRack('r1') }) } },
  ],
  invalid: [
    {
      name: 'snapshot: no captured Node has rack=r3',
      files: snapshot(adRack3),
      errors: [{ file: 'resources/c.yaml', ...at(adRack3, '[{ matchLabels: { rack: r3 } }]'), message: /L2Advertisement "lan": nodeSelectors match none of the 2 Node\(s\)/ }],
    },
    {
      name: 'lint --from: the file\'s selector against the snapshot\'s Nodes',
      from: snapshot(docs(nodes, pool('lan', ['10.0.0.0/24']))),
      files: { 'ad.yaml': adFile },
      errors: [{ file: 'ad.yaml', ...at(adFile, '[{'), message: /BGPAdvertisement "edge": nodeSelectors match none of the 2 Node\(s\)/ }],
    },
  ],
});

const peerRack3 = docs(nodes, bgpPeer('tor', { nodeSelectors: byRack('r3') }));
const peerFile = bgpPeer('tor', { nodeSelectors: byRack('r3') });

ruleTester('bgppeer-selects-no-node', {
  valid: [
    { name: 'snapshot: nodeSelectors match a captured Node', files: snapshot(docs(nodes, bgpPeer('tor', { nodeSelectors: byRack('r1') }))) },
    { name: 'snapshot without Nodes captured: absent is not none', files: snapshot(bgpPeer('tor', { nodeSelectors: byRack('r3') }), without('Node')) },
  ],
  invalid: [
    {
      name: 'snapshot: no captured Node has rack=r3',
      files: snapshot(peerRack3),
      errors: [{ file: 'resources/c.yaml', ...at(peerRack3, '[{'), message: /BGPPeer "tor" nodeSelectors match none of the 2 node\(s\)/ }],
    },
    {
      name: 'lint --from: the file\'s peer against the snapshot\'s Nodes',
      from: snapshot(nodes),
      files: { 'peer.yaml': peerFile },
      errors: [{ file: 'peer.yaml', ...at(peerFile, '[{'), message: /match none of the 2 node\(s\)/ }],
    },
  ],
});

const secret = (name: string, o: { ns?: string; type?: string; keys?: string[] } = {}) => `apiVersion: v1
kind: Secret
metadata:
  name: ${name}
  namespace: ${o.ns ?? 'metallb-system'}
${o.type ? `type: ${o.type}\n` : ''}data:
${(o.keys ?? ['password']).map((k) => `  ${k}: c2VjcmV0\n`).join('')}`;
const withSecret = (name: string) => metallbPeer('tor', { myASN: 64512, peerASN: 64513, peerAddress: '192.168.1.1', passwordSecret: `{ name: ${name} }` });
const otherNs = docs(withSecret('bgp-auth'), secret('bgp-auth', { ns: 'default', type: 'kubernetes.io/basic-auth' }));
const untyped = docs(withSecret('bgp-auth'), secret('bgp-auth'));
const peerFileSecret = withSecret('bgp-auth');

ruleTester('bgppeer-password-invalid', {
  valid: [
    { name: 'snapshot: a basic-auth Secret with a password key (values are dropped by the loader, keys stay)', files: snapshot(docs(withSecret('bgp-auth'), secret('bgp-auth', { type: 'kubernetes.io/basic-auth' }))) },
    { name: 'snapshot without Secrets captured: absent is not none', files: snapshot(withSecret('bgp-auth'), without('Secret')) },
    {
      name: 'lint --from: the file\'s peer against the snapshot\'s Secret',
      from: snapshot(secret('bgp-auth', { type: 'kubernetes.io/basic-auth' })),
      files: { 'peer.yaml': peerFileSecret },
    },
  ],
  invalid: [
    {
      name: 'snapshot: the Secret exists only in another namespace (MetalLB looks in its own)',
      files: snapshot(otherNs),
      errors: [{ file: 'resources/c.yaml', ...at(otherNs, 'bgp-auth'), message: /secret ref not found for peer config "metallb-system"\/"tor"/ }],
    },
    {
      name: 'snapshot: a Secret without type is Opaque',
      files: snapshot(untyped),
      errors: [{ file: 'resources/c.yaml', ...at(untyped, 'bgp-auth'), message: /secret type mismatch on "metallb-system"\/"bgp-auth"/ }],
    },
    {
      name: 'lint --from: the snapshot captured Secrets and has none of that name',
      from: snapshot(secret('other', { type: 'kubernetes.io/basic-auth' })),
      files: { 'peer.yaml': peerFileSecret },
      errors: [{ file: 'peer.yaml', ...at(peerFileSecret, 'bgp-auth'), message: /secret ref not found/ }],
    },
  ],
});
