import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ruleTester, runCase } from '../helpers/rule-tester.js';
import { bgpAdvertisement, bgpPeer, bundleJson, l2Advertisement, speakerDaemonSet } from '../helpers/cluster.js';
import { docs, pool } from '../helpers/services.js';
import { at, everyKindBut, bundleOf, kubeProxyConfigMap, kubeProxyDaemonSet } from '../helpers/environment.js';

const lan = pool('lan', ['10.0.0.0/24']);
const base = (...more: string[]) => docs(speakerDaemonSet(), lan, l2Advertisement('lan'), kubeProxyDaemonSet(), ...more);
const bundle = (text: string, captured?: string) => ({ 'bundle.json': captured ?? bundleJson(), 'resources/c.yaml': text });

const strictFalse = base(kubeProxyConfigMap('mode: ipvs\nipvs:\n  scheduler: rr\n  strictARP: false\n'));
const noStrict = base(kubeProxyConfigMap('mode: ipvs\nipvs:\n  scheduler: rr\n'));
const noSection = base(kubeProxyConfigMap('mode: ipvs\n'));
const quoted = base(kubeProxyConfigMap('mode: ipvs\nipvs:\n  strictARP: "true"\n'));
// kube-proxy's ConfigMap as `snapshot` writes it: JSON, the configuration one escaped string
const json = JSON.stringify(
  {
    apiVersion: 'v1',
    kind: 'List',
    items: [
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'kube-proxy', namespace: 'kube-system' },
        data: { 'config.conf': 'apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: ipvs\nipvs:\n  strictARP: false\n' },
      },
    ],
  },
  null,
  2,
);

const CM = 'kind: ConfigMap\nmetadata:\n  name: kube-proxy';

ruleTester('kube-proxy-strict-arp', {
  valid: [
    { name: 'healthy: iptables mode', files: bundle(base(kubeProxyConfigMap('mode: iptables\nipvs:\n  strictARP: false\n'))) },
    { name: 'mode unset (iptables on Linux)', files: bundle(base(kubeProxyConfigMap('mode: ""\n'))) },
    { name: 'IPVS with strictARP: true', files: bundle(base(kubeProxyConfigMap('mode: ipvs\nipvs:\n  strictARP: true\n'))) },
    {
      name: 'IPVS without strictARP, but BGP only (no L2Advertisement)',
      files: bundle(docs(speakerDaemonSet(), lan, bgpPeer('router'), bgpAdvertisement('lan'), kubeProxyDaemonSet(), kubeProxyConfigMap('mode: ipvs\n'))),
    },
    { name: 'no kube-proxy ConfigMap (a kube-proxy-less cluster)', files: bundle(base()) },
    {
      name: 'a leftover ConfigMap: kube-proxy runs neither as a DaemonSet nor as pods',
      files: bundle(docs(speakerDaemonSet(), lan, l2Advertisement('lan'), kubeProxyConfigMap('mode: ipvs\n'))),
    },
    { name: 'config.conf that is not YAML', files: bundle(base(kubeProxyConfigMap('mode: [ipvs\n'))) },
    { name: 'config.conf of the wrong type', files: bundle(base('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kube-proxy\n  namespace: kube-system\ndata:\n  config.conf: [mode, ipvs]\n')) },
    { name: 'ConfigMaps not captured', files: bundle(strictFalse, bundleOf(everyKindBut('ConfigMap'))) },
    { name: 'a kube-proxy ConfigMap in another namespace', files: bundle(base(kubeProxyConfigMap('mode: ipvs\n').replace('namespace: kube-system', 'namespace: default'))) },
  ],
  invalid: [
    {
      name: 'strictARP: false: points at the value inside config.conf',
      files: bundle(strictFalse),
      errors: [
        {
          file: 'resources/c.yaml',
          ...at(strictFalse, CM, 'strictARP: false', 'strictARP: '.length),
          severity: 'error',
          message: /^kube-proxy runs in IPVS mode and ipvs\.strictARP is false: IPVS binds every LoadBalancer IP to the kube-ipvs0 interface of every node/,
        },
      ],
    },
    {
      name: 'an ipvs section without strictARP: points at ipvs',
      files: bundle(noStrict),
      errors: [{ file: 'resources/c.yaml', ...at(noStrict, CM, 'ipvs:'), message: /ipvs\.strictARP is not set \(kube-proxy's default is false\)/ }],
    },
    {
      name: 'no ipvs section: points at mode',
      files: bundle(noSection),
      errors: [{ file: 'resources/c.yaml', ...at(noSection, CM, 'mode: ipvs', 'mode: '.length), message: /strictARP is not set/ }],
    },
    {
      name: 'strictARP as a string',
      files: bundle(quoted),
      errors: [{ file: 'resources/c.yaml', ...at(quoted, CM, 'strictARP: "true"', 'strictARP: '.length), message: /ipvs\.strictARP is "true" \(not the boolean true\)/ }],
    },
    {
      name: 'a snapshot in JSON: points at data."config.conf"',
      files: { 'bundle.json': bundleJson(), 'resources/c.yaml': base(), 'resources/configmaps.json': json },
      errors: [{ file: 'resources/configmaps.json', ...at(json, '"data"', '"apiVersion: kube', 0), message: /ipvs\.strictARP is false/ }],
    },
    {
      name: 'DaemonSets and Pods not captured: kube-proxy may run',
      files: bundle(docs(speakerDaemonSet(), lan, l2Advertisement('lan'), kubeProxyConfigMap('mode: ipvs\n')), bundleOf(everyKindBut('DaemonSet', 'Pod'))),
      errors: [{ file: 'resources/c.yaml', ...at(docs(speakerDaemonSet(), lan, l2Advertisement('lan'), kubeProxyConfigMap('mode: ipvs\n')), CM, 'mode: ipvs', 6) }],
    },
  ],
});

test('kube-proxy-strict-arp: evidence quotes the mode, the advertisement and the DaemonSet; the fix restarts kube-proxy', async () => {
  const [f] = await runCase('kube-proxy-strict-arp', { name: 'evidence', files: bundle(strictFalse) });
  assert.deepEqual(f!.evidence, [
    'ConfigMap kube-system/kube-proxy, config.conf: mode: ipvs; ipvs.strictARP is false',
    'L2Advertisement "lan": MetalLB answers ARP for the Service IPs from one elected node',
    'DaemonSet kube-system/kube-proxy runs with --config=/var/lib/kube-proxy/config.conf; it reads config.conf only when it starts',
  ]);
  assert.match(f!.fix, /sed -e "s\/strictARP: false\/strictARP: true\/".*kubectl -n kube-system rollout restart daemonset kube-proxy/);
  assert.deepEqual(
    f!.objects.map((o) => `${o.kind} ${o.name}`),
    ['ConfigMap kube-proxy', 'L2Advertisement lan'],
  );
});
