import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ruleTester, runCase } from '../helpers/rule-tester.js';
import { ALL_KINDS, bundleJson, node } from '../helpers/cluster.js';
import { LEGACY_CONFIGMAP, metallbController } from '../helpers/manifests.js';
import { docs } from '../helpers/services.js';
import { at, condition, configurationState } from '../helpers/installation-config.js';

const c = metallbController({ tag: 'v0.16.1' });
const nodes = docs(node('node-a'), node('node-b'));
const bundle = (text: string, captured = ALL_KINDS) => ({ 'bundle.json': bundleJson(captured), 'resources/c.yaml': text });

const overlap = 'configuration error: CIDR "10.0.0.0/24" in pool "b" overlaps with already defined CIDR "10.0.0.0/16"';
const bfd = 'configuration error: peer router referencing non existing bfd profile fast';
const handler = 'configuration error: general handler sync state error';

const valid = (o: { node?: string } = {}) => configurationState({ ...o, result: 'Valid', conditions: condition(o.node ? 'configReconcilerValid' : 'poolReconcilerValid', true) });
const controllerInvalid = configurationState({ result: 'Invalid', errorSummary: overlap, conditions: condition('poolReconcilerValid', false, overlap) });
const speakerInvalid = (n: string, text = bfd) => configurationState({ node: n, result: 'Invalid', errorSummary: text, conditions: condition('configReconcilerValid', false, text) });

const poolError = docs(c, nodes, controllerInvalid, valid({ node: 'node-a' }), valid({ node: 'node-b' }));
const bfdError = docs(c, nodes, valid(), speakerInvalid('node-a'), speakerInvalid('node-b'));
// result Invalid with only the condition (no errorSummary yet)
const conditionOnly = docs(c, nodes, configurationState({ node: 'node-a', result: 'Invalid', conditions: condition('configReconcilerValid', false, bfd) }));
const handlerError = docs(c, nodes, speakerInvalid('node-b', handler));

ruleTester('config-invalid', {
  valid: [
    { name: 'healthy: every ConfigurationState Valid', files: bundle(docs(c, nodes, valid(), valid({ node: 'node-a' }), valid({ node: 'node-b' }))) },
    { name: 'no conditions yet: result Unknown', files: bundle(docs(c, nodes, configurationState({ result: 'Unknown' }))) },
    {
      name: 'an API error (UnknownError) is not a rejected configuration',
      files: bundle(docs(c, nodes, configurationState({ node: 'node-a', result: 'Valid', conditions: condition('configReconcilerValid', false, 'failed to get secrets', 'UnknownError') }))),
    },
    { name: 'ConfigurationStates not captured', files: bundle(poolError, ALL_KINDS.filter((k) => k !== 'ConfigurationState')) },
    { name: 'the Invalid object of a removed node (v0.15.3 left them behind)', files: bundle(docs(c, nodes, speakerInvalid('node-gone'))) },
    { name: 'legacy MetalLB v0.12.1 has no ConfigurationState', files: bundle(docs(metallbController({ tag: 'v0.12.1' }), LEGACY_CONFIGMAP, controllerInvalid)) },
    { name: 'an Invalid object in another namespace is not MetalLB\'s', files: bundle(docs(c, nodes, controllerInvalid.replace('namespace: metallb-system', 'namespace: other'))) },
  ],
  invalid: [
    {
      name: "the controller's pool reconciler rejects overlapping pools",
      files: bundle(poolError),
      errors: [
        {
          file: 'resources/c.yaml',
          ...at(poolError, '"configuration error: CIDR'),
          severity: 'error',
          message:
            /^MetalLB rejected its configuration \(the controller\): "configuration error: CIDR "10\.0\.0\.0\/24" in pool "b" overlaps with already defined CIDR "10\.0\.0\.0\/16""\. The controller parses only pools, communities and namespaces/,
        },
      ],
    },
    {
      name: 'two speakers reject a peer that names a missing BFD profile: one finding',
      files: bundle(bfdError),
      errors: [
        {
          file: 'resources/c.yaml',
          ...at(bfdError, '"configuration error: peer router', 'name: speaker-node-a'),
          message: /^MetalLB rejected its configuration \(the speaker on node-a, the speaker on node-b\): "configuration error: peer router referencing non existing bfd profile fast"\. Each rejecting component keeps running on its last valid configuration/,
        },
      ],
    },
    {
      name: 'result Invalid and a failing condition, no errorSummary',
      files: bundle(conditionOnly),
      errors: [{ file: 'resources/c.yaml', ...at(conditionOnly, 'type: configReconcilerValid'), message: /\(the speaker on node-a\): "configuration error: peer router referencing non existing bfd profile fast"/ }],
    },
    {
      name: "the speaker's protocol handler refused the configuration",
      files: bundle(handlerError),
      errors: [{ file: 'resources/c.yaml', ...at(handlerError, '"configuration error: general'), message: /general handler sync state error.*its log says why/ }],
    },
  ],
});

