// `snapshot [PATH]`: the live cluster captured into a bundle, for `--from`, `replay`, or someone
// else's eyes. GET requests only; Secrets keep their type and key names, BGP passwords are masked.
import { Command } from 'commander';
import { writeBundle } from '../../sources/bundle-writer.js';
import { addSourceOptions, captureLive, type SourceOptions } from '../source.js';
import type { CommonOptions } from '../common.js';
import type { CliContext } from '../context.js';

interface SnapshotOptions extends Pick<CommonOptions, 'metallbNamespace' | 'quiet'>, SourceOptions {}

/** metallb-snapshot-20261127T041500Z.tar.gz */
export function defaultSnapshotName(now = new Date()): string {
  return `metallb-snapshot-${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}.tar.gz`;
}

export function snapshotCommand(ctx: CliContext): Command {
  const cmd = new Command('snapshot')
    .summary('captures the cluster state (and logs) into a bundle for offline use')
    .description(
      'Reads what diag reads from the cluster of the kubeconfig (GET requests only) and writes it as a ' +
        'bundle: bundle.json (what was captured, the gaps, the tool\'s own errors), one JSON List per kind ' +
        'under resources/, and with --logs the speaker, controller and FRR logs under logs/. Secrets are ' +
        'never written (only their names, types and key names); BGP passwords are masked wherever they ' +
        'appear. `diag --from` the bundle reports what `diag` reported on the cluster.',
    )
    .argument('[path]', 'a .tar.gz, or a directory that does not exist or is empty (default: metallb-snapshot-<time>.tar.gz)')
    .option('--metallb-namespace <ns>', "MetalLB's namespace (default: found from its workloads, else metallb-system)");
  // no --from: a snapshot of a snapshot is a copy
  addSourceOptions(cmd, { logs: true, from: false });
  cmd.addHelpText(
    'after',
    `
Exit codes: 0 written (gaps are listed in bundle.json and on stderr), 3 nothing written.

Examples:
  ${ctx.name} snapshot                                 # metallb-snapshot-<time>.tar.gz here
  ${ctx.name} snapshot case-1234.tar.gz --logs --since 2h
  ${ctx.name} snapshot ./snap --context prod           # a directory
  ${ctx.name} diag --from case-1234.tar.gz             # later, anywhere
  ${ctx.name} replay case-1234.tar.gz                  # and kubectl against it`,
  );
  cmd.action(async (path: string | undefined, _local: unknown, self: Command) => {
    const opts = self.optsWithGlobals<SnapshotOptions>();
    const capture = await captureLive(ctx, opts);
    const out = await writeBundle(path ?? defaultSnapshotName(), capture);
    const b = capture.load.bundle;
    const gaps = b?.gaps ?? [];
    if (!opts.quiet) {
      ctx.err(`wrote ${out.path}: ${out.objects} objects${capture.logs.length ? `, ${capture.logs.length} logs` : ''} from context ${b?.context ?? '?'} (${[...capture.requests.values()].reduce((a, n) => a + n, 0)} GET requests)\n`);
      for (const g of gaps) ctx.err(`  gap: ${g.what}: ${g.why}\n`);
      for (const e of b?.errors ?? []) ctx.err(`  error: ${e}\n`);
    }
    ctx.out(`${out.path}\n`);
    ctx.exitCode = 0;
  });
  return cmd;
}
