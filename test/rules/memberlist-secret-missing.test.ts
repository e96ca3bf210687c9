import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ruleTester, runCase } from '../helpers/rule-tester.js';
import { ALL_KINDS, bundleJson } from '../helpers/cluster.js';
import { docs } from '../helpers/services.js';
import { at, controllerDeployment, controllerPod, nodeWith, secret, speakerDs, speakerPodState } from '../helpers/pods.js';

const bundle = (text: string, kinds = ALL_KINDS) => ({ 'bundle.json': bundleJson(kinds), 'resources/c.yaml': text });
const without = (...kinds: string[]) => ALL_KINDS.filter((k) => !kinds.includes(k));
const base = (controller = controllerDeployment()) => docs(nodeWith('node-a'), controller, controllerPod(), speakerPodState('node-a'), secret('metallb-webhook-cert', ['ca.crt', 'tls.crt', 'tls.key']));

const volumeMissing = docs(base(), speakerDs());
const envMissing = docs(base(), speakerDs({ secret: 'env', tag: 'v0.13.7' }));
const keyMissing = docs(base(), speakerDs(), secret('memberlist', ['key']));
const envKeyMissing = docs(base(), speakerDs({ secret: 'env', tag: 'v0.13.7' }), secret('memberlist', ['secret-key']));
const noKeyFile = docs(base(), speakerDs({ items: '[{ key: secretkey, path: ml-key }]' }), secret('memberlist'));
const itemKeyMissing = docs(base(), speakerDs({ items: '[{ key: mlkey, path: secretkey }]' }), secret('memberlist'));
const helmMismatch = docs(base(controllerDeployment({ mlSecretName: 'metallb-memberlist' })), speakerDs(), secret('metallb-memberlist'));
const noCreatorManifest = docs(controllerDeployment({ mlSecretName: null }), speakerDs(), secret('metallb-webhook-cert', ['ca.crt']));
const noCreator = docs(base(controllerDeployment({ mlSecretName: null })), speakerDs());

