import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { allocate, type AllocationInput, type ServiceResult } from '../../src/model/allocator/index.js';
import type { KubeObject } from '../../src/sources/types.js';
import fc from 'fast-check';
import { familyForAddresses, familyForIPs, ipText } from '../../src/model/allocator/service-info.js';
import type { IP } from '../../src/model/address.js';

// ---- builders -------------------------------------------------------------------------------

interface PoolOpts {
  autoAssign?: boolean;
  avoidBuggyIPs?: boolean;
  allocateTo?: Record<string, unknown>;
}
function pool(name: string, addresses: string[], o: PoolOpts = {}): KubeObject {
  const spec: Record<string, unknown> = { addresses };
  if (o.autoAssign !== undefined) spec.autoAssign = o.autoAssign;
  if (o.avoidBuggyIPs !== undefined) spec.avoidBuggyIPs = o.avoidBuggyIPs;
  if (o.allocateTo) spec.serviceAllocation = o.allocateTo;
  return { apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', metadata: { name, namespace: 'metallb-system' }, spec };
}

interface SvcOpts {
  ns?: string;
  type?: string;
  clusterIPs?: string[];
  clusterIP?: string;
  policy?: string;
  ipFamilies?: string[];
  annotations?: Record<string, string>;
  labels?: Record<string, string>;
  lbIP?: string;
  status?: string[];
  ports?: { port: number; protocol?: string }[];
  etp?: 'Local' | 'Cluster';
  selector?: Record<string, string>;
  lbClass?: string;
}
function svc(name: string, o: SvcOpts = {}): KubeObject {
  const spec: Record<string, unknown> = {
    type: o.type ?? 'LoadBalancer',
    ports: o.ports ?? [{ port: 80, protocol: 'TCP' }],
  };
  if (o.clusterIP !== undefined) spec.clusterIP = o.clusterIP;
  else spec.clusterIPs = o.clusterIPs ?? ['10.96.0.10'];
  if (o.policy) spec.ipFamilyPolicy = o.policy;
  if (o.ipFamilies) spec.ipFamilies = o.ipFamilies;
  if (o.lbIP) spec.loadBalancerIP = o.lbIP;
  if (o.etp) spec.externalTrafficPolicy = o.etp;
  if (o.selector) spec.selector = o.selector;
  if (o.lbClass) spec.loadBalancerClass = o.lbClass;
  const obj: KubeObject = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: o.ns ?? 'default', annotations: o.annotations, labels: o.labels },
    spec,
  };
  if (o.status) obj.status = { loadBalancer: { ingress: o.status.map((ip) => ({ ip })) } };
  return obj;
}
function ns(name: string, labels: Record<string, string> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}

const DUAL = { clusterIPs: ['10.96.0.10', 'fd00:96::10'] };
const V6 = { clusterIPs: ['fd00:96::10'] };

/** Expected per Service (by name); unspecified fields are not checked. */
interface Expect {
  state: ServiceResult['state'];
  ips?: string[];
  pool?: string;
  reason?: string;
  message?: string;
  alternatives?: { pool: string; ips: string[] }[];
  events?: string[];
}
interface Case {
  name: string;
  input: AllocationInput;
  expect: Record<string, Expect>;
}

function check(c: Case): void {
  const out = allocate(c.input);
  for (const [name, exp] of Object.entries(c.expect)) {
    const r = out.services.find((s) => s.service.metadata.name === name);
    assert.ok(r, `no result for ${name}`);
    const got: Partial<Expect> = { state: r.state };
    if (exp.ips !== undefined) got.ips = r.ips;
    if (exp.pool !== undefined) got.pool = r.pool;
    if (exp.reason !== undefined) got.reason = r.reason;
    if (exp.message !== undefined) got.message = r.message;
    if (exp.alternatives !== undefined) got.alternatives = r.alternatives;
    if (exp.events !== undefined) got.events = r.events.map((e) => e.reason);
    assert.deepEqual(got, exp, `service ${name}`);
  }
}

const fail = (svcName: string, err: string, namespace = 'default') => `Failed to allocate IP for "${namespace}/${svcName}": ${err}`;

// ---- tables ---------------------------------------------------------------------------------

const basics: Case[] = [
  {
    name: 'network address is a candidate without avoidBuggyIPs',
    input: { pools: [pool('p', ['10.0.0.0/30'])], services: [svc('a')] },
    expect: { a: { state: 'allocated', ips: ['10.0.0.0'], pool: 'p', events: ['IPAllocated'] } },
  },
  {
    name: 'avoidBuggyIPs skips .0 and .255',
    input: { pools: [pool('p', ['10.0.0.255-10.0.1.2'], { avoidBuggyIPs: true })], services: [svc('a'), svc('b')] },
    expect: { a: { state: 'allocated', ips: ['10.0.1.1'] }, b: { state: 'allocated', ips: ['10.0.1.2'] } },
  },
  {
    name: 'first free ascending in addresses order, remaining Services by namespace/name',
    input: { pools: [pool('p', ['10.0.0.8/31', '10.0.0.1/32'])], services: [svc('c'), svc('b'), svc('a')] },
    expect: {
      a: { state: 'allocated', ips: ['10.0.0.8'] },
      b: { state: 'allocated', ips: ['10.0.0.9'] },
      c: { state: 'allocated', ips: ['10.0.0.1'] },
    },
  },
  {
    name: 'exhaustion: no available IPs',
    input: { pools: [pool('p', ['10.0.0.0/31'])], services: [svc('a'), svc('b'), svc('c')] },
    expect: {
      b: { state: 'allocated', ips: ['10.0.0.1'] },
      c: { state: 'pending', reason: 'AllocationFailed', message: fail('c', 'no available IPs'), events: ['AllocationFailed'] },
    },
  },
  {
    name: 'a /64 pool',
    input: { pools: [pool('v6', ['2001:db8:1::/64'])], services: [svc('a', V6), svc('b', V6)] },
    expect: { a: { state: 'allocated', ips: ['2001:db8:1::'] }, b: { state: 'allocated', ips: ['2001:db8:1::1'] } },
  },
  {
    name: 'IPv6 Service skips an IPv4-only pool',
    input: { pools: [pool('v4', ['10.0.0.0/24']), pool('v6', ['fd00::/120'])], services: [svc('a', V6)] },
    expect: { a: { state: 'allocated', ips: ['fd00::'], pool: 'v6' } },
  },
];

