import type { KubeObject } from '../../sources/types.js';
import { defineRule, type RuleContext } from '../types.js';
import type { FieldPath } from '../../sources/types.js';
import { ordered, type SessionState } from '../../model/logs/analysis.js';
import { eventLine, kubectlLogs, logSubject, timeText } from '../../model/logs/evidence.js';
import { BGP_SESSION_STATE, normaliseSessionPeer, peerNodeNames, peerView, sessionPeerKey, type PeerView } from '../../model/network.js';
import { asArray, asRecord, type ClusterState } from '../../state/cluster-state.js';
import { BGP_SESSION_UP } from '../../model/metrics.js';
import { namesText } from '../../report/text.js';

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** What each BGP FSM state usually means for a session that does not come up. */
const STATE_HINT: Record<string, string> = {
  Idle: 'Idle: FRR is not trying to connect (the neighbor is shut down, a limit was hit, or there is no route to the peer address)',
  Connect: 'Connect: the TCP connection to the peer does not complete (no route, a firewall, or nothing listening on the peer port)',
  Active: 'Active: FRR waits for a TCP connection it cannot get (the router does not have this node as neighbor, the address or port is wrong, or an eBGP peer is not directly connected)',
  OpenSent: 'OpenSent: TCP is up but the router does not accept the OPEN (ASN, router ID or capability mismatch)',
  OpenConfirm: 'OpenConfirm: the OPEN was accepted but no KEEPALIVE came back (hold time or capability mismatch)',
};

interface Session {
  obj: KubeObject;
  node: string;
  bgp: string;
  bfd: string;
  /** a metric, not a BGPSessionState: the evidence line to show */
  metric?: string;
}

/** `192.168.1.1:179`, `[2001:db8::1]:179` or a bare address, as the peer label of the metric writes it. */
function metricPeerAddress(peer: string): string {
  const v6 = /^\[(.+)\](?::\d+)?$/.exec(peer);
  if (v6) return v6[1]!;
  const m = /^([^:]+):\d+$/.exec(peer);
  return m ? m[1]! : peer;
}

export default defineRule({
  meta: {
    id: 'bgp-session-down',
    severity: 'error',
    severities: ['error', 'warning'],
    category: 'bgp',
    evidence: ['api', 'logs'],
    description: "A BGP session of a MetalLB BGPPeer is not Established (frr-k8s BGPSessionState, metallb_bgp_session_up 0 in the speakers' metrics, or a session the speaker's or FRR's log shows going down and not coming back), or its BFD session is down: the router gets no routes from that node.",
    fix: 'Find out why the session does not come up (the router\'s neighbor configuration, ASNs, address and port, password, reachability) and fix that side; `vtysh -c "show bgp neighbors <address>"` in the frr-k8s pod tells the last error.',
  },
  check({ state, options, report }) {
    // the session objects exist only with frr-k8s; MetalLB itself writes no session state, but its
    // speakers (and FRR's exporter) export metallb_bgp_session_up, read with --metrics
    const backend = state.metallb.bgpBackend ?? options.bgpBackend;
    // only the presence of session objects or metrics is evidence: none captured says nothing
    const sessions = backend === 'frr-k8s' ? state.all(BGP_SESSION_STATE) : [];
    const metricSessions = sessionMetrics(state);
    const reported = new Set<string>();
    checkObjects(state, backend, sessions, metricSessions, report, reported);
    checkLogs(state, report, reported);
  },
});

