// `uninstall`: the ordered removal plan of what is installed of MetalLB, each step a command, or
// (--script) the same plan as a POSIX shell script. It changes nothing: GET requests only when live.
import { Command } from 'commander';
import { ClusterState } from '../../state/cluster-state.js';
import { addSourceOptions, loadSource, type SourceOptions } from '../source.js';
import { addOutputOption, type CommonOptions } from '../common.js';
import type { CliContext } from '../context.js';
import { VERSION } from '../../version.js';
import { reportDocument } from '../../renderers/json.js';
import { pinCommand, planUninstall, type UninstallPlan, type UninstallTarget } from '../../model/deploy/uninstall.js';
import { resolve } from 'node:path';

interface UninstallOptions extends Pick<CommonOptions, 'output' | 'quiet' | 'metallbNamespace'>, SourceOptions {
  script?: boolean;
}

export interface UninstallReport {
  tool: { name: 'metallb-doctor'; version: string };
  source: { kind: 'cluster' | 'snapshot' | 'manifests'; context?: string; path?: string };
  metallb: { namespace: string; version?: string; bgpBackend?: 'native' | 'frr' | 'frr-k8s'; installedBy?: 'helm' | 'manifests' | 'operator' };
  release?: UninstallPlan['release'];
  nothingInstalled: boolean;
  services: UninstallPlan['services'];
  plan: { title: string; why: string; removes: string[]; commands: string[]; notes: string[]; id: string }[];
  gaps: { what: string; why: string }[];
  /** the context (and kubeconfig) every command names: the cluster the plan was read from */
  target?: UninstallTarget;
}

/** `target`: the live cluster the plan was read from, which its commands then name. */
export function uninstallReport(state: ClusterState, plan: UninstallPlan, target?: UninstallTarget): UninstallReport {
  const context = state.bundle?.context;
  const pinned = (s: UninstallPlan['steps'][number]) => {
    if (!target) return { commands: s.commands, notes: s.notes };
    const helmwave = s.commands.some((c) => /\bhelmwave\b/.test(c));
    return {
      commands: s.commands.map((c) => pinCommand(c, target)),
      notes: helmwave ? [...s.notes, `helmwave acts on the context its helmwave.yml gives its releases (else the current one): the plan was read from context "${target.context}"`] : s.notes,
    };
  };
  return {
    tool: { name: 'metallb-doctor', version: VERSION },
    source: { kind: state.sourceKind, ...(context ? { context } : {}), ...(state.sourcePath ? { path: state.sourcePath } : {}) },
    metallb: {
      namespace: plan.namespace,
      ...(plan.version ? { version: plan.version } : {}),
      ...(plan.bgpBackend ? { bgpBackend: plan.bgpBackend } : {}),
      ...(state.metallb.installedBy ? { installedBy: state.metallb.installedBy } : {}),
    },
    ...(plan.release ? { release: plan.release } : {}),
    nothingInstalled: plan.nothingInstalled,
    services: plan.services,
    plan: plan.steps.map((s) => ({ id: s.id, title: s.title, why: s.why, removes: s.removes, ...pinned(s) })),
    gaps: plan.gaps.map((g) => ({ what: g.what, why: g.why })),
    ...(target ? { target } : {}),
  };
}

function headline(r: UninstallReport): string {
  const by = r.release
    ? { helm: `Helm, release "${r.release.name ?? '?'}"`, helmwave: `helmwave, Helm release "${r.release.name ?? '?'}"`, manifests: 'the release manifest', operator: `the MetalLB Operator${r.release.name ? `, MetalLB "${r.release.name}"` : ''}` }[r.release.tool]
    : undefined;
  return `MetalLB${r.metallb.version ? ` ${r.metallb.version}` : ''} in ${r.metallb.namespace}${by ? `, installed by ${by}` : ''}`;
}

function sourceText(r: UninstallReport): string {
  return r.source.path ?? (r.source.context ? `context ${r.source.context}` : 'the cluster');
}

export function renderUninstallText(r: UninstallReport, quiet = false): string {
  const out: string[] = [];
  if (r.nothingInstalled) {
    out.push(`Nothing of MetalLB found in ${sourceText(r)}: no workloads, configuration, CRDs, webhook configuration or namespace. Nothing to remove.`);
    return out.join('\n') + '\n';
  }
  if (!quiet) {
    out.push(`Removal plan for ${headline(r)} (read from ${sourceText(r)}).`);
    out.push('This command changes nothing: run the commands yourself, in this order (or print them as a script with --script).');
    if (r.target) out.push(`The commands name context ${r.target.context}${r.target.kubeconfig ? ` of ${r.target.kubeconfig}` : ''}, where the plan was read: they act there whatever context is current when they run.`);
    out.push('');
  }
  if (r.plan.length === 0) out.push('Nothing of MetalLB found, but the input did not show everything (see the gaps below).');
  r.plan.forEach((s, i) => {
    out.push(`${i + 1}. ${s.title}`);
    if (!quiet) {
      out.push(`   Why here: ${s.why}.`);
      if (s.removes.length) {
        out.push(`   ${s.id === 'services' ? 'Affected' : 'Removes'}:`);
        for (const x of s.removes) out.push(`     - ${x}`);
      }
      for (const n of s.notes) out.push(`   Note: ${n}.`);
    }
    for (const c of s.commands) out.push(`   $ ${c}`);
    out.push('');
  });
  if (r.gaps.length) {
    out.push('Not seen (gaps: never taken as absent):');
    for (const g of r.gaps) out.push(`  - ${g.what}: ${g.why}`);
    out.push('');
  }
  return out.join('\n');
}