const classes: Case[] = [
  {
    name: 'class filter, non-LoadBalancer, no clusterIP',
    input: {
      pools: [pool('p', ['10.0.0.0/24'])],
      services: [svc('other', { lbClass: 'x' }), svc('cip', { type: 'ClusterIP' }), svc('headless', { clusterIP: '' }), svc('ok')],
    },
    expect: {
      other: { state: 'ignored', reason: 'otherLoadBalancerClass' },
      cip: { state: 'ignored', reason: 'notLoadBalancer' },
      headless: { state: 'pending', reason: 'noClusterIP' },
      ok: { state: 'allocated', ips: ['10.0.0.0'] },
    },
  },
  {
    name: '--lb-class set: only that class',
    input: { pools: [pool('p', ['10.0.0.0/24'])], services: [svc('mine', { lbClass: 'metallb' }), svc('plain')], lbClass: 'metallb' },
    expect: { mine: { state: 'allocated', ips: ['10.0.0.0'] }, plain: { state: 'ignored', reason: 'otherLoadBalancerClass' } },
  },
  {
    name: 'MetalLB before v0.13.0 (everyClass): a Service of any class is allocated, a ClusterIP one still ignored',
    input: { pools: [pool('p', ['10.0.0.0/24'])], services: [svc('other', { lbClass: 'x' }), svc('cip', { type: 'ClusterIP' })], everyClass: true },
    expect: { other: { state: 'allocated', ips: ['10.0.0.0'] }, cip: { state: 'ignored', reason: 'notLoadBalancer' } },
  },
  {
    name: 'no pools at all',
    input: { pools: [], services: [svc('a', { status: ['10.0.0.1'] })] },
    expect: { a: { state: 'pending', reason: 'noPools', ips: [] } },
  },
  {
    name: 'clusterIP fallback and a headless "None"',
    input: { pools: [pool('p', ['10.0.0.0/24'])], services: [svc('a', { clusterIP: '10.96.0.1' }), svc('n', { clusterIP: 'None' })] },
    expect: {
      a: { state: 'allocated', ips: ['10.0.0.0'] },
      n: { state: 'pending', reason: 'AllocationFailed', message: fail('n', 'IPFamilyForAddresses: Invalid address ["None"]') },
    },
  },
];

const dual: Case[] = [
  {
    name: 'RequireDualStack gets v4 then v6 from one pool',
    input: { pools: [pool('v4', ['10.0.0.0/24']), pool('ds', ['10.1.0.0/24', 'fd00::/120'])], services: [svc('a', { ...DUAL, policy: 'RequireDualStack' })] },
    expect: { a: { state: 'allocated', ips: ['10.1.0.0', 'fd00::'], pool: 'ds' } },
  },
  {
    name: 'RequireDualStack with one clusterIP',
    input: { pools: [pool('ds', ['10.1.0.0/24', 'fd00::/120'])], services: [svc('a', { policy: 'RequireDualStack' })] },
    expect: {
      a: {
        state: 'pending',
        reason: 'not enough clusterips',
        message: 'Service requires dual stack but not enough clusterips [10.96.0.10]',
      },
    },
  },
  {
    name: 'RequireDualStack without a dual pool',
    input: { pools: [pool('v4', ['10.0.0.0/24']), pool('v6', ['fd00::/120'])], services: [svc('a', { ...DUAL, policy: 'RequireDualStack' })] },
    expect: { a: { state: 'pending', message: fail('a', 'no available IPs') } },
  },
  {
    name: 'PreferDualStack falls back to the primary family (ipFamilies[0] = IPv6)',
    input: {
      pools: [pool('v4', ['10.0.0.0/24']), pool('v6', ['fd00::/120'])],
      services: [svc('a', { ...DUAL, policy: 'PreferDualStack', ipFamilies: ['IPv6', 'IPv4'] }), svc('b', { ...DUAL, policy: 'PreferDualStack' })],
    },
    expect: { a: { state: 'allocated', ips: ['fd00::'], pool: 'v6' }, b: { state: 'allocated', ips: ['10.0.0.0'], pool: 'v4' } },
  },
  {
    name: 'pool annotation, dual Service, single-family pool',
    input: {
      pools: [pool('v4', ['10.0.0.0/24'])],
      services: [svc('a', { ...DUAL, policy: 'RequireDualStack', annotations: { 'metallb.io/address-pool': 'v4' } })],
    },
    expect: { a: { state: 'pending', message: fail('a', 'no available IPs in pool v4 for dual IPFamily') } },
  },
  {
    // source, not spec: selectIPsForFamilyAndPolicy hands back a nil IP for a single-family Service
    name: 'pool annotation, IPv4 Service, IPv6-only pool',
    input: { pools: [pool('v6', ['fd00::/120'])], services: [svc('a', { annotations: { 'metallb.io/address-pool': 'v6' } })] },
    expect: { a: { state: 'pending', message: fail('a', '["<nil>"] is not allowed in config') } },
  },
  {
    name: 'kept PreferDualStack Service with one IP gets the other family from the same pool',
    input: {
      pools: [pool('ds', ['10.1.0.0/24', 'fd00::/120'])],
      services: [svc('a', { ...DUAL, policy: 'PreferDualStack', status: ['10.1.0.7'] })],
    },
    expect: { a: { state: 'kept', ips: ['10.1.0.7', 'fd00::'], pool: 'ds', events: ['IPAllocated'] } },
  },
  {
    name: 'kept PreferDualStack Service whose pool has no other family',
    input: { pools: [pool('v4', ['10.1.0.0/24'])], services: [svc('a', { ...DUAL, policy: 'PreferDualStack', status: ['10.1.0.7'] })] },
    expect: { a: { state: 'kept', ips: ['10.1.0.7'], events: ['AdditionalAssignFailed'] } },
  },
];

