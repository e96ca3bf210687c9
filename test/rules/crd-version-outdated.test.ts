import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ruleTester, runCase } from '../helpers/rule-tester.js';
import { ALL_KINDS } from '../helpers/cluster.js';
import { metallbController } from '../helpers/manifests.js';
import { docs } from '../helpers/services.js';
import { at, bundleWith, crd, releaseCRDs } from '../helpers/installation-config.js';

const controller = (tag: string) => metallbController({ tag });
const case_ = (workloads: string, crds: string[], captured?: string[]) => ({
  'bundle.json': bundleWith(captured),
  'resources/metallb.yaml': workloads,
  'resources/crds.yaml': docs(...crds),
});
const without = (list: string[], plural: string) => list.filter((c) => !c.includes(`name: ${plural}.metallb.io`));

const PEER_V1BETA2_0152 = ['myASN', 'peerASN', 'peerAddress', 'sourceAddress', 'peerPort', 'holdTime', 'keepaliveTime', 'connectTime', 'routerID', 'nodeSelectors', 'password', 'passwordSecret', 'bfdProfile', 'enableGracefulRestart', 'ebgpMultiHop', 'vrf', 'disableMP', 'dynamicASN', 'interface', 'dualStackAddressFamily'];
const L2_0152 = ['ipAddressPools', 'ipAddressPoolSelectors', 'nodeSelectors', 'interfaces'];
const POOL_SPEC = ['addresses', 'autoAssign', 'avoidBuggyIPs', 'serviceAllocation'];
const POOL_STATUS = ['assignedIPv4', 'assignedIPv6', 'availableIPv4', 'availableIPv6'];

/** The v0.15.2 CRDs, with schemas for bgppeers, l2advertisements and ipaddresspools as v0.15.2 writes them. */
function withSchemas(o: { l2?: string[]; peer?: string[]; poolStatus?: string[]; peerVersions?: { name: string; served?: boolean }[] } = {}): string[] {
  let list = releaseCRDs('0.15.2');
  for (const p of ['bgppeers', 'l2advertisements', 'ipaddresspools']) list = without(list, p);
  return [
    ...list,
    crd('bgppeers', (o.peerVersions ?? [{ name: 'v1beta1' }, { name: 'v1beta2' }]).map((v) => ({ ...v, spec: v.name === 'v1beta2' ? (o.peer ?? PEER_V1BETA2_0152) : ['myASN', 'peerASN', 'peerAddress'] }))),
    crd('l2advertisements', [{ name: 'v1beta1', spec: o.l2 ?? L2_0152, status: [] }]),
    crd('ipaddresspools', [{ name: 'v1beta1', spec: POOL_SPEC, status: o.poolStatus ?? POOL_STATUS }]),
  ];
}

const c152 = controller('v0.15.2');
const c161 = controller('v0.16.1');

// bgppeers that stopped at v1beta1 (a hand-made or third-party CRD)
const v1beta1Only = [...without(releaseCRDs('0.15.2'), 'bgppeers'), crd('bgppeers', [{ name: 'v1beta1' }])];
const v1beta2NotServed = [...without(releaseCRDs('0.15.2'), 'bgppeers'), crd('bgppeers', [{ name: 'v1beta1', storage: false }, { name: 'v1beta2', served: false, storage: true }])];
const l2Old = [...withSchemas(), crd('configurationstates')];
const poolStatusOld = withSchemas({ poolStatus: [] });
const peerOld = withSchemas({ peer: PEER_V1BETA2_0152.filter((f) => !['interface', 'dualStackAddressFamily', 'dynamicASN'].includes(f)) });

const crdsText = (crds: string[]) => docs(...crds);

