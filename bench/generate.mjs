// Writes a realistic manifest set: MetalLB pools and advertisements, Services, Deployments,
// ConfigMaps, Nodes and Pods, about 400 bytes of YAML per object. Deterministic.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// Real manifests carry annotations (owners, change tickets, tooling); they make up the bulk here.
const annotations = (i) => `  annotations:
    example.com/owner: team-${i % 40}@example.com
    example.com/change: CHG-${100000 + i}
    example.com/description: generated object number ${i} of the benchmark set
`;

function object(i) {
  const a = (i >> 8) & 255;
  const b = i & 255;
  switch (i % 10) {
    case 0:
      return `apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata:
  name: pool-${i}
${annotations(i)}  namespace: metallb-system
  labels:
    tier: t${i % 7}
spec:
  addresses:
  - 10.${a}.${b}.0/28
  - 10.${a}.${b}.16-10.${a}.${b}.31
  - fd00:${a.toString(16)}:${b.toString(16)}::/120
  autoAssign: ${i % 3 === 0 ? 'false' : 'true'}
  avoidBuggyIPs: true
`;
    case 1:
      return `apiVersion: metallb.io/v1beta1
kind: L2Advertisement
metadata:
  name: l2-${i}
${annotations(i)}  namespace: metallb-system
spec:
  ipAddressPools:
  - pool-${i - 1}
  interfaces:
  - eth0
  nodeSelectors:
  - matchLabels:
      kubernetes.io/hostname: node-${i + 7}
`;
    case 2:
    case 3:
    case 4: {
      // the Service holds an address of the pool its annotation names
      const p = i - (i % 10);
      return `apiVersion: v1
kind: Service
metadata:
  name: svc-${i}
  namespace: team-${i % 40}
  labels:
    app: app-${i}
${annotations(i)}    metallb.io/address-pool: pool-${i - (i % 10)}
spec:
  type: LoadBalancer
  externalTrafficPolicy: ${i % 2 ? 'Local' : 'Cluster'}
  selector:
    app: app-${i}
  ports:
  - name: http
    port: 80
    targetPort: 8080
    protocol: TCP
status:
  loadBalancer:
    ingress:
    - ip: 10.${(p >> 8) & 255}.${p & 255}.${i % 10}
`;
    }
    case 5:
    case 6:
      return `apiVersion: v1
kind: ConfigMap
metadata:
  name: cm-${i}
${annotations(i)}  namespace: team-${i % 40}
data:
  settings.yaml: |
    level: info
    replicas: ${i % 5}
    endpoint: http://backend-${i}.team-${i % 40}.svc:8080
  feature: "enabled"
`;
    case 7:
      return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-${i}
${annotations(i)}  namespace: team-${i % 40}
spec:
  replicas: 2
  selector:
    matchLabels:
      app: app-${i}
  template:
    metadata:
      labels:
        app: app-${i}
    spec:
      containers:
      - name: app
        image: registry.example/app:${i % 97}
        ports:
        - containerPort: 8080
`;
    case 8:
      return `apiVersion: v1
kind: Node
metadata:
  name: node-${i}
${annotations(i)}  labels:
    kubernetes.io/hostname: node-${i}
    rack: r${i % 8}
status:
  addresses:
  - type: InternalIP
    address: 172.16.${a}.${b}
  conditions:
  - type: Ready
    status: "True"
`;
    default:
      return `apiVersion: v1
kind: Pod
metadata:
  name: app-${i}-abcde
${annotations(i)}  namespace: team-${i % 40}
  labels:
    app: app-${i}
spec:
  nodeName: node-${i % 50}
  containers:
  - name: app
    image: registry.example/app:${i % 97}
status:
  phase: Running
  podIP: 10.244.${a}.${b}
`;
  }
}

/** files: how many files to spread `count` objects over */
export function generate(dir, count, files) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const per = Math.ceil(count / files);
  let bytes = 0;
  for (let f = 0; f < files; f++) {
    const docs = [];
    for (let i = f * per; i < Math.min(count, (f + 1) * per); i++) docs.push(object(i));
    const text = docs.join('---\n');
    bytes += Buffer.byteLength(text);
    writeFileSync(join(dir, `objects-${String(f).padStart(5, '0')}.yaml`), text);
  }
  return bytes;
}
