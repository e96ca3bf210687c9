import { ruleTester } from '../helpers/rule-tester.js';
import { LEGACY_CONFIGMAP } from '../helpers/manifests.js';

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

const dynamicPeer = `apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata:
  name: tor
  namespace: metallb-system
spec:
  myASN: 64512
  dynamicASN: external
  peerAddress: 10.0.0.1
`;

// a legacy ConfigMap read by a legacy MetalLB: my-asn on line 10, peer-asn on line 11
const legacyPeers = `apiVersion: v1
kind: ConfigMap
metadata:
  name: config
  namespace: metallb-system
data:
  config: |
    peers:
    - peer-address: 10.0.0.1
      my-asn: 64500
      peer-asn: 64513
`;

ruleTester('bgppeer-asn-reserved', {
  valid: [
    { name: 'private 2-byte ASNs (eBGP)', files: { 'p.yaml': peer(64512, 64513) } },
    { name: 'private range edges 65534 and 4200000000', files: { 'p.yaml': peer(65534, 4200000000) } },
    { name: 'private 4-byte edge 4294967294 and iBGP', files: { 'p.yaml': peer(4294967294, 4294967294) } },
    { name: 'peerASN left unset with dynamicASN', files: { 'p.yaml': dynamicPeer } },
    { name: 'myASN 0 is a parse error bgppeer-invalid reports ("missing local ASN")', files: { 'p.yaml': peer(0, 64513) } },
    { name: 'a peer outside the MetalLB namespace is not MetalLB\'s', files: { 'p.yaml': peer(23456, 64513).replace('metallb-system', 'default') + '---\napiVersion: metallb.io/v1beta1\nkind: IPAddressPool\nmetadata:\n  name: a\n  namespace: metallb-system\nspec:\n  addresses: [10.1.0.0/24]\n' } },
    { name: 'a legacy ConfigMap without peers', files: { 'cm.yaml': LEGACY_CONFIGMAP } },
  ],
  invalid: [
    {
      name: 'peerASN AS_TRANS',
      files: { 'p.yaml': peer(64512, 23456) },
      errors: [{ line: 8, column: 12, severity: 'warning', message: /peerASN 23456 is AS_TRANS \(RFC 6793\)/ }],
    },
    {
      name: 'myASN 65535 and peerASN 4294967295 (RFC 7300)',
      files: { 'p.yaml': peer(65535, 4294967295) },
      errors: [
        { line: 7, column: 10, severity: 'warning', message: /myASN 65535 is the last 2-byte ASN, reserved \(RFC 7300\)/ },
        { line: 8, column: 12, severity: 'warning', message: /peerASN 4294967295 is the last 4-byte ASN, reserved \(RFC 7300\)/ },
      ],
    },
    {
      name: 'documentation ranges: 64496 and 65551 (RFC 5398)',
      files: { 'p.yaml': peer(64496, 65551) },
      errors: [
        { line: 7, column: 10, message: /myASN 64496 is in the documentation range 64496-64511 \(RFC 5398\)/ },
        { line: 8, column: 12, message: /peerASN 65551 is in the documentation range 65536-65551 \(RFC 5398\)/ },
      ],
    },
    {
      name: 'a reserved localASN',
      files: { 'p.yaml': peer(64512, 64513, 64511) },
      errors: [{ line: 10, column: 13, severity: 'warning', message: /localASN 64511 is in the documentation range/ }],
    },
    {
      name: 'the IANA-reserved block 65552-131071',
      files: { 'p.yaml': peer(64512, 131071) },
      errors: [{ line: 8, column: 12, severity: 'warning', message: /IANA-reserved range 65552-131071/ }],
    },
    {
      name: 'a public peer ASN: info, make sure the router expects it',
      files: { 'p.yaml': peer(64512, 3356) },
      errors: [{ line: 8, column: 12, severity: 'info', message: /peerASN 3356 is a public ASN: .*make sure the router expects it/ }],
    },
    {
      name: 'a public ASN on both sides (iBGP) is reported once, on myASN',
      files: { 'p.yaml': peer(13335, 13335) },
      errors: [{ line: 7, column: 10, severity: 'info', message: /myASN 13335 is a public ASN: .*make sure you own it/ }],
    },
    {
      name: 'a v1beta1 peer with a reserved myASN',
      files: { 'p.yaml': peer(23456, 64513, undefined, 'metallb.io/v1beta1') },
      errors: [{ line: 7, column: 10, message: /myASN 23456 is AS_TRANS/ }],
    },
    {
      name: 'a legacy ConfigMap peer is reported at its my-asn key',
      files: { 'cm.yaml': legacyPeers },
      errors: [{ line: 10, column: 15, message: /my-asn 64500 is in the documentation range 64496-64511/ }],
    },
  ],
});
