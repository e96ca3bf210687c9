import { Command } from 'commander';
import { filesIn, loadInputs } from '../../sources/load.js';
import { ClusterState, type StateLayer } from '../../state/cluster-state.js';
import { fileRules, ruleById } from '../../rules/index.js';
import { runRules } from '../../rules/engine.js';
import { buildReport, exitCodeFor } from '../../report/build.js';
import { render } from '../../renderers/index.js';
import type { Report } from '../../report/types.js';
import { METALLB_CONFIG_KINDS } from '../../model/kinds.js';
import { addBgpBackendOption, addOutputOption, addReportOptions, useColor, type CommonOptions } from '../common.js';
import { ruleCatalog } from './rules.js';
import { findingsAbout, objectKey } from '../../report/focus.js';
import type { KubeObject, LoadResult } from '../../sources/types.js';
import type { CliContext } from '../context.js';
import { addSourceOptions, loadSource, type SourceOptions } from '../source.js';

interface LintOptions extends CommonOptions, SourceOptions {
  bgpBackend: 'native' | 'frr' | 'frr-k8s';
}

export function lintCommand(ctx: CliContext): Command {
  const cmd = new Command('lint')
    .summary('check MetalLB manifests before they are applied')
    .description(
      "Check manifests the way MetalLB's webhooks and configuration parser would, plus the mistakes MetalLB " +
        'accepts silently. Every finding points at file:line:column.',
    )
    .argument('<paths...>', 'YAML/JSON files, directories (read recursively), bundles (.tar.gz), or - for stdin');
  addSourceOptions(cmd, { fromHelp: 'check the files against this cluster snapshot: would MetalLB accept them there?', cluster: 'check the files against the live cluster of the kubeconfig (GET only)' });
  addBgpBackendOption(cmd);
  addOutputOption(cmd, ['text', 'json', 'yaml', 'sarif', 'junit']);
  addReportOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Examples:
  ${ctx.name} lint metallb/                       # every manifest below a folder
  ${ctx.name} lint pool.yaml l2.yaml -o json      # the report as JSON
  kustomize build . | ${ctx.name} lint -           # from stdin
  ${ctx.name} lint new-pool.yaml --from snap.tar.gz   # against a cluster snapshot
  ${ctx.name} lint new-pool.yaml --cluster            # against the live cluster (kubeconfig)
  ${ctx.name} lint . -o sarif > lint.sarif        # for GitHub code scanning
  ${ctx.name} lint . --bgp-backend native         # MetalLB runs without FRR
  ${ctx.name} lint . --disable pool-cidr-host-bits --fail-on error`,
  );
  cmd.action(async (paths: string[], _local: unknown, self: Command) => {
    const opts = self.optsWithGlobals<LintOptions>();
    for (const id of opts.disable) if (id !== '*' && !ruleById(id)) ctx.warn(`--disable ${id}: no such rule (see \`${ctx.name} rules\`)`);
    const layers: StateLayer[] = opts.from || opts.cluster ? (await loadSource(ctx, opts)).layers : [];
    const files = await loadInputs(paths, { stdin: ctx.stdin });
    layers.push({ load: files, kind: 'manifests', path: paths.join(' ') });
    const state = new ClusterState(layers, { metallbNamespace: opts.metallbNamespace });

    const found = state.metallb.bgpBackend;
    const bgpBackend = found ?? opts.bgpBackend;
    const rules = fileRules();
    const run = runRules(rules, state, { bgpBackend, disabled: new Set(opts.disable) });
    for (const e of run.errors) ctx.warn(`rule ${e.rule} failed: ${e.message}`, e.stack);

    const findings = opts.from || opts.cluster ? findingsAbout(run.findings, filesIn(files), clusterOnlyKeys(layers, files)) : run.findings;
    const report = buildReport({
      state,
      findings,
      rules,
      suppressed: run.suppressed,
      bgpBackend,
      bgpBackendAssumed: !found,
      gaps: lintGaps(state),
    });
    ctx.out(
      render(opts.output as never, report, {
        color: useColor(opts.color),
        rules: ruleCatalog(),
        cwd: process.cwd(),
        command: 'lint',
        quiet: opts.quiet,
        verbose: opts.verbose,
      }),
    );
    ctx.exitCode = exitCodeFor(report.summary, opts.failOn);
  });
  return cmd;
}


/** The live cluster's objects that the files do not replace (they have no file to point at). */
function clusterOnlyKeys(layers: StateLayer[], files: LoadResult): Set<string> {
  const out = new Set<string>();
  const live = layers.find((l) => l.kind === 'cluster');
  if (!live) return out;
  const key = (o: KubeObject) => objectKey({ kind: o.kind, name: o.metadata?.name ?? '', ...(o.metadata?.namespace ? { namespace: o.metadata.namespace } : {}) });
  const mine = new Set(files.objects.map(key));
  for (const o of live.load.objects) if (!mine.has(key(o))) out.add(key(o));
  return out;
}

/**
 * lint reads manifests: only missing MetalLB configuration is worth telling, and when there is
 * none at all, once.
 */
function lintGaps(state: ClusterState): Report['gaps'] {
  const kinds = [...METALLB_CONFIG_KINDS];
  const missing = state.gaps.filter((g) => kinds.some((k) => g.what === `list ${k}`));
  if (missing.length < kinds.length) return missing;
  return [{ what: `MetalLB configuration (${kinds.join(', ')})`, why: 'none in the input, so the rules about it had nothing to check' }];
}
