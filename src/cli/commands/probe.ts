// `probe arp|ndp|tcp|service|bgp`: what the network does, checked from the machine the tool runs
// on. The cluster state (--from, or the live cluster) says what should happen; the probes' results
// go through the probe-* rules like any other evidence.
import { Command } from 'commander';
import { isIP } from 'node:net';
import { ClusterState, asArray, asRecord, type StateLayer } from '../../state/cluster-state.js';
import { RULES } from '../../rules/index.js';
import { runRules } from '../../rules/engine.js';
import { buildReport, exitCodeFor } from '../../report/build.js';
import { render } from '../../renderers/index.js';
import { painter, type Paint } from '../../renderers/options.js';
import type { Report } from '../../report/types.js';
import type { KubeObject } from '../../sources/types.js';
import type { ProbeResult } from '../../model/probe.js';
import { macText, peerProbeTarget } from '../../model/probe-subjects.js';
import { normaliseMac } from '../../model/node-macs.js';
import { addOutputOption, addReportOptions, collect, useColor, UsageError, type CommonOptions } from '../common.js';
import { addSourceOptions, loadSource, parseCount, parseTimeout, type SourceOptions } from '../source.js';
import { ruleCatalog } from './rules.js';
import type { CliContext } from '../context.js';

interface ProbeOptions extends CommonOptions, SourceOptions {
  interface?: string;
  count?: string;
  timeout?: string;
  nodeMac: string[];
  http?: boolean;
  port?: string;
  myAsn?: string;
  peerAsn?: string;
  routerId?: string;
  holdTime?: string;
  peer?: string;
}

const PROBE_RULES = RULES.filter((r) => r.meta.category === 'probes');

/** One line per probe, for the text output. */
export function probeLine(p: ProbeResult, state: ClusterState, paint: Paint): string {
  const bad = (t: string) => paint(t, 'red');
  const good = (t: string) => paint(t, 'green');
  switch (p.kind) {
    case 'arp':
    case 'ndp': {
      const head = `${p.kind} ${p.target}${p.interface ? ` on ${p.interface}` : ''}: `;
      if (p.result === 'error') return head + bad(`could not probe: ${p.error?.message ?? 'failed'}`);
      if (p.result === 'no-reply') return head + bad(`no reply to ${p.sent} request${p.sent === 1 ? '' : 's'}`);
      const macs = p.replies.map((r) => `${macText(state, r.mac)} x${r.count}${r.rttMs !== undefined ? ` ${r.rttMs} ms` : ''}`).join(', ');
      return head + (p.result === 'answered' ? good('answered by ') : bad('answered by several: ')) + macs;
    }
    case 'tcp': {
      const head = `tcp ${p.target}: `;
      if (p.result === 'open') return head + good(`open in ${p.connectMs} ms`) + (p.http ? `, HTTP ${p.http.status}${p.http.statusText ? ` ${p.http.statusText}` : ''}${p.http.server ? ` (${p.http.server})` : ''}` : '');
      return head + bad(`${p.result}${p.error ? ` (${p.error.message})` : ''}`);
    }
    case 'bgp': {
      const head = `bgp ${p.target} as AS ${p.sent.asn}: `;
      const theirs = p.received ? `; its OPEN: AS ${p.received.asn}, hold ${p.received.holdTime}, id ${p.received.routerId}, ${p.received.capabilities.join(', ') || 'no capabilities'}` : '';
      if (p.result === 'established') return head + good('Established (OPEN and KEEPALIVE exchanged, then closed with a Cease)') + theirs;
      if (p.result === 'notification') return head + bad(`NOTIFICATION ${p.notification!.direction} ${p.notification!.code}/${p.notification!.subcode} (${p.notification!.name})${p.reason ? `: ${p.reason}` : ''}`) + theirs;
      if (p.result === 'error') return head + bad(`could not probe: ${p.error?.message ?? 'failed'}`);
      return head + bad(`${p.result}${p.reason ? ` (${p.reason})` : ''}`) + theirs;
    }
  }
}

/** `--node-mac NODE=MAC` options (probe, diag --probe). */
export function parseNodeMacs(list: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const item of list) {
    const m = /^([^=]+)=(.+)$/.exec(item);
    const mac = m ? normaliseMac(m[2]!) : undefined;
    if (!m || !mac) throw new UsageError(`--node-mac ${item}: expected NODE=MAC (e.g. worker-1=52:54:00:12:34:56)`);
    out.set(m[1]!, mac);
  }
  return out;
}

