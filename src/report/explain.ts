// `explain service NS/NAME`: the causal chain for one Service, as steps a person can follow and
// confirm by hand (cli.md: `service` and `steps`). Every step says what MetalLB decides and why,
// from the same model as simulate and the rules.
import type { KubeObject } from '../sources/types.js';
import type { ClusterState } from '../state/cluster-state.js';
import { asRecord } from '../state/cluster-state.js';
import { podSelectorText } from '../model/pods.js';
import type { Finding } from './types.js';
import { simulationOf, autoAssignCandidates, pendingCause, CAUSE_RULE, poolAnnotationKey, alternativesText, serviceName } from '../model/simulation.js';
import { poolCompatible } from '../model/allocator/allocator.js';
import { metallbLoadBalancerClass } from '../model/lb-class.js';
import { announcementOf, announcingNodes, hasRunningSpeaker, serviceEndpoints } from '../model/announcement.js';
import { inScope, nodesByName, type NodeScope } from '../model/announce/common.js';
import { carries, type BGPPrefix } from '../model/announce/index.js';
import { aggregateLeaks } from '../model/aggregates.js';
import { serviceView, blockingRules, type ServiceView } from './views.js';
import { namesText } from './text.js';
import { versionAtLeast } from '../state/installation.js';

export type StepStatus = 'ok' | 'blocked' | 'warning' | 'info';

export interface Step {
  title: string;
  status: StepStatus;
  evidence: string[];
  confirm: string[];
}

export interface Explanation {
  service: ServiceView;
  /** one sentence: the answer */
  verdict: string;
  steps: Step[];
  findings: Finding[];
}

/** The allocator's pending reasons of its own (allocator/index.ts), not MetalLB event reasons. */
const OWN_REASONS = new Set(['noPools', 'noClusterIP']);

/** The rules that report who MetalLB was seen announcing a Service from, against the model's election. */
const OBSERVED_ANNOUNCE_RULES = new Set(['service-multiple-announcers', 'service-announcer-unexpected', 'l2-interface-announce-failed']);

const names = (xs: readonly string[]) => namesText(xs);

const L2_EXCLUSION: Record<string, string> = {
  notMemberlistMember: 'no running speaker (not a memberlist member)',
  memberlistDisabled: 'memberlist is off, and MetalLB before v0.15.0 then elects no node in layer 2 (metallb#2425)',
  nodeUnschedulable: 'cordoned (MetalLB v0.14.9 alone takes a cordoned node for unavailable)',
  nodeNetworkUnavailable: 'condition NetworkUnavailable=True',
  nodeLabeledExcludeBalancers: 'labelled node.kubernetes.io/exclude-from-external-load-balancers',
  noLocalEndpoints: 'no ready endpoint on the node (externalTrafficPolicy: Local)',
  conflictingAdvertisements: 'its BGPAdvertisements for the pool set different LOCAL_PREFs',
  noRunningSpeaker: 'no running speaker',
  notSelected: 'no advertisement of the pool that matches the Service selects it',
};

/** What a layer 2 announcer answers for these addresses: ARP for IPv4, NDP for IPv6. */
function neighborText(ips: readonly string[]): string {
  const v4 = ips.filter((x) => !x.includes(':'));
  const v6 = ips.filter((x) => x.includes(':'));
  return [...(v4.length ? [`ARP for ${v4.join(', ')}`] : []), ...(v6.length ? [`NDP for ${v6.join(', ')}`] : [])].join(' and ');
}

function grouped(excluded: readonly { node: string; reason: string }[]): string[] {
  const by = new Map<string, string[]>();
  for (const e of excluded) by.set(e.reason, [...(by.get(e.reason) ?? []), e.node]);
  return [...by].map(([reason, ns]) => `not ${ns.length === 1 ? 'this node' : `these ${ns.length} nodes`}: ${names(ns)}: ${L2_EXCLUSION[reason] ?? reason}`);
}

/** The Events whose involvedObject (or regarding) is the Service. */
function eventsOf(state: ClusterState, svc: KubeObject): KubeObject[] {
  const ns = svc.metadata?.namespace || 'default';
  const name = svc.metadata?.name;
  return state.all('Event').filter((e) => {
    const io = asRecord((e as Record<string, unknown>).involvedObject ?? (e as Record<string, unknown>).regarding);
    return io.kind === 'Service' && io.name === name && (io.namespace ?? e.metadata?.namespace) === ns;
  });
}

