import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ruleTester, runCase } from '../helpers/rule-tester.js';
import { ALL_KINDS, bundleJson, l2Advertisement, node } from '../helpers/cluster.js';
import { docs, pool } from '../helpers/services.js';
import { at, shift, controllerDeployment, controllerPod, metallbCrd, speakerDs, speakerPodState, warningEvent } from '../helpers/pods.js';

const speakers = docs(speakerDs(), speakerPodState('node-a'), speakerPodState('node-b'));
const base = docs(node('node-a'), node('node-b'), speakers, pool('lan', ['10.0.0.0/24']), l2Advertisement('lan'));
const bundle = (text: string, kinds = ALL_KINDS) => ({ 'bundle.json': bundleJson(kinds), 'resources/c.yaml': text });
const without = (...kinds: string[]) => ALL_KINDS.filter((k) => !kinds.includes(k));

const crashLoop = docs(
  base,
  controllerDeployment({ status: { replicas: 1, ready: 0 } }),
  controllerPod({ state: { waiting: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container=controller pod=controller-5c7d8b9f4d-k2x9p_metallb-system', restarts: 14, last: { reason: 'OOMKilled', exitCode: 137 } } }),
  warningEvent('Pod', 'controller-5c7d8b9f4d-k2x9p', 'BackOff', 'Back-off restarting failed container controller in pod controller-5c7d8b9f4d-k2x9p_metallb-system', 'metallb-system', 61),
);
const imagePull = docs(base, controllerDeployment(), controllerPod({ image: 'quay.io/metallb/controller:v0.15.99', state: { waiting: 'ImagePullBackOff', message: 'Back-off pulling image "quay.io/metallb/controller:v0.15.99"' } }));
const configError = docs(base, controllerDeployment(), controllerPod({ state: { waiting: 'CreateContainerConfigError', message: 'secret "metallb-webhook-cert" not found' } }));
const unschedulable = docs(base, controllerDeployment(), controllerPod({ unscheduled: { reason: 'Unschedulable', message: '0/2 nodes are available: 2 node(s) didn\'t match Pod\'s node affinity/selector.' } }));
const noDeployment = docs(base);
const crdOnly = docs(node('node-a'), metallbCrd(), pool('lan', ['10.0.0.0/24']));
const webhookOnly = docs(
  node('node-a'),
  `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata:
  name: metallb-webhook-configuration
webhooks:
- name: ipaddresspoolvalidationwebhook.metallb.io
  clientConfig: { service: { name: metallb-webhook-service, namespace: metallb-system } }
`,
);
const scaledDown = docs(base, controllerDeployment({ replicas: 0, status: { replicas: 0, ready: 0 } }));
const noPod = docs(base, controllerDeployment({ status: { replicas: 0, ready: 0, replicaFailure: 'pods "controller-5c7d8b9f4d-" is forbidden: error looking up service account metallb-system/controller: serviceaccount "controller" not found' } }));
const statusOnly = docs(base, controllerDeployment({ status: { replicas: 1, ready: 0 } }));
const rollout = docs(
  base,
  controllerDeployment(),
  controllerPod(),
  controllerPod({ name: 'controller-7f9c6d5b8-zq4m2', created: '2026-11-18T15:00:00Z', state: { waiting: 'CrashLoopBackOff', restarts: 3, last: { reason: 'Error', exitCode: 1 } } }),
);

ruleTester('controller-unavailable', {
  valid: [
    { name: 'healthy: the controller pod is ready', files: bundle(docs(base, controllerDeployment({ status: { replicas: 1, ready: 1 } }), controllerPod())) },
    { name: 'a rollout: the old pod is ready while the new one crash-loops', files: bundle(rollout) },
    { name: 'Pods not in the input, the Deployment reports a ready replica', files: bundle(docs(base, controllerDeployment({ status: { replicas: 1, ready: 1 } })), without('Pod')) },
    { name: 'Pods not in the input, the Deployment carries no status (a manifest)', files: bundle(docs(base, controllerDeployment()), without('Pod')) },
    { name: 'Deployments and Pods not captured', files: bundle(crashLoop, without('Deployment', 'Pod')) },
    { name: 'a snapshot of configuration alone: nothing shows that MetalLB runs', files: bundle(docs(node('node-a'), pool('lan', ['10.0.0.0/24']), l2Advertisement('lan'))) },
    { name: 'manifests without bundle.json: configuration only', files: { 'config.yaml': docs(pool('lan', ['10.0.0.0/24']), l2Advertisement('lan')) } },
    { name: 'another namespace holds a crashing pod labelled like the controller', files: bundle(docs(base, controllerDeployment(), controllerPod(), controllerPod({ name: 'controller-x', ns: 'other', labels: '{ app: other, component: controller }', state: { waiting: 'CrashLoopBackOff' } }))) },
  ],
  invalid: [
    {
      name: 'CrashLoopBackOff after OOMKilled, with restarts',
      files: bundle(crashLoop),
      errors: [
        {
          file: 'resources/c.yaml',
          ...at(crashLoop, 'kind: Pod\nmetadata:\n  name: controller-', 'waiting:', 'CrashLoopBackOff'),
          severity: 'critical',
          message: /^The MetalLB controller is not ready: pod controller-5c7d8b9f4d-k2x9p container controller: waiting CrashLoopBackOff \(back-off 5m0s .*\), 14 restarts, last terminated OOMKilled \(exit code 137\) at .*: MetalLB assigns no addresses/,
        },
      ],
    },
    {
      name: 'ImagePullBackOff',
      files: bundle(imagePull),
      errors: [{ file: 'resources/c.yaml', ...at(imagePull, 'name: controller-', 'waiting:', 'ImagePullBackOff'), severity: 'critical', message: /container controller: waiting ImagePullBackOff \(Back-off pulling image .*v0\.15\.99.*\), 0 restarts/ }],
    },
    {
      name: 'CreateContainerConfigError names the missing Secret',
      files: bundle(configError),
      errors: [{ file: 'resources/c.yaml', ...at(configError, 'name: controller-', 'waiting:', 'CreateContainerConfigError'), message: /waiting CreateContainerConfigError \(secret "metallb-webhook-cert" not found\)/ }],
    },
    {
      name: 'a pending pod no node accepts',
      files: bundle(unschedulable),
      errors: [{ file: 'resources/c.yaml', ...shift(at(unschedulable, 'name: controller-', '- type: PodScheduled')), message: /pod controller-5c7d8b9f4d-k2x9p not scheduled: Unschedulable \(0\/2 nodes are available/ }],
    },
    {
      name: 'the speaker runs but no controller Deployment exists',
      files: bundle(noDeployment),
      errors: [{ file: 'resources/c.yaml', ...at(noDeployment, 'kind: DaemonSet\nmetadata:\n  name: ', 'speaker'), severity: 'critical', message: /^MetalLB is installed \(the speaker DaemonSet metallb-system\/speaker\) but no controller Deployment exists: MetalLB assigns no addresses/ }],
    },
    {
      name: 'only the CRDs show MetalLB (a half-removed install)',
      files: bundle(crdOnly, [...ALL_KINDS, 'CustomResourceDefinition']),
      errors: [{ file: 'resources/c.yaml', ...at(crdOnly, 'kind: CustomResourceDefinition', 'ipaddresspools.metallb.io'), message: /^MetalLB is installed \(1 MetalLB CRD\(s\): ipaddresspools\.metallb\.io\) but no controller Deployment exists/ }],
    },
    {
      name: "only MetalLB's webhook configuration is left",
      files: bundle(webhookOnly, [...ALL_KINDS, 'ValidatingWebhookConfiguration']),
      errors: [{ file: 'resources/c.yaml', ...at(webhookOnly, 'kind: ValidatingWebhookConfiguration', 'name: ', 'metallb-webhook-configuration'), message: /^MetalLB is installed \(MetalLB's ValidatingWebhookConfiguration metallb-webhook-configuration\) but no controller Deployment exists/ }],
    },
    {
      name: 'scaled to zero',
      files: bundle(scaledDown),
      errors: [{ file: 'resources/c.yaml', ...at(scaledDown, 'kind: Deployment', 'replicas: ', '0'), message: /^The MetalLB controller Deployment metallb-system\/controller is scaled to 0 replicas/ }],
    },
    {
      name: 'the Deployment creates no pod (ReplicaFailure)',
      files: bundle(noPod),
      errors: [{ file: 'resources/c.yaml', ...shift(at(noPod, 'kind: Deployment', '- type: ReplicaFailure')), message: /has no pod \(ReplicaFailure FailedCreate: pods .* serviceaccount "controller" not found\)/ }],
    },
    {
      name: 'Pods not in the input: the Deployment reports no ready replica',
      files: bundle(statusOnly, without('Pod')),
      errors: [{ file: 'resources/c.yaml', ...shift(at(statusOnly, 'kind: Deployment', '- type: Available')), message: /has no ready replica \(Pods are not in the input/ }],
    },
    {
      name: 'Deployments not in the input: the controller pod alone shows the crash',
      files: bundle(crashLoop, without('Deployment')),
      errors: [{ file: 'resources/c.yaml', ...at(crashLoop, 'name: controller-', 'waiting:', 'CrashLoopBackOff'), message: /^The MetalLB controller is not ready: pod controller-5c7d8b9f4d-k2x9p/ }],
    },
  ],
});

test('controller-unavailable: the evidence quotes each pod, its events and the Deployment', async () => {
  const [f] = await runCase('controller-unavailable', { name: 'evidence', files: bundle(crashLoop) });
  assert.deepEqual(f!.evidence, [
    'controller-5c7d8b9f4d-k2x9p on node-a: Running, not ready; container controller: waiting CrashLoopBackOff (back-off 5m0s restarting failed container=controller pod=controller-5c7d8b9f4d-k2x9p_metallb-system), 14 restarts, last terminated OOMKilled (exit code 137) at 2026-11-18T15:02:11Z',
    'controller-5c7d8b9f4d-k2x9p: event BackOff (x61) at 2026-11-18T15:01:00Z: Back-off restarting failed container controller in pod controller-5c7d8b9f4d-k2x9p_metallb-system',
    'Deployment controller: 1 desired, 1 current, 0 ready, 0 available; Available=False (MinimumReplicasUnavailable)',
  ]);
  assert.match(f!.fix, /runs out of memory: raise its memory limit/);
  assert.deepEqual(
    f!.objects.map((o) => `${o.kind}/${o.name}`),
    ['Pod/controller-5c7d8b9f4d-k2x9p', 'Deployment/controller'],
  );
});
