// What a probe result is about in the cluster state: the Service holding the address, the node
// MetalLB elects for it (layer 2), the BGPPeer a BGP probe was made from, and who owns a MAC.
import type { KubeObject } from '../sources/types.js';
import type { ClusterState } from '../state/cluster-state.js';
import { announcementOf } from './announcement.js';
import { nodeMacs, type NodeMacs } from './node-macs.js';
import type { BgpProbe } from './probe.js';
import { peerView } from './network.js';
import { asRecord } from '../state/cluster-state.js';

/** The LoadBalancer Services whose status holds the address. */
export function servicesAt(state: ClusterState, ip: string): KubeObject[] {
  return state.servicesByAddress(ip);
}

export const svcName = (s: KubeObject) => `${s.metadata?.namespace || 'default'}/${s.metadata?.name ?? ''}`;

/** The node MetalLB elects to answer ARP/NDP for the address (the model's layer 2 election), if computable. */
export function electedNode(state: ClusterState, ip: string): string | undefined {
  const svcs = servicesAt(state, ip);
  if (svcs.length === 0) return undefined;
  const a = announcementOf(state);
  if (!a.applies) return undefined;
  for (const s of svcs) {
    const w = a.byService.get(s)?.announce?.l2?.winner;
    if (w) return w;
  }
  return undefined;
}

const macsCache = new WeakMap<ClusterState, NodeMacs>();
export function macsOf(state: ClusterState): NodeMacs {
  let m = macsCache.get(state);
  if (!m) macsCache.set(state, (m = nodeMacs(state.isCaptured('Node') ? state.all('Node') : [], state.nodeMacs)));
  return m;
}

/** `aa:bb:.. (node-a)` / `aa:bb:.. (no node)` / `aa:bb:..` when the nodes' MACs are not known */
export function macText(state: ClusterState, mac: string): string {
  const m = macsOf(state);
  const o = m.owner.get(mac);
  if (o) return `${mac} (node ${o.node}, from ${o.from})`;
  return m.known.size > 0 && m.nodes.every((n) => m.known.has(n)) ? `${mac} (no node)` : mac;
}

/** The BGPPeer a probe was made from. */
export function peerOf(state: ClusterState, p: BgpProbe): KubeObject | undefined {
  if (!p.expected?.name) return undefined;
  return state.get('BGPPeer', p.expected.namespace, p.expected.name);
}

/** What a BGP probe of a BGPPeer sends and expects: its address, port, ASNs, hold time, router ID, and whether it has a password. */
export interface PeerProbeTarget {
  /** undefined for an unnumbered peer (an interface): nothing to probe from here */
  address?: string;
  iface?: string;
  port: number;
  myAsn?: number;
  peerAsn?: number;
  /** spec.holdTime in seconds, when set */
  holdTime?: number;
  routerId?: string;
  peer: { name: string; namespace: string; password: boolean };
}

export function peerProbeTarget(obj: KubeObject, defaultNamespace: string): PeerProbeTarget {
  const v = peerView(obj);
  const spec = asRecord(obj.spec);
  const hold = typeof spec.holdTime === 'string' ? /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(spec.holdTime) : null;
  const holdTime = hold && spec.holdTime !== '' ? Number(hold[1] ?? 0) * 3600 + Number(hold[2] ?? 0) * 60 + Number(hold[3] ?? 0) : undefined;
  return {
    ...(v.iface ? { iface: v.iface } : { address: v.addressText }),
    port: v.port,
    ...(v.myASN !== undefined ? { myAsn: v.myASN } : {}),
    ...(v.peerASN !== undefined ? { peerAsn: v.peerASN } : {}),
    ...(holdTime !== undefined ? { holdTime } : {}),
    ...(typeof spec.routerID === 'string' && spec.routerID ? { routerId: spec.routerID } : {}),
    peer: { name: v.name, namespace: obj.metadata?.namespace ?? defaultNamespace, password: (typeof spec.password === 'string' && spec.password !== '') || asRecord(spec.passwordSecret).name !== undefined },
  };
}
