import { ruleTester } from '../helpers/rule-tester.js';
import { bgpPeerWithASNs } from '../helpers/manifests.js';

// A BGPAdvertisement with localPref on line 7.
const ad = (pref: number, peers = '') => `apiVersion: metallb.io/v1beta1
kind: BGPAdvertisement
metadata:
  name: public
  namespace: metallb-system
spec:
  localPref: ${pref}
${peers}`;
const peer = bgpPeerWithASNs;
const ebgpA = peer('tor-a', 'myASN: 64512, peerASN: 64513');
const ebgpB = peer('tor-b', 'myASN: 64512, peerASN: 64514');
const ibgp = peer('rr', 'myASN: 64512, peerASN: 64512');

ruleTester('bgp-localpref-ebgp', {
  valid: [
    { name: 'one selected session is iBGP', files: { 'a.yaml': ad(100) + '---\n' + ebgpA + '---\n' + ibgp } },
    { name: 'localPref 0 is "not set"', files: { 'a.yaml': ad(0) + '---\n' + ebgpA } },
    { name: 'peers selects the iBGP peer only', files: { 'a.yaml': ad(200, '  peers:\n  - rr\n') + '---\n' + ebgpA + '---\n' + ibgp } },
    { name: 'dynamicASN internal is iBGP', files: { 'a.yaml': ad(100) + '---\n' + peer('tor-a', 'myASN: 64512, dynamicASN: internal') } },
    { name: 'no peer at all: bgp-advertisement-without-peer speaks', files: { 'a.yaml': ad(100) } },
    {
      name: 'FRR mode: localASN equal to peerASN makes the session iBGP',
      bgpBackend: 'frr',
      files: { 'a.yaml': ad(100) + '---\n' + peer('tor-a', 'myASN: 64512, localASN: 64513, peerASN: 64513') },
    },
  ],
  invalid: [
    {
      name: 'every peer eBGP',
      files: { 'a.yaml': ad(100) + '---\n' + ebgpA + '---\n' + ebgpB },
      errors: [{ line: 7, column: 14, severity: 'warning', message: /sets localPref 100, but every BGPPeer it is announced to is eBGP \("tor-a" \(64512 -> 64513\), "tor-b" \(64512 -> 64514\)\)/ }],
    },
    {
      name: 'peers selects only the eBGP peer while an iBGP peer exists',
      files: { 'a.yaml': ad(300, '  peers:\n  - tor-a\n') + '---\n' + ebgpA + '---\n' + ibgp },
      errors: [{ line: 7, column: 14, message: /\("tor-a" \(64512 -> 64513\)\)/ }],
    },
    {
      name: 'dynamicASN external is eBGP',
      files: { 'a.yaml': ad(100) + '---\n' + peer('tor-a', 'myASN: 64512, dynamicASN: external') },
      errors: [{ line: 7, column: 14, message: /"tor-a" \(dynamicASN: external\)/ }],
    },
    {
      name: 'FRR-K8s ignores localASN: the session stays eBGP',
      bgpBackend: 'frr-k8s',
      files: { 'a.yaml': ad(100) + '---\n' + peer('tor-a', 'myASN: 64512, localASN: 64513, peerASN: 64513') },
      errors: [{ line: 7, column: 14, message: /"tor-a" \(64512 -> 64513\)/ }],
    },
    {
      name: 'a v1beta1 peer counts the same',
      files: { 'a.yaml': ad(100) + '---\n' + ebgpA.replace('v1beta2', 'v1beta1') },
      errors: [{ line: 7, column: 14, message: /"tor-a" \(64512 -> 64513\)/ }],
    },
  ],
});
