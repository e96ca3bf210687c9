// `explain service NS/NAME` (alias `why`): the causal chain for one Service, step by step, each
// with its evidence and the command that confirms it by hand.
import { Command } from 'commander';
import { ClusterState } from '../../state/cluster-state.js';
import { addSourceOptions, loadSource, type SourceOptions } from '../source.js';
import { RULES, ruleById } from '../../rules/index.js';
import { runRules } from '../../rules/engine.js';
import { buildReport, exitCodeFor, healthOf, summarize } from '../../report/build.js';
import { render } from '../../renderers/index.js';
import type { Report } from '../../report/types.js';
import { addBgpBackendOption, addOutputOption, addReportOptions, useColor, UsageError, type CommonOptions } from '../common.js';
import { ruleCatalog } from './rules.js';
import type { CliContext } from '../context.js';
import { explainService, findService, type Explanation, type Step, type StepStatus } from '../../report/explain.js';
import { analyseLogs } from '../../sources/logs.js';
import { Timeline } from '../../model/logs/timeline.js';
import { eventFilter } from '../../model/logs/filter.js';
import { timeText } from '../../model/logs/evidence.js';
import type { LogEvent } from '../../model/logs/types.js';
import { asArray, asRecord } from '../../state/cluster-state.js';
import { painter, type Style } from '../../renderers/options.js';
import { podSelectorText } from '../../model/pods.js';
import { versionBefore } from '../../state/installation.js';

interface ExplainOptions extends CommonOptions, SourceOptions {
  bgpBackend: 'native' | 'frr' | 'frr-k8s';
}

const MARK: Record<StepStatus, [string, Style]> = { ok: ['ok', 'green'], blocked: ['BLOCKED', 'red'], warning: ['warning', 'yellow'], info: ['info', 'cyan'] };

export function renderExplanation(e: Explanation, color: boolean, verbose = false): string {
  const paint = painter(color);
  const out = [paint(e.verdict, 'bold'), ''];
  e.steps.forEach((s, i) => {
    const [word, style] = MARK[s.status];
    out.push(`${i + 1}. ${s.title}  ${paint(`[${word}]`, style)}`);
    for (const l of s.evidence) out.push(`     ${l}`);
    for (const c of s.confirm) out.push(`     ${paint('$', 'dim')} ${paint(c, 'dim')}`);
    out.push('');
  });
  if (!verbose && e.findings.length > 0) out.push(paint(`(${e.findings.length} finding(s); -v prints each with its fix, -o json the whole report)`, 'dim'));
  return out.join('\n').trimEnd() + '\n';
}

/** What the containers' logs say about the Service: its last events, the bad ones first in mind. */
/**
 * How to read those lines by hand. From v0.13 on, MetalLB's lines about a Service sit between its
 * ServiceReconciler's "start reconcile" and "end reconcile" (most name only the addresses, or
 * nothing); before, every line carries "service":"NS/NAME".
 */
export function logConfirm(state: ClusterState, ref: string, events: readonly LogEvent[]): string[] {
  const mlns = state.metallb.namespace;
  const pick = versionBefore(state.metallb.version, 0, 13)
    ? `grep -F '"${ref}"'`
    : `sed -n '/"start reconcile":"${ref.replace('/', '\\/')}"/,/"end reconcile":"${ref.replace('/', '\\/')}"/p'`;
  const out = [`metallb-doctor logs --service ${ref}`, `kubectl -n ${mlns} logs -l ${podSelectorText(state.metallb.speaker, 'component=speaker')} -c speaker --tail=-1 --prefix | ${pick}`];
  const controller = state.metallb.controller;
  if (controller && events.some((e) => e.component === 'controller')) out.push(`kubectl -n ${controller.metadata?.namespace ?? mlns} logs deploy/${controller.metadata?.name ?? 'controller'} -c controller | ${pick}`);
  return out;
}

function logStep(events: readonly LogEvent[], confirm: string[]): Step {
  const bad = events.filter((e) => e.level === 'error' || e.level === 'warn' || /failed|rejected|withdrawn|not-announced/.test(e.kind));
  const shown = events.slice(-12);
  return {
    title: events.length === 0 ? "What MetalLB's logs say about it: nothing" : `What MetalLB's logs say about it: ${events.length} event(s)${bad.length ? `, ${bad.length} of trouble` : ''}`,
    status: bad.length > 0 && bad[bad.length - 1] === events[events.length - 1] ? 'warning' : 'info',
    evidence: [
      ...(events.length > shown.length ? [`the last ${shown.length} of ${events.length}:`] : []),
      ...shown.map((e) => `${timeText(e.time)} ${e.stream.node ?? e.stream.pod} ${e.component} ${e.kind}: ${e.message}${e.count && e.count > 1 ? ` (x${e.count})` : ''}`),
    ],
    confirm,
  };
}

