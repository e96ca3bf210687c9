// `simulate`: MetalLB's allocation and announcement over a snapshot (and manifests laid over it),
// with what-ifs; prints who gets which address and who announces it. Never touches a cluster.
import { Command } from 'commander';
import type { KubeObject } from '../../sources/types.js';
import { loadInputs } from '../../sources/load.js';
import { ClusterState, type StateLayer } from '../../state/cluster-state.js';
import { addSourceOptions, loadSource, type SourceOptions } from '../source.js';
import { RULES, ruleById } from '../../rules/index.js';
import { runRules } from '../../rules/engine.js';
import { buildReport, exitCodeFor, summarize, healthOf } from '../../report/build.js';
import { render } from '../../renderers/index.js';
import type { Finding, Report } from '../../report/types.js';
import { addBgpBackendOption, addOutputOption, addReportOptions, useColor, UsageError, type CommonOptions } from '../common.js';
import { ruleCatalog } from './rules.js';
import type { CliContext } from '../context.js';
import { applyChanges, changeText, unknownTargets, type AddService, type Change } from '../../model/whatif.js';
import { blockingRules, nodeViews, poolViews, serviceView, type AnnouncerView, type ServiceView } from '../../report/views.js';
import { announcementOf, releaseAnnouncement } from '../../model/announcement.js';
import { releaseSimulation, simulationOf } from '../../model/simulation.js';
import { renderSimulationText, type SimulationReport, type ServiceChange, type ServiceSide } from '../../renderers/simulation.js';

interface SimulateOptions extends CommonOptions, SourceOptions {
  namespace?: string;
  addService: string[];
  removePool: string[];
  setPoolAddresses: string[];
  failNode: string[];
  drainNode: string[];
  labelNode: string[];
  bgpBackend: 'native' | 'frr' | 'frr-k8s';
}

const repeat = (v: string, prev: string[] = []) => [...prev, v];

/** `NS/NAME[,key=value...]`: port=80[/TCP], policy=Local, family=..., label=k=v, annotation=k=v, ip=..., pool=..., share=..., lbclass=..., endpoints=a+b */
export function parseAddService(text: string): AddService {
  const [ref, ...pairs] = text.split(',');
  const m = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\/([a-z0-9]([-a-z0-9]*[a-z0-9])?)$/.exec(ref ?? '');
  if (!m) throw new UsageError(`--add-service ${text}: expected NAMESPACE/NAME first (lowercase DNS labels), e.g. shop/web,port=80`);
  const s: AddService = { namespace: m[1]!, name: m[3]!, labels: {}, annotations: {}, ports: [], externalTrafficPolicy: 'Cluster' };
  const ips: string[] = [];
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const k = eq < 0 ? pair : pair.slice(0, eq);
    const v = eq < 0 ? '' : pair.slice(eq + 1);
    const kv = (what: string) => {
      const i = v.indexOf('=');
      if (i <= 0) throw new UsageError(`--add-service ${text}: ${what} wants KEY=VALUE, got "${v}"`);
      return [v.slice(0, i), v.slice(i + 1)] as const;
    };
    switch (k) {
      case 'port': {
        const pm = /^(\d{1,5})(?:\/(TCP|UDP|SCTP))?$/i.exec(v);
        if (!pm || Number(pm[1]) < 1 || Number(pm[1]) > 65535) throw new UsageError(`--add-service ${text}: port wants N or N/TCP|UDP|SCTP (1-65535), got "${v}"`);
        s.ports.push({ port: Number(pm[1]), protocol: (pm[2] ?? 'TCP').toUpperCase() });
        break;
      }
      case 'policy':
        if (v !== 'Local' && v !== 'Cluster') throw new UsageError(`--add-service ${text}: policy is Local or Cluster, got "${v}"`);
        s.externalTrafficPolicy = v;
        break;
      case 'family': {
        const fams: Record<string, Pick<AddService, 'ipFamilyPolicy' | 'ipFamilies'>> = {
          ipv4: { ipFamilyPolicy: 'SingleStack', ipFamilies: ['IPv4'] },
          ipv6: { ipFamilyPolicy: 'SingleStack', ipFamilies: ['IPv6'] },
          SingleStack: { ipFamilyPolicy: 'SingleStack' },
          PreferDualStack: { ipFamilyPolicy: 'PreferDualStack', ipFamilies: ['IPv4', 'IPv6'] },
          RequireDualStack: { ipFamilyPolicy: 'RequireDualStack', ipFamilies: ['IPv4', 'IPv6'] },
        };
        const f = Object.prototype.hasOwnProperty.call(fams, v) ? fams[v] : undefined;
        if (!f) throw new UsageError(`--add-service ${text}: family is one of ${Object.keys(fams).join(', ')}, got "${v}"`);
        Object.assign(s, f);
        break;
      }
      case 'label': {
        const [lk, lv] = kv('label');
        s.labels[lk] = lv;
        break;
      }
      case 'annotation': {
        const [ak, av] = kv('annotation');
        s.annotations[ak] = av;
        break;
      }
      case 'ip':
        if (v === '') throw new UsageError(`--add-service ${text}: ip wants an address, got nothing`);
        ips.push(v);
        break;
      case 'pool':
        s.requests = { ...s.requests, 'address-pool': v };
        break;
      case 'share':
        s.requests = { ...s.requests, 'allow-shared-ip': v };
        break;
      case 'lbclass':
        s.loadBalancerClass = v;
        break;
      case 'endpoints':
        s.endpoints = v === '' ? [] : v.split('+');
        break;
      default:
        throw new UsageError(`--add-service ${text}: unknown key "${k}" (port, policy, family, label, annotation, ip, pool, share, lbclass, endpoints)`);
    }
  }
  if (ips.length > 0) s.requests = { ...s.requests, loadBalancerIPs: ips.join(',') };
  if (s.ports.length === 0) s.ports.push({ port: 80, protocol: 'TCP' });
  return s;
}