/** Comment lines, wrapped near 100 columns. */
function comment(text: string, indent = ''): string[] {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = `${indent}#`;
  for (const w of words) {
    if (line.length + 1 + w.length > 100 && line !== `${indent}#`) {
      lines.push(line);
      line = `${indent}#  `;
    }
    line += ` ${w}`;
  }
  lines.push(line);
  return lines;
}

/** The plan as a POSIX shell script: `set -eu`, each step commented, commands in order. */
export function renderUninstallScript(r: UninstallReport): string {
  const out = ['#!/bin/sh', ...comment(`Removes ${headline(r)}: the plan metallb-doctor ${VERSION} made from ${sourceText(r)}.`)];
  out.push(...comment('Review before running: it deletes what it names. Each step waits for the one before (kubectl delete and helm uninstall --wait return when the objects are gone).'));
  if (r.target) out.push(...comment(`Every kubectl and helm names context ${r.target.context}${r.target.kubeconfig ? ` of ${r.target.kubeconfig}` : ''}, where the plan was read, whatever context is current when this runs.`));
  out.push('set -eu', '');
  if (r.nothingInstalled || r.plan.length === 0) {
    out.push(...comment(r.nothingInstalled ? 'Nothing of MetalLB was found: nothing to remove.' : 'Nothing of MetalLB was found, but the input did not show everything:'));
    for (const g of r.gaps) out.push(...comment(`not seen: ${g.what} (${g.why})`));
    out.push('exit 0', '');
    return out.join('\n');
  }
  r.plan.forEach((s, i) => {
    out.push(...comment(`Step ${i + 1}: ${s.title}`));
    out.push(...comment(`Why here: ${s.why}.`));
    for (const x of s.removes) out.push(...comment(`${s.id === 'services' ? 'affected' : 'removes'}: ${x}`));
    for (const n of s.notes) out.push(...comment(`note: ${n}.`));
    out.push(`echo ${shellQuote(`== step ${i + 1}: ${s.title}`)}`);
    for (const c of s.commands) out.push(c);
    out.push('');
  });
  if (r.gaps.length) {
    out.push(...comment('Not seen when this plan was made (never taken as absent):'));
    for (const g of r.gaps) out.push(...comment(`  ${g.what}: ${g.why}`));
    out.push('');
  }
  return out.join('\n');
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export function uninstallCommand(ctx: CliContext): Command {
  const cmd = new Command('uninstall')
    .summary('prints the ordered removal plan for what is installed of MetalLB, each step a command')
    .description(
      'Reads how MetalLB is installed (Helm, helmwave, the release manifest or the MetalLB Operator) and ' +
        'prints the plan to remove it, in order: the LoadBalancer Services that lose their addresses (kept), ' +
        'the configuration objects, the release, the CRDs, what the release leaves behind (webhook ' +
        'configuration, memberlist Secret), the namespace. Each step says why it comes there and what it ' +
        'removes; what the input did not show is said, never assumed absent. It changes nothing itself ' +
        '(GET requests only on a live cluster).',
    )
    .option('--script', 'print the plan as a POSIX shell script (set -eu, each step commented)')
    .option('--metallb-namespace <ns>', "MetalLB's namespace (default: found from its workloads, else metallb-system)");
  addSourceOptions(cmd);
  addOutputOption(cmd, ['text', 'json']);
  cmd.addHelpText(
    'after',
    `
Exit codes: 0 the plan was printed (an empty plan when nothing is installed), 3 the state could
not be read.

Examples:
  ${ctx.name} uninstall                                   # the current context's cluster
  ${ctx.name} uninstall --from snapshot.tar.gz            # from a snapshot
  ${ctx.name} uninstall --script > remove-metallb.sh      # review it, then: sh remove-metallb.sh
  HELMWAVE_DIR=./metallb sh remove-metallb.sh              # where helmwave.yml is, for a helmwave release
  ${ctx.name} uninstall --context prod -o json            # the plan as JSON: { plan: [{ title, why, commands }] }`,
  );
  cmd.action(async (_local: unknown, self: Command) => {
    const opts = self.optsWithGlobals<UninstallOptions>();
    const { layers } = await loadSource(ctx, opts);
    ctx.phase?.('loaded');
    const state = new ClusterState(layers, { metallbNamespace: opts.metallbNamespace });
    // read live: the commands name the context read (not the service account's in-cluster one)
    const context = state.bundle?.context;
    const target = !opts.from && context && context !== 'in-cluster' ? { context, ...(opts.kubeconfig ? { kubeconfig: resolve(opts.kubeconfig) } : {}) } : undefined;
    const report = uninstallReport(state, planUninstall(state), target);
    ctx.phase?.('analysed');
    if (opts.script) ctx.out(renderUninstallScript(report));
    else if (opts.output === 'json') ctx.out(JSON.stringify(reportDocument(report as unknown as Record<string, unknown>), null, 2) + '\n');
    else ctx.out(renderUninstallText(report, opts.quiet));
    ctx.exitCode = 0;
  });
  return cmd;
}
