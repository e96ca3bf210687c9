import { ruleTester } from '../helpers/rule-tester.js';
import { ipAddressPool, LEGACY_CONFIGMAP, metallbController } from '../helpers/manifests.js';

const controller = (tag: string) => metallbController({ tag });

const otherConfigMap = `apiVersion: v1
kind: ConfigMap
metadata:
  name: config
  namespace: metallb-system
data:
  config: |
    log-level: debug
`;

ruleTester('legacy-configmap-config', {
  valid: [
    { name: 'a legacy ConfigMap alone: MetalLB <= 0.12 reads it', files: { 'cm.yaml': LEGACY_CONFIGMAP } },
    { name: 'a legacy ConfigMap read by MetalLB v0.12.1', files: { 'cm.yaml': LEGACY_CONFIGMAP, 'c.yaml': controller('v0.12.1') } },
    { name: 'CRs with no legacy ConfigMap', files: { 'p.yaml': ipAddressPool('a', 'metallb-system', '10.0.0.0/24'), 'c.yaml': controller('v0.14.8') } },
    { name: 'a "config" ConfigMap that holds no pools or peers', files: { 'cm.yaml': otherConfigMap, 'c.yaml': controller('v0.14.8') } },
    {
      name: 'a legacy ConfigMap in another namespace',
      files: { 'cm.yaml': LEGACY_CONFIGMAP.replace('namespace: metallb-system', 'namespace: old'), 'p.yaml': ipAddressPool('a', 'metallb-system', '10.0.0.0/24') },
    },
  ],
  invalid: [
    {
      name: 'MetalLB v0.14.8 runs next to a legacy ConfigMap',
      files: { 'cm.yaml': LEGACY_CONFIGMAP, 'c.yaml': controller('v0.14.8') },
      errors: [
        {
          file: 'cm.yaml',
          line: 8,
          column: 5,
          severity: 'error',
          message: /ConfigMap "config" holds a pre-0\.13 MetalLB configuration .*MetalLB v0\.14\.8 reads its configuration from custom resources only.*MetalLB ignores this ConfigMap/,
        },
      ],
    },
    {
      name: 'no workloads, but CRs beside the ConfigMap',
      files: { 'cm.yaml': LEGACY_CONFIGMAP, 'p.yaml': ipAddressPool('a', 'metallb-system', '10.0.0.0/24') },
      errors: [{ file: 'cm.yaml', line: 8, column: 5, message: /MetalLB custom resources are present next to it, so MetalLB is v0\.13 or later/ }],
    },
    {
      name: 'MetalLB v0.13.12 and a ConfigMap without a namespace (applied with -n)',
      files: { 'cm.yaml': LEGACY_CONFIGMAP.replace('  namespace: metallb-system\n', ''), 'c.yaml': controller('v0.13.12') },
      errors: [{ file: 'cm.yaml', line: 7, column: 5, message: /MetalLB v0\.13\.12/ }],
    },
  ],
});
