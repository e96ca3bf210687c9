import type { KubeObject, FieldPath } from '../../sources/types.js';
import { defineRule, type Subject } from '../types.js';
import { formatIP, parseCIDR, parseIP, type IP } from '../../model/address.js';
import { CALICO_BGPPEER } from '../../model/kinds.js';
import { selectedNodes } from '../../model/advertisements.js';
import { validateSelector, type LabelSelector } from '../../model/selectors.js';
import { calicoSelector, parseHostPort, peerNodeNames, peerView, type PeerView } from '../../model/network.js';
import { argValue, containers } from '../../state/installation.js';
import { asArray, asRecord, type ClusterState } from '../../state/cluster-state.js';
import { namesText } from '../../report/text.js';

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The nodes a session is opened from: every node, some named nodes, or not known. */
type NodeScope = { all: true } | { all: false; names: Set<string> } | undefined;

interface OtherPeer {
  project: 'Calico' | 'Cilium' | 'kube-router';
  obj: KubeObject;
  path: FieldPath;
  /** one line for the evidence */
  text: string;
  ip: IP;
  port: number;
  nodes: NodeScope;
}

const nodeName = (n: KubeObject) => n.metadata?.name ?? '';
const labelsOf = (n: KubeObject): Record<string, string> => Object.fromEntries(Object.entries(n.metadata?.labels ?? {}).map(([k, v]) => [k, String(v)]));

/** A Kubernetes label selector (Cilium's nodeSelector): absent = every node. */
function k8sScope(sel: unknown, state: ClusterState): NodeScope {
  if (sel === undefined || sel === null) return { all: true };
  if (typeof sel !== 'object' || validateSelector(sel) !== undefined) return undefined;
  const s = sel as LabelSelector;
  if (Object.keys(s.matchLabels ?? {}).length === 0 && (s.matchExpressions ?? []).length === 0) return { all: true };
  if (!state.isCaptured('Node')) return undefined;
  const holder = { spec: { nodeSelectors: [s] } } as unknown as KubeObject;
  return { all: false, names: new Set(selectedNodes(holder, state.all('Node')).map(nodeName)) };
}

/** calico-node runs without BIRD (CALICO_NETWORKING_BACKEND vxlan or none): its BGPPeers are inert. */
function calicoWithoutBGP(state: ClusterState): boolean {
  for (const ds of state.all('DaemonSet')) {
    if (ds.metadata?.name !== 'calico-node') continue;
    for (const c of containers(ds)) {
      for (const e of asArray(c.env)) {
        const r = asRecord(e);
        if (r.name === 'CALICO_NETWORKING_BACKEND' && (r.value === 'vxlan' || r.value === 'none')) return true;
      }
    }
  }
  return false;
}

function calicoPeers(state: ClusterState): OtherPeer[] {
  const objs = state.all(CALICO_BGPPEER);
  if (objs.length === 0 || calicoWithoutBGP(state)) return [];
  const out: OtherPeer[] = [];
  for (const obj of objs) {
    const spec = asRecord(obj.spec);
    // peerSelector: peerings among Calico nodes (the mesh's replacement), not with a router
    if (str(spec.peerSelector)) continue;
    const hp = parseHostPort(str(spec.peerIP));
    if (!hp) continue;
    let nodes: NodeScope;
    const node = str(spec.node);
    if (node) nodes = { all: false, names: new Set([node]) };
    else {
      const sel = calicoSelector(str(spec.nodeSelector));
      if (sel === 'all') nodes = { all: true };
      else if (sel && state.isCaptured('Node')) nodes = { all: false, names: new Set(state.all('Node').filter((n) => sel(labelsOf(n))).map(nodeName)) };
      else nodes = undefined;
    }
    const scope = node ? `node ${node}` : str(spec.nodeSelector) ? `nodeSelector "${str(spec.nodeSelector)}"` : 'every node (global)';
    out.push({
      project: 'Calico',
      obj,
      path: ['spec', 'peerIP'],
      text: `Calico BGPPeer "${obj.metadata?.name ?? ''}": peerIP ${str(spec.peerIP)}${spec.asNumber !== undefined ? `, asNumber ${String(spec.asNumber)}` : ''}, ${scope}`,
      ip: hp.ip,
      port: hp.port,
      nodes,
    });
  }
  return out;
}

