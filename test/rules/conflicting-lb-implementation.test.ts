import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ruleTester, runCase } from '../helpers/rule-tester.js';
import { l2Advertisement, speakerDaemonSet } from '../helpers/cluster.js';
import { docs, pool, service } from '../helpers/services.js';
import { at, bundleOf, controllerDeployment, everyKindBut } from '../helpers/environment.js';

const bundle = (text: string, captured = bundleOf()) => ({ 'bundle.json': captured, 'resources/c.yaml': text });
const metallb = (args: string[] = []) => docs(controllerDeployment({ args }), speakerDaemonSet({ args }), pool('lan', ['192.168.1.240-192.168.1.250']), l2Advertisement('lan'));
const web = service('web', { spec: { clusterIPs: '[10.96.0.10]' }, status: ['192.168.1.240'] });
// MetalLB v0.12.1 has no --lb-class: it takes every LoadBalancer Service
const oldMetallb = () => metallb().replaceAll(':v0.15.2', ':v0.12.1');
const classed = service('kv', { spec: { clusterIPs: '[10.96.0.11]', loadBalancerClass: 'kube-vip.io/kube-vip-class' } });

/** A workload of another project: kind, namespace, name, image, env (name=value) and args. */
function workload(kind: 'DaemonSet' | 'Deployment', ns: string, name: string, image: string, o: { env?: Record<string, string>; args?: string[]; labels?: string } = {}): string {
  const env = Object.entries(o.env ?? {});
  return `apiVersion: apps/v1
kind: ${kind}
metadata:
  name: ${name}
  namespace: ${ns}
  labels: ${o.labels ?? `{ app: ${name} }`}
spec:
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata:
      labels: { app: ${name} }
    spec:
      containers:
      - name: main
        image: ${image}
${o.args ? `        args: [${o.args.join(', ')}]\n` : ''}${env.length ? `        env:\n${env.map(([k, v]) => `        - { name: ${k}, value: "${v}" }\n`).join('')}` : ''}`;
}

const svclb = workload('DaemonSet', 'kube-system', 'svclb-web-7f3a2c1d', 'rancher/klipper-lb:v0.4.9', {
  labels: '{ svccontroller.k3s.cattle.io/svcname: web, svccontroller.k3s.cattle.io/svcnamespace: shop, svccontroller.k3s.cattle.io/nodeselector: "false" }',
});
const kubeVip = (env: Record<string, string>) => workload('DaemonSet', 'kube-system', 'kube-vip-ds', 'ghcr.io/kube-vip/kube-vip:v0.8.9', { env: { vip_arp: 'true', cp_enable: 'true', ...env } });
const kvcp = (env: Record<string, string> = {}) => workload('Deployment', 'kube-system', 'kube-vip-cloud-provider', 'ghcr.io/kube-vip/kube-vip-cloud-provider:v0.0.12', { env });
const kubevipConfigMap = `apiVersion: v1
kind: ConfigMap
metadata:
  name: kubevip
  namespace: kube-system
data:
  range-global: 192.168.1.200-192.168.1.220
`;
const ciliumConfig = (data: Record<string, string>) => `apiVersion: v1
kind: ConfigMap
metadata:
  name: cilium-config
  namespace: kube-system
data:
${Object.entries(data).map(([k, v]) => `  ${k}: "${v}"\n`).join('')}`;
const ciliumPool = (extra = '') => `apiVersion: cilium.io/v2alpha1
kind: CiliumLoadBalancerIPPool
metadata:
  name: lan-pool
spec:
  blocks:
  - cidr: 192.168.1.224/28
${extra}`;
const l2Policy = `apiVersion: cilium.io/v2alpha1
kind: CiliumL2AnnouncementPolicy
metadata:
  name: all-services
spec:
  loadBalancerIPs: true
  interfaces: ["^eth[0-9]+"]
`;
const openelbManager = workload('Deployment', 'openelb-system', 'openelb-manager', 'kubesphere/openelb:v0.5.1');
const eip = `apiVersion: network.kubesphere.io/v1alpha2
kind: Eip
metadata:
  name: eip-pool
  annotations: { eip.openelb.kubesphere.io/is-default-eip: "true" }
spec:
  address: 192.168.1.91-192.168.1.100
  protocol: layer2
  interface: eth0
`;
const openelbSvc = service('legacy', { spec: { clusterIPs: '[10.96.0.12]' }, annotations: { 'lb.kubesphere.io/v1alpha1': 'openelb' } });
const pureAllocator = (env: Record<string, string>) => workload('Deployment', 'purelb', 'allocator', 'registry.gitlab.com/purelb/purelb/allocator:v0.13.0', { env });
const serviceGroup = `apiVersion: purelb.io/v1
kind: ServiceGroup
metadata:
  name: default
  namespace: purelb
spec:
  local:
    subnet: 192.168.1.0/24
    pool: 192.168.1.100-192.168.1.109
`;
const hcloud = workload('Deployment', 'kube-system', 'hcloud-cloud-controller-manager', 'docker.io/hetznercloud/hcloud-cloud-controller-manager:v1.20.0', { args: ['--cloud-provider=hcloud'] });
const finalized = `apiVersion: v1
kind: Service
metadata:
  name: api
  namespace: shop
  finalizers: [service.kubernetes.io/load-balancer-cleanup]
spec:
  type: LoadBalancer
  clusterIPs: [10.96.0.13]
  ports:
  - port: 443
status:
  loadBalancer:
    ingress:
    - ip: 192.168.1.241
`;

