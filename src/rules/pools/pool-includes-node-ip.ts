import type { KubeObject } from '../../sources/types.js';
import { defineRule } from '../types.js';
import { RangeIndex, cidrContainsIP, cidrRange, formatIP, isBuggyIP, parseIP, type IP } from '../../model/address.js';
import { parsePool, type PoolEntryRef } from '../../model/pools.js';
import { asArray, asRecord } from '../../state/cluster-state.js';
import { serviceName } from '../../model/simulation.js';
import { namesText } from '../../report/text.js';

/** The Node address types a pool must not hand out (Hostname and InternalDNS are names, not addresses). */
const ADDRESS_TYPES = ['InternalIP', 'ExternalIP'];

interface NodeAddress {
  node: string;
  type: string;
  ip: IP;
}

/** The InternalIP/ExternalIP addresses of the Nodes, as status.addresses lists them. */
export function nodeAddresses(nodes: readonly KubeObject[]): NodeAddress[] {
  const out: NodeAddress[] = [];
  for (const node of nodes) {
    const name = node.metadata?.name ?? '';
    for (const a of asArray(asRecord(node.status).addresses)) {
      const r = asRecord(a);
      if (typeof r.type !== 'string' || !ADDRESS_TYPES.includes(r.type) || typeof r.address !== 'string') continue;
      const ip = parseIP(r.address.trim());
      if (ip) out.push({ node: name, type: r.type, ip });
    }
  }
  return out;
}

function ingressHolds(svc: KubeObject, ip: string): boolean {
  return asArray(asRecord(asRecord(svc.status).loadBalancer).ingress).some((i) => asRecord(i).ip === ip);
}

/** The pool entries (what MetalLB allocates from) that hold an address, in pool order. */
function entriesHolding(refs: readonly PoolEntryRef[], index: RangeIndex<PoolEntryRef> | undefined, ip: IP): PoolEntryRef[] {
  if (index) {
    const one = index.owner(ip);
    return one ? [one] : [];
  }
  // overlapping entries (pool-overlap's finding): look at each
  return refs.filter((r) => r.entry.cidrs.some((c) => cidrContainsIP(c, ip)));
}

export default defineRule({
  meta: {
    id: 'pool-includes-node-ip',
    severity: 'error',
    category: 'pools',
    evidence: ['api'],
    description: "An IPAddressPool contains a Node's InternalIP or ExternalIP: MetalLB may hand the node's own address to a Service.",
    fix: "Remove the node's address from the pool: split the CIDR or range around it (e.g. a range that starts after it), or move the pool to addresses no host uses.",
  },
  check({ state, report }) {
    // absent is not none: without the Nodes nothing is known about their addresses
    if (!state.isCaptured('Node')) return;
    const addrs = nodeAddresses(state.all('Node'));
    if (addrs.length === 0) return;
    const refs: PoolEntryRef[] = [];
    for (const pool of state.metallbObjects('IPAddressPool')) {
      const parsed = parsePool(pool);
      for (const e of parsed.entries) if (e.result.ok) refs.push({ pool, name: parsed.name, index: e.index, text: e.text, entry: e.result.entry });
    }
    if (refs.length === 0) return;
    const index = RangeIndex.of(refs.flatMap((r) => r.entry.cidrs.map((c) => ({ ...cidrRange(c), owner: r }))));

    // entry -> the node addresses it would hand out, in Node order (with their text: only these are shown)
    const hits = new Map<PoolEntryRef, (NodeAddress & { text: string })[]>();
    for (const a of addrs) {
      for (const ref of entriesHolding(refs, index, a.ip)) {
        // avoidBuggyIPs: MetalLB never hands out an IPv4 .0 or .255, so such a node address is safe
        if (parsePool(ref.pool).avoidBuggyIPs && isBuggyIP(a.ip)) continue;
        const hit = { ...a, text: formatIP(a.ip) };
        const l = hits.get(ref);
        if (l) l.push(hit);
        else hits.set(ref, [hit]);
      }
    }
    const v0150 = /^v?0\.15\.0$/.test(state.metallb.version ?? '');
    for (const ref of refs) {
      const found = hits.get(ref);
      if (!found) continue;
      const shown = found.map((a) => `${a.node} ${a.type} ${a.text}`);
      const held = found.flatMap((a) => state.servicesByAddress(a.text).map((svc) => ({ a, svc, assigned: ingressHolds(svc, a.text) })));
      const first = held.find((h) => h.assigned) ?? held[0];
      const autoAssign = parsePool(ref.pool).autoAssign;
      const internal = found.filter((a) => a.type === 'InternalIP');
      report({
        message:
          `IPAddressPool "${ref.name}" entry "${ref.text}" contains ${found.length === 1 ? "a Node's address" : `${found.length} Node addresses`} (${namesText(shown, 5)}): ` +
          (first
            ? first.assigned
              ? `MetalLB already gave ${first.a.text} to Service ${serviceName(first.svc)}, so ARP/NDP replies or BGP routes for it compete with node ${first.a.node} itself`
              : `Service ${serviceName(first.svc)} asks for ${first.a.text} (spec.loadBalancerIP), and MetalLB would give it the address of node ${first.a.node}`
            : `MetalLB's allocator treats every address of the pool as free and may hand ${found.length === 1 ? 'it' : 'one'} to a Service${autoAssign ? '' : ' that asks for it (autoAssign is false)'}, which then competes with the node for that address`),
        subjects: [{ obj: ref.pool, path: ['spec', 'addresses', ref.index] }],
        evidence: [
          ...found.slice(0, 10).map((a) => `Node ${a.node}: status.addresses ${a.type} ${a.text}`),
          ...(found.length > 10 ? [`and ${found.length - 10} more node address(es)`] : []),
          ...held.slice(0, 5).map(({ a, svc, assigned }) => `Service ${serviceName(svc)} ${assigned ? 'holds' : 'asks for'} ${a.text} (${assigned ? 'status.loadBalancer.ingress' : 'spec.loadBalancerIP'})`),
          v0150 && internal.length > 0
            ? `MetalLB ${state.metallb.version} refuses the whole configuration for this ("pool cidr ... contains nodeIp ..."); other versions accept it without a word (the check existed only in v0.15.0)`
            : 'MetalLB does not check pools against node addresses (a check added in v0.15.0 was reverted in v0.15.1)',
        ],
        fix: `Take ${found.length === 1 ? found[0]!.text : 'the node addresses'} out of the pool: replace "${ref.text}" by ranges that skip ${found.length === 1 ? 'it' : 'them'} (e.g. "<first>-<address before the node's>"), or use addresses no host holds (kubectl get nodes -o wide shows the node addresses).${first ? ` Then give Service ${serviceName(first.svc)} another address (change its loadBalancerIP request, or recreate it once the pool no longer holds the node's address).` : ''}`,
      });
    }
  },
});