ruleTester('crd-version-outdated', {
  valid: [
    { name: 'healthy: the v0.15.2 CRDs (captured without schemas)', files: case_(c152, releaseCRDs('0.15.2')) },
    { name: 'healthy: the v0.15.2 CRDs with their schemas', files: case_(c152, withSchemas()) },
    { name: 'CRDs newer than the release: v0.16 fields under v0.15.2', files: case_(c152, withSchemas({ l2: [...L2_0152, 'serviceSelectors'], peer: [...PEER_V1BETA2_0152, 'localASN'] })) },
    { name: 'CustomResourceDefinitions not captured', files: case_(c152, v1beta1Only, ALL_KINDS) },
    { name: 'release unknown (image tag main)', files: case_(controller('main'), v1beta1Only) },
    { name: 'legacy MetalLB v0.12.1', files: case_(controller('v0.12.1'), v1beta1Only) },
    { name: 'status CRDs missing together with a configuration CRD: crds-missing reports them', files: case_(controller('v0.15.3'), releaseCRDs('0.15.2', ['communities'])) },
    { name: 'v0.14.3 writes no ServiceL2Status yet', files: case_(controller('v0.14.3'), releaseCRDs('0.14.3')) },
    { name: 'a schema that keeps unknown fields drops nothing', files: case_(c152, withSchemas({ l2: [] }).map((c) => c.replace(/(          spec:\n            type: object\n)/, '$1            x-kubernetes-preserve-unknown-fields: true\n'))) },
  ],
  invalid: [
    {
      name: 'bgppeers serves only v1beta1',
      files: case_(c152, v1beta1Only),
      errors: [
        {
          file: 'resources/crds.yaml',
          ...at(crdsText(v1beta1Only), 'versions:', 'name: bgppeers.metallb.io'),
          severity: 'warning',
          message: /^CustomResourceDefinition bgppeers\.metallb\.io: it does not serve v1beta2, the API version MetalLB v0\.15\.2 reads BGPPeer objects in: its reconcilers cannot watch them/,
        },
      ],
    },
    {
      name: 'bgppeers lists v1beta2 but does not serve it',
      files: case_(c152, v1beta2NotServed),
      errors: [{ file: 'resources/crds.yaml', ...at(crdsText(v1beta2NotServed), 'false\n    storage: true', 'name: bgppeers.metallb.io'), message: /does not serve v1beta2/ }],
    },
    {
      name: 'L2Advertisement serviceSelectors and BGPPeer localASN missing under v0.16.1',
      files: case_(c161, l2Old),
      errors: [
        {
          file: 'resources/crds.yaml',
          ...at(crdsText(l2Old), 'properties:\n              myASN', 'name: v1beta2'),
          message: /^CustomResourceDefinition bgppeers\.metallb\.io: its schema lacks localASN \(v0\.16\.0\), which MetalLB v0\.16\.1 uses: the CRD is older than v0\.16\.0, and the API server silently drops unknown fields/,
        },
        {
          file: 'resources/crds.yaml',
          ...at(crdsText(l2Old), 'properties:\n              ipAddressPools', 'name: l2advertisements.metallb.io'),
          message: /^CustomResourceDefinition l2advertisements\.metallb\.io: its schema lacks serviceSelectors \(v0\.16\.0\)/,
        },
      ],
    },
    {
      name: 'IPAddressPool status counters missing under v0.15.2',
      files: case_(c152, poolStatusOld),
      errors: [{ file: 'resources/crds.yaml', ...at(crdsText(poolStatusOld), 'status:\n', 'name: ipaddresspools.metallb.io'), message: /ipaddresspools\.metallb\.io: its schema lacks status counters .* \(v0\.15\.0\)/ }],
    },
    {
      name: 'BGPPeer fields of v0.14.9 and v0.15.0 missing: older than v0.14.9',
      files: case_(c152, peerOld),
      errors: [{ file: 'resources/crds.yaml', ...at(crdsText(peerOld), 'properties:\n              myASN', 'name: v1beta2'), message: /lacks dynamicASN \(v0\.14\.9\), interface \(v0\.15\.0\), dualStackAddressFamily \(v0\.15\.0\), .*older than v0\.14\.9/ }],
    },
    {
      name: 'v0.15.3 runs on the v0.15.2 CRDs: ConfigurationState is missing',
      files: case_(controller('v0.15.3'), releaseCRDs('0.15.2')),
      errors: [
        {
          file: 'resources/metallb.yaml',
          ...at(controller('v0.15.3'), 'quay.io/metallb/controller'),
          message: /^The CustomResourceDefinition configurationstates\.metallb\.io is missing while the other MetalLB CRDs are installed: the CRDs are older than v0\.15\.3, but MetalLB v0\.15\.3 writes ConfigurationState objects/,
        },
      ],
    },
  ],
});

test('crd-version-outdated: evidence says what the CRD serves and lacks; the fix upgrades the CRDs', async () => {
  const [f] = await runCase('crd-version-outdated', { name: 'e', files: case_(c152, v1beta2NotServed) });
  assert.equal(f!.evidence[0], 'bgppeers.metallb.io serves v1beta1 (not served: v1beta2)');
  assert.equal(f!.evidence[1], 'MetalLB v0.15.2, from the image of Deployment "controller"');
  assert.match(f!.fix, /^Upgrade the CRDs of the running release: kubectl apply --server-side --force-conflicts -k 'github\.com\/metallb\/metallb\/config\/crd\?ref=v0\.15\.2'/);
  const [g] = await runCase('crd-version-outdated', { name: 'fields', files: case_(c152, peerOld) });
  assert.equal(g!.evidence[1], 'schema fields missing: dynamicASN (v0.14.9), interface (v0.15.0), dualStackAddressFamily (v0.15.0)');
});
