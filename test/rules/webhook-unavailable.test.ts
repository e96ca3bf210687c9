import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ruleTester, runCase } from '../helpers/rule-tester.js';
import { docs } from '../helpers/services.js';
import {
  at,
  bundleOf,
  controllerDeployment,
  controllerPod,
  everyKindBut,
  kubernetesSlice,
  networkPolicy,
  nodeWithIP,
  webhookConfiguration,
  webhookService,
  webhookSlice,
} from '../helpers/environment.js';

const bundle = (text: string, captured = bundleOf()) => ({ 'bundle.json': captured, 'resources/c.yaml': text });
const cluster = [kubernetesSlice(['192.168.1.10']), nodeWithIP('node-a', '192.168.1.10'), nodeWithIP('node-b', '192.168.1.11')];
const healthy = (...more: string[]) => docs(controllerDeployment(), controllerPod(), webhookService(), webhookSlice([true]), webhookConfiguration(), ...cluster, ...more);

const SVC = 'kind: Service\nmetadata:\n  name: metallb-webhook-service';
const selectorAt = (text: string) => at(text, SVC, 'selector: ', 'selector: '.length);
const npAt = (text: string, name: string, field: string) => at(text, `kind: NetworkPolicy\nmetadata:\n  name: ${name}`, `${field}: `, `${field}: `.length);

// the controller crash-loops: its endpoint is not ready
const crashing = docs(controllerDeployment({ ready: 0 }), controllerPod({ ready: false, waiting: 'CrashLoopBackOff' }), webhookService(), webhookSlice([false]), webhookConfiguration(), ...cluster);
// the Service's selector matches no pod
const typo = docs(controllerDeployment(), controllerPod(), webhookService({ selector: '{ component: controler }' }), webhookSlice([]), webhookConfiguration(), ...cluster);
const ignoring = docs(controllerDeployment({ ready: 0 }), controllerPod({ ready: false, waiting: 'CrashLoopBackOff' }), webhookService(), webhookSlice([false]), webhookConfiguration({ failurePolicy: 'Ignore' }), ...cluster);
const mixed = docs(controllerDeployment({ ready: 0 }), controllerPod({ ready: false, waiting: 'ImagePullBackOff' }), webhookService(), webhookSlice([false]), webhookConfiguration({ policies: ['Ignore', 'Fail', 'Ignore'] }), ...cluster);
const noService = docs(controllerDeployment(), controllerPod(), webhookConfiguration(), ...cluster);
const denyAll = healthy(networkPolicy('default-deny', '  podSelector: {}\n  policyTypes: [Ingress, Egress]\n'));
const fromMonitoring = healthy(
  networkPolicy('controller', '  podSelector: { matchLabels: { component: controller } }\n  ingress:\n  - from:\n    - namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: monitoring } }\n    ports:\n    - { protocol: TCP, port: 9443 }\n'),
);
const metricsOnly = healthy(
  networkPolicy('default-deny', '  podSelector: {}\n  policyTypes: [Ingress]\n'),
  networkPolicy('controller', '  podSelector: { matchLabels: { component: controller } }\n  policyTypes: [Ingress]\n  ingress:\n  - ports:\n    - { protocol: TCP, port: monitoring }\n'),
);
const emptyIngress = healthy(networkPolicy('lockdown', '  podSelector: { matchLabels: { app: metallb } }\n  ingress: []\n'));
// a snapshot without EndpointSlices: the Endpoints object says it
const endpointsOnly = docs(
  controllerDeployment({ ready: 0 }),
  controllerPod({ ready: false }),
  webhookService(),
  webhookConfiguration(),
  `apiVersion: v1
kind: Endpoints
metadata:
  name: metallb-webhook-service
  namespace: metallb-system
subsets:
- notReadyAddresses: [{ ip: 10.244.1.5 }]
  ports: [{ port: 9443 }]
`,
);
const noConfig = docs(controllerDeployment({ ready: 0 }), controllerPod({ ready: false, waiting: 'CrashLoopBackOff' }), webhookService(), webhookSlice([false]));