function checkObjects(state: ClusterState, backend: string, sessions: KubeObject[], metricSessions: MetricSession[], report: RuleContext['report'], reported: Set<string>): void {
  if (sessions.length === 0 && metricSessions.length === 0) return;
  const peers = state.metallbObjects('BGPPeer').map(peerView);
  if (peers.length === 0) return;
  const nodesKnown = state.isCaptured('Node');
  const nodes = state.all('Node');
  const nodeNames = new Set(nodes.map((n) => n.metadata?.name ?? ''));
  const selected = new Map<PeerView, Set<string>>();
  const nodesOf = (p: PeerView) => {
    let s = selected.get(p);
    if (!s) selected.set(p, (s = peerNodeNames(p, nodes)));
    return s;
  };

  const byPeer = new Map<PeerView, Session[]>();
  for (const obj of sessions) {
    const status = asRecord(obj.status);
    const labels = obj.metadata?.labels ?? {};
    const node = str(status.node) || str(labels['frrk8s.metallb.io/node']);
    const peerText = str(status.peer) || str(labels['frrk8s.metallb.io/peer']);
    const vrf = str(status.vrf) || str(labels['frrk8s.metallb.io/vrf']);
    const bgp = str(status.bgpStatus);
    if (!node || !peerText || !bgp) continue;
    // a node that is gone: the object is a leftover
    if (nodesKnown && !nodeNames.has(node)) continue;
    const key = normaliseSessionPeer(peerText);
    // the MetalLB BGPPeer that made this session: same address (or interface), same VRF, and it
    // selects the node; a session of another FRRConfiguration is not MetalLB's
    const peer = peers.find((p) => sessionPeerKey(p) === key && p.vrf === vrf && (!nodesKnown || nodesOf(p).has(node)));
    if (!peer) continue;
    const list = byPeer.get(peer) ?? [];
    list.push({ obj, node, bgp, bfd: str(status.bfdStatus) });
    byPeer.set(peer, list);
  }
  // the metrics, for the sessions no BGPSessionState reports
  for (const m of metricSessions) {
    if (nodesKnown && !nodeNames.has(m.node)) continue;
    const key = normaliseSessionPeer(m.address);
    const peer = peers.find((p) => sessionPeerKey(p) === key && (!nodesKnown || nodesOf(p).has(m.node)));
    if (!peer) continue;
    const list = byPeer.get(peer) ?? [];
    if (list.some((s) => s.node === m.node && !s.metric)) continue;
    list.push({ obj: m.pod, node: m.node, bgp: m.up ? 'Established' : 'down', bfd: '', metric: m.evidence });
    byPeer.set(peer, list);
  }

  const bgpStatuses = state.isCaptured('ServiceBGPStatus') ? state.metallbObjects('ServiceBGPStatus') : undefined;
  /** `-n NS <pod>`: the frr-k8s pod on the node (the session objects live in frr-k8s's namespace) */
  const frrPod = (s: Session) => {
    const ns = s.obj.metadata?.namespace || '<frr-k8s namespace>';
    const pod = (state.inNamespace('Pod', ns) ?? state.all('Pod')).find((p) => p.metadata?.namespace === ns && asRecord(p.spec).nodeName === s.node && (p.metadata?.name ?? '').startsWith('frr-k8s') && asArray(asRecord(p.spec).containers).some((c) => asRecord(c).name === 'frr'));
    return `-n ${ns} ${pod?.metadata?.name ?? `<frr-k8s pod on ${s.node}>`}`;
  };
  /** how to look at a session from the node: FRR's vtysh, or the native speaker's log */
  const nodeSide = (s: Session, target: string) => {
    if (!s.metric || backend === 'frr-k8s') return `kubectl exec ${frrPod(s)} -c frr -- vtysh -c "show bgp neighbors ${target}" (last reset reason, last error)`;
    const where = `-n ${s.obj.metadata?.namespace ?? state.metallb.namespace} ${s.obj.metadata?.name ?? ''}`;
    return backend === 'native'
      ? `kubectl logs ${where} -c speaker | grep -i '${target}' (the native speaker logs each connection attempt and NOTIFICATION)`
      : `kubectl exec ${where} -c frr -- vtysh -c "show bgp neighbors ${target}" (last reset reason, last error)`;
  };
  for (const [peer, list] of byPeer) {
    const down = list.filter((s) => s.bgp !== 'Established');
    const bfdDown = list.filter((s) => s.bgp === 'Established' && s.bfd.toLowerCase() === 'down');
    const target = peer.iface ? `interface ${peer.iface}` : peer.addressText;
    const asn = peer.peerASN !== undefined ? `AS ${peer.peerASN}` : peer.dynamicASN ? `dynamicASN ${peer.dynamicASN}` : '';
    const who = `BGPPeer "${peer.name}" (${target}${asn ? `, ${asn}` : ''}${peer.vrf ? `, VRF ${peer.vrf}` : ''})`;
    const peerSubject = { obj: peer.raw, path: ['spec', peer.iface ? 'interface' : 'peerAddress'] };
    const expected = nodesKnown ? [...nodesOf(peer)] : undefined;
    if (down.length > 0) {
      for (const d of down) reported.add(`${normaliseSessionPeer(peer.iface || peer.addressText)}@${d.node}`);
      const states = [...new Set(down.map((s) => s.bgp))];
      const names = down.map((s) => s.node);
      const all = down.length === list.length && (!expected || expected.every((n) => names.includes(n)));
      const services = servicesOver(bgpStatuses, peer.name, names);
      report({
        message:
          `${who}: the BGP session from ${down.length === 1 ? `node ${names[0]}` : `${down.length} nodes (${namesText(names, 5)})`} is ${states.join('/')}, not Established: ` +
          (all
            ? 'no node has a session with this router, so it learns none of the Service routes MetalLB announces to it'
            : `the router learns no Service routes from ${down.length === 1 ? 'that node' : 'those nodes'} (its other sessions are Established), so ECMP toward them is lost`),
        subjects: [...down.map((s) => (s.metric ? { obj: s.obj } : { obj: s.obj, path: ['status', 'bgpStatus'] })), peerSubject],
        evidence: [
          ...down.slice(0, 10).map((s) => s.metric ?? `BGPSessionState ${s.obj.metadata?.name ?? ''}: node ${s.node}, peer ${target}, bgpStatus ${s.bgp}, bfdStatus ${s.bfd || 'N/A'}`),
          ...(down.length > 10 ? [`and ${down.length - 10} more session(s) not Established`] : []),
          ...states.map((st) => STATE_HINT[st] ?? (st === 'down' ? 'down: the speaker reports the session not up (metallb_bgp_session_up 0)' : `${st}: not a state in which routes are exchanged`)),
          ...(list.length > down.length ? [`Established from: ${namesText(list.filter((s) => s.bgp === 'Established').map((s) => s.node), 5)}`] : []),
          ...(services.length > 0 ? [`MetalLB hands ${services.length === 1 ? 'Service' : `${services.length} Services`} ${namesText(services, 5)} to this peer on those nodes (ServiceBGPStatus: intent, not delivery)`] : []),
        ],
        fix:
          `Look at the session from the node's side: ${nodeSide(down[0]!, peer.iface || peer.addressText)}. ` +
          `Then fix what it shows: the router must have the node's address as neighbor with remote-as ${peer.myASN ?? '<myASN>'}, the ASNs, port ${peer.port} and password must match on both sides, and an eBGP peer that is not directly connected needs spec.ebgpMultiHop: true.`,
      });
    } else if (bfdDown.length > 0) {
      const names = bfdDown.map((s) => s.node);
      report({
        message: `${who}: the BFD session from ${bfdDown.length === 1 ? `node ${names[0]}` : `${bfdDown.length} nodes (${namesText(names, 5)})`} is down while BGP is Established: a link failure is noticed only when the BGP hold time expires, not within BFD's detection time`,
        severity: 'warning',
        subjects: [...bfdDown.map((s) => ({ obj: s.obj, path: ['status', 'bfdStatus'] })), peerSubject],
        evidence: bfdDown.slice(0, 10).map((s) => `BGPSessionState ${s.obj.metadata?.name ?? ''}: node ${s.node}, peer ${target}, bgpStatus ${s.bgp}, bfdStatus ${s.bfd}`),
        fix: `Enable BFD for this neighbor on the router too, with compatible intervals (the BFDProfile of spec.bfdProfile); check with kubectl exec ${frrPod(bfdDown[0]!)} -c frr -- vtysh -c "show bfd peers".`,
      });
    }
  }
}

