// Fixtures for the "network" rules (pool-includes-node-ip, other-bgp-speaker-same-peer,
// bgppeer-not-directly-connected, bgp-session-down, l2-interface-announce-failed): Nodes with
// addresses and annotations, other projects' BGP objects, frr-k8s session states, Events. Each
// builder returns one YAML document.

/**
 * Line and column (1-based) of the `nth` (0-based) occurrence of `needle` in `text`, after the
 * first occurrence of `after` when given: where a finding that points at that value lands.
 */
export function at(text: string, needle: string, o: { after?: string; nth?: number } = {}): { line: number; column: number } {
  let from = 0;
  if (o.after !== undefined) {
    from = text.indexOf(o.after);
    if (from < 0) throw new Error(`no ${JSON.stringify(o.after)} in the text`);
  }
  let i = text.indexOf(needle, from);
  for (let n = o.nth ?? 0; n > 0 && i >= 0; n--) i = text.indexOf(needle, i + 1);
  if (i < 0) throw new Error(`no ${JSON.stringify(needle)} in the text`);
  const before = text.slice(0, i).split('\n');
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}

export interface NetNodeOpts {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  /** status.addresses as [type, address] */
  addresses?: [string, string][];
}
/** A Node with labels, annotations and status.addresses (InternalIP first). */
export function netNode(name: string, o: NetNodeOpts = {}): string {
  const labels = { 'kubernetes.io/hostname': name, ...(o.labels ?? {}) };
  const ann = Object.entries(o.annotations ?? {});
  const addrs = o.addresses ?? [];
  return `apiVersion: v1
kind: Node
metadata:
  name: ${name}
  labels:
${Object.entries(labels).map(([k, v]) => `    ${k}: "${v}"\n`).join('')}${ann.length ? `  annotations:\n${ann.map(([k, v]) => `    ${k}: '${v}'\n`).join('')}` : ''}status:
  addresses:
${addrs.map(([t, a]) => `  - type: ${t}\n    address: ${a}\n`).join('')}  - type: Hostname
    address: ${name}
  conditions:
  - type: Ready
    status: "True"
`;
}

/** MetalLB's BGPPeer (v1beta2) with any spec fields, one `key: value` per line. */
export function metallbPeer(name: string, fields: Record<string, string | number | boolean>): string {
  return `apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata:
  name: ${name}
  namespace: metallb-system
spec:
${Object.entries(fields).map(([k, v]) => `  ${k}: ${v}\n`).join('')}`;
}

/** Calico's BGPPeer as the CRD stores it (crd.projectcalico.org/v1). */
export function calicoPeer(name: string, spec: Record<string, string | number>): string {
  return `apiVersion: crd.projectcalico.org/v1
kind: BGPPeer
metadata:
  name: ${name}
spec:
${Object.entries(spec).map(([k, v]) => `  ${k}: ${typeof v === 'string' ? `"${v}"` : v}\n`).join('')}`;
}

/** An frr-k8s BGPSessionState as the frr-k8s status exporter writes it. */
export function sessionState(node: string, peer: string, bgp: string, o: { bfd?: string; vrf?: string; ns?: string; suffix?: string } = {}): string {
  return `apiVersion: frrk8s.metallb.io/v1beta1
kind: BGPSessionState
metadata:
  name: ${node}-${o.suffix ?? 'x1'}
  namespace: ${o.ns ?? 'metallb-system'}
  labels:
    frrk8s.metallb.io/node: ${node}
    frrk8s.metallb.io/peer: ${peer}
    frrk8s.metallb.io/vrf: "${o.vrf ?? ''}"
status:
  bgpStatus: ${bgp}
  bfdStatus: ${o.bfd ?? 'N/A'}
  node: ${node}
  peer: ${peer}
${o.vrf ? `  vrf: ${o.vrf}\n` : ''}`;
}

