// `logs`: MetalLB's speaker, controller and FRR logs read for the operator: a timeline of what
// happened (announcements, sessions, configuration reloads, memberlist changes), grouped by node,
// and the log-* findings. From a bundle (--from), or live (the containers' logs through the API
// server, --follow to keep printing new events until interrupted).
import { Command, Option } from 'commander';
import { ClusterState } from '../../state/cluster-state.js';
import { loadInputs } from '../../sources/load.js';
import { liveLogName, readLogs, streamInfo } from '../../sources/logs.js';
import { LogAnalysis } from '../../model/logs/analysis.js';
import { Timeline, teeSink } from '../../model/logs/timeline.js';
import { eventFilter } from '../../model/logs/filter.js';
import { LogStreamReader, type StreamSummary } from '../../model/logs/stream.js';
import type { LogEvent } from '../../model/logs/types.js';
import { RULES, ruleById } from '../../rules/index.js';
import { runRules } from '../../rules/engine.js';
import { buildReport, exitCodeFor } from '../../report/build.js';
import { render } from '../../renderers/index.js';
import { eventText, renderTimelineText } from '../../renderers/logs.js';
import { painter } from '../../renderers/options.js';
import type { Finding, Report } from '../../report/types.js';
import { addOutputOption, addReportOptions, useColor, UsageError, type CommonOptions } from '../common.js';
import { addSourceOptions, captureLive, checkedBy, openClient, parseCount, parseDuration, type SourceOptions } from '../source.js';
import { ruleCatalog } from './rules.js';
import type { CliContext } from '../context.js';
import { asArray, asRecord } from '../../state/cluster-state.js';

interface LogsOptions extends CommonOptions, SourceOptions {
  follow?: boolean;
  service?: string;
  peer?: string;
  node?: string;
  all?: boolean;
  maxEvents?: string;
}

const LOG_RULES = RULES.filter((r) => r.meta.category === 'logs');

/** The JSON of one event (cli.md's `events[]`, plus level, details and the folded repeats). */
function eventJson(e: LogEvent): Record<string, unknown> {
  return {
    ...(e.time !== undefined ? { time: new Date(e.time).toISOString() } : {}),
    ...(e.stream.node ? { node: e.stream.node } : {}),
    pod: e.stream.pod,
    container: e.stream.container,
    component: e.component,
    kind: e.kind,
    ...(e.service ? { service: e.service } : {}),
    ...(e.peer ? { peer: e.peer } : {}),
    message: e.message,
    file: e.stream.file,
    line: e.line,
    namespace: e.stream.namespace,
    ...(e.stream.previous ? { previous: true } : {}),
    ...(e.level ? { level: e.level } : {}),
    ...(Object.keys(e.details).length > 0 ? { details: e.details } : {}),
    ...(e.count && e.count > 1 ? { count: e.count, ...(e.lastTime !== undefined ? { lastTime: new Date(e.lastTime).toISOString() } : {}) } : {}),
  };
}

/** Findings about the filtered Service or peer (or any, without those filters). */
function aboutFilter(f: Finding, opts: LogsOptions): boolean {
  const text = [f.message, ...f.evidence].join('\n');
  if (opts.service && !text.includes(opts.service)) return false;
  if (opts.peer && !text.includes(opts.peer.replace(/:\d+$/, ''))) return false;
  return true;
}