/**
 * The speakers' (native) and FRR's logs: a session that was up and went down (`sessionDown`,
 * `%ADJCHANGE ... Down`) and did not come up again before the log ends. Sessions that never came
 * up are log-bgp-connect-failed's; a session the objects or metrics above report is not repeated.
 */
function checkLogs(state: ClusterState, report: RuleContext['report'], reported: Set<string>): void {
  const logs = state.logAnalysis;
  if (!logs) return;
  const byPeer = new Map<string, SessionState[]>();
  const peersKnown = state.isCaptured('BGPPeer');
  const peerViews = peersKnown ? state.metallbObjects('BGPPeer').map(peerView) : [];
  for (const s of ordered(logs.sessions)) {
    if (s.up || !s.everUp || !s.lastDown) continue;
    // a neighbour removed on purpose (FRR: "Neighbor deleted"), or a BGPPeer that no longer exists
    if (/Neighbor deleted|Peer-group delete/i.test(s.lastDown.details.reason ?? '')) continue;
    if (peersKnown && !peerViews.some((p) => sessionPeerKey(p) === normaliseSessionPeer(s.peer))) continue;
    const node = s.stream.node ?? s.stream.pod;
    if (reported.has(`${normaliseSessionPeer(s.peer)}@${node}`)) continue;
    byPeer.set(s.peer, [...(byPeer.get(s.peer) ?? []), s]);
  }
  for (const [address, ss] of byPeer) {
    const peer = peerViews.find((p) => sessionPeerKey(p) === normaliseSessionPeer(address));
    const nodes = ss.map((s) => s.stream.node ?? s.stream.pod);
    const after = (s: SessionState) => (s.connectFailures ? `; ${s.connectFailures.count} failed reconnect(s) after it, the last: ${s.connectFailures.last.details.error || s.connectFailures.last.message}` : '');
    report({
      message:
        `The BGP session to ${address}${peer ? ` (BGPPeer "${peer.name}")` : ''} went down on ${namesText(nodes, 5)} and the log${ss.length === 1 ? '' : 's'} end${ss.length === 1 ? 's' : ''} before it came up again: ` +
        `the router learns no Service routes from ${ss.length === 1 ? 'that node' : 'those nodes'}`,
      subjects: [...(peer ? [{ obj: peer.raw, path: ['spec', peer.iface ? 'interface' : 'peerAddress'] as FieldPath }] : []), ...ss.slice(0, 10).map((s) => logSubject(s.lastDown!))],
      evidence: ss.slice(0, 8).flatMap((s) => [`${s.stream.node ?? s.stream.pod}: up at ${timeText(s.lastUp?.time)}, down at ${timeText(s.lastDown!.time)}${s.lastDown!.details.reason ? ` (${s.lastDown!.details.reason})` : ''}${after(s)}`, eventLine(s.lastDown!)]),
      fix: `Find why it dropped from the node's side (${ss[0]!.stream.component === 'frr' ? `kubectl exec -n ${ss[0]!.stream.namespace} ${ss[0]!.stream.pod} -c frr -- vtysh -c "show bgp neighbors ${address}"` : kubectlLogs(ss[0]!.stream, address)}) and on the router (its log for this neighbor: hold timer expired, a NOTIFICATION, an interface down), and fix that side.`,
    });
  }
}