const requests: Case[] = [
  {
    name: 'metallb.io wins even when empty; the old key alone is honoured',
    input: {
      pools: [pool('p', ['10.0.0.0/24'])],
      services: [
        svc('a', { annotations: { 'metallb.io/loadBalancerIPs': '', 'metallb.universe.tf/loadBalancerIPs': '10.0.0.50' } }),
        svc('b', { annotations: { 'metallb.universe.tf/loadBalancerIPs': '10.0.0.60' } }),
        svc('c', { lbIP: '10.0.0.70' }),
      ],
    },
    expect: {
      a: { state: 'allocated', ips: ['10.0.0.0'] },
      b: { state: 'allocated', ips: ['10.0.0.60'] },
      c: { state: 'allocated', ips: ['10.0.0.70'] },
    },
  },
  {
    name: 'before v0.14.9 only the metallb.universe.tf keys are read: a metallb.io request, pool or sharing key is ignored',
    input: {
      legacyAnnotations: true,
      pools: [pool('p', ['10.0.0.0/24']), pool('q', ['10.1.0.0/24'], { autoAssign: false })],
      services: [
        svc('a', { annotations: { 'metallb.io/loadBalancerIPs': '10.0.0.50' } }),
        svc('b', { annotations: { 'metallb.io/loadBalancerIPs': '10.0.0.50', 'metallb.universe.tf/loadBalancerIPs': '10.0.0.60' } }),
        svc('c', { annotations: { 'metallb.io/address-pool': 'q' } }),
        svc('d', { annotations: { 'metallb.universe.tf/address-pool': 'q' } }),
        svc('e', { lbIP: '10.0.0.5', annotations: { 'metallb.universe.tf/loadBalancerIPs': '10.0.0.6' } }),
      ],
    },
    expect: {
      a: { state: 'allocated', ips: ['10.0.0.0'] },
      b: { state: 'allocated', ips: ['10.0.0.60'] },
      c: { state: 'allocated', ips: ['10.0.0.1'] },
      d: { state: 'allocated', ips: ['10.1.0.0'] },
      e: { state: 'pending', message: fail('e', 'service can not have both metallb.universe.tf/loadBalancerIPs and svc.Spec.LoadBalancerIP') },
    },
  },
  {
    name: 'malformed requests',
    input: {
      pools: [pool('p', ['10.0.0.0/24'])],
      services: [
        svc('both', { lbIP: '10.0.0.5', annotations: { 'metallb.io/loadBalancerIPs': '10.0.0.6' } }),
        svc('bad', { annotations: { 'metallb.universe.tf/loadBalancerIPs': '10.0.0.6, nope' } }),
        svc('badspec', { lbIP: '10.0.0.300' }),
        svc('same', { annotations: { 'metallb.io/loadBalancerIPs': '10.0.0.1,10.0.0.2' } }),
      ],
    },
    expect: {
      both: { state: 'pending', message: fail('both', 'service can not have both metallb.io/loadBalancerIPs and svc.Spec.LoadBalancerIP') },
      bad: { state: 'pending', message: fail('bad', 'invalid metallb.io/loadBalancerIPs: "10.0.0.6, nope"') },
      badspec: { state: 'pending', message: fail('badspec', 'invalid spec.loadBalancerIP "10.0.0.300"') },
      same: { state: 'pending', message: fail('same', 'IPFamilyForAddresses: same address family ["10.0.0.1" "10.0.0.2"]') },
    },
  },
  {
    name: 'requested IP outside pools, forbidden by avoidBuggyIPs, family mismatch, pool mismatch',
    input: {
      pools: [pool('p', ['10.0.0.0/24'], { avoidBuggyIPs: true }), pool('q', ['10.0.1.0/24'])],
      services: [
        svc('out', { lbIP: '192.168.0.1' }),
        svc('buggy', { lbIP: '10.0.0.255' }),
        svc('fam', { ...DUAL, policy: 'RequireDualStack', lbIP: '10.0.0.5' }),
        svc('mism', { lbIP: '10.0.0.5', annotations: { 'metallb.io/address-pool': 'q' } }),
      ],
    },
    expect: {
      out: { state: 'pending', message: fail('out', '["192.168.0.1"] is not allowed in config') },
      buggy: { state: 'pending', message: fail('buggy', '["10.0.0.255"] is not allowed in config') },
      fam: { state: 'pending', message: fail('fam', 'requested loadBalancer IP(s) ["10.0.0.5"] does not match the ipFamily of the service') },
      mism: { state: 'pending', message: fail('mism', 'requested loadBalancer IP(s) ["10.0.0.5"] is not compatible with requested address pool q') },
    },
  },
  {
    name: "requested dual IPs settle in text order (isEqualIPs sorts the status it writes back); autoAssign:false pool serves requests and annotations only",
    input: {
      pools: [pool('manual', ['10.0.0.0/24', 'fd00::/120'], { autoAssign: false })],
      services: [
        svc('req', { ...DUAL, policy: 'RequireDualStack', annotations: { 'metallb.io/loadBalancerIPs': 'fd00::9, 10.0.0.9' } }),
        svc('ann', { annotations: { 'metallb.io/address-pool': 'manual' } }),
        svc('auto'),
      ],
    },
    expect: {
      req: { state: 'allocated', ips: ['10.0.0.9', 'fd00::9'], pool: 'manual' },
      ann: { state: 'allocated', ips: ['10.0.0.0'], pool: 'manual' },
      auto: { state: 'pending', message: fail('auto', 'no available IPs') },
    },
  },
  {
    name: 'text order, not family order: "2001:db8::10" sorts before "203.0.113.10"; a kept status is rewritten in that order',
    input: {
      pools: [pool('pub', ['203.0.113.0/24', '2001:db8::/120']), pool('dual', ['10.0.0.0/24', 'fd00::/120'])],
      services: [
        svc('fresh', { ...DUAL, policy: 'RequireDualStack', annotations: { 'metallb.io/loadBalancerIPs': '203.0.113.10,2001:db8::10' } }),
        svc('running', { ...DUAL, policy: 'RequireDualStack', annotations: { 'metallb.io/loadBalancerIPs': 'fd00::6,10.0.0.6' }, status: ['fd00::6', '10.0.0.6'] }),
        // allocated from a pool, not requested: isEqualIPs is never asked, the status keeps its order
        svc('auto', { ...DUAL, policy: 'RequireDualStack', annotations: { 'metallb.io/address-pool': 'dual' }, status: ['fd00::7', '10.0.0.7'] }),
      ],
    },
    expect: {
      fresh: { state: 'allocated', ips: ['2001:db8::10', '203.0.113.10'], pool: 'pub' },
      running: { state: 'kept', ips: ['10.0.0.6', 'fd00::6'], pool: 'dual' },
      auto: { state: 'kept', ips: ['fd00::7', '10.0.0.7'], pool: 'dual' },
    },
  },
  {
    name: 'pool annotation: unknown pool, exhausted pool, incompatible pool',
    input: {
      pools: [pool('small', ['10.0.0.0/32']), pool('teamx', ['10.0.1.0/24'], { allocateTo: { namespaces: ['x'] } })],
      services: [
        svc('a', { annotations: { 'metallb.io/address-pool': 'small' } }),
        svc('b', { annotations: { 'metallb.io/address-pool': 'small' } }),
        svc('c', { annotations: { 'metallb.universe.tf/address-pool': 'nope' } }),
        svc('d', { annotations: { 'metallb.io/address-pool': 'teamx' } }),
      ],
    },
    expect: {
      a: { state: 'allocated', ips: ['10.0.0.0'] },
      b: { state: 'pending', message: fail('b', 'no available IPs in pool small') },
      c: { state: 'pending', message: fail('c', 'unknown pool "nope"') },
      d: { state: 'pending', message: fail('d', 'pool teamx not compatible for ip assignment') },
    },
  },
  {
    // before v0.16.0 (commit dc46c0f50) the empty pool's nil address went on to Assign
    name: 'pool annotation, exhausted pool, MetalLB before v0.16.0: the nil address is "not allowed in config"',
    input: {
      pools: [pool('small', ['10.0.0.0/32'])],
      services: [svc('a', { annotations: { 'metallb.io/address-pool': 'small' } }), svc('b', { annotations: { 'metallb.io/address-pool': 'small' } }), svc('c', { ...DUAL, policy: 'RequireDualStack', annotations: { 'metallb.io/address-pool': 'small' } })],
      emptyPoolIsError: false,
    },
    expect: {
      a: { state: 'allocated', ips: ['10.0.0.0'] },
      b: { state: 'pending', message: fail('b', '["<nil>"] is not allowed in config') },
      // a dual-stack request still fails in the selection, as in every version
      c: { state: 'pending', message: fail('c', 'no available IPs in pool small for dual IPFamily') },
    },
  },
];