function asn(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > 4294967295) throw new UsageError(`${flag} ${text}: expected an AS number from 1 to 4294967295`);
  return Number(text);
}

/** The cluster state a probe is compared with: --from, the live cluster when asked (--cluster, or needed), else none. */
async function stateFor(ctx: CliContext, opts: ProbeOptions, needed: boolean): Promise<ClusterState> {
  let layers: StateLayer[] = [];
  if (opts.from || opts.cluster || needed) layers = (await loadSource(ctx, opts)).layers;
  const state = new ClusterState(layers, { metallbNamespace: opts.metallbNamespace });
  state.nodeMacs = parseNodeMacs(opts.nodeMac ?? []);
  return state;
}

/** Reports the probes: the probe-* findings, text (a line per probe, then the findings) or JSON (cli.md's probes[]). */
function finish(ctx: CliContext, opts: ProbeOptions, state: ClusterState, probes: ProbeResult[]): void {
  state.probes = probes;
  const run = runRules(PROBE_RULES, state, { bgpBackend: state.metallb.bgpBackend ?? 'frr-k8s', disabled: new Set(opts.disable) });
  for (const e of run.errors) ctx.warn(`rule ${e.rule} failed: ${e.message}`, e.stack);
  const base = buildReport({ state, findings: run.findings, rules: PROBE_RULES, suppressed: run.suppressed, bgpBackend: state.metallb.bgpBackend ?? 'frr-k8s', bgpBackendAssumed: !state.metallb.bgpBackend });
  const report = { ...base, gaps: [], probes: probes.map(probeJson) };
  // a probe that could not run at all (a tool missing, no privileges) is the tool failing: exit 3
  const failed = probes.filter((p) => p.result === 'error' && p.error);
  if (opts.output === 'text') {
    const paint = painter(useColor(opts.color));
    if (!opts.quiet) ctx.out(probes.map((p) => probeLine(p, state, paint)).join('\n') + '\n');
    for (const p of probes) if (opts.verbose && p.kind === 'bgp') for (const n of p.notes) ctx.out(`  note: ${n}\n`);
    if (run.findings.length > 0) ctx.out('\n' + render('text', { ...(report as unknown as Report), checks: [] }, { color: useColor(opts.color), rules: ruleCatalog(), cwd: process.cwd(), command: 'lint', quiet: true, verbose: opts.verbose }));
  } else {
    ctx.out(render(opts.output as never, report as unknown as Report, { color: false, rules: ruleCatalog(), cwd: process.cwd(), command: 'probe', quiet: opts.quiet, verbose: opts.verbose }));
  }
  ctx.exitCode = failed.length > 0 && failed.length === probes.length ? 3 : exitCodeFor(report.summary, opts.failOn);
  if (failed.length > 0) for (const p of failed) ctx.err(`${ctx.name}: probe ${p.kind} ${p.target}: ${p.error!.message}\n`);
}

/** cli.md: `{ kind, target, result, details }`. */
export function probeJson(p: ProbeResult): Record<string, unknown> {
  const { kind, target, result, ...details } = p;
  return { kind, target, result, details };
}

function common(cmd: Command, stateHelp: string): Command {
  addSourceOptions(cmd, { cluster: stateHelp });
  addOutputOption(cmd, ['text', 'json', 'yaml']);
  addReportOptions(cmd);
  return cmd;
}