interface MetricSession {
  pod: KubeObject;
  node: string;
  address: string;
  up: boolean;
  evidence: string;
}

/** metallb_bgp_session_up of the speakers' (and FRR exporters') metrics, per node and peer address. */
function sessionMetrics(state: ClusterState): MetricSession[] {
  const out: MetricSession[] = [];
  for (const m of state.metrics) {
    const pod = state.get('Pod', m.namespace, m.pod);
    const node = pod ? str(asRecord(pod.spec).nodeName) : '';
    if (!pod || !node) continue;
    for (const s of m.samples) {
      if (s.name !== BGP_SESSION_UP || !s.labels.peer) continue;
      out.push({ pod, node, address: metricPeerAddress(s.labels.peer), up: s.value === 1, evidence: `${m.namespace}/${m.pod} (node ${node}), metrics port ${m.port}: ${BGP_SESSION_UP}{peer="${s.labels.peer}"} ${s.value}` });
    }
  }
  return out;
}

/** Services whose ServiceBGPStatus on one of the nodes lists the peer. */
function servicesOver(statuses: readonly KubeObject[] | undefined, peer: string, nodes: readonly string[]): string[] {
  if (!statuses) return [];
  const out = new Set<string>();
  for (const s of statuses) {
    const st = asRecord(s.status);
    if (!nodes.includes(str(st.node))) continue;
    if (!asArray(st.peers).includes(peer)) continue;
    out.add(`${str(st.serviceNamespace) || 'default'}/${str(st.serviceName)}`);
  }
  return [...out].sort();
}
