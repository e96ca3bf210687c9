import { ruleTester } from '../helpers/rule-tester.js';

const pool = (avoid: boolean | undefined, ...addresses: string[]) => `apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata:
  name: lan
  namespace: metallb-system
spec:
${avoid === undefined ? '' : `  avoidBuggyIPs: ${avoid}\n`}  addresses:
${addresses.map((a) => `  - ${a}`).join('\n')}
`;

ruleTester('pool-includes-network-or-broadcast', {
  valid: [
    { name: 'avoidBuggyIPs set', files: { 'p.yaml': pool(true, '192.168.10.0/24') } },
    { name: 'a range inside .1-.254', files: { 'p.yaml': pool(undefined, '192.168.10.1-192.168.10.254', '192.168.11.240/28'.replace('240/28', '224/28')) } },
    { name: 'IPv6 has no such addresses', files: { 'p.yaml': pool(false, 'fc00::/120') } },
  ],
  invalid: [
    {
      name: 'a /24 and a range crossing a /24 boundary',
      files: { 'p.yaml': pool(false, '192.168.10.0/24', '192.168.11.250-192.168.12.5') },
      errors: [
        { line: 9, column: 5, severity: 'warning', message: /includes 2 addresses ending in \.0 or \.255 \(192\.168\.10\.0, 192\.168\.10\.255\)/ },
        { line: 10, column: 5, message: /includes 2 addresses .*\(192\.168\.11\.255, 192\.168\.12\.0\)/ },
      ],
    },
    {
      name: 'a /16 counted, not enumerated',
      files: { 'p.yaml': pool(undefined, '10.20.0.0/16') },
      errors: [{ line: 8, column: 5, message: /includes 512 addresses/ }],
    },
  ],
});
