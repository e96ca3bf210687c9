import { ruleTester } from '../helpers/rule-tester.js';

// myASN on line 7, peerASN on line 8, localASN (when given) on line 10
const peer = (myASN: number, peerASN: number, localASN?: number, apiVersion = 'metallb.io/v1beta2') => `apiVersion: ${apiVersion}
kind: BGPPeer
metadata:
  name: tor
  namespace: metallb-system
spec:
  myASN: ${myASN}
  peerASN: ${peerASN}
  peerAddress: 10.0.0.1
${localASN !== undefined ? `  localASN: ${localASN}\n` : ''}`;

ruleTester('bgppeer-4byte-asn', {
  valid: [
    { name: '2-byte ASNs', files: { 'p.yaml': peer(64512, 64513) } },
    { name: '65535 is still a 2-byte ASN', files: { 'p.yaml': peer(65535, 65534, 65535) } },
    { name: 'a string ASN is a schema error, not a 4-byte ASN', files: { 'p.yaml': peer(64512, 64513).replace('peerASN: 64513', 'peerASN: "4200000000"') } },
    { name: 'in another namespace MetalLB does not read', files: { 'p.yaml': peer(4200000000, 64513).replace('metallb-system', 'default') + '---\napiVersion: metallb.io/v1beta1\nkind: L2Advertisement\nmetadata:\n  name: l2\n  namespace: metallb-system\n' } },
  ],
  invalid: [
    {
      name: 'myASN 65536, the first 4-byte ASN',
      files: { 'p.yaml': peer(65536, 64513) },
      errors: [{ line: 7, column: 10, message: /myASN 65536 is a 4-byte ASN \(above 65535\): .*AS_TRANS 23456.*RFC 6793/ }],
    },
    {
      name: 'private 4-byte ASNs on both sides and as localASN',
      files: { 'p.yaml': peer(4200000000, 4200000001, 4200000002) },
      errors: [
        { line: 7, column: 10, message: /myASN 4200000000 is a 4-byte ASN/ },
        { line: 8, column: 12, message: /peerASN 4200000001 is a 4-byte ASN .*cannot present this ASN/ },
        { line: 10, column: 13, message: /localASN 4200000002 is a 4-byte ASN/ },
      ],
    },
    {
      name: 'a v1beta1 peer',
      files: { 'p.yaml': peer(64512, 4294967294, undefined, 'metallb.io/v1beta1') },
      errors: [{ line: 8, column: 12, severity: 'warning', message: /peerASN 4294967294/ }],
    },
  ],
});