export function parseChanges(o: Pick<SimulateOptions, 'addService' | 'removePool' | 'setPoolAddresses' | 'failNode' | 'drainNode' | 'labelNode'>): Change[] {
  const changes: Change[] = [];
  for (const p of o.removePool) changes.push({ kind: 'remove-pool', pool: p });
  for (const t of o.setPoolAddresses) {
    const eq = t.indexOf('=');
    if (eq <= 0 || eq === t.length - 1) throw new UsageError(`--set-pool-addresses ${t}: expected POOL=RANGE[,RANGE...], e.g. lan=192.168.10.0/24`);
    changes.push({ kind: 'set-pool-addresses', pool: t.slice(0, eq), addresses: t.slice(eq + 1).split(',').map((x) => x.trim()).filter(Boolean) });
  }
  for (const t of o.labelNode) {
    const m = /^([^:]+):([^=]+?)(?:=(.*)|(-))$/.exec(t);
    if (!m) throw new UsageError(`--label-node ${t}: expected NODE:KEY=VALUE, or NODE:KEY- to remove the label`);
    changes.push({ kind: 'label-node', node: m[1]!, key: m[2]!, ...(m[4] ? {} : { value: m[3] ?? '' }) });
  }
  for (const n of o.drainNode) changes.push({ kind: 'drain-node', node: n });
  for (const n of o.failNode) changes.push({ kind: 'fail-node', node: n });
  for (const s of o.addService) changes.push({ kind: 'add-service', service: parseAddService(s) });
  return changes;
}

// What the diff compares: the addresses, and who announces (a compact BGP set by its count). IP
// texts and node names hold no separator, so part by part is what comparing their joined texts was.
function sameIPs(b: ServiceView, v: ServiceView): boolean {
  return b.ips.length === v.ips.length && b.ips.every((ip, i) => ip === v.ips[i]);
}
function sameAnnouncer(p: AnnouncerView, q: AnnouncerView): boolean {
  return p.node === '*' ? q.node === '*' && p.count === q.count : q.node !== '*' && p.protocol === q.protocol && p.node === q.node;
}
function sameAnnouncers(b: ServiceView, v: ServiceView): boolean {
  return b.announcers.length === v.announcers.length && b.announcers.every((a, i) => sameAnnouncer(a, v.announcers[i]!));
}

