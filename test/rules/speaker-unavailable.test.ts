import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ruleTester, runCase } from '../helpers/rule-tester.js';
import { ALL_KINDS, bundleJson, l2Advertisement } from '../helpers/cluster.js';
import { docs, pool } from '../helpers/services.js';
import { at, controllerDeployment, controllerPod, nodeWith, speakerDs, speakerPodState, warningEvent } from '../helpers/pods.js';

const nodes = docs(nodeWith('node-a'), nodeWith('node-b'), nodeWith('node-c'), nodeWith('node-d'));
const config = docs(pool('lan', ['10.0.0.0/24']), l2Advertisement('lan'));
const controller = docs(controllerDeployment(), controllerPod());
const bundle = (text: string, kinds = ALL_KINDS) => ({ 'bundle.json': bundleJson(kinds), 'resources/c.yaml': text });
const without = (...kinds: string[]) => ALL_KINDS.filter((k) => !kinds.includes(k));
const cluster = (...speakerDocs: string[]) => docs(nodes, config, controller, ...speakerDocs);

const healthy = cluster(speakerDs(), ...['node-a', 'node-b', 'node-c', 'node-d'].map((n) => speakerPodState(n)));
const oneCrashing = cluster(
  speakerDs(),
  speakerPodState('node-a'),
  speakerPodState('node-b', { state: { waiting: 'CrashLoopBackOff', message: 'back-off 2m40s restarting failed container=speaker', restarts: 7, last: { reason: 'Error', exitCode: 1 } } }),
  speakerPodState('node-c'),
  speakerPodState('node-d'),
);
const mixed = cluster(
  speakerDs(),
  speakerPodState('node-a'),
  speakerPodState('node-b', { state: { waiting: 'CrashLoopBackOff', restarts: 7, last: { reason: 'Error', exitCode: 1 } } }),
  speakerPodState('node-c', { state: { waiting: 'CrashLoopBackOff', restarts: 5, last: { reason: 'Error', exitCode: 1 } } }),
  speakerPodState('node-d', { name: 'speaker-q8x7v', unscheduled: { reason: 'Unschedulable', message: "0/4 nodes are available: 1 node(s) didn't have free ports for the requested pod ports.", targetNode: 'node-d' } }),
);
const allDown = cluster(
  speakerDs(),
  ...['node-a', 'node-b', 'node-c', 'node-d'].map((n) => speakerPodState(n, { state: { waiting: 'ContainerCreating' } })),
  warningEvent('Pod', 'speaker-node-a', 'FailedMount', 'MountVolume.SetUp failed for volume "memberlist" : secret "memberlist" not found', 'metallb-system', 12),
);
const noDaemonSet = cluster();
const l2Status = `apiVersion: metallb.io/v1beta1
kind: ServiceL2Status
metadata:
  name: l2-9k2xv
  namespace: metallb-system
  labels: { metallb.io/node: node-a, metallb.io/service-name: web, metallb.io/service-namespace: shop }
status: { node: node-a, serviceName: web, serviceNamespace: shop }
`;
const statusLeft = docs(nodes, config, l2Status);
const windowsOnly = docs(
  nodeWith('win-1', { labels: { 'kubernetes.io/os': 'windows' } }),
  nodeWith('win-2', { labels: { 'kubernetes.io/os': 'windows' } }),
  config,
  controller,
  speakerDs({ nodeSelector: { 'kubernetes.io/os': 'linux' }, status: { desired: 0, ready: 0 } }),
);
const refused = cluster(
  speakerDs({ status: { desired: 4, ready: 0, current: 0 } }),
  warningEvent('DaemonSet', 'speaker', 'FailedCreate', 'Error creating: pods "speaker-7x2kq" is forbidden: violates PodSecurity "baseline:latest": host namespaces (hostNetwork=true)', 'metallb-system', 9),
);
const statusOnly = cluster(speakerDs({ status: { desired: 4, ready: 3 } }));
const rollout = cluster(
  speakerDs(),
  ...['node-a', 'node-b', 'node-c', 'node-d'].map((n) => speakerPodState(n)),
  speakerPodState('node-a', { name: 'speaker-old-a', deleting: true, ready: false, state: { running: true, ready: false } }),
);