const sharing: Case[] = [
  {
    name: 'same sharing key, different ports: shared; same port: next address',
    input: {
      pools: [pool('p', ['10.0.0.0/24'])],
      services: [
        svc('a', { annotations: { 'metallb.io/allow-shared-ip': 'k' }, ports: [{ port: 80, protocol: 'TCP' }] }),
        svc('b', { annotations: { 'metallb.universe.tf/allow-shared-ip': 'k' }, ports: [{ port: 53, protocol: 'UDP' }] }),
        svc('c', { annotations: { 'metallb.io/allow-shared-ip': 'k' }, ports: [{ port: 80, protocol: 'TCP' }] }),
        svc('d'),
      ],
    },
    expect: {
      a: { state: 'allocated', ips: ['10.0.0.0'] },
      b: { state: 'allocated', ips: ['10.0.0.0'] },
      c: { state: 'allocated', ips: ['10.0.0.1'] },
      d: { state: 'allocated', ips: ['10.0.0.2'] },
    },
  },
  {
    name: 'requested shared IP: port clash, key mismatch, Local selectors',
    input: {
      pools: [pool('p', ['10.0.0.0/24'])],
      services: [
        svc('a', { lbIP: '10.0.0.1', annotations: { 'metallb.io/allow-shared-ip': 'k' } }),
        svc('b', { lbIP: '10.0.0.1', annotations: { 'metallb.io/allow-shared-ip': 'k' } }),
        svc('c', { lbIP: '10.0.0.1', annotations: { 'metallb.io/allow-shared-ip': 'other' }, ports: [{ port: 81 }] }),
        svc('l1', { lbIP: '10.0.0.2', etp: 'Local', selector: { b: '2', a: '1' }, annotations: { 'metallb.io/allow-shared-ip': 'k' } }),
        svc('l2', { lbIP: '10.0.0.2', etp: 'Local', selector: { a: '1', b: '2' }, annotations: { 'metallb.io/allow-shared-ip': 'k' }, ports: [{ port: 443 }] }),
        svc('l3', { lbIP: '10.0.0.2', etp: 'Local', selector: { a: '9' }, annotations: { 'metallb.io/allow-shared-ip': 'k' }, ports: [{ port: 8443 }] }),
      ],
    },
    expect: {
      a: { state: 'allocated', ips: ['10.0.0.1'] },
      b: { state: 'pending', message: fail('b', 'port TCP/80 is already in use on "10.0.0.1"') },
      c: { state: 'pending', message: fail('c', `can't change sharing key for "default/c", address also in use by default/a`) },
      l1: { state: 'allocated', ips: ['10.0.0.2'] },
      l2: { state: 'allocated', ips: ['10.0.0.2'] },
      l3: { state: 'pending', message: fail('l3', `can't change sharing key for "default/l3", address also in use by default/l1,default/l2`) },
    },
  },
];