/** Calico's default BGPConfiguration: its AS, and whether Calico announces LoadBalancer addresses itself. */
function calicoConfig(state: ClusterState): string[] {
  const cfg = state.all('BGPConfiguration.crd.projectcalico.org').find((c) => c.metadata?.name === 'default');
  if (!cfg) return [];
  const spec = asRecord(cfg.spec);
  const lb = asArray(spec.serviceLoadBalancerIPs).map((e) => str(asRecord(e).cidr)).filter(Boolean);
  return [
    `Calico BGPConfiguration "default": asNumber ${spec.asNumber !== undefined ? String(spec.asNumber) : '64512 (default)'}` +
      (lb.length > 0 ? `, serviceLoadBalancerIPs ${lb.join(', ')}: Calico already announces LoadBalancer addresses itself` : ''),
  ];
}

/** Cilium's BGP control plane is off in cilium-config: its CRs are inert. */
function ciliumBGPOff(state: ClusterState): boolean {
  const cms = state.all('ConfigMap').filter((c) => c.metadata?.name === 'cilium-config');
  return cms.length > 0 && cms.every((c) => asRecord(c.data)['enable-bgp-control-plane'] !== 'true');
}

function ciliumPeers(state: ClusterState): OtherPeer[] {
  const policies = state.all('CiliumBGPPeeringPolicy.cilium.io');
  const clusters = state.all('CiliumBGPClusterConfig.cilium.io');
  if ((policies.length === 0 && clusters.length === 0) || ciliumBGPOff(state)) return [];
  const out: OtherPeer[] = [];
  for (const obj of policies) {
    const spec = asRecord(obj.spec);
    const nodes = k8sScope(spec.nodeSelector, state);
    asArray(spec.virtualRouters).forEach((vr, i) => {
      asArray(asRecord(vr).neighbors).forEach((n, j) => {
        const r = asRecord(n);
        // a CIDR, normally /32 or /128
        const text = str(r.peerAddress).trim();
        const cidr = parseCIDR(text);
        const ip = cidr ? parseIP(text.slice(0, text.indexOf('/'))) : parseIP(text);
        if (!ip) return;
        const port = typeof r.peerPort === 'number' ? r.peerPort : 179;
        out.push({
          project: 'Cilium',
          obj,
          path: ['spec', 'virtualRouters', i, 'neighbors', j, 'peerAddress'],
          text: `CiliumBGPPeeringPolicy "${obj.metadata?.name ?? ''}": neighbor ${text}${r.peerASN !== undefined ? `, peerASN ${String(r.peerASN)}` : ''}${port !== 179 ? `, port ${port}` : ''}`,
          ip,
          port,
          nodes,
        });
      });
    });
  }
  for (const obj of clusters) {
    const spec = asRecord(obj.spec);
    const nodes = k8sScope(spec.nodeSelector, state);
    asArray(spec.bgpInstances).forEach((inst, i) => {
      asArray(asRecord(inst).peers).forEach((p, j) => {
        const r = asRecord(p);
        const ip = parseIP(str(r.peerAddress).trim());
        if (!ip) return;
        out.push({
          project: 'Cilium',
          obj,
          path: ['spec', 'bgpInstances', i, 'peers', j, 'peerAddress'],
          // the port lives in the CiliumBGPPeerConfig (default 179)
          text: `CiliumBGPClusterConfig "${obj.metadata?.name ?? ''}": peer ${str(r.name) || formatIP(ip)} at ${formatIP(ip)}${r.peerASN !== undefined ? `, peerASN ${String(r.peerASN)}` : ''}`,
          ip,
          port: 179,
          nodes,
        });
      });
    });
  }
  return out;
}

