import { ruleTester } from '../helpers/rule-tester.js';
import { ipAddressPool, LEGACY_CONFIGMAP } from '../helpers/manifests.js';

const pool = (name: string, ...addresses: string[]) => ipAddressPool(name, 'metallb-system', ...addresses);


ruleTester('pool-address-invalid', {
  valid: [
    { name: 'CIDRs and ranges of both families', files: { 'p.yaml': pool('ok', '192.168.10.0/24', '192.168.11.5/32', '192.168.12.10-192.168.12.20', 'fc00::/120', 'fc00:1::10 - fc00:1::20') } },
    { name: 'a single-address range', files: { 'p.yaml': pool('one', '10.0.0.7-10.0.0.7') } },
  ],
  invalid: [
    {
      name: 'a legacy (<= 0.12) ConfigMap',
      files: { 'config.yaml': LEGACY_CONFIGMAP },
      errors: [{ line: 17, column: 9, message: /^invalid CIDR "10\.0\.0\.1" in pool "extra"/ }],
    },
    {
      name: 'bare IP, reversed range, bad prefix, garbage',
      files: { 'p.yaml': pool('bad', '192.168.10.5', '192.168.10.30-192.168.10.20', '10.0.0.0/33', 'not-an-ip', 'fc00::1') },
      errors: [
        { line: 8, column: 5, message: /^invalid CIDR "192\.168\.10\.5" in pool "bad": invalid CIDR "192\.168\.10\.5"$/ },
        { line: 9, column: 5, message: /start IP "192\.168\.10\.30" is after the end IP "192\.168\.10\.20"/ },
        { line: 10, column: 5, message: /invalid CIDR "10\.0\.0\.0\/33"/ },
        { line: 11, column: 5, message: /invalid IP range "not-an-ip": invalid start IP "not"/ },
        { line: 12, column: 5, message: /invalid CIDR "fc00::1"/ },
      ],
    },
    {
      name: 'an empty addresses list',
      files: {
        'p.yaml': `apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata:
  name: empty
spec:
  addresses: []
`,
      },
      errors: [{ line: 6, column: 14, message: /has no prefixes defined/ }],
    },
    {
      name: 'in JSON, as kubectl get -o json prints a List',
      files: {
        'list.json': `{
  "apiVersion": "v1",
  "kind": "List",
  "items": [
    {
      "apiVersion": "metallb.io/v1beta1",
      "kind": "IPAddressPool",
      "metadata": { "name": "j", "namespace": "metallb-system" },
      "spec": { "addresses": ["10.1.0.0/24", "10.2.0.300/32"] }
    }
  ]
}
`,
      },
      errors: [{ line: 9, column: 46, message: /invalid CIDR "10\.2\.0\.300\/32"/ }],
    },
  ],
});