const pinned: Case[] = [
  {
    name: 'priority: lower positive first, then priority 0, plain pools last',
    input: {
      pools: [
        pool('plain', ['10.0.0.0/24']),
        pool('zero', ['10.0.1.0/24'], { allocateTo: { namespaces: ['default'] } }),
        pool('two', ['10.0.2.0/24'], { allocateTo: { priority: 2, namespaces: ['default'] } }),
        pool('one', ['10.0.3.0/32'], { allocateTo: { priority: 1, serviceSelectors: [{ matchLabels: { app: 'web' } }] } }),
      ],
      services: [svc('a', { labels: { app: 'web' } }), svc('b', { labels: { app: 'web' } }), svc('c', { ns: 'other' })],
    },
    expect: {
      a: { state: 'allocated', ips: ['10.0.3.0'], pool: 'one' },
      b: { state: 'allocated', ips: ['10.0.2.0'], pool: 'two' },
      c: { state: 'allocated', ips: ['10.0.0.0'], pool: 'plain' },
    },
  },
  {
    name: 'priority-only allocateTo matches every Service, before plain pools',
    input: { pools: [pool('plain', ['10.0.0.0/24']), pool('prio', ['10.0.9.0/24'], { allocateTo: { priority: 5 } })], services: [svc('a', { ns: 'any' })] },
    expect: { a: { state: 'allocated', ips: ['10.0.9.0'], pool: 'prio' } },
  },
  {
    name: 'ties in priority are alternatives',
    input: {
      pools: [
        pool('x', ['10.0.1.0/24'], { allocateTo: { priority: 3, namespaces: ['default'] } }),
        pool('y', ['10.0.2.0/24'], { allocateTo: { priority: 3, namespaces: ['default'] } }),
      ],
      services: [svc('a')],
    },
    expect: {
      a: { state: 'allocated', ips: ['10.0.1.0'], pool: 'x', alternatives: [{ pool: 'x', ips: ['10.0.1.0'] }, { pool: 'y', ips: ['10.0.2.0'] }] },
    },
  },
  // sortPools' comparison is not an order; sort.Slice's insertion sort (up to 12 pools) makes it deterministic
  {
    name: 'two priority-only pools: the insertion sort reverses ties without priority, the last by name wins',
    input: {
      pools: [pool('pool-a', ['10.0.1.0/24'], { allocateTo: { priority: 0 } }), pool('pool-b', ['10.0.2.0/24'], { allocateTo: { priority: 0 } })],
      services: [svc('a')],
    },
    expect: { a: { state: 'allocated', ips: ['10.0.2.0'], pool: 'pool-b' } },
  },
  {
    name: 'a namespace pool and a match-all selector pool without priority: the selector pool, which comes last, wins',
    input: {
      pools: [pool('aaa-ns', ['10.0.1.0/24'], { allocateTo: { namespaces: ['default'] } }), pool('zzz-all', ['10.0.2.0/24'], { allocateTo: {} })],
      services: [svc('a')],
    },
    expect: { a: { state: 'allocated', ips: ['10.0.2.0'], pool: 'zzz-all' } },
  },
  {
    name: 'equal positive priorities keep the order: namespace pools before selector pools',
    input: {
      pools: [
        pool('aaa-sel', ['10.0.1.0/24'], { allocateTo: { priority: 5, serviceSelectors: [{ matchLabels: { app: 'web' } }] } }),
        pool('zzz-ns', ['10.0.2.0/24'], { allocateTo: { priority: 5, namespaces: ['default'] } }),
      ],
      services: [svc('a', { labels: { app: 'web' } })],
    },
    expect: { a: { state: 'allocated', ips: ['10.0.2.0'], pool: 'zzz-ns' } },
  },
  {
    name: 'a negative priority compares "less" than anything: it goes first',
    input: {
      pools: [pool('a-prio1', ['10.0.1.1/32'], { allocateTo: { priority: 1 } }), pool('b-prio-neg', ['10.0.2.1/32'], { allocateTo: { priority: -1 } })],
      services: [svc('a')],
    },
    expect: { a: { state: 'allocated', ips: ['10.0.2.1'], pool: 'b-prio-neg' } },
  },
  {
    name: 'two namespace pools without priority: Go map order decides, so either may win',
    input: {
      pools: [pool('x', ['10.0.1.0/24'], { allocateTo: { namespaces: ['default'] } }), pool('y', ['10.0.2.0/24'], { allocateTo: { namespaces: ['default'] } })],
      services: [svc('a')],
    },
    expect: {
      a: { state: 'allocated', ips: ['10.0.2.0'], pool: 'y', alternatives: [{ pool: 'y', ips: ['10.0.2.0'] }, { pool: 'x', ips: ['10.0.1.0'] }] },
    },
  },
  {
    name: 'namespaceSelectors resolved against Namespaces; exhausted pinned pool falls back',
    input: {
      pools: [pool('plain', ['10.0.0.0/24']), pool('team', ['10.0.5.0/32'], { allocateTo: { namespaceSelectors: [{ matchLabels: { team: 'a' } }] } })],
      namespaces: [ns('ta', { team: 'a' }), ns('tb', { team: 'b' })],
      services: [svc('a1', { ns: 'ta' }), svc('a2', { ns: 'ta' }), svc('b1', { ns: 'tb' })],
    },
    expect: {
      a1: { state: 'allocated', ips: ['10.0.5.0'], pool: 'team' },
      a2: { state: 'allocated', ips: ['10.0.0.0'], pool: 'plain' },
      b1: { state: 'allocated', ips: ['10.0.0.1'], pool: 'plain' },
    },
  },
  {
    name: 'namespaceSelectors matching nothing: no automatic use, but any namespace may request',
    input: {
      pools: [pool('ghost', ['10.0.5.0/24'], { allocateTo: { namespaceSelectors: [{ matchLabels: { team: 'none' } }] } })],
      namespaces: [ns('default')],
      services: [svc('auto'), svc('req', { lbIP: '10.0.5.9', ns: 'anywhere' })],
    },
    expect: {
      auto: { state: 'pending', message: fail('auto', 'no available IPs') },
      req: { state: 'allocated', ips: ['10.0.5.9'], pool: 'ghost' },
    },
  },
  {
    name: 'namespaces and serviceSelectors both required; autoAssign:false pinned pool unused',
    input: {
      pools: [
        pool('plain', ['10.0.0.0/24']),
        pool('both', ['10.0.7.0/24'], { allocateTo: { namespaces: ['x'], serviceSelectors: [{ matchLabels: { app: 'db' } }] } }),
        pool('off', ['10.0.8.0/24'], { autoAssign: false, allocateTo: { namespaces: ['x'] } }),
      ],
      services: [svc('db', { ns: 'x', labels: { app: 'db' } }), svc('web', { ns: 'x', labels: { app: 'web' } }), svc('db2', { labels: { app: 'db' } })],
    },
    expect: {
      db: { state: 'allocated', pool: 'both', ips: ['10.0.7.0'] },
      web: { state: 'allocated', pool: 'plain' },
      db2: { state: 'allocated', pool: 'plain' },
    },
  },
  {
    name: 'fallback pools in Go map order: first in input order, the others as alternatives',
    input: {
      pools: [pool('b', ['10.0.2.0/24']), pool('a', ['10.0.1.0/24']), pool('full', ['10.0.3.0/32']), pool('v6', ['fd00::/120'])],
      services: [svc('x', { lbIP: '10.0.3.0' }), svc('y')],
    },
    expect: {
      x: { state: 'allocated', ips: ['10.0.3.0'] },
      y: { state: 'allocated', pool: 'b', ips: ['10.0.2.0'], alternatives: [{ pool: 'b', ips: ['10.0.2.0'] }, { pool: 'a', ips: ['10.0.1.0'] }] },
    },
  },
];