/** "a,b,c" as IPs with their ports ("p1,p2", default 179). */
function ipList(ips: string, ports: string | undefined): { ip: IP; port: number; index: number }[] {
  const portList = (ports ?? '').split(',').map((p) => Number(p.trim()));
  const out: { ip: IP; port: number; index: number }[] = [];
  ips.split(',').forEach((t, index) => {
    const ip = parseIP(t.trim());
    const port = portList[index];
    if (ip) out.push({ ip, port: port && Number.isInteger(port) && port > 0 ? port : 179, index });
  });
  return out;
}

function kubeRouterPeers(state: ClusterState): OtherPeer[] {
  const out: OtherPeer[] = [];
  // per node: kube-router.io/peer.ips (and peer.ports) on the Node
  for (const node of state.all('Node')) {
    const ann = node.metadata?.annotations ?? {};
    const ips = ann['kube-router.io/peer.ips'];
    if (typeof ips !== 'string' || !ips) continue;
    for (const p of ipList(ips, ann['kube-router.io/peer.ports'])) {
      out.push({
        project: 'kube-router',
        obj: node,
        path: ['metadata', 'annotations', 'kube-router.io/peer.ips'],
        text: `Node ${nodeName(node)}: kube-router.io/peer.ips ${ips}${ann['kube-router.io/peer.asns'] ? `, kube-router.io/peer.asns ${ann['kube-router.io/peer.asns']}` : ''}`,
        ip: p.ip,
        port: p.port,
        nodes: { all: false, names: new Set([nodeName(node)]) },
      });
    }
  }
  // global: --peer-router-ips on the kube-router DaemonSet
  for (const ds of state.all('DaemonSet')) {
    containers(ds).forEach((c, ci) => {
      if (!String(c.image ?? '').includes('kube-router')) return;
      if (argValue(c, 'run-router') === 'false') return;
      const ips = argValue(c, 'peer-router-ips');
      if (!ips) return;
      const args = asArray(c.args).map(String);
      const ai = args.findIndex((a) => a.includes('peer-router-ips'));
      for (const p of ipList(ips, argValue(c, 'peer-router-ports'))) {
        out.push({
          project: 'kube-router',
          obj: ds,
          path: ai >= 0 ? ['spec', 'template', 'spec', 'containers', ci, 'args', ai] : ['spec', 'template', 'spec', 'containers', ci],
          text: `DaemonSet ${ds.metadata?.namespace ?? ''}/${ds.metadata?.name ?? ''}: kube-router --peer-router-ips=${ips}`,
          ip: p.ip,
          port: p.port,
          nodes: { all: true },
        });
      }
    });
  }
  return out;
}

/** The nodes both sides open a session from (undefined: not known). */
function overlap(a: NodeScope, b: NodeScope, allNodes: readonly string[] | undefined): { all: boolean; names: string[] } | undefined {
  if (!a || !b) return undefined;
  const known = (n: string) => !allNodes || allNodes.includes(n);
  if (a.all && b.all) return { all: true, names: [...(allNodes ?? [])] };
  if (a.all) return b.all ? undefined : { all: false, names: [...b.names].filter(known) };
  if (b.all) return { all: false, names: [...a.names].filter(known) };
  return { all: false, names: [...a.names].filter((n) => b.names.has(n)) };
}

function metallbScope(p: PeerView, state: ClusterState): NodeScope {
  if (!p.selectorsValid) return undefined;
  if (!p.hasNodeSelectors) return { all: true };
  if (!state.isCaptured('Node')) return undefined;
  return { all: false, names: peerNodeNames(p, state.all('Node')) };
}