test('config-invalid: evidence per object; the handler case points to the speaker log', async () => {
  const [f] = await runCase('config-invalid', { name: 'e', files: bundle(bfdError) });
  assert.deepEqual(f!.evidence, [
    'ConfigurationState "speaker-node-a": result Invalid; configReconcilerValid False (ConfigurationError), last reconciled 2026-11-20T10:00:00Z',
    'ConfigurationState "speaker-node-b": result Invalid; configReconcilerValid False (ConfigurationError), last reconciled 2026-11-20T10:00:00Z',
  ]);
  assert.equal(f!.objects.length, 2);
  const [g] = await runCase('config-invalid', { name: 'h', files: bundle(handlerError) });
  assert.match(g!.fix, /kubectl logs -n metallb-system <speaker pod> -c speaker/);
});

// --metrics: metallb_k8s_client_config_stale_bool, the only sign before v0.15.3
const old = metallbController({ tag: 'v0.14.9' });
const pod = (name: string, nodeName: string) => `apiVersion: v1
kind: Pod
metadata: { name: ${name}, namespace: metallb-system, labels: { app: metallb } }
spec: { nodeName: ${nodeName}, containers: [{ name: x, image: quay.io/metallb/speaker:v0.14.9 }] }
`;
const pods = docs(pod('controller-abc', 'node-a'), pod('speaker-a', 'node-a'), pod('speaker-b', 'node-b'));
const stale = (v: number) => `# TYPE metallb_k8s_client_config_stale_bool gauge\nmetallb_k8s_client_config_stale_bool ${v}\n`;
const withMetrics = (text: string, m: Record<string, string>) => ({ ...bundle(text), ...Object.fromEntries(Object.entries(m).map(([p, prom]) => [`metrics/metallb-system/${p}/7472.prom`, prom])) });

test('config-invalid from metrics: stale components get one finding, pointing at their pods', async () => {
  const found = await runCase('config-invalid', { name: 'stale', files: withMetrics(docs(old, nodes, pods), { 'controller-abc': stale(1), 'speaker-a': stale(0), 'speaker-b': stale(1) }) });
  assert.equal(found.length, 1);
  const f = found[0]!;
  assert.match(f.message, /^MetalLB could not load its latest configuration \(the controller, the speaker on node-b: metallb_k8s_client_config_stale_bool is 1\)/);
  assert.deepEqual(f.objects.map((o) => o.name), ['controller-abc', 'speaker-b']);
  assert.deepEqual(f.evidence, ['metallb-system/controller-abc, metrics port 7472: metallb_k8s_client_config_stale_bool 1', 'metallb-system/speaker-b, metrics port 7472: metallb_k8s_client_config_stale_bool 1']);
});

test('config-invalid from metrics: silent when fresh, and no second finding for what a ConfigurationState already says', async () => {
  assert.deepEqual(await runCase('config-invalid', { name: 'fresh', files: withMetrics(docs(old, nodes, pods), { 'controller-abc': stale(0), 'speaker-b': stale(0) }) }), []);
  const both = await runCase('config-invalid', { name: 'told', files: withMetrics(docs(c, nodes, pods, valid(), speakerInvalid('node-b'), valid({ node: 'node-a' })), { 'speaker-b': stale(1) }) });
  assert.equal(both.length, 1);
  assert.match(both[0]!.message, /^MetalLB rejected its configuration \(the speaker on node-b\)/);
});
