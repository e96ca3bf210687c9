import { ruleTester } from '../helpers/rule-tester.js';
import { ipAddressPool } from '../helpers/manifests.js';

const pool = (...addresses: string[]) => ipAddressPool('lan', 'metallb-system', ...addresses);

ruleTester('pool-cidr-host-bits', {
  valid: [
    { name: 'network addresses and /32s', files: { 'p.yaml': pool('192.168.10.0/24', '192.168.11.7/32', 'fc00::/64', '10.0.0.0/8') } },
    { name: 'ranges are not CIDRs', files: { 'p.yaml': pool('192.168.10.240-192.168.10.250') } },
  ],
  invalid: [
    {
      name: 'host bits in IPv4 and IPv6 CIDRs',
      files: { 'p.yaml': pool('192.168.10.0/24', '192.168.11.240/24', 'fc00::5/120') },
      errors: [
        { line: 9, column: 5, severity: 'warning', message: /"192\.168\.11\.240\/24" has host bits set: MetalLB widens it to 192\.168\.11\.0\/24 \(256 addresses\)/ },
        { line: 10, column: 5, message: /widens it to fc00::\/120 \(256 addresses\)/ },
      ],
    },
  ],
});