export function logsCommand(ctx: CliContext): Command {
  const cmd = new Command('logs')
    .summary("MetalLB's logs as a timeline, and what they reveal")
    .description(
      "Reads the speaker, controller and FRR logs (live through the API server, or from a bundle's logs/) " +
        'and prints what happened, node by node: configuration reloads and rejections, addresses allocated ' +
        'or refused, announcements and withdrawals, ARP/NDP responders, memberlist joins and failures, BGP ' +
        'sessions up and down, NOTIFICATIONs decoded, FRR reloads, API errors. Repeats are folded into a ' +
        "count. Then the log-* findings: what only the logs show. Read-only.",
    );
  addSourceOptions(cmd);
  cmd
    .addOption(new Option('--since <duration>', 'only lines newer than this (e.g. 1h; of a bundle: before its capture time)').argParser(checkedBy(parseDuration)))
    .addOption(new Option('--tail <lines>', 'only the last lines of each container').argParser(checkedBy(parseCount)))
    .option('-f, --follow', 'live: keep printing new events until interrupted (Ctrl-C), then the findings')
    .option('--service <ns/name>', 'only the events of this Service (and the lines that name its addresses)')
    .option('--peer <address>', 'only the events of this BGP peer (or memberlist member)')
    .option('--node <name>', 'only the logs of the pods on this node')
    .option('--all', 'also debug-level events and lines in no known format');
  addOutputOption(cmd, ['text', 'json', 'yaml']);
  addReportOptions(cmd);
  cmd.addOption(new Option('--max-events <n>', 'events kept at most (the oldest go first)').default('100000').hideHelp());
  cmd.addHelpText(
    'after',
    `
Examples:
  ${ctx.name} logs                                     # the current context's MetalLB, all of its logs
  ${ctx.name} logs --since 1h --node worker-1          # the last hour on one node
  ${ctx.name} logs -f --peer 192.168.1.1               # follow one BGP peer's sessions
  ${ctx.name} logs --from snapshot.tar.gz --service shop/web
  ${ctx.name} logs --from snapshot.tar.gz -o json      # events[] as cli.md describes`,
  );
  cmd.action(async (_local: unknown, self: Command) => {
    const opts = self.optsWithGlobals<LogsOptions>();
    for (const id of opts.disable) if (id !== '*' && !ruleById(id)) ctx.warn(`--disable ${id}: no such rule (see \`${ctx.name} rules\`)`);
    if (opts.service !== undefined && !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(opts.service)) throw new UsageError(`--service ${opts.service}: expected NAMESPACE/NAME`);
    const sinceMs = opts.since !== undefined ? parseDuration('--since', opts.since) : undefined;
    const tail = opts.tail !== undefined ? parseCount('--tail', opts.tail) : undefined;
    const maxEvents = parseCount('--max-events', opts.maxEvents ?? '100000');
    if (opts.follow && opts.from) throw new UsageError('--follow reads a live cluster: it takes no --from');
    if (opts.follow && opts.output !== 'text') throw new UsageError('--follow prints text: it takes no -o');

    const state = opts.from
      ? new ClusterState([{ load: await loadInputs([opts.from]), kind: 'snapshot', path: opts.from }], { metallbNamespace: opts.metallbNamespace })
      : await liveState(ctx, opts);
    ctx.phase?.('loaded');
    const svc = opts.service ? state.get('Service', ...(opts.service.split('/') as [string, string])) : undefined;
    const serviceIPs = svc ? asArray(asRecord(asRecord(svc.status).loadBalancer).ingress).map((i) => String(asRecord(i).ip ?? '')).filter(Boolean) : [];
    // --since of a bundle counts back from its capture (the API server does it for a live read)
    const captured = Date.parse(state.bundle?.createdAt ?? '');
    const since = opts.from && sinceMs !== undefined ? (Number.isNaN(captured) ? Date.now() : captured) - sinceMs : undefined;
    const filter = eventFilter({ service: opts.service, serviceIPs, peer: opts.peer, node: opts.node, sinceMs: since });
    const window = eventFilter({ node: opts.node, sinceMs: since });
    const paint = painter(useColor(opts.color));
    const timeline = new Timeline({
      max: maxEvents,
      ...(filter ? { filter } : {}),
      ...(opts.all ? { all: true } : {}),
      ...(opts.follow ? { onEvent: (e: LogEvent) => ctx.out(`${eventText(e, paint, { withNode: true })}\n`) } : {}),
    });
    const analysis = new LogAnalysis();
    // the analysis sees the whole window (a finding needs every line of its stream), the timeline the filters
    const analysed = window ? { event: (e: LogEvent) => window(e) && analysis.event(e), endStream: (s: StreamSummary) => analysis.endStream(s) } : analysis;
    const sink = teeSink(analysed, timeline);
    const keepStream = opts.node ? (s: { node?: string; pod: string }) => s.node === opts.node || s.pod === opts.node : undefined;
    const streams = opts.follow
      ? await followLogs(ctx, opts, state, sink, keepStream, tail)
      : await readLogs(state, sink, { ...(keepStream ? { streams: keepStream } : {}), ...(tail !== undefined && opts.from ? { tailLines: tail } : {}), ...(opts.all ? { debug: true } : {}) });
    state.logAnalysis = analysis;
    const run = runRules(LOG_RULES, state, { bgpBackend: state.metallb.bgpBackend ?? 'frr-k8s', disabled: new Set(opts.disable) });
    for (const e of run.errors) ctx.warn(`rule ${e.rule} failed: ${e.message}`, e.stack);
    const findings = run.findings.filter((f) => aboutFilter(f, opts));
    const base = buildReport({ state, findings, rules: LOG_RULES, suppressed: run.suppressed, bgpBackend: state.metallb.bgpBackend ?? 'frr-k8s', bgpBackendAssumed: !state.metallb.bgpBackend });
    const events = timeline.sorted();
    // the state's other gaps do not matter here: only what kept logs from being read
    const gaps = [...base.gaps.filter((g) => /^logs? of/.test(g.what)), ...(streams.length === 0 ? [{ what: 'container logs', why: opts.from ? 'the input holds no logs/ directory' : 'no MetalLB container logs could be read' }] : [])];
    const report = { ...base, gaps, events: events.map(eventJson), streams: streams.map(streamJson) };
    ctx.phase?.('analysed');
    if (opts.output === 'text') {
      if (!opts.follow) ctx.out(renderTimelineText({ events, streams, dropped: timeline.dropped, rawHidden: timeline.rawHidden, debugHidden: timeline.debugHidden }, { color: useColor(opts.color), verbose: opts.verbose, quiet: opts.quiet }));
      ctx.out('\n' + render('text', { ...(report as unknown as Report), checks: [] }, { color: useColor(opts.color), rules: ruleCatalog(), cwd: process.cwd(), command: 'lint', quiet: opts.quiet, verbose: opts.verbose }));
    } else {
      ctx.out(render(opts.output as never, report as unknown as Report, { color: false, rules: ruleCatalog(), cwd: process.cwd(), command: 'logs', quiet: opts.quiet, verbose: opts.verbose }));
    }
    ctx.exitCode = exitCodeFor(report.summary, opts.failOn);
  });
  return cmd;
}