// set one by one, not spread: thousands of sides when a node's BGP routes go
function side(v: ServiceView): ServiceSide {
  const s = { ips: v.ips } as ServiceSide;
  if (v.pool) s.pool = v.pool;
  s.state = v.state;
  s.announcers = v.announcers;
  if (v.prefixes) s.prefixes = v.prefixes;
  if (v.message) s.message = v.message;
  return s;
}

/** What changed for each Service between the baseline and the what-if (each side slim: the whole view is in services[]). */
export function diffServices(before: readonly ServiceView[], after: readonly ServiceView[]): ServiceChange[] {
  const old = new Map(before.map((v) => [`${v.namespace}/${v.name}`, v]));
  const out: ServiceChange[] = [];
  for (const v of after) {
    const k = `${v.namespace}/${v.name}`;
    const b = old.get(k);
    if (!b) {
      out.push({ service: k, added: true, after: side(v) });
      continue;
    }
    if (!sameIPs(b, v) || b.state !== v.state || !sameAnnouncers(b, v)) out.push({ service: k, before: side(b), after: side(v) });
  }
  return out;
}

export function simulateCommand(ctx: CliContext): Command {
  const cmd = new Command('simulate')
    .summary("run MetalLB's allocation and announcement over a snapshot, with what-ifs")
    .description(
      "Computes what MetalLB's controller and speakers decide over a snapshot (and manifests laid over it): " +
        'which address each LoadBalancer Service gets (or why it stays pending), which node announces it ' +
        '(layer 2) or which nodes and peers (BGP), and what every pool holds. With what-ifs it shows what ' +
        'changes. Reads the live cluster (GET only) or a snapshot; never changes anything.',
    )
    .argument('[paths...]', 'manifests laid over the state, as an apply would (e.g. a new pool)')
    .option('-n, --namespace <ns>', 'show only the Services of this namespace')
    .option('--add-service <spec>', 'what if this Service were created: NS/NAME[,port=80[/UDP]][,policy=Local][,family=RequireDualStack][,label=K=V][,annotation=K=V][,ip=ADDR][,pool=P][,share=KEY][,endpoints=N1+N2] (repeatable)', repeat, [])
    .option('--remove-pool <name>', 'what if this IPAddressPool were deleted (repeatable)', repeat, [])
    .option('--set-pool-addresses <pool=ranges>', "what if the pool's addresses were these: POOL=CIDR|RANGE[,...] (repeatable)", repeat, [])
    .option('--fail-node <node>', 'what if this node died: its speaker and endpoints vanish (repeatable)', repeat, [])
    .option('--drain-node <node>', 'what if this node were drained (kubectl drain): it is cordoned, its pods leave, its speaker stays (repeatable)', repeat, [])
    .option('--label-node <node:key=value>', 'what if the node had this label (NODE:KEY- removes it) (repeatable)', repeat, []);
  addSourceOptions(cmd, { cluster: 'lay the paths over the live cluster (without it, paths alone are the whole state)' });
  addBgpBackendOption(cmd);
  addOutputOption(cmd, ['text', 'json', 'yaml']);
  addReportOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Examples:
  ${ctx.name} simulate                                           # the current context's cluster
  ${ctx.name} simulate new-pool.yaml --cluster --fail-node worker-1   # a manifest over the live cluster
  ${ctx.name} simulate --from snap.tar.gz                         # who gets which address, who announces it
  ${ctx.name} simulate --from snap.tar.gz --fail-node worker-1    # which addresses move, which routes go
  ${ctx.name} simulate --from snap.tar.gz --add-service shop/web,port=443,policy=Local
  ${ctx.name} simulate --from snap.tar.gz --set-pool-addresses lan=192.168.10.0/28
  ${ctx.name} simulate --from snap.tar.gz new-pool.yaml -o json   # with a manifest applied first
  ${ctx.name} simulate --from snap.tar.gz --label-node worker-2:node.kubernetes.io/exclude-from-external-load-balancers=`,
  );
  cmd.action(async (paths: string[], _local: unknown, self: Command) => {
    const opts = self.optsWithGlobals<SimulateOptions>();
    for (const id of opts.disable) if (id !== '*' && !ruleById(id)) ctx.warn(`--disable ${id}: no such rule (see \`${ctx.name} rules\`)`);
    const changes = parseChanges(opts);
    // the live cluster unless --from, or paths alone (without --cluster), say otherwise
    const layers: StateLayer[] = opts.from || opts.cluster || paths.length === 0 ? (await loadSource(ctx, opts)).layers : [];
    if (paths.length > 0) layers.push({ load: await loadInputs(paths, { stdin: ctx.stdin }), kind: 'manifests', path: paths.join(' ') });
    ctx.phase?.('loaded');
    const base = new ClusterState(layers, { metallbNamespace: opts.metallbNamespace });
    const problems = unknownTargets(base, changes);
    if (problems.length > 0) throw new UsageError(problems.join('; '));

    const inScope = (svc: { metadata?: { namespace?: string } }) => !opts.namespace || (svc.metadata?.namespace || 'default') === opts.namespace;
    const isShown = (s: KubeObject) => (s.spec as { type?: unknown } | undefined)?.type === 'LoadBalancer' && inScope(s);
    // the baseline's views first: the diff compares addresses, states and announcers, so it needs
    // no rules of its own, and the baseline's model can go before the what-if's is built
    const before = changes.length > 0 ? base.all('Service').filter(isShown).map((s) => serviceView(base, s)) : undefined;
    let state = base;
    if (changes.length > 0) {
      releaseAnnouncement(base);
      state = applyChanges(base, changes);
      releaseSimulation(base);
    }
    const found = state.metallb.bgpBackend;
    const bgpBackend = found ?? opts.bgpBackend;
    const run = runRules(RULES, state, { bgpBackend, disabled: new Set(opts.disable) });
    for (const e of run.errors) ctx.warn(`rule ${e.rule} failed: ${e.message}`, e.stack);

    const shownServices = state.all('Service').filter(isShown);
    const shownKeys = new Set(shownServices.map((s) => `${s.metadata?.namespace || 'default'}/${s.metadata?.name ?? ''}`));
    // cli.md: simulate exits by the findings that concern the Services it shows (and their pools)
    const concerns = (f: Finding) =>
      ruleById(f.rule)?.meta.category === 'pools' || f.objects.some((o) => (o.kind === 'Service' && shownKeys.has(`${o.namespace || 'default'}/${o.name}`)) || o.kind === 'IPAddressPool');
    const findings = run.findings.filter(concerns);
    const blocking = blockingRules(findings);
    const services = shownServices.map((s) => serviceView(state, s, blocking));
    const changed: ServiceChange[] | undefined = before ? diffServices(before, services) : undefined;
    const a = announcementOf(state);
    const report: SimulationReport = {
      ...buildReport({
        state,
        findings,
        rules: RULES,
        suppressed: run.suppressed,
        bgpBackend,
        bgpBackendAssumed: !found,
        // a what-if drops the speakers' status records on purpose (they describe the world before it)
        gaps: changes.length > 0 ? state.gaps.filter((g) => g.what !== 'list ServiceL2Status' && g.what !== 'list ServiceBGPStatus') : [...state.gaps],
      }),
      pools: poolViews(state),
      services,
      nodes: nodeViews(state),
      ...(changes.length > 0 ? { whatIf: { changes: changes.map(changeText), services: changed ?? [] } } : {}),
      model: {
        memberlist: a.speaker.memberlist.mode,
        ignoreExcludeLB: a.speaker.ignoreExcludeLB,
        notes: [...(simulationOf(state).rejected ? [simulationOf(state).rejected!] : []), ...a.speaker.notes],
        ...(a.applies ? {} : { announcementUnknown: `the input lacks ${a.missing.join(', ')}: who announces is not computed` }),
      },
    };
    report.summary = summarize(findings);
    report.health = healthOf(report.summary);
    ctx.phase?.('analysed');
    if (opts.output === 'text') {
      ctx.out(renderSimulationText(report, { color: useColor(opts.color), quiet: opts.quiet, verbose: opts.verbose, cwd: process.cwd(), rules: ruleCatalog(), command: 'simulate' }));
    } else {
      ctx.out(render(opts.output as never, report as Report, { color: false, rules: ruleCatalog(), cwd: process.cwd(), command: 'simulate', quiet: opts.quiet, verbose: opts.verbose }));
    }
    ctx.exitCode = exitCodeFor(report.summary, opts.failOn);
  });
  return cmd;
}
