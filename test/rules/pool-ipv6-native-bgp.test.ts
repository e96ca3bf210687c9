import { ruleTester } from '../helpers/rule-tester.js';
import { ipAddressPool, metallbController } from '../helpers/manifests.js';

const ad = (spec: string) => `apiVersion: metallb.io/v1beta1
kind: BGPAdvertisement
metadata:
  name: bgp
  namespace: metallb-system
spec:${spec}
`;
const pools = ipAddressPool('v4', 'metallb-system', '192.168.10.0/24') + '---\n' + ipAddressPool('v6', 'metallb-system', '192.168.11.0/24', 'fc00::/64');

ruleTester('pool-ipv6-native-bgp', {
  valid: [
    { name: 'the FRR backend speaks IPv6', bgpBackend: 'frr', files: { 'p.yaml': pools + '---\n' + ad(' {}') } },
    { name: 'native, but the advertisement names the IPv4 pool only', bgpBackend: 'native', files: { 'p.yaml': pools + '---\n' + ad('\n  ipAddressPools: [v4]') } },
    { name: 'native, IPv6 pool without any BGPAdvertisement', bgpBackend: 'native', files: { 'p.yaml': pools } },
    { name: 'native v0.14.9 looks only at the pools the advertisements select', bgpBackend: 'native', files: { 'p.yaml': pools + '---\n' + ad('\n  ipAddressPools: [v4]'), 'i.yaml': metallbController({ tag: 'v0.14.9' }) } },
  ],
  invalid: [
    {
      name: 'native before v0.14.9: any IPv6 pool once a BGPAdvertisement exists, selected or not',
      bgpBackend: 'native',
      files: { 'p.yaml': pools + '---\n' + ad('\n  ipAddressPools: [v4]'), 'i.yaml': metallbController({ tag: 'v0.14.8' }) },
      errors: [{ file: 'p.yaml', line: 18, column: 5, message: /pool "v6" has ipv6 CIDR fc00::\/64, native bgp mode does not support ipv6 \(no BGPAdvertisement selects it, but MetalLB v0\.14\.8 refuses any IPv6 pool once BGPAdvertisement "bgp" exists/ }],
    },
    {
      name: 'native, an advertisement selecting every pool',
      bgpBackend: 'native',
      files: { 'p.yaml': pools + '---\n' + ad(' {}') },
      errors: [{ line: 18, column: 5, message: /pool "v6" has ipv6 CIDR fc00::\/64, native bgp mode does not support ipv6 \(selected by BGPAdvertisement "bgp"/ }],
    },
  ],
});