export function explainService(state: ClusterState, svc: KubeObject, allFindings: readonly Finding[]): Explanation {
  const ns = svc.metadata?.namespace || 'default';
  const name = svc.metadata?.name ?? '';
  const ref = `${ns}/${name}`;
  const findings = allFindings.filter((f) => f.objects.some((o) => o.kind === 'Service' && (o.namespace || 'default') === ns && o.name === name));
  const view = serviceView(state, svc, blockingRules(findings));
  const sim = simulationOf(state);
  const result = sim.byService.get(svc)!;
  const info = sim.info.get(svc)!;
  const mlns = state.metallb.namespace;
  const steps: Step[] = [];
  const spec = asRecord(svc.spec);
  // absent is not none: pools the input could not read are unknown, not missing
  const poolsUnknown = sim.pools.length === 0 && !state.isCaptured('IPAddressPool');
  const gap = state.gaps.find((g) => g.kind === 'IPAddressPool');
  const poolsGap = gap ? ` (${gap.what}: ${gap.why})` : '';
  // the addresses the Service's status holds: the model's allocation may be one the controller has not written yet
  const held = (((svc.status as Record<string, unknown> | undefined)?.loadBalancer as { ingress?: { ip?: unknown }[] } | undefined)?.ingress ?? []).map((i) => i.ip).filter((x): x is string => typeof x === 'string');

  // 1. Is it MetalLB's at all?
  const cls = metallbLoadBalancerClass(state);
  const classText = typeof spec.loadBalancerClass === 'string' ? `loadBalancerClass "${spec.loadBalancerClass}"` : 'no loadBalancerClass';
  const mine = result.state !== 'ignored';
  steps.push({
    title: mine ? 'MetalLB handles this Service' : 'MetalLB ignores this Service',
    status: mine ? 'ok' : result.reason === 'notLoadBalancer' ? 'info' : 'blocked',
    evidence: [
      `spec.type: ${String(spec.type ?? 'ClusterIP')}; ${classText}`,
      cls.everyClass ? cls.from : cls.value ? `MetalLB runs with --lb-class=${cls.value}: it handles only Services of that class` : 'MetalLB runs without --lb-class: it handles LoadBalancer Services with no loadBalancerClass',
      ...(result.reason === 'otherLoadBalancerClass' ? ['another load-balancer implementation is asked for: MetalLB neither assigns nor clears anything'] : []),
    ],
    confirm: [`kubectl -n ${ns} get svc ${name} -o jsonpath='{.spec.type} {.spec.loadBalancerClass}{"\\n"}'`],
  });
  if (!mine) return finish();

  // 2. Which pools it may use, and why not the others
  const poolKey = poolAnnotationKey(state, svc);
  const poolEvidence: string[] = [];
  if (info.desiredPool) poolEvidence.push(`it asks for pool "${info.desiredPool}" (${poolKey}): only that pool is considered`);
  const requested = info.svc.metadata?.annotations ? Object.entries(svc.metadata?.annotations ?? {}).find(([k]) => /\/loadBalancerIPs$/.test(k)) : undefined;
  if (requested) poolEvidence.push(`it asks for the addresses ${requested[1]} (${requested[0]}): the pool that holds them is used`);
  else if (typeof spec.loadBalancerIP === 'string' && spec.loadBalancerIP) poolEvidence.push(`it asks for ${spec.loadBalancerIP} (spec.loadBalancerIP)`);
  if (!info.desiredPool && !requested && !spec.loadBalancerIP) {
    const { pinned, fallback } = autoAssignCandidates(state, info);
    if (pinned.length > 0) poolEvidence.push(`pools reserved for it by serviceAllocation (these win): ${pinned.map((p) => `"${p.name}"${p.serviceAllocation?.priority ? ` priority ${p.serviceAllocation.priority}` : ''}`).join(', ')}`);
    if (fallback.length > 0) poolEvidence.push(`pools open to every Service: ${fallback.map((p) => `"${p.name}"`).join(', ')}`);
    for (const p of sim.pools) {
      if (!p.autoAssign) poolEvidence.push(`not "${p.name}": autoAssign is false (only Services that name it get its addresses)`);
      else if (p.serviceAllocation && !poolCompatible(p, info)) poolEvidence.push(`not "${p.name}": its serviceAllocation (namespaces/selectors) does not include this Service`);
    }
    if (sim.pools.length === 0) poolEvidence.push(poolsUnknown ? `the input lacks IPAddressPool${poolsGap}: which pools it may use is not known` : 'there is no IPAddressPool MetalLB reads');
  }
  const families = info.clusterIPs.map((ip) => (ip.includes(':') ? 'IPv6' : 'IPv4'));
  poolEvidence.push(`address family: ${families.join(' + ') || 'unknown'} (from spec.clusterIPs), ipFamilyPolicy ${info.policy}`);
  steps.push({ title: 'The pools it may use', status: 'info', evidence: poolEvidence, confirm: [`kubectl -n ${mlns} get ipaddresspools.metallb.io -o yaml`] });

  // 3. The address, or why not
  const describe = `kubectl -n ${ns} describe svc ${name}    # MetalLB's events: IPAllocated / AllocationFailed`;
  if (poolsUnknown) {
    steps.push({
      title: 'The address: not known from this input',
      status: 'info',
      evidence: [
        `the input lacks IPAddressPool${poolsGap}: whether MetalLB gives it an address, and which, is not computed`,
        held.length > 0 ? `its status holds ${held.join(', ')}` : 'its status holds no address',
      ],
      confirm: [describe, `kubectl -n ${mlns} get ipaddresspools.metallb.io -o yaml`],
    });
    return finish();
  }
  if (result.state === 'pending') {
    const cause = pendingCause(state, svc);
    const rule = cause ? CAUSE_RULE[cause.kind] : undefined;
    steps.push({
      title: 'No address: MetalLB cannot give it one',
      status: 'blocked',
      evidence: [
        // noPools and noClusterIP are the model's names, not the reason of an event MetalLB emits
        OWN_REASONS.has(result.reason ?? '') ? `why: ${result.message ?? result.reason}` : `MetalLB's controller: Warning ${result.reason ?? 'AllocationFailed'} "${result.message ?? ''}"`,
        ...(rule ? [`cause: ${rule}`] : []),
        ...(result.notes ?? []),
      ],
      confirm: [describe],
    });
    return finish();
  }
  const kept = result.state === 'kept';
  const unwritten = !kept && held.length === 0;
  const pendingFinding = findings.find((f) => f.rule === 'service-pending');
  steps.push({
    title: `The address: ${result.ips.join(', ')} from pool "${result.pool}"`,
    // a rejected configuration hands out nothing new (the note says so); an address not in the status is not held yet
    status: unwritten && pendingFinding && (pendingFinding.severity === 'error' || pendingFinding.severity === 'critical') ? 'blocked' : (!kept && simulationOf(state).rejected) || unwritten ? 'warning' : 'ok',
    evidence: [
      kept ? 'it already holds the address, and MetalLB keeps it (it is still valid)' : `MetalLB gives it the first free address${result.pool ? ` of "${result.pool}"` : ''}`,
      ...(unwritten ? [`its status holds no address yet: ${result.ips.join(', ')} is what MetalLB's allocation gives it once its controller processes it${pendingFinding ? ' (see service-pending)' : ''}`] : []),
      ...(alternativesText(result) ? [alternativesText(result).trim()] : []),
      ...result.events.map((e) => `MetalLB's controller: ${e.type} ${e.reason} "${e.message}"`),
      ...(result.notes ?? []),
    ],
    confirm: [describe, `kubectl -n ${ns} get svc ${name} -o jsonpath='{.status.loadBalancer.ingress[*].ip}{"\\n"}'`],
  });

  // 4-5. Which nodes may announce it, and who does
  const a = announcementOf(state);
  const r = a.byService.get(svc)?.announce;
  if (!a.applies || !r) {
    steps.push({
      title: 'Who announces it: not known from this input',
      status: 'info',
      evidence: [`the input lacks ${a.missing.join(', ') || 'the announcement'}: who announces the address is not computed`],
      confirm: [`kubectl get nodes --show-labels`, `kubectl -n ${mlns} get pods -o wide`],
    });
    return finish();
  }
  const nodeEvidence: string[] = [];
  // the model's exclusions cover the nodes an advertisement selects; the others are not selected at all
  const nodeNames = a.input.nodes.map((n) => n.metadata?.name ?? '');
  const unselected = (scopes: readonly NodeScope[]) => nodeNames.filter((n) => !scopes.some((sc) => inScope(sc, n))).map((node) => ({ node, reason: 'notSelected' }));
  if (r.l2) {
    if (r.l2.advertisements.length === 0) nodeEvidence.push(`layer 2: no L2Advertisement of pool "${r.pool}" matches the Service`);
    else nodeEvidence.push(`layer 2: L2Advertisement(s) ${r.l2.advertisements.map((s) => `"${s.name}" (${s.nodes === 'all' ? 'all nodes' : `${s.nodes.length} node(s)`})`).join(', ')}`);
    if (r.l2.noServingEndpoints) nodeEvidence.push('layer 2: no endpoint of the Service can serve, so every speaker stays silent');
    if (r.l2.reason === 'sharedIPWithServiceSelector') nodeEvidence.push('layer 2: the Service shares its IP (allow-shared-ip) and an L2Advertisement has serviceSelectors: the speakers refuse it');
    if (r.l2.candidates.length > 0) nodeEvidence.push(`layer 2 candidates in election order (sha256 of "node#${r.ips[0]}"${r.l2.scores ? ', preferred-node scores first' : ''}): ${names(r.l2.candidates)}`);
    nodeEvidence.push(...grouped(r.l2.excluded).map((t) => `layer 2: ${t}`));
    if (r.l2.advertisements.length > 0) nodeEvidence.push(...grouped(unselected(r.l2.advertisements)).map((t) => `layer 2: ${t}`));
  }
  if (r.bgp && (r.bgp.advertisements.length > 0 || r.bgp.otherAdvertisements.length > 0)) {
    nodeEvidence.push(`BGP: BGPAdvertisement(s) ${r.bgp.advertisements.map((s) => `"${s.name}" (${s.nodes === 'all' ? 'all nodes' : `${s.nodes.length} node(s)`})`).join(', ') || 'none matching the Service'}`);
    nodeEvidence.push(...grouped(r.bgp.excluded).map((t) => `BGP: ${t}`));
    if (r.bgp.advertisements.length > 0) nodeEvidence.push(...grouped(unselected(r.bgp.advertisements)).map((t) => `BGP: ${t}`));
    // selected and not excluded, but no speaker runs there to open the sessions (announcingNodes leaves them out)
    const bgpExcluded = new Set(r.bgp.excluded.map((e) => e.node));
    const silent = nodeNames.filter((n) => r.bgp!.advertisements.some((sc) => inScope(sc, n)) && !bgpExcluded.has(n) && (!r.bgp!.localEndpointNodes || r.bgp!.localEndpointNodes.includes(n)) && !hasRunningSpeaker(a, n));
    nodeEvidence.push(...grouped(silent.map((node) => ({ node, reason: 'noRunningSpeaker' }))).map((t) => `BGP: ${t}`));
    if (r.bgp.localEndpointNodes) nodeEvidence.push(`BGP: externalTrafficPolicy Local: only nodes with a ready endpoint announce: ${names(r.bgp.localEndpointNodes) || 'none'}`);
    // ShouldAnnounce asks for a local endpoint (Local policy) before it asks for any endpoint
    if (!r.bgp.hasEndpoints) nodeEvidence.push(`BGP: no endpoint can serve: every node withdraws the route (${r.bgp.localEndpointNodes ? 'noLocalEndpoints' : 'noEndpoints'})`);
  }
  if (a.speaker.memberlist.mode === 'disabled' && !a.input.memberlistOffSilences) nodeEvidence.push('memberlist is off: every node takes part in the layer 2 election, with a running speaker or not');
  // the memberlist note of an old release says what the election does: it stays
  nodeEvidence.push(...a.speaker.notes.filter((n) => !n.startsWith('memberlist is disabled') || a.input.memberlistOffSilences));
  const who = announcingNodes(a, r);
  const any = who.l2 !== undefined || who.bgp.length > 0;
  steps.push({
    title: 'The nodes that may announce it',
    status: any ? 'ok' : 'blocked',
    evidence: nodeEvidence,
    confirm: [`kubectl -n ${mlns} get l2advertisements.metallb.io,bgpadvertisements.metallb.io -o yaml`, 'kubectl get nodes --show-labels'],
  });

  const announceEvidence: string[] = [];
  if (who.l2) {
    // without memberlist a speaker learns of a dead node only from its Node object: the election keeps it
    const failover =
      a.speaker.memberlist.mode === 'disabled'
        ? 'if it fails, no other node takes over while its Node object stays (memberlist is off: the election goes by Node objects, not by live speakers)'
        : `if it fails, ${r.l2!.candidates[1] ?? 'no other node'} takes over`;
    announceEvidence.push(`layer 2: ${who.l2} answers ${neighborText(r.ips)}${r.l2?.interfaces ? ` on ${r.l2.interfaces.join(', ')}` : ' on every eligible interface'}; ${failover}`);
  }
  if (who.l2Silent) announceEvidence.push(`layer 2: the election picks ${who.l2Silent}, which runs no speaker: nothing answers for ${r.ips[0]}`);
  let unlearned = 0;
  if (who.bgp.length > 0) {
    const bgp = r.bgp!;
    const open = bgp.sessions.filter((s) => who.bgp.some((n) => inScope(s, n)));
    const sentTo = (p: BGPPrefix) => open.filter((s) => (p.peers === 'all' || p.peers.includes(s.name)) && carries(s, p.prefix));
    const sessions = open.filter((s) => bgp.prefixes.some((p) => sentTo(p).includes(s))).map((s) => s.name);
    announceEvidence.push(
      `BGP: ${who.bgp.length} node(s) announce ${bgp.prefixes.map((p) => p.prefix).join(', ')}: ${names(who.bgp)}; to peers ${sessions.join(', ') || (open.length > 0 ? '(none: see below)' : '(no BGPPeer session on those nodes)')}`,
    );
    // a session carries its peer's own address family only (unless dualStackAddressFamily or unnumbered)
    for (const p of bgp.prefixes) {
      if (open.length === 0 || sentTo(p).length > 0) continue;
      unlearned++;
      const family = p.prefix.includes(':') ? 'IPv6' : 'IPv4';
      const other = open.filter((s) => (p.peers === 'all' || p.peers.includes(s.name)) && !carries(s, p.prefix));
      if (other.length > 0) announceEvidence.push(`BGP: no router learns ${p.prefix}: ${other.map((s) => s.name).join(', ')} take${other.length === 1 ? 's' : ''} ${family === 'IPv6' ? 'IPv4' : 'IPv6'} routes only (set dualStackAddressFamily: true on the BGPPeer, or add a peer with an ${family} address)`);
    }
  }
  // what MetalLB itself reports: ServiceL2Status / ServiceBGPStatus and nodeAssigned events
  const reported = new Set<string>();
  const statusKinds = ['ServiceL2Status', 'ServiceBGPStatus'].filter((k) => state.isCaptured(k));
  for (const kind of statusKinds) {
    for (const o of state.all(kind)) {
      const st = asRecord(o.status);
      if (st.serviceName === name && (st.serviceNamespace ?? ns) === ns && typeof st.node === 'string') {
        reported.add(st.node);
        announceEvidence.push(`MetalLB reports (${kind} ${o.metadata?.name}): node ${st.node}`);
      }
    }
  }
  for (const e of eventsOf(state, svc)) {
    if ((e as Record<string, unknown>).reason === 'nodeAssigned') announceEvidence.push(`event nodeAssigned: "${String((e as Record<string, unknown>).message ?? (e as Record<string, unknown>).note ?? '')}"`);
  }
  const predicted = new Set([...(who.l2 ? [who.l2] : []), ...who.bgp]);
  let mismatch = false;
  if (reported.size > 0) {
    const extra = [...reported].filter((n) => !predicted.has(n));
    const missing = who.l2 && !reported.has(who.l2) ? [who.l2] : [];
    if (extra.length > 0 || missing.length > 0) {
      mismatch = true;
      announceEvidence.push(
        `MetalLB's status disagrees with the model: ${extra.length ? `reported but not expected: ${extra.join(', ')}` : ''}${extra.length && missing.length ? '; ' : ''}${missing.length ? `expected but not reported: ${missing.join(', ')}` : ''} (speakers with a different view of the nodes or the memberlist, or a stale status)`,
      );
    }
  }
  if (!any && !who.l2Silent) announceEvidence.push('no node announces it');
  // what MetalLB was seen doing (its logs, status, events) beside what the model predicts
  const observed = findings.filter((f) => OBSERVED_ANNOUNCE_RULES.has(f.rule) && f.severity !== 'info');
  for (const f of observed) announceEvidence.push(`MetalLB was seen announcing it otherwise: ${f.severity} ${f.rule} (see "Findings about this Service")`);
  const ip = r.ips[0] ?? '';
  steps.push({
    title: any ? `Who announces it: ${[...(who.l2 ? [`${who.l2} (layer 2)`] : []), ...(who.bgp.length ? [`${who.bgp.length} node(s) by BGP`] : [])].join(', ')}` : 'Nobody announces it',
    // a BGP announcement no router learns (no session of its family) reaches nobody
    status: !any || (!who.l2 && r.bgp !== undefined && unlearned > 0 && unlearned === r.bgp.prefixes.length) ? 'blocked' : mismatch || unlearned > 0 || observed.length > 0 ? 'warning' : 'ok',
    evidence: announceEvidence,
    confirm: [
      // one probe per address family: ARP answers for IPv4 only, NDP for IPv6 only
      ...(r.l2 && r.l2.advertisements.length > 0
        ? [r.ips.find((x) => !x.includes(':')), r.ips.find((x) => x.includes(':'))]
            .filter((x): x is string => x !== undefined)
            .map((x) =>
              x.includes(':')
                ? `ndisc6 ${x} <interface>    # from a host on the same segment: one MAC should answer (NDP), ${who.l2 ?? 'the elected node'}'s`
                : `arping -c 3 -I <interface> ${x}    # from a host on the same segment: one MAC should answer, ${who.l2 ?? 'the elected node'}'s`,
            )
        : []),
      // the speakers of v0.13 and later name only the addresses in serviceAnnounced, not the Service
      ...(r.ips.length === 0 ? [] : [`kubectl -n ${mlns} logs -l ${podSelectorText(state.metallb.speaker, 'component=speaker')} -c speaker --tail=-1 --prefix | grep -E 'serviceAnnounced|serviceWithdrawn' | grep -F ${r.ips.map((x) => `-e '"${x}"'`).join(' ')}    # the last line of each speaker: does it announce?`]),
      ...((statusKinds.length > 0 || r.l2) && statusResources(state).length > 0 ? [`kubectl get ${statusResources(state).join(',')} -A`] : []),
      ...(r.bgp && r.bgp.announcingCount > 0 ? r.ips.map((x) => `show bgp ${x.includes(':') ? 'ipv6' : 'ipv4'} unicast ${x}    # on the router: one path per announcing node`) : []),
    ],
  });

  // 6. Endpoints and where traffic enters
  const eps = serviceEndpoints(state, ns, name);
  const serving = eps.filter((e) => e.canServe && e.hasAddresses);
  const byName = nodesByName(a.input.nodes);
  const local = spec.externalTrafficPolicy === 'Local';
  const epNodes = [...new Set(serving.map((e) => e.nodeName).filter((n): n is string => !!n))];
  const trafficEvidence = [
    `${serving.length} ready endpoint(s) of ${eps.length}${epNodes.length ? ` on ${names(epNodes)}` : ''}`,
    local
      ? 'externalTrafficPolicy Local: traffic enters only at a node with a local endpoint, and the client address is kept'
      : 'externalTrafficPolicy Cluster: traffic enters at the announcing node and kube-proxy forwards it to any endpoint (source NAT)',
  ];
  if (who.l2) trafficEvidence.push(`traffic for ${ip} arrives at ${who.l2}${local ? '' : ', then goes to an endpoint'}`);
  const leaks = local ? (aggregateLeaks(state).get(svc) ?? []) : [];
  for (const leak of leaks) {
    trafficEvidence.push(`the BGP aggregate ${leak.prefix} is also announced for ${names(leak.others.map(serviceName))} by ${names(leak.nodes)}, which hold no endpoint of this Service: traffic the routers send there is dropped (see service-aggregate-local-policy)`);
  }
  // under Local only a node with an endpoint may announce: endpoints on nodes no matching advertisement selects get no traffic
  const scopes = [...(r.l2?.advertisements ?? []), ...(r.bgp?.advertisements ?? [])];
  const outside = local ? epNodes.filter((n) => byName.has(n) && !scopes.some((sc) => inScope(sc, n))) : [];
  // in layer 2 one elected node takes all the traffic anyway: only BGP, or no endpoint node selected at all, makes it matter
  const unreached = outside.length > 0 && ((r.bgp?.advertisements.length ?? 0) > 0 || outside.length === epNodes.length) ? outside : [];
  if (unreached.length > 0) trafficEvidence.push(`endpoints on ${names(unreached)}, which no advertisement matching the Service selects: under externalTrafficPolicy Local no traffic enters there`);
  if (epNodes.some((n) => !byName.has(n))) trafficEvidence.push(`endpoints name nodes the input does not hold: ${epNodes.filter((n) => !byName.has(n)).join(', ')}`);
  if (epNodes.some((n) => !hasRunningSpeaker(a, n)) && local) trafficEvidence.push(`endpoints on nodes without a running speaker: ${epNodes.filter((n) => !hasRunningSpeaker(a, n)).join(', ')}`);
  steps.push({
    title: 'Endpoints and where traffic enters',
    status: serving.length === 0 || (epNodes.length > 0 && unreached.length === epNodes.length) ? 'blocked' : leaks.length > 0 || unreached.length > 0 ? 'warning' : 'ok',
    evidence: trafficEvidence,
    confirm: [
      `kubectl -n ${ns} get endpointslices -l kubernetes.io/service-name=${name} -o wide`,
      `tcpdump -ni any host ${ip}    # on ${who.l2 ?? 'an announcing node'}: does the traffic arrive?`,
    ],
  });
  return finish();

  function finish(): Explanation {
    if (findings.length > 0) {
      steps.push({
        title: 'Findings about this Service',
        status: findings.some((f) => f.severity === 'error' || f.severity === 'critical') ? 'blocked' : findings.some((f) => f.severity === 'warning') ? 'warning' : 'info',
        evidence: findings.map((f) => `${f.severity} ${f.rule}: ${f.message}`),
        confirm: findings.map((f) => `metallb-doctor rules show ${f.rule}`).filter((v, i, all) => all.indexOf(v) === i),
      });
    }
    // a step of the chain that stops the traffic (the findings step only repeats what the rules say)
    const blocked = steps.find((s) => s.status === 'blocked' && s.title !== 'Findings about this Service');
    const has = (v: ServiceView) => (held.length === 0 && result.state !== 'kept' ? `${ref} has no address yet (MetalLB's allocation gives it ${v.ips.join(', ')}, pool ${v.pool})` : `${ref} has ${v.ips.join(', ')} (pool ${v.pool})`);
    const verdict = poolsUnknown
      ? `${ref}: its address is not known from this input (it lacks IPAddressPool)`
      : view.state === 'announced'
        ? `${has(view)} and is announced${blocked ? `, but it is not reached: see "${blocked.title}"` : ''}`
        : view.state === 'ignored'
          ? `${ref} is not MetalLB's: ${result.reason === 'notLoadBalancer' ? 'it is not of type LoadBalancer' : 'it asks for another loadBalancerClass'}`
          : view.state === 'pending'
            ? `${ref} has no address: ${result.message ?? result.reason ?? 'unknown cause'}`
            : view.state === 'assigned'
              ? `${has(view)}; who announces it is not known from this input`
              : `${has(view)} but no node announces it`;
    return { service: view, verdict, steps, findings };
  }
}

