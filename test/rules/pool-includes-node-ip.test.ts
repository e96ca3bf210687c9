import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ruleTester, runCase } from '../helpers/rule-tester.js';
import { ALL_KINDS, bundleJson, speakerDaemonSet } from '../helpers/cluster.js';
import { docs, pool, service } from '../helpers/services.js';
import { at, netNode } from '../helpers/network.js';

const nodes = docs(
  netNode('cp-1', { addresses: [['InternalIP', '192.168.1.10']] }),
  netNode('worker-1', { addresses: [['InternalIP', '192.168.1.11'], ['ExternalIP', '203.0.113.11']] }),
  netNode('worker-2', { addresses: [['InternalIP', '192.168.1.12'], ['ExternalIP', '203.0.113.12']] }),
);
const bundle = (text: string, captured = ALL_KINDS) => ({ 'bundle.json': bundleJson(captured), 'resources/c.yaml': text });
const lan = pool('lan', ['192.168.1.240-192.168.1.250']);

const wholeLan = docs(nodes, pool('lan', ['192.168.1.0/24']));
const external = docs(nodes, pool('public', ['198.51.100.0/28', '203.0.113.10-203.0.113.11'], '  autoAssign: false\n'));
const held = docs(nodes, pool('lan', ['192.168.1.8/29']), service('web', { spec: { loadBalancerIP: '192.168.1.12' }, status: ['192.168.1.12'] }));
const requested = docs(nodes, pool('lan', ['192.168.1.10-192.168.1.20']), service('db', { spec: { loadBalancerIP: '192.168.1.11' } }));
const overlapping = docs(nodes, pool('a', ['192.168.1.0/28']), pool('b', ['192.168.1.10/32']));

ruleTester('pool-includes-node-ip', {
  valid: [
    { name: 'healthy: the pool lies beside the node addresses', files: bundle(docs(nodes, lan)) },
    { name: 'Nodes not captured: absent is not none', files: bundle(docs(pool('lan', ['192.168.1.0/24'])), ALL_KINDS.filter((k) => k !== 'Node')) },
    { name: 'manifests only (lint): no Node in the input', files: { 'p.yaml': pool('lan', ['192.168.1.0/24']) } },
    {
      name: 'avoidBuggyIPs: a node address ending in .255 is never handed out',
      files: bundle(docs(netNode('n1', { addresses: [['InternalIP', '10.0.1.255']] }), pool('wide', ['10.0.0.0/23'], '  avoidBuggyIPs: true\n'))),
    },
    {
      name: 'a Hostname or InternalDNS address is a name, not an address',
      files: bundle(docs(netNode('n1', { addresses: [['InternalDNS', '192.168.1.245'], ['InternalIP', '192.168.1.5']] }), lan)),
    },
    {
      name: 'a pool outside MetalLB\'s namespace is invisible to MetalLB',
      files: bundle(docs(nodes, speakerDaemonSet(), pool('lan', ['192.168.1.0/24']).replace('namespace: metallb-system', 'namespace: default'))),
    },
    { name: 'a node without status.addresses', files: bundle(docs(netNode('n1'), pool('lan', ['192.168.1.0/24']))) },
  ],
  invalid: [
    {
      name: 'a CIDR that holds the whole LAN, node addresses included',
      files: bundle(wholeLan),
      errors: [
        {
          file: 'resources/c.yaml',
          ...at(wholeLan, '192.168.1.0/24'),
          severity: 'error',
          message: /^IPAddressPool "lan" entry "192\.168\.1\.0\/24" contains 3 Node addresses \(cp-1 InternalIP 192\.168\.1\.10, worker-1 InternalIP 192\.168\.1\.11, worker-2 InternalIP 192\.168\.1\.12\): MetalLB's allocator treats every address of the pool as free/,
        },
      ],
    },
    {
      name: 'a range holding an ExternalIP, in a pool with autoAssign false',
      files: bundle(external),
      errors: [{ file: 'resources/c.yaml', ...at(external, '203.0.113.10-203.0.113.11'), message: /entry "203\.0\.113\.10-203\.0\.113\.11" contains a Node's address \(worker-1 ExternalIP 203\.0\.113\.11\):.*to a Service that asks for it \(autoAssign is false\)/ }],
    },
    {
      name: 'a Service already holds the node address',
      files: bundle(held),
      errors: [{ file: 'resources/c.yaml', ...at(held, '192.168.1.8/29'), message: /contains 3 Node addresses.*MetalLB already gave 192\.168\.1\.12 to Service shop\/web, so ARP\/NDP replies or BGP routes for it compete with node worker-2 itself/ }],
    },
    {
      name: 'a pending Service asks for the node address',
      files: bundle(requested),
      errors: [{ file: 'resources/c.yaml', ...at(requested, '192.168.1.10-192.168.1.20'), message: /Service shop\/db asks for 192\.168\.1\.11 \(spec\.loadBalancerIP\), and MetalLB would give it the address of node worker-1$/ }],
    },
    {
      name: 'overlapping pools (pool-overlap\'s finding): each entry holding the address is reported',
      files: bundle(overlapping),
      errors: [
        { file: 'resources/c.yaml', ...at(overlapping, '192.168.1.0/28'), message: /Pool "a" entry "192\.168\.1\.0\/28" contains 3 Node addresses/ },
        { file: 'resources/c.yaml', ...at(overlapping, '192.168.1.10/32'), message: /Pool "b" entry "192\.168\.1\.10\/32" contains a Node's address \(cp-1 InternalIP 192\.168\.1\.10\)/ },
      ],
    },
  ],
});

test('pool-includes-node-ip: the evidence quotes the node addresses and the Service holding one', async () => {
  const [f] = await runCase('pool-includes-node-ip', { name: 'evidence', files: bundle(held) });
  assert.deepEqual(f!.evidence, [
    'Node cp-1: status.addresses InternalIP 192.168.1.10',
    'Node worker-1: status.addresses InternalIP 192.168.1.11',
    'Node worker-2: status.addresses InternalIP 192.168.1.12',
    'Service shop/web holds 192.168.1.12 (status.loadBalancer.ingress)',
    'MetalLB does not check pools against node addresses (a check added in v0.15.0 was reverted in v0.15.1)',
  ]);
  assert.match(f!.fix, /Then give Service shop\/web another address/);
});

test('pool-includes-node-ip: MetalLB v0.15.0 refuses the configuration, and the evidence says so', async () => {
  const [f] = await runCase('pool-includes-node-ip', { name: 'v0.15.0', files: bundle(docs(speakerDaemonSet({ tag: 'v0.15.0' }), wholeLan)) });
  assert.match(f!.evidence.at(-1)!, /^MetalLB v0\.15\.0 refuses the whole configuration for this/);
});