export default defineRule({
  meta: {
    id: 'other-bgp-speaker-same-peer',
    severity: 'warning',
    category: 'bgp',
    evidence: ['api'],
    description: 'Another BGP speaker on the nodes (Calico, Cilium, kube-router) peers with the same router address as a MetalLB BGPPeer: the router keeps only one session per node address.',
    fix: "Let one speaker own the session: announce the LoadBalancer addresses through the other speaker (e.g. Calico's BGPConfiguration serviceLoadBalancerIPs) and drop MetalLB's BGPPeer, or peer MetalLB with another router address (a spine, another VRF on the router).",
  },
  check({ state, report }) {
    const others = [...calicoPeers(state), ...ciliumPeers(state), ...kubeRouterPeers(state)];
    if (others.length === 0) return;
    const allNodes = state.isCaptured('Node') ? state.all('Node').map(nodeName) : undefined;
    for (const raw of state.metallbObjects('BGPPeer')) {
      const p = peerView(raw);
      // an interface peer is link-local; a VRF or an explicit source address may well make the
      // router see another neighbor address: say nothing then
      if (!p.address || p.iface || p.vrf || p.sourceAddress) continue;
      const mine = metallbScope(p, state);
      const hits: { other: OtherPeer; nodes: { all: boolean; names: string[] } }[] = [];
      for (const o of others) {
        if (o.ip.family !== p.address.family || o.ip.value !== p.address.value || o.port !== p.port) continue;
        const both = overlap(mine, o.nodes, allNodes);
        if (!both || (!both.all && both.names.length === 0) || (both.all && allNodes?.length === 0)) continue;
        hits.push({ other: o, nodes: both });
      }
      if (hits.length === 0) continue;
      const every = hits.some((h) => h.nodes.all);
      const names = [...new Set(hits.flatMap((h) => h.nodes.names))];
      const from = every ? (allNodes ? `every node (${allNodes.length})` : 'every node') : names.length === 1 ? `node ${names[0]}` : `${names.length} nodes (${namesText(names, 5)})`;
      const projects = [...new Set(hits.map((h) => h.other.project))];
      const subjects: Subject[] = [{ obj: raw, path: ['spec', 'peerAddress'] }];
      for (const h of hits) if (!subjects.some((s) => 'obj' in s && s.obj === h.other.obj)) subjects.push({ obj: h.other.obj, path: h.other.path });
      const addr = `${formatIP(p.address)}${p.port !== 179 ? ` port ${p.port}` : ''}`;
      report({
        message:
          `BGPPeer "${p.name}" peers with ${addr}, and ${projects.join(' and ')} peer${projects.length === 1 ? 's' : ''} with the same router from ${from}: ` +
          'the router sees two BGP sessions from one node address and keeps only one (BGP collision resolution), so MetalLB\'s session is refused or keeps being reset and its Service routes come and go',
        subjects,
        evidence: [
          `MetalLB BGPPeer "${p.name}": peerAddress ${p.addressText}, myASN ${p.myASN ?? '?'}, ${p.hasNodeSelectors ? 'nodeSelectors set' : 'every node'}`,
          ...hits.slice(0, 10).map((h) => h.other.text),
          ...(hits.length > 10 ? [`and ${hits.length - 10} more`] : []),
          ...(projects.includes('Calico') ? calicoConfig(state) : []),
        ],
        fix:
          projects.includes('Calico')
            ? `Let Calico announce the LoadBalancer addresses (kubectl patch bgpconfigurations.crd.projectcalico.org default --type merge -p '{"spec":{"serviceLoadBalancerIPs":[{"cidr":"<pool CIDR>"}]}}'), keep the IPAddressPool and delete BGPPeer "${p.name}" and the BGPAdvertisements; or peer MetalLB with another router (the spine) or another address/VRF of the router.`
            : `Let one speaker own the session with ${formatIP(p.address)}: announce the LoadBalancer addresses through ${projects.join('/')} and delete BGPPeer "${p.name}", or peer MetalLB with another router address (a spine, another VRF of the router).`,
      });
    }
  },
});
