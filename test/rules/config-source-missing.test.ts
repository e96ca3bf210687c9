import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ruleTester, runCase } from '../helpers/rule-tester.js';
import { ALL_KINDS, bundleJson, speakerDaemonSet } from '../helpers/cluster.js';
import { LEGACY_CONFIGMAP, metallbController } from '../helpers/manifests.js';
import { docs } from '../helpers/services.js';
import { at } from '../helpers/installation-config.js';

const legacy = (args?: string[]) => metallbController({ tag: 'v0.12.1', args });
const speaker = (args?: string[]) => speakerDaemonSet({ tag: 'v0.12.1', args });
const bundle = (text: string, captured = ALL_KINDS) => ({ 'bundle.json': bundleJson(captured), 'resources/c.yaml': text });
const named = (name: string) => LEGACY_CONFIGMAP.replace('  name: config\n', `  name: ${name}\n`);
// the configuration under another key: MetalLB reads only data.config
const wrongKey = LEGACY_CONFIGMAP.replace('  config: |\n', '  config.yaml: |\n');

const noMap = docs(legacy(), speaker());
const helmNoMap = docs(legacy(['--port=7472', '--config=metallb']), speaker(['--config=metallb']));
const helmWithConfig = docs(legacy(['--port=7472', '--config=metallb']), LEGACY_CONFIGMAP);
const wrongKeyText = docs(legacy(), wrongKey);

ruleTester('config-source-missing', {
  valid: [
    { name: 'v0.12.1 reads ConfigMap "config", which exists', files: bundle(docs(legacy(), speaker(), LEGACY_CONFIGMAP)) },
    { name: 'v0.12.1 reads --config=metallb, which exists', files: bundle(docs(legacy(['--config=metallb']), named('metallb'))) },
    { name: 'ConfigMaps not captured', files: bundle(noMap, ALL_KINDS.filter((k) => k !== 'ConfigMap')) },
    { name: 'MetalLB v0.13.12 reads CRDs, no ConfigMap', files: bundle(docs(metallbController({ tag: 'v0.13.12' }))) },
    { name: 'release unknown (image tag main)', files: bundle(docs(metallbController({ tag: 'main' }))) },
    { name: 'the ConfigMap applied without a namespace (kubectl -n)', files: bundle(docs(legacy(), LEGACY_CONFIGMAP.replace('  namespace: metallb-system\n', ''))) },
  ],
  invalid: [
    {
      name: 'v0.12.1 controller and speaker read the default "config", which does not exist',
      files: bundle(noMap),
      errors: [
        {
          file: 'resources/c.yaml',
          ...at(noMap, 'name: controller\n        image'),
          severity: 'critical',
          message:
            /^MetalLB v0\.12\.1 \(Deployment "controller" and DaemonSet "speaker"\) reads its configuration from ConfigMap "config" in namespace metallb-system, which does not exist: it logs "no MetalLB configuration in cluster"/,
        },
      ],
    },
    {
      name: 'Helm <= 0.12 without configInline: --config=metallb names a ConfigMap that was never created',
      files: bundle(helmNoMap),
      errors: [{ file: 'resources/c.yaml', ...at(helmNoMap, '--config=metallb'), message: /reads its configuration from ConfigMap "metallb" in namespace metallb-system, which does not exist/ }],
    },
    {
      name: 'the controller reads "metallb" while the configuration sits in "config"',
      files: bundle(helmWithConfig),
      errors: [{ file: 'resources/c.yaml', ...at(helmWithConfig, '--config=metallb'), message: /ConfigMap "metallb"/ }],
    },
    {
      name: 'the ConfigMap exists, but holds the configuration under "config.yaml"',
      files: bundle(wrongKeyText),
      errors: [
        {
          file: 'resources/c.yaml',
          ...at(wrongKeyText, 'address-pools:'),
          message: /^MetalLB v0\.12\.1 \(Deployment "controller"\) reads its configuration from the "config" key of ConfigMap "config", which has only the key "config\.yaml": MetalLB parses an empty configuration/,
        },
      ],
    },
  ],
});

test('config-source-missing: the fix names the ConfigMap that does hold a configuration', async () => {
  const [f] = await runCase('config-source-missing', { name: 'e', files: bundle(helmWithConfig) });
  assert.deepEqual(f!.evidence, [
    'Deployment "controller" runs with --config=metallb',
    'MetalLB v0.12.1, from the image of Deployment "controller": it reads a ConfigMap (CRDs came with v0.13)',
    'ConfigMaps in metallb-system with a "config" key: "config"',
  ]);
  assert.match(f!.fix, /^Point --config at the ConfigMap that holds the configuration \("config"\)/);
  const [g] = await runCase('config-source-missing', { name: 'both', files: bundle(noMap) });
  assert.equal(g!.objects.length, 2, 'the controller and the speaker both read it');
  assert.match(g!.fix, /kubectl create configmap config -n metallb-system --from-file=config=metallb-config\.yaml/);
});