ruleTester('speaker-unavailable', {
  valid: [
    { name: 'healthy: a ready speaker on every node', files: bundle(healthy) },
    { name: 'a rollout: a terminating pod next to a ready one on the same node', files: bundle(rollout) },
    { name: 'Pods not in the input, the DaemonSet reports every pod ready', files: bundle(cluster(speakerDs({ status: { desired: 4, ready: 4 } })), without('Pod')) },
    { name: 'Pods not in the input, the DaemonSet carries no status (a manifest)', files: bundle(cluster(speakerDs()), without('Pod')) },
    { name: 'DaemonSets and Pods not captured', files: bundle(oneCrashing, without('DaemonSet', 'Pod')) },
    { name: 'a snapshot of configuration alone: nothing shows that MetalLB runs', files: bundle(docs(nodes, config)) },
    { name: 'manifests without bundle.json: configuration only', files: { 'config.yaml': config } },
  ],
  invalid: [
    {
      name: 'one speaker crash-loops: error, at its container state',
      files: bundle(oneCrashing),
      errors: [
        {
          file: 'resources/c.yaml',
          ...at(oneCrashing, 'name: speaker-node-b', 'waiting:', 'CrashLoopBackOff'),
          severity: 'error',
          message: /^MetalLB speaker pod speaker-node-b on node-b is not ready: container speaker: waiting CrashLoopBackOff \(back-off 2m40s .*\), 7 restarts, last terminated Error \(exit code 1\) at .*; a speaker that does not run announces nothing from its node/,
        },
      ],
    },
    {
      name: 'three of four not ready for different reasons: one grouped finding',
      files: bundle(mixed),
      errors: [
        {
          file: 'resources/c.yaml',
          ...at(mixed, 'name: speaker-node-b', 'waiting:', 'CrashLoopBackOff'),
          severity: 'error',
          message: /^3 of 4 MetalLB speaker pods are not ready: 2 CrashLoopBackOff after Error \(node-b, node-c\), 1 Unschedulable \(node-d\); /,
        },
      ],
    },
    {
      name: 'no speaker is ready: critical',
      files: bundle(allDown),
      errors: [{ file: 'resources/c.yaml', ...at(allDown, 'name: speaker-node-a', 'waiting:', 'ContainerCreating'), severity: 'critical', message: /^4 of 4 MetalLB speaker pods are not ready: 4 ContainerCreating \(node-a, node-b, node-c, node-d\); no speaker is ready, so no node answers ARP\/NDP/ }],
    },
    {
      name: 'the controller runs but no speaker DaemonSet exists',
      files: bundle(noDaemonSet),
      errors: [{ file: 'resources/c.yaml', ...at(noDaemonSet, 'kind: Deployment\nmetadata:\n  name: ', 'controller'), severity: 'critical', message: /^MetalLB is installed \(the controller Deployment metallb-system\/controller\) but no speaker DaemonSet exists: no node answers ARP\/NDP/ }],
    },
    {
      name: 'only a status object MetalLB wrote shows it: no workload at all',
      files: bundle(statusLeft),
      errors: [{ file: 'resources/c.yaml', ...at(statusLeft, 'kind: ServiceL2Status', 'name: ', 'l2-9k2xv'), severity: 'critical', message: /^MetalLB is installed \(1 ServiceL2Status object\(s\), which only MetalLB writes\) but no speaker DaemonSet exists/ }],
    },
    {
      name: 'the DaemonSet schedules no pod: its nodeSelector matches no node',
      files: bundle(windowsOnly),
      errors: [
        {
          file: 'resources/c.yaml',
          ...at(windowsOnly, 'kind: DaemonSet', 'desiredNumberScheduled: ', '0'),
          severity: 'critical',
          message: /^The MetalLB speaker DaemonSet metallb-system\/speaker schedules no pod \(desiredNumberScheduled 0\): its nodeSelector kubernetes\.io\/os=linux does not match on 2 of 2 Node\(s\) \(win-1, win-2\): no node answers/,
        },
      ],
    },
    {
      name: 'the DaemonSet has no pod: creation refused (FailedCreate event)',
      files: bundle(refused),
      errors: [{ file: 'resources/c.yaml', ...at(refused, 'kind: DaemonSet\nmetadata:\n  name: ', 'speaker'), severity: 'critical', message: /^The MetalLB speaker DaemonSet metallb-system\/speaker has no pod \(FailedCreate: Error creating: .*violates PodSecurity/ }],
    },
    {
      name: 'Pods not in the input: the DaemonSet reports one pod not ready',
      files: bundle(statusOnly, without('Pod')),
      errors: [{ file: 'resources/c.yaml', ...at(statusOnly, 'kind: DaemonSet', 'numberReady: ', '3'), severity: 'error', message: /^1 of 4 MetalLB speaker pods of DaemonSet metallb-system\/speaker are not ready \(Pods are not in the input/ }],
    },
    {
      name: 'Pods not in the input: the DaemonSet reports no ready pod',
      files: bundle(cluster(speakerDs({ status: { desired: 4, ready: 0 } })), without('Pod')),
      errors: [{ file: 'resources/c.yaml', ...at(cluster(speakerDs({ status: { desired: 4, ready: 0 } })), 'kind: DaemonSet', 'numberReady: ', '0'), severity: 'critical', message: /^None of the 4 MetalLB speaker pods of DaemonSet metallb-system\/speaker is ready/ }],
    },
  ],
});

test('speaker-unavailable: every not-ready pod is a subject, and the evidence details each with its events', async () => {
  const [f] = await runCase('speaker-unavailable', { name: 'evidence', files: bundle(mixed) });
  assert.deepEqual(
    f!.objects.map((o) => `${o.name}:${o.line}`),
    [
      `speaker-node-b:${at(mixed, 'name: speaker-node-b', 'waiting:', 'CrashLoopBackOff').line}`,
      `speaker-node-c:${at(mixed, 'name: speaker-node-c', 'waiting:', 'CrashLoopBackOff').line}`,
      `speaker-q8x7v:${at(mixed, 'name: speaker-q8x7v', '- type: PodScheduled').line}`,
    ],
  );
  assert.deepEqual(f!.evidence, [
    'speaker-node-b on node-b: Running, not ready; container speaker: waiting CrashLoopBackOff, 7 restarts, last terminated Error (exit code 1) at 2026-11-18T15:02:11Z',
    'speaker-node-c on node-c: Running, not ready; container speaker: waiting CrashLoopBackOff, 5 restarts, last terminated Error (exit code 1) at 2026-11-18T15:02:11Z',
    "speaker-q8x7v (no node): Pending, not ready; not scheduled: Unschedulable (0/4 nodes are available: 1 node(s) didn't have free ports for the requested pod ports.)",
  ]);
  const [g] = await runCase('speaker-unavailable', { name: 'events', files: bundle(allDown) });
  assert.ok(g!.evidence.includes('speaker-node-a: event FailedMount (x12) at 2026-11-18T15:01:00Z: MountVolume.SetUp failed for volume "memberlist" : secret "memberlist" not found'));
  assert.match(g!.fix, /describe pod speaker-node-a.*FailedMount/);
});