const kept: Case[] = [
  {
    name: 'Services holding IPs go first and keep them; new ones take what is left',
    input: {
      pools: [pool('p', ['10.0.0.0/30'])],
      services: [svc('a'), svc('z', { status: ['10.0.0.0'] }), svc('y', { status: ['10.0.0.1'] })],
    },
    expect: {
      a: { state: 'allocated', ips: ['10.0.0.2'] },
      y: { state: 'kept', ips: ['10.0.0.1'], pool: 'p', events: [] },
      z: { state: 'kept', ips: ['10.0.0.0'] },
    },
  },
  {
    name: 'status IP outside every pool is cleared and re-allocated',
    input: { pools: [pool('p', ['10.0.0.0/30'])], services: [svc('a', { status: ['192.168.1.1'] })] },
    expect: { a: { state: 'allocated', ips: ['10.0.0.0'], events: ['ClearAssignment', 'IPAllocated'] } },
  },
  {
    name: 'different pool or different IP requested: cleared silently, re-allocated',
    input: {
      pools: [pool('p', ['10.0.0.0/30']), pool('q', ['10.0.1.0/30'])],
      services: [
        svc('a', { status: ['10.0.0.0'], annotations: { 'metallb.io/address-pool': 'q' } }),
        svc('b', { status: ['10.0.0.1'], lbIP: '10.0.0.3' }),
      ],
    },
    expect: {
      a: { state: 'allocated', ips: ['10.0.1.0'], pool: 'q', events: ['IPAllocated'] },
      b: { state: 'allocated', ips: ['10.0.0.3'] },
    },
  },
  {
    name: 'kept Service with a malformed request keeps its IP, reported as LoadBalancerFailed',
    input: { pools: [pool('p', ['10.0.0.0/30'])], services: [svc('a', { status: ['10.0.0.1'], lbIP: 'x' })] },
    expect: { a: { state: 'kept', ips: ['10.0.0.1'], reason: 'LoadBalancerFailed', message: 'invalid requested loadbalancer IPs: invalid spec.loadBalancerIP "x"' } },
  },
  {
    name: 'status family differs from clusterIP family: cleared',
    input: { pools: [pool('p', ['10.0.0.0/30', 'fd00::/126'])], services: [svc('a', { ...V6, status: ['10.0.0.2'] })] },
    expect: { a: { state: 'allocated', ips: ['fd00::'] } },
  },
  {
    name: 'two Services holding the same IP without sharing: the first processed keeps it',
    input: { pools: [pool('p', ['10.0.0.0/30'])], services: [svc('b', { status: ['10.0.0.1'] }), svc('a', { status: ['10.0.0.1'] })] },
    expect: {
      a: { state: 'kept', ips: ['10.0.0.1'] },
      b: { state: 'allocated', ips: ['10.0.0.0'], events: ['ClearAssignment', 'IPAllocated'] },
    },
  },
];

describe('allocate: tables', () => {
  for (const [group, cases] of Object.entries({ basics, classes, dual, requests, sharing, pinned, kept })) {
    describe(group, () => {
      for (const c of cases) test(c.name, () => check(c));
    });
  }
});

describe('allocate: pool usage and notes', () => {
  test('a shared IP counts once; capacity honours avoidBuggyIPs; /64 capacity', () => {
    const out = allocate({
      pools: [pool('p', ['10.0.0.0/24'], { avoidBuggyIPs: true }), pool('v6', ['fd00::/64'])],
      services: [
        svc('a', { annotations: { 'metallb.io/allow-shared-ip': 'k' }, ports: [{ port: 80 }] }),
        svc('b', { annotations: { 'metallb.io/allow-shared-ip': 'k' }, ports: [{ port: 81 }] }),
        svc('c'),
        svc('d', V6),
      ],
    });
    assert.deepEqual(out.pools, [
      { pool: 'p', capacity: { ipv4: 254n, ipv6: 0n }, used: { ipv4: 2n, ipv6: 0n } },
      { pool: 'v6', capacity: { ipv4: 0n, ipv6: 1n << 64n }, used: { ipv4: 0n, ipv6: 1n } },
    ]);
  });

  test('namespaceSelectors without Namespaces: said so', () => {
    const out = allocate({
      pools: [pool('team', ['10.0.5.0/24'], { allocateTo: { namespaceSelectors: [{ matchLabels: { team: 'a' } }] } }), pool('plain', ['10.0.0.0/24'])],
      services: [svc('a')],
    });
    assert.equal(out.services[0]!.pool, 'plain');
    assert.match(out.services[0]!.notes?.[0] ?? '', /Namespaces were not captured/);
  });

  test('two Services holding one address they may not share: the result says either may keep it; more addresses decide', () => {
    const tie = allocate({ pools: [pool('p', ['10.0.0.0/24'])], services: [svc('b', { status: ['10.0.0.5'] }), svc('a', { status: ['10.0.0.5'] })] });
    const [b, a] = tie.services;
    assert.deepEqual([a!.ips, b!.ips], [['10.0.0.5'], ['10.0.0.0']]);
    assert.match(a!.notes?.join('\n') ?? '', /^default\/b also holds 10\.0\.0\.5 in its status and the two may not share it: .*either may keep it; taken here: this Service keeps it \(by name\)/);
    assert.match(b!.notes?.join('\n') ?? '', /^default\/a also holds 10\.0\.0\.5 .*taken here: default\/a keeps it \(by name\), this Service gets another/);
    // a Service with more addresses is processed first whatever the order: no doubt to note
    const sure = allocate({
      pools: [pool('ds', ['10.0.0.0/24', 'fd00::/120'])],
      services: [svc('a', { status: ['10.0.0.5'] }), svc('z', { ...DUAL, policy: 'RequireDualStack', status: ['10.0.0.5', 'fd00::5'] })],
    });
    assert.deepEqual(sure.services.map((r) => r.ips), [['10.0.0.0'], ['10.0.0.5', 'fd00::5']]);
    assert.deepEqual(sure.services.map((r) => r.notes ?? []), [[], []]);
    // two Services that share it (the same sharing key): no contest
    const shared = allocate({
      pools: [pool('p', ['10.0.0.0/24'])],
      services: [svc('a', { status: ['10.0.0.5'], annotations: { 'metallb.io/allow-shared-ip': 'k' }, ports: [{ port: 80 }] }), svc('b', { status: ['10.0.0.5'], annotations: { 'metallb.io/allow-shared-ip': 'k' }, ports: [{ port: 81 }] })],
    });
    assert.deepEqual(shared.services.map((r) => [r.ips, r.notes ?? []]), [[['10.0.0.5'], []], [['10.0.0.5'], []]]);
  });

  test('processing order: ingress count descending, then namespace/name', () => {
    const out = allocate({
      pools: [pool('ds', ['10.0.0.0/24', 'fd00::/120'])],
      services: [svc('b'), svc('one', { status: ['10.0.0.5'] }), svc('a'), svc('two', { ...DUAL, policy: 'RequireDualStack', status: ['10.0.0.9', 'fd00::9'] })],
    });
    assert.deepEqual(out.order, ['default/two', 'default/one', 'default/a', 'default/b']);
  });
});