ruleTester('webhook-unavailable', {
  valid: [
    { name: 'healthy: a ready endpoint, no NetworkPolicy', files: bundle(healthy()) },
    {
      name: "MetalLB's Helm NetworkPolicies: default deny plus the controller's named webhook port without from",
      files: bundle(
        healthy(
          networkPolicy('default-deny', '  podSelector: {}\n  policyTypes: [Ingress, Egress]\n'),
          networkPolicy(
            'controller',
            '  podSelector: { matchLabels: { app: metallb, component: controller } }\n  egress:\n  - ports: [{ protocol: TCP, port: 6443 }]\n  ingress:\n  - ports:\n    - { protocol: TCP, port: metricshttps }\n    - { protocol: TCP, port: webhook-server }\n  policyTypes: [Egress, Ingress]\n',
          ),
        ),
      ),
    },
    { name: 'a port range that holds 9443', files: bundle(healthy(networkPolicy('range', '  podSelector: {}\n  ingress:\n  - ports: [{ port: 9000, endPort: 9500 }]\n'))) },
    {
      name: 'an ipBlock: the source address of the API server may be rewritten, not provably blocked',
      files: bundle(healthy(networkPolicy('cp', '  podSelector: {}\n  ingress:\n  - from: [{ ipBlock: { cidr: 10.0.0.0/8 } }]\n'))),
    },
    { name: "deny-all, but the controller runs on the API server's node", files: bundle(denyAll.replace('nodeName: node-b', 'nodeName: node-a')) },
    {
      name: 'deny-all, but the controller pod runs with hostNetwork: NetworkPolicy does not define what happens to it',
      files: bundle(denyAll.replace('spec:\n  nodeName: node-b', 'spec:\n  hostNetwork: true\n  nodeName: node-b')),
    },
    {
      name: "deny-all, Pods not captured, and the controller's template has hostNetwork",
      files: bundle(denyAll.replace('    spec:\n      containers:\n      - name: controller', '    spec:\n      hostNetwork: true\n      containers:\n      - name: controller'), bundleOf(everyKindBut('Pod'))),
    },
    {
      name: "OpenShift: a namespaceSelector on the host-network policy group (OVN-Kubernetes admits the API server by it)",
      files: bundle(fromMonitoring.replace('kubernetes.io/metadata.name: monitoring', 'policy-group.network.openshift.io/host-network: ""')),
    },
    {
      name: 'OpenShift: the host-network policy group by matchExpressions',
      files: bundle(fromMonitoring.replace('{ matchLabels: { kubernetes.io/metadata.name: monitoring } }', '{ matchExpressions: [{ key: policy-group.network.openshift.io/host-network, operator: Exists }] }')),
    },
    { name: 'an egress-only policy', files: bundle(healthy(networkPolicy('egress', '  podSelector: {}\n  policyTypes: [Egress]\n'))) },
    { name: 'a policy for other pods', files: bundle(healthy(networkPolicy('speaker', '  podSelector: { matchLabels: { component: speaker } }\n  policyTypes: [Ingress]\n'))) },
    { name: 'a deny-all policy in another namespace', files: bundle(healthy(networkPolicy('default-deny', '  podSelector: {}\n', 'shop'))) },
    { name: 'NetworkPolicies not captured', files: bundle(denyAll, bundleOf(everyKindBut('NetworkPolicy'))) },
    { name: 'the controller runs with --webhook-mode=disabled', files: bundle(crashing.replace('args: [--port=7472', 'args: [--port=7472, --webhook-mode=disabled')) },
    { name: 'EndpointSlices and Endpoints not captured', files: bundle(crashing, bundleOf(everyKindBut('EndpointSlice', 'Endpoints'))) },
    {
      name: 'no MetalLB webhook registered: the missing Service is not used',
      files: bundle(docs(controllerDeployment(), controllerPod(), webhookConfiguration().replaceAll('metallb.io', 'example.com'), ...cluster)),
    },
    {
      name: 'fields of the wrong type do not crash the rule',
      files: bundle(
        docs(
          controllerDeployment(),
          controllerPod(),
          webhookService(),
          webhookSlice([true]),
          'apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingWebhookConfiguration\nmetadata:\n  name: odd\nwebhooks: [{ name: x.metallb.io, clientConfig: { service: "svc" } }, 7]\n',
          networkPolicy('odd', '  podSelector: { matchLabels: { component: other } }\n  ingress: {}\n  policyTypes: Ingress\n'),
          ...cluster,
        ),
      ),
    },
    {
      name: "frr-k8s's webhook (group frrk8s.metallb.io) is not MetalLB's",
      files: bundle(
        healthy(
          webhookService({ name: 'frr-k8s-webhook-service', selector: '{ component: frr-k8s-webhook-server }' }),
          webhookSlice([false], 'frr-k8s-webhook-service'),
          `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata:
  name: frr-k8s-validating-webhook-configuration
webhooks:
- name: frrconfigurationsvalidationwebhook.metallb.io
  clientConfig:
    service: { name: frr-k8s-webhook-service, namespace: metallb-system, path: /validate-frrk8s-metallb-io-v1beta1-frrconfiguration }
  rules:
  - { apiGroups: [frrk8s.metallb.io], apiVersions: [v1beta1], operations: [CREATE, UPDATE], resources: [frrconfigurations] }
`,
        ),
      ),
    },
    { name: 'no webhook configuration in the input and no Service: nothing says a webhook is in use', files: bundle(noService, bundleOf(everyKindBut('ValidatingWebhookConfiguration'))) },
  ],
  invalid: [
    {
      name: 'the controller crash-loops: no ready endpoint',
      files: bundle(crashing),
      errors: [
        {
          file: 'resources/c.yaml',
          ...selectorAt(crashing),
          severity: 'error',
          message: /^MetalLB's webhook Service metallb-system\/metallb-webhook-service has no ready endpoint \(controller pod controller-5c7d8b9f4d-k2x9p is not ready\): the API server cannot call MetalLB's validating webhooks, so it rejects every create and update/,
        },
      ],
    },
    {
      name: "the Service's selector matches no pod",
      files: bundle(typo),
      errors: [{ file: 'resources/c.yaml', ...selectorAt(typo), message: /has no ready endpoint \(no pod matches its selector component=controler\)/ }],
    },
    {
      name: 'failurePolicy Ignore everywhere: changes pass unvalidated (warning)',
      files: bundle(ignoring),
      errors: [{ file: 'resources/c.yaml', ...selectorAt(ignoring), severity: 'warning', message: /every MetalLB webhook has failurePolicy Ignore, so the API server .* accepts changes to MetalLB's resources without validation/ }],
    },
    {
      name: 'one webhook with Fail among Ignore ones: error',
      files: bundle(mixed),
      errors: [{ file: 'resources/c.yaml', ...selectorAt(mixed), severity: 'error', message: /rejects every create and update/ }],
    },
    {
      name: 'the webhooks call a Service that does not exist',
      files: bundle(noService),
      errors: [
        {
          file: 'resources/c.yaml',
          ...at(noService, 'kind: ValidatingWebhookConfiguration', 'name: metallb-webhook-service', 'name: '.length),
          message: /^MetalLB's webhooks call Service metallb-system\/metallb-webhook-service, which does not exist/,
        },
      ],
    },
    {
      name: 'a default-deny NetworkPolicy isolates the controller',
      files: bundle(denyAll),
      errors: [
        {
          file: 'resources/c.yaml',
          ...npAt(denyAll, 'default-deny', 'policyTypes'),
          severity: 'error',
          message: /^NetworkPolicy default-deny in metallb-system isolates the controller pods for ingress and no policy admits the API server to the webhook port 9443\/TCP \(webhook-server\)/,
        },
      ],
    },
    {
      name: "deny-all, Pods not captured: the controller's template (without hostNetwork) is judged",
      files: bundle(denyAll, bundleOf(everyKindBut('Pod'))),
      errors: [{ file: 'resources/c.yaml', ...npAt(denyAll, 'default-deny', 'policyTypes'), message: /^NetworkPolicy default-deny in metallb-system isolates the controller pods/ }],
    },
    {
      name: 'ingress only from a namespace: the API server is not a pod',
      files: bundle(fromMonitoring),
      errors: [{ file: 'resources/c.yaml', ...at(fromMonitoring, 'kind: NetworkPolicy\nmetadata:\n  name: controller', 'ingress:'), message: /^NetworkPolicy controller in metallb-system isolates/ }],
    },
    {
      name: 'a named port that is not the webhook port, next to a default deny',
      files: bundle(metricsOnly),
      errors: [{ file: 'resources/c.yaml', ...npAt(metricsOnly, 'default-deny', 'policyTypes'), message: /^NetworkPolicy default-deny in metallb-system isolates/ }],
    },
    {
      name: 'no policyTypes and an empty ingress list: ingress is denied',
      files: bundle(emptyIngress),
      errors: [{ file: 'resources/c.yaml', ...npAt(emptyIngress, 'lockdown', 'ingress'), message: /^NetworkPolicy lockdown in metallb-system isolates/ }],
    },
    {
      name: 'Endpoints instead of EndpointSlices',
      files: bundle(endpointsOnly, bundleOf(everyKindBut('EndpointSlice'))),
      errors: [{ file: 'resources/c.yaml', ...selectorAt(endpointsOnly), message: /has no ready endpoint \(controller pod .* is not ready\)/ }],
    },
    {
      name: 'no webhook configuration in the input: the default Service, failurePolicy Fail assumed',
      files: bundle(noConfig, bundleOf(everyKindBut('ValidatingWebhookConfiguration'))),
      errors: [{ file: 'resources/c.yaml', ...selectorAt(noConfig), severity: 'error', message: /the API server cannot call MetalLB's validating webhooks/ }],
    },
  ],
});

test('webhook-unavailable: evidence for a crash-looping controller', async () => {
  const [f] = await runCase('webhook-unavailable', { name: 'evidence', files: bundle(crashing) });
  // the pod line is src/model/pods.ts's podDetail: only its start is this rule's
  assert.match(f!.evidence[2]!, /^pod controller-5c7d8b9f4d-k2x9p on node-b: Running, not ready; container controller: waiting CrashLoopBackOff/);
  assert.deepEqual([...f!.evidence.slice(0, 2), ...f!.evidence.slice(3, 5)], [
    'Service metallb-system/metallb-webhook-service: selector component=controller',
    'EndpointSlice metallb-webhook-service-9xw4c: 1 endpoint, 0 ready',
    'Deployment controller: 0 of 1 replicas ready',
    'ValidatingWebhookConfiguration "metallb-webhook-configuration": 3 MetalLB webhooks call Service metallb-system/metallb-webhook-service on port 443',
  ]);
  assert.equal(f!.evidence[5], 'failurePolicy Fail: ipaddresspoolvalidationwebhook.metallb.io, l2advertisementvalidationwebhook.metallb.io, bgppeersvalidationwebhook.metallb.io');
  assert.deepEqual(
    f!.objects.map((o) => `${o.kind} ${o.name}`),
    ['Service metallb-webhook-service', 'Pod controller-5c7d8b9f4d-k2x9p'],
  );
});

test('webhook-unavailable: Ignore webhooks are named in the evidence', async () => {
  const [f] = await runCase('webhook-unavailable', { name: 'mixed', files: bundle(mixed) });
  assert.ok(f!.evidence.includes('failurePolicy Ignore: ipaddresspoolvalidationwebhook.metallb.io, bgppeersvalidationwebhook.metallb.io (while the webhook is unreachable these changes bypass validation silently)'));
});

test('webhook-unavailable: the NetworkPolicy evidence says why each rule refuses', async () => {
  const [f] = await runCase('webhook-unavailable', { name: 'monitoring', files: bundle(fromMonitoring) });
  assert.equal(f!.evidence[0], 'controller pod controller-5c7d8b9f4d-k2x9p: webhook port 9443/TCP (webhook-server); the API server calls from 192.168.1.10 (node node-a)');
  assert.equal(f!.evidence[1], 'NetworkPolicy controller: rule 0: from admits only pods or namespaces (podSelector/namespaceSelector), and the API server is neither');
  const [g] = await runCase('webhook-unavailable', { name: 'metrics', files: bundle(metricsOnly) });
  assert.deepEqual(g!.evidence.slice(1, 3), [
    'NetworkPolicy default-deny selects the pod for ingress and has no ingress rule: it allows nothing',
    'NetworkPolicy controller: rule 0: ports monitoring/TCP do not include 9443/TCP',
  ]);
  assert.deepEqual(
    g!.objects.map((o) => `${o.kind} ${o.name}`),
    ['NetworkPolicy default-deny', 'NetworkPolicy controller'],
  );
});