const nameAt = (text: string, kindAndName: string) => at(text, kindAndName, 'name: ', 'name: '.length);

const k3s = docs(metallb(), web, svclb);
const vip = docs(metallb(), web, kubeVip({ svc_enable: 'true' }));
const oldMetallbVip = docs(oldMetallb(), web, classed, kubeVip({ svc_enable: 'true', lb_class_only: 'true' }));
const cloudProvider = docs(metallb(), web, kvcp(), kubevipConfigMap);
const onlyConfigMap = docs(metallb(), web, kubevipConfigMap);
const lbipam = docs(metallb(), web, ciliumPool(), ciliumConfig({ 'enable-l2-announcements': 'false' }));
const lbipamSelected = docs(metallb(), web, ciliumPool('  serviceSelector: { matchLabels: { io.kubernetes.service.namespace: other } }\n'));
const ciliumL2 = docs(metallb(), web, l2Policy, ciliumConfig({ 'enable-l2-announcements': 'true' }));
const ciliumL2NoConfig = docs(metallb(), web, l2Policy);
const openelb = docs(metallb(), web, openelbSvc, openelbManager, eip);
const openelbIdle = docs(metallb(), web, openelbManager, eip);
const purelb = docs(metallb(), web, pureAllocator({ DEFAULT_ANNOUNCER: 'PureLB' }), serviceGroup);
const purelbClassOnly = docs(metallb(), web, pureAllocator({}), serviceGroup);
const ccm = docs(metallb(), web, hcloud);
/** the cloud controller manager with --controllers=<list> (and a Service it finalized: it acts) */
const ccmWith = (list: string, acting = false) => docs(metallb(), web, ...(acting ? [finalized] : []), hcloud.replace('args: [--cloud-provider=hcloud]', `args: [--cloud-provider=hcloud, "--controllers=${list}"]`));
const ccmActing = docs(metallb(), web, finalized, hcloud);
const finalizerOnly = docs(metallb(), finalized);
const metallbClassed = docs(metallb(['--lb-class=metallb.io/metallb']), web, svclb);