// Consistency at scale; the speed of simulate is a benchmark's business (issue 4), not a test's.
describe('allocate: scale', () => {
  test('20,000 Services over 200 pools: every Service decided, no pool over capacity', () => {
    const pools: KubeObject[] = [];
    for (let i = 0; i < 200; i++) {
      const opts: PoolOpts = i % 4 === 0 ? { allocateTo: { namespaces: [`ns${i % 20}`], priority: (i % 3) + 1 } } : {};
      pools.push(pool(`p${i}`, [`10.${i}.0.0/25`, `fd00:${i.toString(16)}::/120`], opts));
    }
    const services: KubeObject[] = [];
    for (let i = 0; i < 20000; i++) {
      const o: SvcOpts = { ns: `ns${i % 50}` };
      if (i % 10 === 0) o.status = [`10.${i % 200}.0.${(i >> 8) % 128}`];
      if (i % 7 === 0) o.annotations = { 'metallb.io/allow-shared-ip': `k${i % 5}` };
      if (i % 11 === 0) Object.assign(o, DUAL, { policy: 'PreferDualStack' });
      services.push(svc(`s${i}`, o));
    }
    const out = allocate({ pools, services });
    const counts = { allocated: 0, kept: 0, pending: 0, ignored: 0 };
    for (const r of out.services) counts[r.state]++;
    assert.equal(counts.allocated + counts.kept + counts.pending, 20000);
    assert.ok(counts.allocated > 10000, JSON.stringify(counts));
    // distinct IPs never exceed capacity
    for (const p of out.pools) assert.ok(p.used.ipv4 <= p.capacity.ipv4 && p.used.ipv6 <= p.capacity.ipv6);
  });
});

// The allocator memoises free addresses per pool and keeps the keyless "blocked" set incrementally:
// these check answers that depend on that bookkeeping against independently derived ones.
describe('allocate: memoised free addresses', () => {
  test('alternatives list every fallback pool with a free address, each at its current first free', () => {
    const n = 12;
    const pools = Array.from({ length: n }, (_, i) => pool(`f${i}`, [`10.${i}.0.0/30`], i % 3 === 0 ? { avoidBuggyIPs: true } : {}));
    const services = Array.from({ length: 50 }, (_, i) => svc(`s${String(i).padStart(2, '0')}`));
    const out = allocate({ pools, services });
    // oracle: per pool, the addresses handed out so far, in MetalLB's order within a /30
    const order = (i: number) => (i % 3 === 0 ? [1, 2, 3] : [0, 1, 2, 3]).map((o) => `10.${i}.0.${o}`);
    const used = pools.map(() => 0);
    for (const key of out.order) {
      const r = out.services.find((s) => `default/${s.service.metadata.name}` === key)!;
      const free = pools.map((_, i) => i).filter((i) => used[i]! < order(i).length);
      if (free.length === 0) {
        assert.equal(r.state, 'pending', key);
        continue;
      }
      const expected = free.map((i) => ({ pool: `f${i}`, ips: [order(i)[used[i]!]!] }));
      assert.equal(r.state, 'allocated', key);
      assert.deepEqual(r.alternatives ?? [expected[0]], expected, key);
      assert.deepEqual(r.ips, expected[0]!.ips, key);
      used[free[0]!]!++;
    }
    assert.equal(out.services.filter((s) => s.state === 'allocated').length, 8 * 4 + 4 * 3);
  });

  test('a Service with a sharing key takes a shareable address before the keyless first free', () => {
    const k = { 'metallb.io/allow-shared-ip': 'k' };
    check({
      name: 'sharing before first free',
      input: {
        pools: [pool('p', ['10.0.0.254-10.0.1.6'], { avoidBuggyIPs: true })],
        services: [
          svc('a1'),
          svc('a2', { annotations: k, ports: [{ port: 80 }] }),
          svc('a3'),
          svc('b1', { annotations: k, ports: [{ port: 81 }] }),
          svc('b2', { annotations: k, ports: [{ port: 80 }] }),
          svc('b3', { annotations: k, ports: [{ port: 82 }], etp: 'Local', selector: { app: 'x' } }),
          svc('c1'),
        ],
      },
      expect: {
        a1: { state: 'allocated', ips: ['10.0.0.254'] },
        a2: { state: 'allocated', ips: ['10.0.1.1'] },
        a3: { state: 'allocated', ips: ['10.0.1.2'] },
        // shares a2's address, which comes before the first free 10.0.1.3
        b1: { state: 'allocated', ips: ['10.0.1.1'] },
        // port 80 taken there: the first free
        b2: { state: 'allocated', ips: ['10.0.1.3'] },
        // another backend key cannot share
        b3: { state: 'allocated', ips: ['10.0.1.4'] },
        c1: { state: 'allocated', ips: ['10.0.1.5'] },
      },
    });
  });

  test('an address freed by a cleared Service is handed out again', () => {
    check({
      name: 'freed address reused',
      input: {
        pools: [pool('p', ['10.0.0.0/29']), pool('q', ['10.0.1.0/29'])],
        services: [
          svc('k1', { status: ['10.0.0.0'] }),
          svc('k2', { status: ['10.0.0.1'], annotations: { 'metallb.io/address-pool': 'q' } }),
          svc('n1'),
          svc('n2'),
        ],
      },
      expect: {
        k1: { state: 'kept', ips: ['10.0.0.0'] },
        k2: { state: 'allocated', ips: ['10.0.1.0'], pool: 'q' },
        n1: { state: 'allocated', ips: ['10.0.0.1'] },
        n2: { state: 'allocated', ips: ['10.0.0.2'] },
      },
    });
  });
});

