import { ruleTester } from '../helpers/rule-tester.js';
import { ipAddressPool } from '../helpers/manifests.js';

// An advertisement whose ipAddressPools entries start on line 8.
const ad = (kind: string, ...pools: string[]) => `apiVersion: metallb.io/v1beta1
kind: ${kind}
metadata:
  name: ads
  namespace: metallb-system
spec:
  ipAddressPools:
${pools.map((p) => `  - ${p}`).join('\n')}
`;
const pools = ipAddressPool('lan', 'metallb-system', '192.168.10.0/24') + '---\n' + ipAddressPool('reserved', 'metallb-system', '192.168.20.0/24');

ruleTester('advertisement-unknown-pool', {
  valid: [
    { name: 'every name is a pool', files: { 'a.yaml': ad('L2Advertisement', 'lan', 'reserved') + '---\n' + pools } },
    { name: 'no ipAddressPools: all pools', files: { 'a.yaml': 'apiVersion: metallb.io/v1beta1\nkind: BGPAdvertisement\nmetadata:\n  name: all\n  namespace: metallb-system\n---\n' + pools } },
    { name: 'the pool comes from the snapshot', from: { 'resources/pools.yaml': pools }, files: { 'a.yaml': ad('L2Advertisement', 'lan') } },
  ],
  invalid: [
    {
      name: 'a misspelled pool name, the closest pool suggested',
      files: { 'a.yaml': ad('L2Advertisement', 'lan', 'reserverd') + '---\n' + pools },
      errors: [{ line: 9, column: 5, severity: 'error', message: /names IPAddressPool "reserverd".*ignores the name silently; did you mean "reserved"\?$/ }],
    },
    {
      name: 'the only name is unknown: the advertisement announces nothing, no close name',
      files: { 'a.yaml': ad('BGPAdvertisement', 'public') + '---\n' + pools },
      errors: [{ line: 8, column: 5, message: /BGPAdvertisement "ads" names IPAddressPool "public".*so it announces nothing$/ }],
    },
    {
      name: 'the pool exists, but in another namespace',
      files: { 'a.yaml': ad('L2Advertisement', 'lan', 'dmz') + '---\n' + pools + '---\n' + ipAddressPool('dmz', 'default', '10.9.0.0/24') },
      errors: [{ line: 9, column: 5, message: /"dmz" .*in namespace "default", where MetalLB does not look/ }],
    },
    {
      name: 'two unknown names in one list: one finding each',
      files: { 'a.yaml': ad('L2Advertisement', 'LAN', 'lan', 'reservd') + '---\n' + pools },
      errors: [
        { line: 8, column: 5, message: /"LAN".*did you mean "lan"/ },
        { line: 10, column: 5, message: /"reservd".*did you mean "reserved"/ },
      ],
    },
  ],
});