ruleTester('conflicting-lb-implementation', {
  valid: [
    { name: 'healthy: MetalLB alone', files: bundle(docs(metallb(), web)) },
    { name: 'kube-vip for the control-plane VIP only (svc_enable unset)', files: bundle(docs(metallb(), web, kubeVip({}))) },
    { name: 'kube-vip with svc_enable=false', files: bundle(docs(metallb(), web, kubeVip({ svc_enable: 'false' }))) },
    { name: 'a leftover kubevip ConfigMap: Deployments and Pods captured, no cloud provider', files: bundle(onlyConfigMap) },
    { name: 'Cilium LB IPAM switched off', files: bundle(docs(metallb(), web, ciliumPool(), ciliumConfig({ 'enable-lb-ipam': 'false' }))) },
    { name: 'a disabled CiliumLoadBalancerIPPool', files: bundle(docs(metallb(), web, ciliumPool('  disabled: true\n'))) },
    { name: 'a CiliumL2AnnouncementPolicy while cilium-config keeps L2 announcements off', files: bundle(docs(metallb(), web, l2Policy, ciliumConfig({}))) },
    { name: 'a cloud controller manager without its service controller', files: bundle(docs(metallb(), web, hcloud.replace('args: [--cloud-provider=hcloud]', 'args: [--cloud-provider=hcloud, "--controllers=*,-service"]'))) },
    { name: 'a cloud controller manager without its service controller, by its canonical name', files: bundle(ccmWith('*,-service-lb-controller')) },
    { name: 'a cloud controller manager whose --controllers lists others and no "*"', files: bundle(ccmWith('cloud-node,cloud-node-lifecycle')) },
    {
      name: "vSphere's cloud controller: no load-balancer support",
      files: bundle(docs(metallb(), web, workload('DaemonSet', 'kube-system', 'vsphere-cloud-controller-manager', 'registry.k8s.io/cloud-pv-vsphere/cloud-provider-vsphere:v1.31.0'))),
    },
    { name: 'no MetalLB in the input', files: bundle(docs(web, svclb)) },
    {
      name: 'fields of the wrong type do not crash the rule',
      files: bundle(
        docs(
          metallb(),
          web,
          'apiVersion: cilium.io/v2alpha1\nkind: CiliumL2AnnouncementPolicy\nmetadata:\n  name: odd\nspec: 3\n',
          'apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: odd\n  namespace: kube-system\n  labels: x\nspec: { template: { spec: { containers: [7, { image: 5, env: x }] } } }\n',
          ciliumConfig({ 'enable-l2-announcements': 'false' }),
        ),
      ),
    },
  ],
  invalid: [
    {
      name: 'k3s ServiceLB fights over shop/web',
      files: bundle(k3s),
      errors: [
        {
          file: 'resources/c.yaml',
          ...nameAt(k3s, 'kind: DaemonSet\nmetadata:\n  name: svclb'),
          severity: 'error',
          message: /^k3s ServiceLB \(klipper-lb\) is active and handles LoadBalancer Services without a loadBalancerClass, as MetalLB does \(Services without a loadBalancerClass\): both serve Service shop\/web; /,
        },
      ],
    },
    {
      name: 'kube-vip in services mode without lb_class_only',
      files: bundle(vip),
      errors: [{ file: 'resources/c.yaml', ...nameAt(vip, 'kind: DaemonSet\nmetadata:\n  name: kube-vip-ds'), severity: 'error', message: /^kube-vip \(services mode\) is active .* announces the Service's IP by ARP or BGP/ }],
    },
    {
      name: 'kube-vip with lb_class_only: only its own class, info',
      files: bundle(docs(metallb(), web, classed, kubeVip({ svc_enable: 'true', lb_class_only: 'true' }))),
      errors: [
        {
          file: 'resources/c.yaml',
          ...nameAt(docs(metallb(), web, classed, kubeVip({ svc_enable: 'true', lb_class_only: 'true' })), 'kind: DaemonSet\nmetadata:\n  name: kube-vip-ds'),
          severity: 'info',
          message: /^kube-vip \(services mode\) runs next to MetalLB, but it handles only Services of class "kube-vip\.io\/kube-vip-class" and MetalLB handles Services without a loadBalancerClass: no Service is served by both$/,
        },
      ],
    },
    {
      name: 'kube-vip with lb_class_only next to MetalLB v0.12.1, which serves every class: both serve its Service',
      files: bundle(oldMetallbVip),
      errors: [
        {
          file: 'resources/c.yaml',
          ...nameAt(oldMetallbVip, 'kind: DaemonSet\nmetadata:\n  name: kube-vip-ds'),
          severity: 'error',
          message: /^kube-vip \(services mode\) is active and handles only Services of class "kube-vip\.io\/kube-vip-class", as MetalLB does \(every LoadBalancer Service, whatever its loadBalancerClass\): both serve Service shop\/kv;/,
        },
      ],
    },
    {
      name: 'kube-vip-cloud-provider assigns from its kubevip ConfigMap',
      files: bundle(cloudProvider),
      errors: [{ file: 'resources/c.yaml', ...nameAt(cloudProvider, 'kind: Deployment\nmetadata:\n  name: kube-vip-cloud-provider'), severity: 'error', message: /^kube-vip-cloud-provider is active/ }],
    },
    {
      name: 'kube-vip-cloud-provider with KUBEVIP_ENABLE_LOADBALANCERCLASS: info',
      files: bundle(docs(metallb(), web, kvcp({ KUBEVIP_ENABLE_LOADBALANCERCLASS: 'true' }))),
      errors: [{ file: 'resources/c.yaml', ...nameAt(docs(metallb(), web, kvcp({ KUBEVIP_ENABLE_LOADBALANCERCLASS: 'true' })), 'kind: Deployment\nmetadata:\n  name: kube-vip-cloud'), severity: 'info' }],
    },
    {
      name: 'only the kubevip ConfigMap, Deployments not captured: warning',
      files: bundle(onlyConfigMap, bundleOf(everyKindBut('Deployment'))),
      errors: [{ file: 'resources/c.yaml', ...at(onlyConfigMap, 'name: kubevip', 'data:'), severity: 'warning', message: /^kube-vip-cloud-provider may be active \(only traces of it are in the input\)/ }],
    },
    {
      name: 'Cilium LB IPAM with a pool for every Service',
      files: bundle(lbipam),
      errors: [{ file: 'resources/c.yaml', ...at(lbipam, 'kind: CiliumLoadBalancerIPPool', 'spec:'), severity: 'error', message: /^Cilium LB IPAM is active .* assigns it an address from a CiliumLoadBalancerIPPool/ }],
    },
    {
      name: "Cilium LB IPAM whose pools select another namespace's Services: info",
      files: bundle(lbipamSelected),
      errors: [{ file: 'resources/c.yaml', ...at(lbipamSelected, 'kind: CiliumLoadBalancerIPPool', 'spec:'), severity: 'info', message: /among them those its pools' serviceSelectors select/ }],
    },
    {
      name: 'Cilium L2 announcements on, a policy for every Service',
      files: bundle(ciliumL2),
      errors: [{ file: 'resources/c.yaml', ...at(ciliumL2, 'kind: CiliumL2AnnouncementPolicy', 'spec:'), severity: 'error', message: /^Cilium L2 announcements is active .* answers ARP for its IP/ }],
    },
    {
      name: 'a CiliumL2AnnouncementPolicy without cilium-config in the input: warning',
      files: bundle(ciliumL2NoConfig),
      errors: [{ file: 'resources/c.yaml', ...at(ciliumL2NoConfig, 'kind: CiliumL2AnnouncementPolicy', 'spec:'), severity: 'warning' }],
    },
    {
      name: 'OpenELB with a Service annotated for it',
      files: bundle(openelb),
      errors: [{ file: 'resources/c.yaml', ...nameAt(openelb, 'kind: Deployment\nmetadata:\n  name: openelb'), severity: 'error', message: /^OpenELB is active and handles only Services annotated lb\.kubesphere\.io\/v1alpha1: openelb, as MetalLB does .*both serve Service shop\/legacy/ }],
    },
    {
      name: 'OpenELB without annotated Services: info',
      files: bundle(openelbIdle),
      errors: [{ file: 'resources/c.yaml', ...nameAt(openelbIdle, 'kind: Deployment\nmetadata:\n  name: openelb'), severity: 'info' }],
    },
    {
      name: 'PureLB as the default announcer',
      files: bundle(purelb),
      errors: [{ file: 'resources/c.yaml', ...nameAt(purelb, 'kind: Deployment\nmetadata:\n  name: allocator'), severity: 'error', message: /^PureLB is active/ }],
    },
    {
      name: 'PureLB without DEFAULT_ANNOUNCER: info',
      files: bundle(purelbClassOnly),
      errors: [{ file: 'resources/c.yaml', ...nameAt(purelbClassOnly, 'kind: Deployment\nmetadata:\n  name: allocator'), severity: 'info', message: /only Services of class "purelb\.io\/purelb"/ }],
    },
    {
      name: 'a cloud controller manager, no Service shows it acting: warning',
      files: bundle(ccm),
      errors: [{ file: 'resources/c.yaml', ...nameAt(ccm, 'kind: Deployment\nmetadata:\n  name: hcloud'), severity: 'warning', message: /^A cloud controller manager may be active/ }],
    },
    {
      name: 'a cloud controller manager and a Service with its finalizer: error',
      files: bundle(ccmActing),
      errors: [{ file: 'resources/c.yaml', ...nameAt(ccmActing, 'kind: Deployment\nmetadata:\n  name: hcloud'), severity: 'error', message: /^A cloud controller manager is active .*both serve 2 Services shop\/web, shop\/api/ }],
    },
    {
      name: 'a cloud controller manager with --controllers=*,-route: its service controller still runs',
      files: bundle(ccmWith('*,-route', true)),
      errors: [{ file: 'resources/c.yaml', ...nameAt(ccmWith('*,-route', true), 'kind: Deployment\nmetadata:\n  name: hcloud'), severity: 'error', message: /^A cloud controller manager is active/ }],
    },
    {
      name: 'a cloud controller manager whose --controllers names service-lb-controller before "-service": the first entry decides',
      files: bundle(ccmWith('service-lb-controller,-service', true)),
      errors: [{ file: 'resources/c.yaml', ...nameAt(ccmWith('service-lb-controller,-service', true), 'kind: Deployment\nmetadata:\n  name: hcloud'), severity: 'error', message: /^A cloud controller manager is active/ }],
    },
    {
      name: 'only the cloud-provider finalizer on a Service: warning',
      files: bundle(finalizerOnly),
      errors: [{ file: 'resources/c.yaml', ...at(finalizerOnly, 'name: api', 'finalizers: ', 'finalizers: '.length), severity: 'warning', message: /^A cloud-provider service controller may be active/ }],
    },
    {
      name: 'MetalLB runs with --lb-class, ServiceLB handles the class-less Services: info',
      files: bundle(metallbClassed),
      errors: [
        {
          file: 'resources/c.yaml',
          ...nameAt(metallbClassed, 'kind: DaemonSet\nmetadata:\n  name: svclb'),
          severity: 'info',
          message: /but it handles LoadBalancer Services without a loadBalancerClass and MetalLB handles Services of class "metallb\.io\/metallb"/,
        },
      ],
    },
    {
      name: 'Services not captured: still a conflict',
      files: bundle(docs(metallb(), svclb), bundleOf(everyKindBut('Service'))),
      errors: [{ file: 'resources/c.yaml', ...nameAt(docs(metallb(), svclb), 'kind: DaemonSet\nmetadata:\n  name: svclb'), severity: 'error', message: /every LoadBalancer Service without a loadBalancerClass created from now on/ }],
    },
  ],
});

test('conflicting-lb-implementation: evidence names what was seen and the contested Services', async () => {
  const [f] = await runCase('conflicting-lb-implementation', { name: 'k3s', files: bundle(k3s) });
  assert.deepEqual(f!.evidence, [
    "1 svclb DaemonSet (svclb-web-7f3a2c1d): k3s's built-in service load balancer is on",
    'MetalLB handles Services without a loadBalancerClass (no --lb-class on Deployment "controller")',
    'Services both may serve: shop/web (DaemonSet kube-system/svclb-web-7f3a2c1d forwards its ports; status.loadBalancer 192.168.1.240)',
  ]);
  assert.match(f!.fix, /--disable=servicelb/);
  assert.deepEqual(
    f!.objects.map((o) => `${o.kind} ${o.name}`),
    ['DaemonSet svclb-web-7f3a2c1d', 'Service web'],
  );
  const [g] = await runCase('conflicting-lb-implementation', { name: 'ccm', files: bundle(ccmActing) });
  assert.ok(g!.evidence.includes('a cloud-provider service controller handles Services without a class: shop/api (finalizer service.kubernetes.io/load-balancer-cleanup)'), g!.evidence.join('\n'));
  const [h] = await runCase('conflicting-lb-implementation', { name: 'kvcp', files: bundle(cloudProvider) });
  assert.ok(h!.evidence.includes('ConfigMap kube-system/kubevip: range-global=192.168.1.200-192.168.1.220'));
});

/** A pod of kube-vip-cloud-provider, owned by its ReplicaSet (as the Deployment's pods are). */
const kvcpPod = `apiVersion: v1
kind: Pod
metadata:
  name: kube-vip-cloud-provider-6d4b9c7f8-x2x9p
  namespace: kube-system
  ownerReferences:
  - { apiVersion: apps/v1, kind: ReplicaSet, name: kube-vip-cloud-provider-6d4b9c7f8, uid: 1c2d3e4f-0000-4000-8000-000000000001, controller: true }
spec:
  containers:
  - name: main
    image: ghcr.io/kube-vip/kube-vip-cloud-provider:v0.0.12
`;

// Pods owned by a workload are read only when the workloads themselves were not captured.
ruleTester('conflicting-lb-implementation', {
  valid: [
    // its ReplicaSet's Deployment is captured and gone: a leftover pod says nothing beyond it
    { name: 'a workload-owned pod while Deployments and DaemonSets are captured', files: bundle(docs(metallb(), web, kvcpPod)) },
  ],
  invalid: [
    {
      name: 'the same pod while Deployments were not captured: the pod is all there is to see',
      files: bundle(docs(metallb(), web, kvcpPod), bundleOf(everyKindBut('Deployment'))),
      errors: [{ file: 'resources/c.yaml', ...at(docs(metallb(), web, kvcpPod), 'kind: Pod', 'kube-vip-cloud-provider-6d4b9c7f8-x2x9p'), severity: 'error', message: /^kube-vip-cloud-provider is active/ }],
    },
  ],
});
