import { ruleTester } from '../helpers/rule-tester.js';

const l2 = `apiVersion: metallb.io/v1beta1
kind: L2Advertisement
metadata:
  name: l2
  namespace: metallb-system
`;
const pool = `apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata:
  name: p
  namespace: metallb-system
spec:
  addresses: [10.0.0.0/24]
`;
const svc = `apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: default
spec:
  type: LoadBalancer
  ports: [{ port: 80 }]
`;

ruleTester('pool-missing', {
  valid: [
    { name: 'a pool and an advertisement', files: { 'm.yaml': pool + '---\n' + l2 } },
    { name: 'no MetalLB configuration at all: pools are not captured, so nothing is concluded', files: { 'svc.yaml': svc } },
    { name: 'the pool comes from the snapshot', from: { 'resources/p.yaml': pool }, files: { 'l2.yaml': l2 } },
  ],
  invalid: [
    {
      name: 'an advertisement without any pool',
      files: { 'l2.yaml': l2 },
      errors: [{ line: 1, column: 1, severity: 'critical', message: /no IPAddressPool in namespace "metallb-system"/ }],
    },
    {
      name: 'the only pool is in another namespace',
      files: { 'm.yaml': l2 + '---\n' + pool.replace('namespace: metallb-system', 'namespace: default') },
      errors: [{ line: 1, column: 1, message: /no IPAddressPool/ }],
    },
  ],
});