describe('deprecatedAnnotation events (controller/main.go: only when the controller writes the Service)', () => {
  const old = { 'metallb.universe.tf/address-pool': 'p', 'metallb.universe.tf/allow-shared-ip': 'k' };
  const cases: Case[] = [
    {
      name: 'a newly allocated Service: one Warning per deprecated key, after IPAllocated, keys sorted',
      input: { pools: [pool('p', ['10.0.0.0/30'])], services: [svc('a', { annotations: old })] },
      expect: { a: { state: 'allocated', ips: ['10.0.0.0'], events: ['IPAllocated', 'deprecatedAnnotation', 'deprecatedAnnotation'] } },
    },
    {
      name: 'a kept Service whose pool annotation is already written: nothing to write, no event',
      input: { pools: [pool('p', ['10.0.0.0/30'])], services: [svc('a', { status: ['10.0.0.1'], annotations: { ...old, 'metallb.io/ip-allocated-from-pool': 'p' } })] },
      expect: { a: { state: 'kept', ips: ['10.0.0.1'], events: [] } },
    },
    {
      name: 'a kept Service without the pool annotation: the controller writes it, so it warns',
      input: { pools: [pool('p', ['10.0.0.0/30'])], services: [svc('a', { status: ['10.0.0.1'], annotations: { 'metallb.universe.tf/address-pool': 'p' } })] },
      expect: { a: { state: 'kept', events: ['deprecatedAnnotation'] } },
    },
    {
      name: 'pending without an address: nothing changes, no event',
      input: { pools: [pool('p', ['10.0.0.0/30'])], services: [svc('a', { annotations: { 'metallb.universe.tf/address-pool': 'nope' } })] },
      expect: { a: { state: 'pending', events: ['AllocationFailed'] } },
    },
    {
      name: 'before v0.14.9 (deprecatedAnnotationEvents false): none',
      input: { pools: [pool('p', ['10.0.0.0/30'])], services: [svc('a', { annotations: old })], deprecatedAnnotationEvents: false },
      expect: { a: { state: 'allocated', events: ['IPAllocated'] } },
    },
  ];
  for (const c of cases) test(c.name, () => check(c));
  test('the event text', () => {
    const r = allocate({ pools: [pool('p', ['10.0.0.0/30'])], services: [svc('a', { annotations: { 'metallb.universe.tf/loadBalancerIPs': '10.0.0.2' } })] }).services[0]!;
    assert.deepEqual(r.events.at(-1), { type: 'Warning', reason: 'deprecatedAnnotation', message: 'Service uses deprecated annotation metallb.universe.tf/loadBalancerIPs' });
  });
});

describe('a running controller after a change (what-ifs): held addresses, and reprocessing', () => {
  // pools p (one address) and q (one address, only on request)
  const pools = [pool('p', ['10.0.0.0/32']), pool('q', ['10.0.1.0/32'], { autoAssign: false })];
  test('x moves to p, whose address y holds; y moves to q and frees it: x fails, then gets it when MetalLB reprocesses', () => {
    check({
      name: 'swap',
      input: {
        pools,
        running: true,
        services: [
          svc('x', { status: ['10.0.1.0'], annotations: { 'metallb.io/address-pool': 'p' } }),
          svc('y', { status: ['10.0.0.0'], annotations: { 'metallb.io/address-pool': 'q' } }),
        ],
      },
      expect: {
        x: { state: 'allocated', ips: ['10.0.0.0'], pool: 'p', events: ['AllocationFailed', 'IPAllocated'] },
        y: { state: 'allocated', ips: ['10.0.1.0'], pool: 'q', events: ['IPAllocated'] },
      },
    });
  });
  test('a restarted controller rebuilds as it goes: x finds p free and no retry is needed', () => {
    check({
      name: 'swap after restart',
      input: {
        pools,
        services: [
          svc('x', { status: ['10.0.1.0'], annotations: { 'metallb.io/address-pool': 'p' } }),
          svc('y', { status: ['10.0.0.0'], annotations: { 'metallb.io/address-pool': 'q' } }),
        ],
      },
      expect: {
        x: { state: 'allocated', ips: ['10.0.0.0'], events: ['IPAllocated'] },
        y: { state: 'allocated', ips: ['10.0.1.0'], events: ['ClearAssignment', 'IPAllocated'] },
      },
    });
  });
  test('nothing freed inside a pool: no second pass, the failure stands', () => {
    check({
      name: 'no reprocess',
      input: {
        pools: [pool('p', ['10.0.0.0/32'])],
        running: true,
        services: [svc('a', { status: ['10.9.9.9'] }), svc('b', { status: ['10.0.0.0'] })],
      },
      expect: {
        a: { state: 'pending', reason: 'AllocationFailed', events: ['ClearAssignment', 'AllocationFailed'] },
        b: { state: 'kept', ips: ['10.0.0.0'], events: [] },
      },
    });
  });
});

test('familyForIPs answers as ForAddresses over the IPs\' texts, IPv4-mapped values and missing IPs included', () => {
  const ip: fc.Arbitrary<IP | undefined> = fc.oneof(
    fc.constant(undefined),
    fc.bigInt({ min: 0n, max: 2n ** 32n - 1n }).map((value) => ({ family: 4 as const, value })),
    fc.bigInt({ min: 0n, max: 2n ** 128n - 1n }).map((value) => ({ family: 6 as const, value })),
    // ::ffff:a.b.c.d written as IPv6: its text reads back as IPv4
    fc.bigInt({ min: 0n, max: 2n ** 32n - 1n }).map((value) => ({ family: 6 as const, value: (0xffffn << 32n) | value })),
  );
  fc.assert(
    fc.property(fc.array(ip, { minLength: 0, maxLength: 3 }), (ips) => {
      assert.deepEqual(familyForIPs(ips), familyForAddresses(ips.map(ipText)));
    }),
    { numRuns: 2000 },
  );
});
