import { ruleTester } from '../helpers/rule-tester.js';

// spec fields start on line 7
const peer = (name: string, ...fields: string[]) => `apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata:
  name: ${name}
  namespace: metallb-system
spec:
${fields.map((f) => `  ${f}\n`).join("")}`;
const base = ["myASN: 64512", "peerASN: 64513", "peerAddress: 10.0.0.1"];
const secret = (name: string, type: string, key: string) => `apiVersion: v1
kind: Secret
metadata:
  name: ${name}
  namespace: metallb-system
type: ${type}
data:
  ${key}: c2VjcmV0
`;

ruleTester('bgppeer-password-invalid', {
  valid: [
    { name: 'a passwordSecret with no Secret captured: silent (absent is not none)', files: { 'p.yaml': peer('a', ...base, 'passwordSecret: {name: bgp-auth}') } },
    { name: 'a good basic-auth Secret', files: { 'p.yaml': peer('a', ...base, 'passwordSecret: {name: bgp-auth}') + '---\n' + secret('bgp-auth', 'kubernetes.io/basic-auth', 'password') } },
    { name: 'an inline password alone', files: { 'p.yaml': peer('a', ...base, 'password: s3cret') } },
  ],
  invalid: [
    {
      name: 'password and passwordSecret both set (runtime: the webhook blanks passwordSecret)',
      files: { 'p.yaml': peer('a', ...base, 'password: s3cret', 'passwordSecret:', '  name: bgp-auth') },
      errors: [{ line: 12, column: 11, message: /can not have both password and secret ref set in peer config "metallb-system"\/"a": accepted when applied, then MetalLB keeps its old configuration/ }],
    },
    {
      name: 'the Secret is missing among captured Secrets (transient)',
      files: { 'p.yaml': peer('a', ...base, 'passwordSecret: {name: bgp-auth}') + '---\n' + secret('other', 'kubernetes.io/basic-auth', 'password') },
      errors: [{ line: 10, column: 26, message: /secret ref not found for peer config.*until the Secret appears/ }],
    },
    {
      name: 'wrong type, and a Secret without a password key',
      files: {
        'p.yaml': peer('a', ...base, 'passwordSecret: {name: opaque}') + '---\n' + peer('b', 'myASN: 64512', 'peerASN: 64513', 'peerAddress: 10.0.0.2', 'passwordSecret: {name: nokey}'),
        's.yaml': secret('opaque', 'Opaque', 'password') + '---\n' + secret('nokey', 'kubernetes.io/basic-auth', 'username'),
      },
      errors: [
        { file: 'p.yaml', line: 10, column: 26, message: /secret type mismatch on "metallb-system"\/"opaque", type "kubernetes\.io\/basic-auth" is expected/ },
        { file: 'p.yaml', line: 21, column: 26, message: /password not specified in the secret "metallb-system"\/"nokey"/ },
      ],
    },
  ],
});
