import { ruleTester } from '../helpers/rule-tester.js';
import { ipAddressPool } from '../helpers/manifests.js';

const pools = ipAddressPool('lan', 'metallb-system', '192.168.10.0/24') + '---\n' + ipAddressPool('dmz', 'metallb-system', '192.168.20.0/24');
const ad = (kind: string, ns = 'metallb-system') => `apiVersion: metallb.io/v1beta1
kind: ${kind}
metadata:
  name: ads
  namespace: ${ns}
`;
const peer = `apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata:
  name: router
  namespace: metallb-system
spec:
  myASN: 64512
  peerASN: 64513
  peerAddress: 10.0.0.1
`;

ruleTester('advertisement-missing', {
  valid: [
    { name: 'an L2Advertisement', files: { 'a.yaml': pools + '---\n' + ad('L2Advertisement') } },
    { name: 'a BGPAdvertisement only', files: { 'a.yaml': pools + '---\n' + ad('BGPAdvertisement') } },
    { name: 'no pool: pool-missing speaks', files: { 'a.yaml': peer } },
    { name: 'the advertisement comes from the snapshot', from: { 'resources/l2.yaml': ad('L2Advertisement') }, files: { 'a.yaml': pools } },
    {
      name: 'a snapshot that did not capture advertisements: absent is not none',
      from: {
        'bundle.json': JSON.stringify({ format: 'metallb-doctor-bundle/v1', metallbNamespace: 'metallb-system', captured: ['IPAddressPool', 'Service'] }),
        'resources/pools.yaml': pools,
      },
      files: { 'svc.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: default\nspec:\n  type: LoadBalancer\n  ports: [{ port: 80 }]\n' },
    },
  ],
  invalid: [
    {
      name: 'pools and a peer, no advertisement',
      files: { 'a.yaml': pools + '---\n' + peer },
      errors: [{ line: 4, column: 9, severity: 'critical', message: /2 IPAddressPool\(s\) \("lan", "dmz"\) but no L2Advertisement and no BGPAdvertisement in namespace "metallb-system"/ }],
    },
    {
      name: 'the only advertisement is in another namespace',
      files: { 'a.yaml': ipAddressPool('lan', 'metallb-system', '192.168.10.0/24') + '---\n' + ad('L2Advertisement', 'default') },
      errors: [{ line: 4, column: 9, message: /1 IPAddressPool\(s\) \("lan"\) but no L2Advertisement and no BGPAdvertisement in namespace "metallb-system" \(L2Advertisement "ads" is in namespace "default", where MetalLB does not look\)/ }],
    },
  ],
});
