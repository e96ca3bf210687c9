// What the "network" rules need to know about BGP sessions and node subnets: the key frr-k8s uses
// for a session, which nodes open a MetalLB BGPPeer's session, whether it is eBGP, and the
// subnets a Node's annotations reveal (Kubernetes itself never records a node's prefix length).
import type { KubeObject } from '../sources/types.js';
import { cidrContainsIP, formatCIDR, formatIP, parseCIDR, parseIP, type CIDR, type IP } from './address.js';
import { normalizeBGPPeer } from './bgppeer-conversion.js';
import { selectedNodes } from './advertisements.js';
import { validateSelector } from './selectors.js';
import { asArray, asRecord } from '../state/cluster-state.js';

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** frr-k8s's BGPSessionState, as ClusterState indexes it. */
export const BGP_SESSION_STATE = 'BGPSessionState.frrk8s.metallb.io';

/** A MetalLB BGPPeer read through its v1beta2 view, with the facts the network rules use. */
export interface PeerView {
  /** the object as written (for positions) */
  raw: KubeObject;
  name: string;
  /** spec.peerAddress parsed; undefined for an interface (unnumbered) peer or a bad address */
  address?: IP;
  addressText: string;
  iface: string;
  vrf: string;
  /** spec.peerPort, default 179 */
  port: number;
  myASN?: number;
  peerASN?: number;
  dynamicASN: string;
  localASN?: number;
  ebgpMultiHop: boolean;
  sourceAddress: string;
  /** the view's nodeSelectors are valid (an invalid one is bgppeer-invalid's business) */
  selectorsValid: boolean;
  hasNodeSelectors: boolean;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined);

export function peerView(raw: KubeObject): PeerView {
  const view = normalizeBGPPeer(raw);
  const spec = asRecord(view.spec);
  const addressText = str(spec.peerAddress).trim();
  const sels = asArray(spec.nodeSelectors);
  const port = num(spec.peerPort);
  return {
    raw,
    name: raw.metadata?.name ?? '',
    address: addressText ? parseIP(addressText) : undefined,
    addressText,
    iface: str(spec.interface),
    vrf: str(spec.vrf),
    port: port && port > 0 ? port : 179,
    myASN: num(spec.myASN),
    peerASN: num(spec.peerASN) || undefined,
    dynamicASN: str(spec.dynamicASN),
    localASN: num(spec.localASN) || undefined,
    ebgpMultiHop: spec.ebgpMultiHop === true,
    sourceAddress: str(spec.sourceAddress),
    selectorsValid: sels.every((s) => s !== null && typeof s === 'object' && validateSelector(s) === undefined),
    hasNodeSelectors: sels.length > 0,
  };
}

/** The names of the Nodes that open the peer's session (nodeSelectors; none = every node). */
export function peerNodeNames(p: PeerView, nodes: readonly KubeObject[]): Set<string> {
  if (!p.selectorsValid) return new Set();
  return new Set(selectedNodes(normalizeBGPPeer(p.raw), nodes).map((n) => n.metadata?.name ?? ''));
}

/**
 * Whether the session is eBGP: a numeric peerASN different from the local ASN, or dynamicASN
 * external. Under the (deprecated) FRR mode localASN replaces myASN on the session; FRR-K8s
 * ignores localASN (metallb-semantics.md 1.4). Undefined when the ASNs do not say.
 */
export function isEBGP(p: PeerView, backend: string): boolean | undefined {
  if (p.dynamicASN === 'external') return true;
  if (p.dynamicASN === 'internal') return false;
  const local = backend === 'frr' && p.localASN !== undefined ? p.localASN : p.myASN;
  if (local === undefined || local === 0 || p.peerASN === undefined) return undefined;
  return local !== p.peerASN;
}

/** An IPv6 address as netip's StringExpanded, with '-' for ':' (a label value may not hold ':'). */
function expandedV6(ip: IP): string {
  const groups: string[] = [];
  for (let i = 7; i >= 0; i--) groups.push(((ip.value >> BigInt(i * 16)) & 0xffffn).toString(16).padStart(4, '0'));
  return groups.join('-');
}

/**
 * The `status.peer` frr-k8s writes for a neighbor (cmd/status/controller: labelFormatForNeighbor):
 * an IPv4 address as is, an IPv6 one expanded with '-' for ':', an interface name as is.
 */
export function sessionPeerKey(p: PeerView): string | undefined {
  if (p.iface) return p.iface;
  if (!p.address) return undefined;
  return p.address.family === 4 ? formatIP(p.address) : expandedV6(p.address);
}

/** A BGPSessionState's status.peer (or label) normalised to the same key. */
export function normaliseSessionPeer(text: string): string {
  const ip = parseIP(text);
  if (ip) return ip.family === 4 ? formatIP(ip) : expandedV6(ip);
  const dashed = /^[0-9a-fA-F]{4}(-[0-9a-fA-F]{4}){7}$/.test(text);
  return dashed ? text.toLowerCase() : text;
}

// ---------------------------------------------------------------------------------------------
// Node subnets

/** Annotations that carry a node address with its prefix length, and how complete they are. */
export const SUBNET_ANNOTATIONS = {
  /** Calico: the address (and subnet) calico-node autodetected on the node, e.g. "10.0.0.5/24" */
  calicoV4: 'projectcalico.org/IPv4Address',
  /** OVN-Kubernetes: every address of the host with its prefix, as a JSON list (all interfaces) */
  ovnHostCIDRs: 'k8s.ovn.org/host-cidrs',
  /** OVN-Kubernetes: the primary interface's addresses, JSON {"ipv4": "10.0.0.5/24", ...} */
  ovnPrimary: 'k8s.ovn.org/node-primary-ifaddr',
} as const;

