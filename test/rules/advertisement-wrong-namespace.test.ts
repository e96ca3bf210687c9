import { ruleTester } from '../helpers/rule-tester.js';

const obj = (kind: string, ns?: string) => `apiVersion: metallb.io/v1beta1
kind: ${kind}
metadata:
  name: x
${ns ? `  namespace: ${ns}\n` : ''}`;

const speaker = (ns: string) => `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: speaker
  namespace: ${ns}
  labels: { app: metallb, component: speaker }
spec:
  selector: { matchLabels: { app: metallb, component: speaker } }
  template:
    metadata:
      labels: { app: metallb, component: speaker }
    spec:
      containers:
      - name: speaker
        image: quay.io/metallb/speaker:v0.14.8
`;

ruleTester('advertisement-wrong-namespace', {
  valid: [
    { name: 'all in metallb-system', files: { 'a.yaml': obj('IPAddressPool', 'metallb-system') + '---\n' + obj('L2Advertisement', 'metallb-system') } },
    { name: 'no namespace: set at apply time', files: { 'a.yaml': obj('L2Advertisement') } },
    { name: 'MetalLB runs in another namespace, found from its speaker', files: { 'a.yaml': speaker('lb') + '---\n' + obj('L2Advertisement', 'lb') } },
    { name: 'MetalLB namespace given on the command line', files: { 'a.yaml': obj('BGPPeer', 'net') }, metallbNamespace: 'net' },
  ],
  invalid: [
    {
      name: 'an advertisement in default next to a pool in metallb-system',
      files: { 'a.yaml': obj('IPAddressPool', 'metallb-system') + '---\n' + obj('L2Advertisement', 'default') },
      errors: [{ line: 11, column: 14, message: /L2Advertisement "x" is in namespace "default", but MetalLB only reads namespace "metallb-system"/ }],
    },
    {
      name: 'configuration in metallb-system while MetalLB runs in lb',
      files: { 'a.yaml': speaker('lb') + '---\n' + obj('BGPPeer', 'metallb-system') + '---\n' + obj('Community', 'lb') },
      errors: [{ line: 21, column: 14, message: /BGPPeer "x" is in namespace "metallb-system", but MetalLB only reads namespace "lb"/ }],
    },
  ],
});