/**
 * The status kinds MetalLB serves here, by its CRDs or else its version (ServiceL2Status since
 * v0.14.4, ServiceBGPStatus since v0.15.0): `kubectl get a,b` fails as a whole, printing
 * nothing, when the server lacks one of them.
 */
export function statusResources(state: ClusterState): string[] {
  const kinds: [string, number, number, number][] = [
    ['servicel2statuses.metallb.io', 0, 14, 4],
    ['servicebgpstatuses.metallb.io', 0, 15, 0],
  ];
  const crds = state.isCaptured('CustomResourceDefinition') ? state.all('CustomResourceDefinition').map((c) => c.metadata?.name ?? '') : [];
  if (crds.some((n) => n.endsWith('.metallb.io'))) return kinds.map(([k]) => k).filter((k) => crds.includes(k));
  return kinds.filter(([, ma, mi, pa]) => versionAtLeast(state.metallb.version, ma, mi, pa) !== false).map(([k]) => k);
}

/** The Service named NS/NAME, with a suggestion when there is none. */
export function findService(state: ClusterState, ref: string): { svc?: KubeObject; suggestion?: string } {
  const [ns, name] = ref.includes('/') ? ref.split('/', 2) : ['default', ref];
  const svc = state.get('Service', ns, name!) ?? (ns === 'default' ? state.all('Service').find((s) => !s.metadata?.namespace && s.metadata?.name === name) : undefined);
  if (svc) return { svc };
  const same = state.all('Service').filter((s) => s.metadata?.name === name).map((s) => `${s.metadata?.namespace || 'default'}/${name}`);
  return same.length > 0 ? { suggestion: `did you mean ${same.slice(0, 3).join(' or ')}?` } : {};
}

