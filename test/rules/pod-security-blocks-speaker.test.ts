import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ruleTester, runCase } from '../helpers/rule-tester.js';
import { docs, namespace } from '../helpers/services.js';
import { at, bundleOf, everyKindBut, failedCreateEvent, metallbNamespace, privilegedSpeaker } from '../helpers/environment.js';

const ENFORCE = 'pod-security.kubernetes.io/enforce';
const bundle = (text: string, captured = bundleOf()) => ({ 'bundle.json': captured, 'resources/c.yaml': text });
const enforceAt = (text: string) => at(text, 'kind: Namespace\nmetadata:\n  name: metallb-system', `${ENFORCE}: `, `${ENFORCE}: `.length);

const VIOLATION =
  'Error creating: pods "speaker-7xk2p" is forbidden: violates PodSecurity "baseline:latest": host namespaces (hostNetwork=true), hostPort (container "speaker" uses hostPorts 7472, 7946), non-default capabilities (container "speaker" must not include "NET_RAW" in securityContext.capabilities.add)';

const baselineBlocked = docs(metallbNamespace({ [ENFORCE]: 'baseline', 'pod-security.kubernetes.io/warn': 'baseline' }), privilegedSpeaker({ desired: 3, current: 1 }), failedCreateEvent(VIOLATION));
const restrictedLater = docs(metallbNamespace({ [ENFORCE]: 'restricted', 'pod-security.kubernetes.io/enforce-version': 'v1.29' }), privilegedSpeaker());
const typo = docs(metallbNamespace({ [ENFORCE]: 'Privileged' }), privilegedSpeaker());
const noWorkloads = docs(metallbNamespace({ [ENFORCE]: 'baseline' }));

ruleTester('pod-security-blocks-speaker', {
  valid: [
    {
      name: 'healthy: the namespace enforces privileged',
      files: bundle(docs(metallbNamespace({ [ENFORCE]: 'privileged', 'pod-security.kubernetes.io/audit': 'privileged', 'pod-security.kubernetes.io/warn': 'privileged' }), privilegedSpeaker())),
    },
    { name: 'no enforce label: the cluster default applies, warn only', files: bundle(docs(metallbNamespace({ 'pod-security.kubernetes.io/warn': 'restricted' }), privilegedSpeaker())) },
    { name: 'another namespace enforces baseline', files: bundle(docs(metallbNamespace({}), namespace('shop', `{ ${ENFORCE}: baseline }`), privilegedSpeaker())) },
    { name: "MetalLB's Namespace is not in the input", files: bundle(docs(namespace('shop', `{ ${ENFORCE}: baseline }`), privilegedSpeaker())) },
    { name: 'labels of the wrong type', files: bundle(docs('apiVersion: v1\nkind: Namespace\nmetadata:\n  name: metallb-system\n  labels: [a, b]\n', privilegedSpeaker())) },
    { name: 'Namespaces not captured', files: bundle(baselineBlocked, bundleOf(everyKindBut('Namespace'))) },
  ],
  invalid: [
    {
      name: 'baseline: two of three speaker pods refused, with the FailedCreate event',
      files: bundle(baselineBlocked),
      errors: [
        {
          file: 'resources/c.yaml',
          ...enforceAt(baselineBlocked),
          severity: 'error',
          message: /^Namespace metallb-system enforces Pod Security level "baseline": the API server refuses MetalLB's speaker pods, .*; 2 of 3 speaker pods do not exist$/,
        },
      ],
    },
    {
      name: 'restricted with a version label, the running pods predate it',
      files: bundle(restrictedLater),
      errors: [{ file: 'resources/c.yaml', ...enforceAt(restrictedLater), message: /^Namespace metallb-system enforces Pod Security level "restricted": .*never announce any Service$/ }],
    },
    {
      name: 'an unknown level is evaluated as restricted',
      files: bundle(typo),
      errors: [{ file: 'resources/c.yaml', ...enforceAt(typo), message: /level "restricted" \(its label says "Privileged", which is no level\)/ }],
    },
    {
      name: "without MetalLB's workloads in the input",
      files: bundle(noWorkloads, bundleOf(everyKindBut('DaemonSet', 'Deployment'))),
      errors: [{ file: 'resources/c.yaml', ...enforceAt(noWorkloads), message: /level "baseline"/ }],
    },
    {
      name: 'a Helm install in its own namespace',
      files: bundle(baselineBlocked.replaceAll('metallb-system', 'lb')),
      errors: [{ file: 'resources/c.yaml', ...at(baselineBlocked.replaceAll('metallb-system', 'lb'), 'name: lb', `${ENFORCE}: `, `${ENFORCE}: `.length), message: /^Namespace lb enforces/ }],
    },
  ],
});

test('pod-security-blocks-speaker: evidence names what baseline forbids, the DaemonSet counts and the event', async () => {
  const [f] = await runCase('pod-security-blocks-speaker', { name: 'evidence', files: bundle(baselineBlocked) });
  assert.equal(f!.evidence[0], `Namespace metallb-system: ${ENFORCE}="baseline"`);
  assert.equal(f!.evidence[1], `the speaker's pod template (DaemonSet "speaker") needs what baseline forbids: hostNetwork=true; capability NET_RAW; hostPorts 7472, 7946`);
  assert.equal(f!.evidence[2], 'DaemonSet speaker: 3 desired, 1 current, 1 ready');
  // the event line is src/model/pods.ts's eventText: only that it quotes the event is this rule's
  assert.match(f!.evidence[3]!, /FailedCreate.*Error creating: pods "speaker-7xk2p" is forbidden: violates PodSecurity "baseline:latest"/);
  assert.equal(f!.evidence[4], 'pod-security.kubernetes.io/warn="baseline" (warnings and audit annotations only)');
  assert.match(f!.fix, /^kubectl label namespace metallb-system pod-security\.kubernetes\.io\/enforce=privileged .* --overwrite/);
});

test('pod-security-blocks-speaker: a version label does not rescue the speaker; running pods are at risk', async () => {
  const [f] = await runCase('pod-security-blocks-speaker', { name: 'evidence', files: bundle(restrictedLater) });
  assert.match(f!.evidence[1]!, /enforce-version="v1\.29": the restricted level has forbidden host namespaces and added capabilities since v1\.0/);
  assert.match(f!.evidence[3]!, /3 desired, 3 current, 3 ready: the running pods predate the label .* the next speaker pod .* is refused/);
});