export function probeCommand(ctx: CliContext): Command {
  const probe = new Command('probe')
    .summary('check the network itself: ARP/NDP, TCP, BGP')
    .description(
      'Active checks from the machine the tool runs on: who answers ARP/NDP for a service address, whether ' +
        "its ports answer, what a BGP router says to MetalLB's ASN. The cluster state (--from, or the live " +
        'cluster) says what should happen; the results go through the probe-* rules.',
    );

  for (const family of ['arp', 'ndp'] as const) {
    const cmd = new Command(family)
      .summary(family === 'arp' ? 'who answers ARP for an IPv4 address (arping)' : 'who answers NDP for an IPv6 address (ndisc6)')
      .argument('<ip>', family === 'arp' ? 'an IPv4 address' : 'an IPv6 address')
      .option('--interface <if>', 'the interface to ask on (default: the route toward the address)')
      .option('--count <n>', 'requests to send', '3')
      .option('--timeout <duration>', 'the longest the probe may take', '3s')
      .option('--node-mac <node=mac>', "a node's MAC, to name who answers (repeatable; besides the nodes' annotations)", collect, []);
    common(cmd, "compare with the live cluster's nodes and Services (the kubeconfig's)");
    cmd.addHelpText('after', `\nNeeds ${family === 'arp' ? 'arping (Debian: iputils-arping)' : 'ndisc6 (Debian: ndisc6)'} and root or CAP_NET_RAW. ARP/NDP do not cross routers: run it on the nodes' segment.\n\nExamples:\n  ${ctx.name} probe ${family} ${family === 'arp' ? '192.168.1.240' : 'fd00::240'}\n  ${ctx.name} probe ${family} ${family === 'arp' ? '192.168.1.240 --interface eth0 --count 5' : 'fd00::240 --interface eth0'} --from snap.tar.gz`);
    cmd.action(async (ip: string, _l: unknown, self: Command) => {
      const opts = self.optsWithGlobals<ProbeOptions>();
      if (isIP(ip) !== (family === 'arp' ? 4 : 6)) throw new UsageError(`probe ${family} ${ip}: expected an IPv${family === 'arp' ? 4 : 6} address`);
      const state = await stateFor(ctx, opts, false);
      const { probeArp, probeNdp } = await import('../../sources/net/neighbor.js');
      const o = { ...(opts.interface ? { interface: opts.interface } : {}), count: parseCount('--count', opts.count ?? '3'), timeoutMs: parseTimeout('--timeout', opts.timeout ?? '3s') };
      finish(ctx, opts, state, [await (family === 'arp' ? probeArp(ip, o) : probeNdp(ip, o))]);
    });
    probe.addCommand(cmd);
  }

  const tcp = new Command('tcp')
    .summary('does a port answer (connect time, refused or timeout, HTTP status)')
    .argument('<target>', 'IP:PORT or [IPv6]:PORT')
    .option('--timeout <duration>', 'the longest the connection may take', '3s')
    .option('--no-http', 'do not try an HTTP GET / after connecting');
  common(tcp, "compare with the live cluster's Services");
  tcp.addHelpText('after', `\nExamples:\n  ${ctx.name} probe tcp 192.168.1.240:80\n  ${ctx.name} probe tcp [fd00::240]:443 --no-http`);
  tcp.action(async (target: string, _l: unknown, self: Command) => {
    const opts = self.optsWithGlobals<ProbeOptions>();
    const { parseTarget, probeTcp } = await import('../../sources/net/tcp.js');
    const t = parseTarget(target);
    if (!t) throw new UsageError(`probe tcp ${target}: expected IP:PORT or [IPv6]:PORT`);
    const state = await stateFor(ctx, opts, false);
    finish(ctx, opts, state, [await probeTcp(t.address, t.port, { timeoutMs: parseTimeout('--timeout', opts.timeout ?? '3s'), http: opts.http !== false })]);
  });
  probe.addCommand(tcp);

  const service = new Command('service')
    .summary("each TCP port of a Service on each of its addresses")
    .argument('<ref>', 'NAMESPACE/NAME')
    .option('--timeout <duration>', 'the longest one connection may take', '3s')
    .option('--no-http', 'do not try an HTTP GET / after connecting');
  common(service, 'read the live cluster (what it does without --from anyway)');
  service.addHelpText('after', `\nThe Service comes from the cluster (or --from a snapshot); UDP and SCTP ports are not probed.\n\nExamples:\n  ${ctx.name} probe service shop/web\n  ${ctx.name} probe service shop/web --from snap.tar.gz -o json`);
  service.action(async (ref: string, _l: unknown, self: Command) => {
    const opts = self.optsWithGlobals<ProbeOptions>();
    const m = /^(?:([^/]+)\/)?([^/]+)$/.exec(ref);
    if (!m) throw new UsageError(`probe service ${ref}: expected NAMESPACE/NAME`);
    const state = await stateFor(ctx, opts, true);
    const svc = state.get('Service', m[1] ?? 'default', m[2]!);
    if (!svc) throw new UsageError(`probe service ${ref}: no such Service`);
    const ips = asArray(asRecord(asRecord(svc.status).loadBalancer).ingress).map((i) => asRecord(i).ip).filter((x): x is string => typeof x === 'string');
    if (ips.length === 0) throw new UsageError(`probe service ${ref}: the Service has no address (EXTERNAL-IP <pending>): \`${ctx.name} explain service ${ref}\` says why`);
    const ports = asArray(asRecord(svc.spec).ports).map(asRecord).filter((p) => (p.protocol ?? 'TCP') === 'TCP' && typeof p.port === 'number');
    if (ports.length === 0) throw new UsageError(`probe service ${ref}: the Service has no TCP port`);
    const { probeTcp } = await import('../../sources/net/tcp.js');
    const timeoutMs = parseTimeout('--timeout', opts.timeout ?? '3s');
    finish(ctx, opts, state, await Promise.all(ips.flatMap((ip) => ports.map((p) => probeTcp(ip, p.port as number, { timeoutMs, http: opts.http !== false })))));
  });
  probe.addCommand(service);

  const bgp = new Command('bgp')
    .summary('what a BGP router says to MetalLB\'s OPEN')
    .argument('[peer]', 'the router\'s address (or use --peer NAME)')
    .option('--peer <name>', 'take address, port, ASNs, hold time and router ID from this BGPPeer (of the cluster or --from)')
    .option('--port <port>', 'the BGP port (default 179, or the BGPPeer\'s)')
    .option('--my-asn <n>', 'the AS to speak as (MetalLB\'s myASN)')
    .option('--peer-asn <n>', 'the AS the router should have (the BGPPeer\'s peerASN)')
    .option('--router-id <ip>', 'our BGP identifier (default: our address toward the router)')
    .option('--hold-time <s>', 'the hold time to offer (default 90, or the BGPPeer\'s)')
    .option('--timeout <duration>', 'the longest the probe may take', '5s');
  common(bgp, 'read --peer from the live cluster');
  bgp.addHelpText(
    'after',
    `\nThe probe runs from this machine, not from a node: a router that accepts only its configured\nneighbours (most do) answers this machine differently. A BGPPeer with a password expects TCP-MD5,\nwhich Node.js cannot sign: such a router drops the probe silently.\n\nExamples:\n  ${ctx.name} probe bgp 192.168.1.1 --my-asn 64512 --peer-asn 64513\n  ${ctx.name} probe bgp --peer tor-1 --from snap.tar.gz\n  kubectl debug node/worker-1 -it --image=node:20 -- npx metallb-doctor probe bgp 192.168.1.1 --my-asn 64512   # from a node`,
  );
  bgp.action(async (addr: string | undefined, _l: unknown, self: Command) => {
    const opts = self.optsWithGlobals<ProbeOptions>();
    const { probeBgp } = await import('../../sources/net/bgp.js');
    let state: ClusterState;
    let address = addr;
    let port = opts.port !== undefined ? parseCount('--port', opts.port) : undefined;
    let myAsn = asn('--my-asn', opts.myAsn);
    let peerAsn = asn('--peer-asn', opts.peerAsn);
    let holdTime = parseCount('--hold-time', opts.holdTime ?? '90');
    if (holdTime !== 0 && (holdTime < 3 || holdTime > 65535)) throw new UsageError(`--hold-time ${holdTime}: expected 0 or 3 to 65535 seconds`);
    let peerInfo: { name: string; namespace: string; password: boolean } | undefined;
    let routerId = opts.routerId;
    if (opts.peer) {
      state = await stateFor(ctx, opts, true);
      const obj = state.metallbObjects('BGPPeer').find((p: KubeObject) => p.metadata?.name === opts.peer);
      if (!obj) throw new UsageError(`probe bgp --peer ${opts.peer}: no such BGPPeer`);
      const target = peerProbeTarget(obj, state.metallb.namespace);
      address ??= target.address;
      if (!address) throw new UsageError(`probe bgp --peer ${opts.peer}: an unnumbered peer (interface ${target.iface}) has no address to probe from here`);
      port ??= target.port;
      myAsn ??= target.myAsn;
      peerAsn ??= target.peerAsn;
      if (opts.holdTime === undefined && target.holdTime !== undefined) holdTime = target.holdTime;
      routerId ??= target.routerId;
      peerInfo = target.peer;
    } else state = await stateFor(ctx, opts, false);
    if (!address || !isIP(address)) throw new UsageError(`probe bgp ${address ?? ''}: give the router's IP address, or --peer NAME`);
    if (routerId !== undefined && (isIP(routerId) !== 4 || routerId === '0.0.0.0')) throw new UsageError(`--router-id ${routerId}: expected an IPv4 address other than 0.0.0.0 (a BGP identifier)`);
    if (myAsn === undefined) throw new UsageError('probe bgp: --my-asn is needed (the AS MetalLB speaks as), or --peer NAME');
    finish(ctx, opts, state, [
      await probeBgp(address, { port: port ?? 179, myAsn, ...(peerAsn !== undefined ? { peerAsn } : {}), ...(routerId ? { routerId } : {}), holdTime, timeoutMs: parseTimeout('--timeout', opts.timeout ?? '5s'), ...(peerInfo ? { peer: peerInfo } : {}) }),
    ]);
  });
  probe.addCommand(bgp);
  return probe;
}

