// Which node owns a MAC address: what a probe's ARP/NDP answer is compared with. A node's MACs come
// from `--node-mac NODE=MAC`, our own annotation `metallb-doctor.io/macs` (comma separated), and
// annotations of network plugins that carry one (flannel's backend-data VtepMAC, Kube-OVN's
// mac_address): any annotation value that is a MAC, or JSON holding one under a key naming a MAC.
import type { KubeObject } from '../sources/types.js';

const MAC = /^(?:[0-9a-f]{2}[:-]){5}[0-9a-f]{2}$/i;
export const MACS_ANNOTATION = 'metallb-doctor.io/macs';

export function normaliseMac(mac: string): string | undefined {
  const m = mac.trim();
  return MAC.test(m) ? m.toLowerCase().replace(/-/g, ':') : undefined;
}

/** The MACs one node's annotations name, with the annotation each came from. */
export function annotatedMacs(node: KubeObject): { mac: string; from: string }[] {
  const out: { mac: string; from: string }[] = [];
  for (const [key, value] of Object.entries(node.metadata?.annotations ?? {})) {
    if (typeof value !== 'string') continue;
    if (key === MACS_ANNOTATION) {
      for (const part of value.split(',')) {
        const mac = normaliseMac(part);
        if (mac) out.push({ mac, from: key });
      }
      continue;
    }
    const direct = normaliseMac(value);
    if (direct) {
      out.push({ mac: direct, from: key });
      continue;
    }
    if (!value.startsWith('{') || !/mac/i.test(value)) continue;
    try {
      const o = JSON.parse(value) as Record<string, unknown>;
      for (const [k, v] of Object.entries(o)) {
        const mac = /mac/i.test(k) && typeof v === 'string' ? normaliseMac(v) : undefined;
        if (mac) out.push({ mac, from: `${key} (${k})` });
      }
    } catch {
      // not JSON: no MAC here
    }
  }
  return out;
}

export interface NodeMacs {
  /** MAC -> node */
  owner: Map<string, { node: string; from: string }>;
  /** nodes whose answering MACs are all known (--node-mac, or the metallb-doctor.io/macs annotation) */
  known: Set<string>;
  /** every node of the state */
  nodes: string[];
}

/** Every node's MACs: the command line's first, then the annotations'. */
export function nodeMacs(nodes: readonly KubeObject[], given: ReadonlyMap<string, string> = new Map()): NodeMacs {
  const owner = new Map<string, { node: string; from: string }>();
  const known = new Set<string>();
  for (const [node, mac] of given) {
    const m = normaliseMac(mac);
    if (!m) continue;
    owner.set(m, { node, from: '--node-mac' });
    known.add(node);
  }
  for (const n of nodes) {
    const name = n.metadata?.name ?? '';
    for (const { mac, from } of annotatedMacs(n)) {
      if (!owner.has(mac)) owner.set(mac, { node: name, from: `annotation ${from}` });
      // a network plugin's MAC (flannel's VTEP, Kube-OVN's) names the node when it answers, but is
      // not the MAC its ARP replies carry: only ours says the node's MACs are all known
      if (from === MACS_ANNOTATION) known.add(name);
    }
  }
  return { owner, known, nodes: nodes.map((n) => n.metadata?.name ?? '') };
}