export interface NodeSubnet {
  cidr: CIDR;
  /** the node's own address on it */
  address: IP;
  /** annotation it came from */
  source: string;
}

export interface NodeSubnets {
  subnets: NodeSubnet[];
  /** from a source listing every address of the host (OVN-Kubernetes host-cidrs) */
  complete: boolean;
}

function subnetOf(text: string, source: string): NodeSubnet | undefined {
  const t = text.trim();
  const slash = t.indexOf('/');
  if (slash < 0) return undefined;
  const parsed = parseCIDR(t);
  const address = parseIP(t.slice(0, slash));
  if (!parsed || !address) return undefined;
  // a /32 (or /128) says nothing about the subnet
  if (parsed.cidr.prefix === (parsed.cidr.family === 4 ? 32 : 128)) return undefined;
  return { cidr: parsed.cidr, address, source };
}

function jsonOf(text: string): unknown {
  // most nodes carry no such annotation: no exception thrown (and caught) for each
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The subnets a Node's annotations reveal (IPv4 and IPv6); none when they say nothing. */
export function nodeSubnets(node: KubeObject): NodeSubnets {
  const ann = asRecord(node.metadata?.annotations);
  const out: NodeSubnet[] = [];
  const add = (s: NodeSubnet | undefined) => {
    if (s && !out.some((o) => o.cidr.family === s.cidr.family && o.cidr.base === s.cidr.base && o.cidr.prefix === s.cidr.prefix)) out.push(s);
  };
  let complete = false;
  const hostCIDRs = jsonOf(str(ann[SUBNET_ANNOTATIONS.ovnHostCIDRs]));
  if (Array.isArray(hostCIDRs) && hostCIDRs.length > 0) {
    const parsed = hostCIDRs.map((c) => subnetOf(str(c), SUBNET_ANNOTATIONS.ovnHostCIDRs));
    parsed.forEach(add);
    complete = parsed.every((s) => s !== undefined);
  }
  const primary = asRecord(jsonOf(str(ann[SUBNET_ANNOTATIONS.ovnPrimary])));
  for (const k of ['ipv4', 'ipv6']) add(subnetOf(str(primary[k]), SUBNET_ANNOTATIONS.ovnPrimary));
  add(subnetOf(str(ann[SUBNET_ANNOTATIONS.calicoV4]), SUBNET_ANNOTATIONS.calicoV4));
  return { subnets: out, complete };
}

export function subnetText(s: NodeSubnet): string {
  return `${formatIP(s.address)}/${s.cidr.prefix} (subnet ${formatCIDR(s.cidr)}, from ${s.source})`;
}

export function onSubnet(subnets: readonly NodeSubnet[], ip: IP): NodeSubnet | undefined {
  return subnets.find((s) => cidrContainsIP(s.cidr, ip));
}

/** "ip", "ip:port" or "[ipv6]:port" (Calico's peerIP); port defaults to 179. */
export function parseHostPort(text: string): { ip: IP; port: number } | undefined {
  const t = text.trim();
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(t);
  if (bracket) {
    const ip = parseIP(bracket[1]!);
    return ip ? { ip, port: bracket[2] ? Number(bracket[2]) : 179 } : undefined;
  }
  const whole = parseIP(t);
  if (whole) return { ip: whole, port: 179 };
  const m = /^([0-9.]+):(\d+)$/.exec(t);
  if (m) {
    const ip = parseIP(m[1]!);
    return ip ? { ip, port: Number(m[2]) } : undefined;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Calico selectors (the common forms only)

/**
 * A Calico selector expression ("all()", "rack == 'a' && has(bgp)") as a predicate on labels;
 * 'all' for an empty selector or all(); undefined for anything this small reader does not know
 * (||, parentheses, functions other than has/all): callers then do not guess.
 */
export function calicoSelector(text: string): 'all' | ((labels: Record<string, string>) => boolean) | undefined {
  const t = text.trim();
  if (t === '' || t === 'all()') return 'all';
  if (t.includes('||') || /[()]/.test(t.replace(/!?\s*has\(\s*[^()\s]+\s*\)/g, '').replace(/all\(\)/g, ''))) return undefined;
  const terms: ((l: Record<string, string>) => boolean)[] = [];
  const value = (v: string) => v.trim().replace(/^(['"])(.*)\1$/, '$2');
  for (const raw of t.split('&&')) {
    const term = raw.trim();
    let m: RegExpExecArray | null;
    if (term === 'all()') continue;
    if ((m = /^(!)?\s*has\(\s*([^()\s]+)\s*\)$/.exec(term))) {
      const [, not, key] = m;
      terms.push((l) => Object.prototype.hasOwnProperty.call(l, key!) !== Boolean(not));
    } else if ((m = /^([^\s=!]+)\s*(==|!=)\s*('[^']*'|"[^"]*")$/.exec(term))) {
      const [, key, op, v] = m;
      const want = value(v!);
      terms.push((l) => (l[key!] === want) === (op === '=='));
    } else if ((m = /^([^\s=!]+)\s+(not\s+)?in\s*\{([^}]*)\}$/.exec(term))) {
      const [, key, not, list] = m;
      const values = list!.split(',').map(value).filter((v) => v !== '');
      terms.push((l) => (Object.prototype.hasOwnProperty.call(l, key!) && values.includes(l[key!]!)) !== Boolean(not));
    } else {
      return undefined;
    }
  }
  return (labels) => terms.every((f) => f(labels));
}
