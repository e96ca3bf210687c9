import { ruleTester } from '../helpers/rule-tester.js';

ruleTester('object-schema-invalid', {
  valid: [
    {
      name: 'well-formed MetalLB and core objects',
      files: {
        'ok.yaml': `apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata:
  name: tor
  namespace: metallb-system
spec:
  myASN: 64512
  peerASN: 64513
  peerAddress: 10.0.0.1
  peerPort: 16384
  holdTime: 1m30s
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: default
  annotations:
    metallb.io/address-pool: lan
spec:
  type: LoadBalancer
  ports:
  - port: 80
    targetPort: http
  someFutureField: true
`,
      },
    },
  ],
  invalid: [
    {
      name: 'a legacy ConfigMap: a pool without protocol, a mistyped key',
      files: {
        'config.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: config
  namespace: metallb-system
data:
  config: |
    address-pools:
    - name: default
      addresses:
      - 192.168.1.0/24
      auto-asign: false
`,
      },
      errors: [
        { line: 9, column: 7, message: /address pool "default" is missing the protocol field.*ConfigMap "config"/ },
        { line: 12, column: 19, message: /auto-asign.*auto-assign/ },
      ],
    },
    {
      name: 'a typo, a wrong type, an out-of-range value, a missing required field',
      files: {
        'bad.yaml': `apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata:
  name: p
  namespace: metallb-system
spec:
  adresses:
  - 10.0.0.0/24
  autoAssign: "false"
---
apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata:
  name: tor
  namespace: metallb-system
spec:
  myASN: 64512
  peerASN: 64513
  peerAddress: 10.0.0.1
  peerPort: 20000
`,
      },
      errors: [
        { line: 6, column: 1, message: /spec\.addresses.*Required value/ },
        { line: 7, column: 3, message: /unknown field "spec\.adresses".*addresses/ },
        { line: 9, column: 15, message: /spec\.autoAssign.*boolean/ },
        { line: 20, column: 13, message: /spec\.peerPort.*less than or equal to 16384/ },
      ],
    },
  ],
});

// What a cluster holds passed the API server: in a captured bundle only MetalLB's kinds are checked.
ruleTester('object-schema-invalid', {
  valid: [
    {
      name: 'a core object with a wrongly typed field, captured from a cluster (bundle.json)',
      files: {
        'bundle.json': JSON.stringify({ format: 'metallb-doctor-bundle/v1', metallbNamespace: 'metallb-system', captured: ['Service'], gaps: [] }),
        'resources/svc.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  ports: 80\n',
      },
    },
  ],
  invalid: [
    {
      name: 'the same object in a directory without bundle.json',
      files: { 'resources/svc.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  ports: 80\n' },
      errors: [{ file: 'resources/svc.yaml', line: 7, column: 10, message: /spec\.ports.*must be of type array/ }],
    },
    {
      name: 'a MetalLB object in a captured bundle is still checked',
      files: {
        'bundle.json': JSON.stringify({ format: 'metallb-doctor-bundle/v1', metallbNamespace: 'metallb-system', captured: ['IPAddressPool'], gaps: [] }),
        'resources/pool.yaml': 'apiVersion: metallb.io/v1beta1\nkind: IPAddressPool\nmetadata:\n  name: lan\n  namespace: metallb-system\nspec:\n  addresses: [10.0.0.0/24]\n  autoAssign: "yes"\n',
      },
      errors: [{ file: 'resources/pool.yaml', line: 8, column: 15, message: /autoAssign/ }],
    },
  ],
});
