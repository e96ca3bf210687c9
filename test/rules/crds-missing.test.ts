import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ruleTester, runCase } from '../helpers/rule-tester.js';
import { ALL_KINDS, l2Advertisement, speakerDaemonSet } from '../helpers/cluster.js';
import { metallbController } from '../helpers/manifests.js';
import { docs, namespace, pool } from '../helpers/services.js';
import { at, bundleWith, crd, releaseCRDs } from '../helpers/installation-config.js';

const controller = (tag: string) => metallbController({ tag });
const helmController = (tag: string) =>
  controller(tag).replace('  labels: { app: metallb, component: controller }\n', '  labels: { app: metallb, component: controller, app.kubernetes.io/managed-by: Helm }\n');
const case_ = (workloads: string, crds: string[], captured?: string[]) => ({
  'bundle.json': bundleWith(captured),
  'resources/metallb.yaml': workloads,
  'resources/crds.yaml': crds.length > 0 ? docs(...crds) : '[]\n',
});
const image = (text: string) => ({ file: 'resources/metallb.yaml', ...at(text, 'quay.io/metallb/') });

const c152 = controller('v0.15.2');
// frr-k8s mode: the speakers configure frr-k8s through FRRConfiguration objects
const frrK8s = docs(c152, speakerDaemonSet({ tag: 'v0.15.2', bgpType: 'frr-k8s' }));
const frrConfigurationCRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: frrconfigurations.frrk8s.metallb.io
spec:
  group: frrk8s.metallb.io
  scope: Namespaced
  names: { kind: FRRConfiguration, listKind: FRRConfigurationList, plural: frrconfigurations, singular: frrconfiguration }
  versions:
  - { name: v1beta1, served: true, storage: true }
