import { ruleTester } from '../helpers/rule-tester.js';
import { ipAddressPool } from '../helpers/manifests.js';

const ad = (spec: string) => `apiVersion: metallb.io/v1beta1
kind: BGPAdvertisement
metadata:
  name: ad
  namespace: metallb-system
spec:
${spec}`;
const pool = ipAddressPool('public', 'metallb-system', '10.0.0.0/26', '10.0.1.0-10.0.1.63', 'fc00::/120');

ruleTester('bgp-aggregation-invalid', {
  valid: [
    { name: 'lengths between the pool prefixes and the family width', files: { 'a.yaml': pool + '---\n' + ad('  aggregationLength: 26\n  aggregationLengthV6: 120\n') } },
    { name: 'serviceSelectors with the default lengths written out', files: { 'a.yaml': ad('  aggregationLength: 32\n  serviceSelectors:\n  - matchLabels: {app: web}\n') } },
  ],
  invalid: [
    {
      name: 'shorter than the /26 entries of the pool',
      files: { 'a.yaml': pool + '---\n' + ad('  ipAddressPools: [public]\n  aggregationLength: 24\n') },
      errors: [
        { line: 19, column: 22, message: /invalid aggregation length 24: prefix 26 in this pool is more specific than the aggregation length for addresses 10\.0\.0\.0\/26/ },
        { line: 19, column: 22, message: /for addresses 10\.0\.1\.0-10\.0\.1\.63 .*: rejected when applied/ },
      ],
    },
    {
      name: 'above 32, and combined with serviceSelectors',
      files: { 'a.yaml': ad('  aggregationLength: 33\n') + '---\n' + ad('  aggregationLengthV6: 64\n  serviceSelectors:\n  - matchLabels: {app: web}\n').replace('name: ad', 'name: svc') },
      errors: [
        { line: 7, column: 22, message: /invalid aggregation length '!' for IPv4 \(aggregationLength 33: at most 32\)/ },
        { line: 15, column: 24, message: /serviceSelectors and aggregationLengthV6 are mutually exclusive, both cannot be set in svc/ },
      ],
    },
  ],
});