ruleTester('memberlist-secret-missing', {
  valid: [
    { name: 'healthy: the volume and the Secret with its key', files: bundle(docs(base(), speakerDs(), secret('memberlist'))) },
    { name: 'a v0.13 speaker: env from the Secret with its key', files: bundle(docs(base(), speakerDs({ secret: 'env', tag: 'v0.13.7' }), secret('memberlist'))) },
    { name: 'Helm naming: <fullname>-memberlist exists', files: bundle(docs(base(controllerDeployment({ mlSecretName: 'metallb-memberlist' })), speakerDs({ secretName: 'metallb-memberlist' }), secret('metallb-memberlist'))) },
    { name: 'memberlist disabled: no Secret referenced', files: bundle(docs(base(), speakerDs({ secret: 'none' }))) },
    { name: 'items project the key to the file secretkey', files: bundle(docs(base(), speakerDs({ items: '[{ key: other, path: secretkey }]' }), secret('memberlist', ['other']))) },
    { name: 'an optional env reference (memberlist only unencrypted)', files: bundle(docs(base(), speakerDs({ secret: 'env', tag: 'v0.13.7' }).replace('key: secretkey\n', 'key: secretkey\n              optional: true\n'))) },
    { name: "manifests as given (lint): the controller creates the Secret at its first start", files: { 'metallb.yaml': docs(controllerDeployment(), speakerDs(), secret('metallb-webhook-cert', ['ca.crt'])) } },
    { name: 'Secrets not captured', files: bundle(volumeMissing, without('Secret')) },
    { name: 'no speaker DaemonSet in the input', files: bundle(docs(base()), without('DaemonSet')) },
  ],
  invalid: [
    {
      name: 'the Secret volume names a Secret that does not exist',
      files: bundle(volumeMissing),
      errors: [
        {
          file: 'resources/c.yaml',
          ...at(volumeMissing, 'kind: DaemonSet', 'secretName: ', 'memberlist'),
          severity: 'error',
          message: /^The speaker DaemonSet metallb-system\/speaker mounts at \/etc\/ml_secret_key \(container speaker\) Secret "memberlist", which does not exist in metallb-system: the kubelet cannot mount the volume, so speaker pods stay in ContainerCreating \(FailedMount: secret "memberlist" not found\)/,
        },
      ],
    },
    {
      name: 'a v0.13 speaker reads METALLB_ML_SECRET_KEY from a missing Secret',
      files: bundle(envMissing),
      errors: [{ file: 'resources/c.yaml', ...at(envMissing, 'kind: DaemonSet', 'secretKeyRef:', 'name: ', 'memberlist'), message: /reads METALLB_ML_SECRET_KEY \(container speaker\) from Secret "memberlist", which does not exist .*CreateContainerConfigError: secret "memberlist" not found/ }],
    },
    {
      name: 'the Secret lacks the key secretkey: at its data',
      files: bundle(keyMissing),
      errors: [{ file: 'resources/c.yaml', ...at(keyMissing, 'kind: Secret\nmetadata:\n  name: memberlist', 'data:'), message: /^Secret "memberlist", which the speaker DaemonSet metallb-system\/speaker mounts as its memberlist key, has no key secretkey: the mounted directory has no file secretkey, so the speaker exits at start \("failed to read memberlist secret key file"\)/ }],
    },
    {
      name: 'env secretKeyRef to a key the Secret lacks',
      files: bundle(envKeyMissing),
      errors: [{ file: 'resources/c.yaml', ...at(envKeyMissing, 'kind: Secret\nmetadata:\n  name: memberlist', 'data:'), message: /has no key secretkey: the kubelet cannot start the container \(CreateContainerConfigError: couldn't find key secretkey in Secret metallb-system\/memberlist\)/ }],
    },
    {
      name: 'the volume items project no file named secretkey',
      files: bundle(noKeyFile),
      errors: [{ file: 'resources/c.yaml', ...at(noKeyFile, 'kind: Secret\nmetadata:\n  name: memberlist', 'data:'), message: /has no key projected to secretkey: the volume's items project no file named secretkey/ }],
    },
    {
      name: 'the volume items name a key the Secret lacks',
      files: bundle(itemKeyMissing),
      errors: [{ file: 'resources/c.yaml', ...at(itemKeyMissing, 'kind: Secret\nmetadata:\n  name: memberlist', 'data:'), message: /has no key mlkey: the kubelet cannot mount the volume, so speaker pods stay in ContainerCreating \(FailedMount: references non-existent secret key: mlkey\)/ }],
    },
    {
      name: 'the speaker and the controller disagree on the name',
      files: bundle(helmMismatch),
      errors: [{ file: 'resources/c.yaml', ...at(helmMismatch, 'kind: DaemonSet', 'secretName: ', 'memberlist'), message: /Secret "memberlist", which does not exist/ }],
    },
    {
      name: 'manifests as given whose controller does not create it',
      files: { 'metallb.yaml': noCreatorManifest },
      errors: [{ ...at(noCreatorManifest, 'kind: DaemonSet', 'secretName: ', 'memberlist'), message: /Secret "memberlist", which does not exist/ }],
    },
    {
      name: 'nothing creates the Secret',
      files: bundle(noCreator),
      errors: [{ file: 'resources/c.yaml', ...at(noCreator, 'kind: DaemonSet', 'secretName: ', 'memberlist'), message: /Secret "memberlist", which does not exist/ }],
    },
  ],
});

test('memberlist-secret-missing: the fix follows what the controller does about the Secret', async () => {
  const [restart] = await runCase('memberlist-secret-missing', { name: 'restart', files: bundle(volumeMissing) });
  assert.match(restart!.fix, /^Restart the controller so that it creates the Secret \(kubectl -n metallb-system rollout restart deployment\/controller\)/);
  assert.ok(restart!.evidence.includes('the controller controller is told to create Secret "memberlist" when it starts (ml-secret-name)'));
  const [names] = await runCase('memberlist-secret-missing', { name: 'names', files: bundle(helmMismatch) });
  assert.ok(names!.evidence.includes('the controller controller creates Secret "metallb-memberlist", not "memberlist": the names disagree'));
  const [create] = await runCase('memberlist-secret-missing', { name: 'create', files: bundle(noCreator) });
  assert.match(create!.fix, /^Create it: kubectl -n metallb-system create secret generic memberlist --from-literal=secretkey="\$\(openssl rand -base64 128\)"/);
});

test('memberlist-secret-missing: the evidence names the Secret keys, never a value', async () => {
  const [f] = await runCase('memberlist-secret-missing', { name: 'keys', files: bundle(keyMissing) });
  assert.deepEqual(f!.evidence, ['Secret metallb-system/memberlist keys: key (values are never read)', 'the speaker needs key secretkey as the file /etc/ml_secret_key/secretkey']);
  assert.deepEqual(
    f!.objects.map((o) => `${o.kind}/${o.name}`),
    ['Secret/memberlist', 'DaemonSet/speaker'],
  );
});
