import { ruleTester } from '../helpers/rule-tester.js';
import { metallbController } from '../helpers/manifests.js';

// spec fields start on line 7
const peer = (name: string, ...fields: string[]) => `apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata:
  name: ${name}
  namespace: metallb-system
spec:
${fields.map((f) => `  ${f}\n`).join("")}`;
const base = ["myASN: 64512", "peerASN: 64513", "peerAddress: 10.0.0.1"];

ruleTester('bgppeer-timers-invalid', {
  valid: [
    { name: 'hold 90s, keepalive 30s', files: { 'p.yaml': peer('a', ...base, 'holdTime: 90s', 'keepaliveTime: 30s') } },
    { name: 'keepalive alone on v1beta2: hold becomes 3 x keepalive', files: { 'p.yaml': peer('a', ...base, 'keepaliveTime: 30s') } },
    { name: 'hold 3.5s truncates to 3s; equal timers are allowed', files: { 'p.yaml': peer('a', ...base, 'holdTime: 3500ms', 'keepaliveTime: 3500ms') } },
    { name: 'MetalLB v0.14.8: holdTime 0s is 90s, so keepalive 30s fits', files: { 'p.yaml': peer('a', ...base, 'holdTime: 0s', 'keepaliveTime: 30s'), 'i.yaml': metallbController({ tag: 'v0.14.8' }) } },
  ],
  invalid: [
    {
      name: 'disableMP: the webhook lets the peer through on create (from v0.15.0), so it fails at runtime',
      files: { 'p.yaml': peer('a', ...base, 'disableMP: true', 'holdTime: 2s') },
      errors: [{ file: 'p.yaml', line: 11, column: 13, message: /invalid hold time "2s": must be 0 or >=3s: accepted when applied, then MetalLB keeps its old configuration \(the BGPPeer webhook lets a peer with disableMP/ }],
    },
    {
      name: 'disableMP on MetalLB v0.14.8: its webhook still validates the peer',
      files: { 'p.yaml': peer('a', ...base, 'disableMP: true', 'holdTime: 2s'), 'i.yaml': metallbController({ tag: 'v0.14.8' }) },
      errors: [{ file: 'p.yaml', line: 11, column: 13, message: /invalid hold time "2s": must be 0 or >=3s: rejected when applied \(by the webhook/ }],
    },
    {
      name: 'MetalLB v0.14.8: keepalive alone against the 90s default hold time',
      files: { 'p.yaml': peer('a', ...base, 'keepaliveTime: 100s'), 'i.yaml': metallbController({ tag: 'v0.14.8' }) },
      errors: [{ file: 'p.yaml', line: 10, column: 18, message: /invalid keepaliveTime "1m40s" must be smaller than holdtime "1m30s"/ }],
    },
    {
      name: 'hold time 2s',
      files: { 'p.yaml': peer('a', ...base, 'holdTime: 2s') },
      errors: [{ line: 10, column: 13, message: /^parsing peer a invalid BGPPeer timers: invalid hold time "2s": must be 0 or >=3s: rejected when applied/ }],
    },
    {
      name: 'keepalive above hold',
      files: { 'p.yaml': peer('a', ...base, 'holdTime: 30s', 'keepaliveTime: 1m') },
      errors: [{ line: 11, column: 18, message: /invalid keepaliveTime "1m0s", must be lower than holdTime "30s"/ }],
    },
    {
      name: 'v1beta1 keepalive alone: stored with holdTime 0s',
      files: { 'p.yaml': peer('a', ...base, 'keepaliveTime: 30s').replace('v1beta2', 'v1beta1') },
      errors: [{ line: 10, column: 18, message: /must be lower than holdTime "0s".*written as v1beta1 without holdTime/ }],
    },
  ],
});
