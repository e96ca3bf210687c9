import { ruleTester } from '../helpers/rule-tester.js';
import { bgpPeerWithASNs } from '../helpers/manifests.js';

const ad = (spec: string) => `apiVersion: metallb.io/v1beta1
kind: BGPAdvertisement
metadata:
  name: public
  namespace: metallb-system
spec:
${spec}`;
const peer = bgpPeerWithASNs;
const ibgp = peer('rr', 'myASN: 64512, peerASN: 64512');
const ebgp = peer('tor', 'myASN: 64512, peerASN: 64513');
const unset = ad('  ipAddressPools: [public]\n');

ruleTester('bgp-native-ibgp-localpref-zero', {
  valid: [
    { name: 'localPref set', files: { 'a.yaml': ad('  localPref: 100\n') + '---\n' + ibgp }, bgpBackend: 'native' },
    { name: 'eBGP only', files: { 'a.yaml': unset + '---\n' + ebgp }, bgpBackend: 'native' },
    { name: 'FRR sends no LOCAL_PREF when it is unset', files: { 'a.yaml': unset + '---\n' + ibgp }, bgpBackend: 'frr' },
    { name: 'peers names the eBGP peer only', files: { 'a.yaml': ad('  peers: [tor]\n') + '---\n' + ibgp + '---\n' + ebgp }, bgpBackend: 'native' },
  ],
  invalid: [
    {
      name: 'native, iBGP, no localPref',
      files: { 'a.yaml': unset + '---\n' + ibgp },
      bgpBackend: 'native',
      errors: [{ file: 'a.yaml', line: 6, column: 1, severity: 'info', message: /^BGPAdvertisement "public" sets no localPref and is announced over iBGP to BGPPeer "rr" \(64512 -> 64512\) by the native BGP speaker, which then sends LOCAL_PREF 0/ }],
    },
  ],
});