function streamJson(s: StreamSummary): Record<string, unknown> {
  return {
    namespace: s.stream.namespace,
    pod: s.stream.pod,
    container: s.stream.container,
    ...(s.stream.previous ? { previous: true } : {}),
    ...(s.stream.node ? { node: s.stream.node } : {}),
    component: s.stream.component,
    file: s.stream.file,
    lines: s.lines,
    events: s.events,
    raw: s.raw,
    ...(s.firstTime !== undefined ? { from: new Date(s.firstTime).toISOString() } : {}),
    ...(s.lastTime !== undefined ? { to: new Date(s.lastTime).toISOString() } : {}),
  };
}

/** The live state with the containers' logs (or without them, for --follow, which streams them). */
async function liveState(ctx: CliContext, opts: LogsOptions): Promise<ClusterState> {
  const capture = await captureLive(ctx, { ...opts, logs: !opts.follow, ...(opts.follow ? { since: undefined, tail: undefined } : {}) });
  const context = capture.load.bundle?.context;
  return new ClusterState([{ load: capture.load, kind: 'cluster', ...(context ? { path: `context ${context}` } : {}) }], { metallbNamespace: opts.metallbNamespace });
}

/** --follow: one streaming request per container (existing lines first, then new ones), until Ctrl-C. */
async function followLogs(ctx: CliContext, opts: LogsOptions, state: ClusterState, sink: ReturnType<typeof teeSink>, keep: ((s: { node?: string; pod: string }) => boolean) | undefined, tail: number | undefined): Promise<StreamSummary[]> {
  const { logReads } = await import('../../sources/live/capture.js');
  const { client } = await openClient(ctx, opts);
  const ns = state.metallb.namespace;
  const pods = state.all('Pod').filter((p) => p.metadata?.namespace === ns || /^frr-k8s/.test(p.metadata?.name ?? ''));
  const reads = pods.flatMap((p) => logReads(p, ns, undefined)).filter((l) => !l.previous);
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const summaries: StreamSummary[] = [];
  const sinceSeconds = opts.since ? Math.max(1, Math.ceil(parseDuration('--since', opts.since) / 1000)) : undefined;
  try {
    await Promise.all(
      reads.map(async (l) => {
        const info = streamInfo(l.namespace, l.pod, l.container, false, liveLogName(l.namespace, l.pod, l.container, false), state);
        if (keep && !keep(info)) return;
        const reader = new LogStreamReader(info, sink, opts.all ? { debug: true } : {});
        try {
          await client.stream(`/api/v1/namespaces/${encodeURIComponent(l.namespace)}/pods/${encodeURIComponent(l.pod)}/log`, { container: l.container, follow: 'true', timestamps: 'true', ...(sinceSeconds ? { sinceSeconds } : {}), tailLines: tail ?? (sinceSeconds ? undefined : 10) }, (c) => reader.push(c), controller.signal);
        } catch (e) {
          ctx.warn(`logs of ${l.namespace}/${l.pod} ${l.container}: ${(e as Error).message}`);
        }
        summaries.push(reader.end());
      }),
    );
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    client.close();
  }
  return summaries;
}
