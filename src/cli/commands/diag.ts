// `diag`: the health report of MetalLB in one cluster: every rule over the cluster state, the
// sections an operator knows from the old diagnostic script, and what MetalLB computes.
import { Command, Option } from 'commander';
import type { KubeObject } from '../../sources/types.js';
import { ClusterState } from '../../state/cluster-state.js';
import { addSourceOptions, checkedBy, loadSource, parseDuration, parseTimeout, type SourceOptions } from '../source.js';
import type { Gap } from '../../sources/types.js';
import { parseNodeMacs, probeJson } from './probe.js';
import { analyseLogs } from '../../sources/logs.js';
import { RULES, ruleById } from '../../rules/index.js';
import { runRules } from '../../rules/engine.js';
import { buildReport, exitCodeFor } from '../../report/build.js';
import { render } from '../../renderers/index.js';
import type { Report } from '../../report/types.js';
import { addBgpBackendOption, addOutputOption, addReportOptions, collect, UsageError, useColor, type CommonOptions } from '../common.js';
import { ruleCatalog } from './rules.js';
import type { CliContext } from '../context.js';
import { diagChecks, diagSections, type DiagReport } from '../../report/diag.js';
import { renderDiagText } from '../../renderers/diag.js';

interface DiagOptions extends CommonOptions, SourceOptions {
  probe?: boolean;
  probeTimeout?: string;
  nodeMac?: string[];
  namespace?: string;
  bgpBackend: 'native' | 'frr' | 'frr-k8s';
}

/** Findings about Services outside `-n` are left out; everything else concerns the whole installation. */
function inNamespace(ns: string | undefined) {
  return (o: { kind: string; namespace?: string }) => !ns || o.kind !== 'Service' || (o.namespace || 'default') === ns;
}

export function diagCommand(ctx: CliContext): Command {
  const cmd = new Command('diag')
    .summary('the health report of MetalLB: every check, every finding with its evidence and fix')
    .description(
      'Checks a whole MetalLB installation: CRDs, the controller and speaker pods, the configuration ' +
        '(and whether MetalLB accepted it), pools with their use, advertisements, BGP peers, which node ' +
        'announces each LoadBalancer Service and why others are pending or unreachable. Every finding ' +
        'comes with its evidence, the fix and the rule\'s documentation. Read-only.',
    )
    .option('-n, --namespace <ns>', 'look only at the Services of this namespace (MetalLB itself is always checked)');
  addSourceOptions(cmd, { logs: true });
  cmd
    .option('--probe', 'also probe the network from this machine: ARP/NDP for each announced layer 2 address, an OPEN to each BGP peer')
    .addOption(new Option('--probe-timeout <duration>', 'with --probe: the longest the probes may take, all together').default('10s').argParser(checkedBy(parseDuration)))
    .option('--node-mac <node=mac>', "with --probe: a node's MAC, to name who answers ARP/NDP (repeatable; besides the nodes' metallb-doctor.io/macs annotation)", collect, []);
  addBgpBackendOption(cmd);
  addOutputOption(cmd, ['text', 'json', 'yaml', 'sarif', 'junit']);
  addReportOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Exit codes: 0 nothing worse than info, 1 the worst finding is a warning, 2 an error or critical
finding (--fail-on moves the bar), 3 the input could not be read.

Health: the worst finding's severity; score = 100 x 0.5^critical x 0.85^error x 0.95^warning
(counts of findings; info costs nothing). Fix every warning and worse to reach 100.

Without --from, diag reads the cluster of the kubeconfig (kubectl's --kubeconfig, --context and
KUBECONFIG, or the pod's service account), with GET requests only, and only what its rules need;
what it may not read (403) is reported as a gap, never as "none". deploy/rbac.yaml holds the
read-only ClusterRole and Role it needs.

Examples:
  ${ctx.name} diag                                      # the current context's cluster
  ${ctx.name} diag --context prod --logs --since 1h     # another context, with the last hour of logs
  ${ctx.name} diag --from examples/demo-cluster        # the bundled demo cluster
  ${ctx.name} diag --from snapshot.tar.gz -o json      # the report as JSON (cli.md's contract)
  ${ctx.name} diag --from snapshot.tar.gz -n shop      # only the Services of namespace shop
  ${ctx.name} diag --from snapshot.tar.gz -o junit --fail-on error > diag.xml`,
  );
  cmd.action(async (_local: unknown, self: Command) => {
    const opts = self.optsWithGlobals<DiagOptions>();
    for (const id of opts.disable) if (id !== '*' && !ruleById(id)) ctx.warn(`--disable ${id}: no such rule (see \`${ctx.name} rules\`)`);
    const nodeMacs = parseNodeMacs(opts.nodeMac ?? []);
    if (nodeMacs.size > 0 && !opts.probe) throw new UsageError('--node-mac names who answers the probes: it needs --probe');
    const { layers } = await loadSource(ctx, opts);
    ctx.phase?.('loaded');
    const state = new ClusterState(layers, { metallbNamespace: opts.metallbNamespace });
    // the logs (a bundle's logs/, or --logs): streamed once into what the log evidence of the rules reads
    await analyseLogs(state);
    let probeGaps: Gap[] = [];
    if (opts.probe) {
      state.nodeMacs = nodeMacs;
      const { probeCluster } = await import('../../sources/net/cluster.js');
      const r = await probeCluster(state, { timeoutMs: parseTimeout('--probe-timeout', opts.probeTimeout ?? '10s') });
      state.probes = r.probes;
      probeGaps = r.gaps;
    }
    const found = state.metallb.bgpBackend;
    const bgpBackend = found ?? opts.bgpBackend;
    const run = runRules(RULES, state, { bgpBackend, disabled: new Set(opts.disable) });
    for (const e of run.errors) ctx.warn(`rule ${e.rule} failed: ${e.message}`, e.stack);
    const keep = inNamespace(opts.namespace);
    const findings = run.findings.filter((f) => f.objects.length === 0 || f.objects.some(keep));
    const inScope = (svc: KubeObject) => !opts.namespace || (svc.metadata?.namespace || 'default') === opts.namespace;
    const built = buildReport({ state, findings, rules: RULES, suppressed: run.suppressed, bgpBackend, bgpBackendAssumed: !found });
    const base = { ...built, gaps: [...built.gaps, ...probeGaps], ...(state.probes ? { probes: state.probes.map(probeJson) } : {}) };
    const partial = { ...base, ...diagSections(state, findings, inScope) };
    const report: DiagReport = { ...partial, checks: diagChecks(partial, state, RULES) };
    ctx.phase?.('analysed');
    if (opts.output === 'text') {
      ctx.out(renderDiagText(report, { color: useColor(opts.color), quiet: opts.quiet, verbose: opts.verbose, cwd: process.cwd(), rules: ruleCatalog(), command: 'diag' }));
    } else {
      ctx.out(render(opts.output as never, report as Report, { color: false, rules: ruleCatalog(), cwd: process.cwd(), command: 'diag', quiet: opts.quiet, verbose: opts.verbose }));
    }
    ctx.exitCode = exitCodeFor(report.summary, opts.failOn);
  });
  return cmd;
}