export function explainCommand(ctx: CliContext): Command {
  const cmd = new Command('explain')
    .alias('why')
    .summary('why a Service has no address, or why nobody reaches it')
    .description(
      'The causal chain for one Service: is it MetalLB\'s; which pools it may use and why not the others; ' +
        'the address it got or the exact reason it did not; which nodes may announce it and why not each ' +
        'other node; who announces it (and whether MetalLB\'s own status agrees); its endpoints and where ' +
        'traffic enters. Each step comes with the command that confirms it by hand.',
    )
    .argument('<what>', 'what to explain: service')
    .argument('<ref>', 'NAMESPACE/NAME (NAME alone means the default namespace)');
  addSourceOptions(cmd, { logs: true });
  addBgpBackendOption(cmd);
  addOutputOption(cmd, ['text', 'json', 'yaml']);
  addReportOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Examples:
  ${ctx.name} explain service shop/web                     # in the current context's cluster
  ${ctx.name} explain service shop/web --from snap.tar.gz
  ${ctx.name} why service shop/web --from snap.tar.gz -o json
  ${ctx.name} explain service shop/web --from cluster-dump/ -v    # with each finding's fix`,
  );
  cmd.action(async (what: string, ref: string, _local: unknown, self: Command) => {
    const opts = self.optsWithGlobals<ExplainOptions>();
    if (what !== 'service' && what !== 'svc') throw new UsageError(`explain ${what}: only "service" can be explained (explain service NAMESPACE/NAME)`);
    if (!/^([a-z0-9]([-a-z0-9]*[a-z0-9])?\/)?[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(ref)) throw new UsageError(`explain service ${ref}: expected NAMESPACE/NAME`);
    for (const id of opts.disable) if (id !== '*' && !ruleById(id)) ctx.warn(`--disable ${id}: no such rule (see \`${ctx.name} rules\`)`);
    const { layers, label } = await loadSource(ctx, opts);
    const state = new ClusterState(layers, { metallbNamespace: opts.metallbNamespace });
    if (!state.isCaptured('Service')) throw new UsageError(`explain service ${ref}: ${opts.from ? 'the input holds no Services' : 'the Services could not be read'} (${label})`);
    const { svc, suggestion } = findService(state, ref);
    if (!svc) throw new UsageError(`explain service ${ref}: no such ${opts.from ? '' : 'LoadBalancer '}Service in ${label}${suggestion ? ` (${suggestion})` : ''}`);
    const found = state.metallb.bgpBackend;
    const bgpBackend = found ?? opts.bgpBackend;
    // the logs, when there are some: the rules' log evidence, and what they say about this Service
    const ref2 = `${svc.metadata?.namespace || 'default'}/${svc.metadata?.name ?? ''}`;
    const ips = asArray(asRecord(asRecord(svc.status).loadBalancer).ingress).map((i) => String(asRecord(i).ip ?? '')).filter(Boolean);
    const timeline = new Timeline({ max: 1000, filter: eventFilter({ service: ref2, serviceIPs: ips })! });
    await analyseLogs(state, timeline);
    const run = runRules(RULES, state, { bgpBackend, disabled: new Set(opts.disable) });
    for (const e of run.errors) ctx.warn(`rule ${e.rule} failed: ${e.message}`, e.stack);
    const e = explainService(state, svc, run.findings);
    if (state.logAnalysis) e.steps.push(logStep(timeline.sorted(), logConfirm(state, ref2, timeline.sorted())));
    // cli.md: explain exits by the findings that concern the Service it shows
    const summary = summarize(e.findings);
    const report = {
      ...buildReport({ state, findings: e.findings, rules: RULES, suppressed: run.suppressed, bgpBackend, bgpBackendAssumed: !found }),
      summary,
      health: healthOf(summary),
      service: e.service,
      verdict: e.verdict,
      steps: e.steps,
    };
    if (opts.output === 'text') {
      ctx.out(renderExplanation(e, useColor(opts.color), opts.verbose));
      if (opts.verbose && e.findings.length > 0) {
        ctx.out('\n' + render('text', { ...(report as Report), checks: [] }, { color: useColor(opts.color), rules: ruleCatalog(), cwd: process.cwd(), command: 'lint', quiet: true, verbose: true }));
      }
    } else {
      ctx.out(render(opts.output as never, report as Report, { color: false, rules: ruleCatalog(), cwd: process.cwd(), command: 'explain', quiet: opts.quiet, verbose: opts.verbose }));
    }
    ctx.exitCode = exitCodeFor(summary, opts.failOn);
  });
  return cmd;
}