`;

ruleTester('crds-missing', {
  valid: [
    { name: 'healthy: every CRD of v0.15.2 installed', files: case_(c152, releaseCRDs('0.15.2')) },
    { name: 'CustomResourceDefinitions not captured', files: case_(c152, [], ALL_KINDS) },
    { name: 'MetalLB absent: no workload and no MetalLB object', files: case_(namespace('shop'), [crd('bfdprofiles')]) },
    { name: 'legacy MetalLB v0.12.1 reads a ConfigMap and has no CRDs', files: case_(controller('v0.12.1'), []) },
    {
      name: 'the CRD list lacks ipaddresspools, but IPAddressPools read from the API prove it exists',
      files: case_(docs(c152, pool('lan', ['10.0.0.0/24'])), releaseCRDs('0.15.2', ['ipaddresspools'])),
    },
    { name: 'only status CRDs missing: an older release\'s CRDs (crd-version-outdated)', files: case_(c152, releaseCRDs('0.15.2', ['servicel2statuses', 'servicebgpstatuses'])) },
    { name: "frr-k8s mode with frr-k8s's FRRConfiguration CRD", files: case_(frrK8s, [...releaseCRDs('0.15.2'), frrConfigurationCRD]) },
    { name: 'native mode needs no FRRConfiguration CRD', files: case_(docs(c152, speakerDaemonSet({ tag: 'v0.15.2' })), releaseCRDs('0.15.2')) },
    { name: 'v0.14.3 needs no ServiceL2Status CRD (written from v0.14.6)', files: case_(controller('v0.14.3'), releaseCRDs('0.14.3')) },
    { name: 'v0.14.3 does not need the legacy AddressPool CRD', files: case_(controller('v0.14.3'), releaseCRDs('0.14.3', ['addresspools'])) },
  ],
  invalid: [
    {
      name: 'no MetalLB CRD at all under v0.15.2: core (critical) and the others (warning)',
      files: case_(c152, [crd('bfdprofiles').replace('bfdprofiles.metallb.io', 'bfdprofiles.example.com').replace('group: metallb.io', 'group: example.com')]),
      errors: [
        {
          ...image(c152),
          severity: 'critical',
          message:
            /^The CustomResourceDefinitions ipaddresspools\.metallb\.io, l2advertisements\.metallb\.io, bgpadvertisements\.metallb\.io are not installed: MetalLB v0\.15\.2 cannot watch IPAddressPool, L2Advertisement, BGPAdvertisement objects, so its controller and speakers never load a configuration/,
        },
        {
          ...image(c152),
          severity: 'warning',
          message:
            /^The CustomResourceDefinitions bgppeers\.metallb\.io, bfdprofiles\.metallb\.io, communities\.metallb\.io, servicel2statuses\.metallb\.io, servicebgpstatuses\.metallb\.io are not installed: .*\(and writes ServiceL2Status, ServiceBGPStatus objects\)/,
        },
      ],
    },
    {
      name: 'communities missing under v0.15.2',
      files: case_(c152, releaseCRDs('0.15.2', ['communities'])),
      errors: [{ ...image(c152), severity: 'warning', message: /^The CustomResourceDefinition communities\.metallb\.io is not installed: MetalLB v0\.15\.2 watches this kind, and its reconcilers cannot start/ }],
    },
    {
      name: "frr-k8s mode without frr-k8s's FRRConfiguration CRD",
      files: case_(frrK8s, releaseCRDs('0.15.2')),
      errors: [{ ...image(frrK8s), severity: 'warning', message: /^The CustomResourceDefinition frrconfigurations\.frrk8s\.metallb\.io is not installed: MetalLB v0\.15\.2 watches this kind, and its reconcilers cannot start/ }],
    },
    {
      name: 'v0.13.12 watches the legacy AddressPool',
      files: case_(controller('v0.13.12'), releaseCRDs('0.13', ['addresspools'])),
      errors: [{ ...image(controller('v0.13.12')), severity: 'warning', message: /^The CustomResourceDefinition addresspools\.metallb\.io is not installed: MetalLB v0\.13\.12/ }],
    },
    {
      name: 'a core CRD missing; the speaker is the only workload',
      files: case_(speakerDaemonSet({ tag: 'v0.15.2' }), releaseCRDs('0.15.2', ['bgpadvertisements'])),
      errors: [{ ...image(speakerDaemonSet({ tag: 'v0.15.2' })), severity: 'critical', message: /^The CustomResourceDefinition bgpadvertisements\.metallb\.io is not installed: MetalLB v0\.15\.2 cannot watch BGPAdvertisement objects/ }],
    },
    {
      name: 'no workload: the finding points at the first MetalLB object; unknown release: no status CRD counted',
      files: case_(l2Advertisement('lan'), releaseCRDs('0.15.2', ['ipaddresspools', 'servicel2statuses'])),
      errors: [{ file: 'resources/metallb.yaml', line: 1, column: 1, severity: 'critical', message: /^The CustomResourceDefinition ipaddresspools\.metallb\.io is not installed: MetalLB cannot watch IPAddressPool objects/ }],
    },
  ],
});

test('crds-missing: evidence lists what is missing and installed; the fix follows the installer', async () => {
  const [f] = await runCase('crds-missing', { name: 'manifests', files: case_(c152, releaseCRDs('0.15.2', ['communities'])) });
  assert.equal(f!.evidence[0], 'not installed: communities.metallb.io');
  assert.match(f!.evidence[1]!, /^installed CRDs of group metallb\.io: ipaddresspools\.metallb\.io, .*bfdprofiles\.metallb\.io/);
  assert.equal(f!.evidence[2], 'MetalLB v0.15.2, from the image of Deployment "controller"');
  assert.match(f!.fix, /kubectl apply --server-side -k 'github\.com\/metallb\/metallb\/config\/crd\?ref=v0\.15\.2'/);
  assert.match(f!.fix, /v0\.15\.2\/config\/manifests\/metallb-native\.yaml/);

  const [h] = await runCase('crds-missing', { name: 'helm', files: case_(helmController('v0.15.2'), releaseCRDs('0.15.2', ['communities'])) });
  assert.match(h!.fix, /^Install the CRDs with the chart: helm upgrade <release> metallb\/metallb -n metallb-system --version 0\.15\.2 --reuse-values --set crds\.enabled=true/);

  const [k] = await runCase('crds-missing', { name: 'frr-k8s', files: case_(frrK8s, releaseCRDs('0.15.2')) });
  assert.match(k!.fix, /metallb-frr-k8s\.yaml .* frrconfigurations\.frrk8s\.metallb\.io belongs to frr-k8s, .*: config\/manifests\/metallb-frr-k8s\.yaml of the release holds it/);
});
