// The command line: thin commands that wire a source to a renderer.
import { Command, CommanderError } from 'commander';
import { VERSION } from '../version.js';
import { InputError, SourceError } from '../sources/types.js';
import { UsageError } from './common.js';
import type { CliContext } from './context.js';
import { lintCommand } from './commands/lint.js';
import { rulesCommand } from './commands/rules.js';
import { simulateCommand } from './commands/simulate.js';
import { explainCommand } from './commands/explain.js';
import { diagCommand } from './commands/diag.js';
import { replayCommand } from './commands/replay.js';
import { snapshotCommand } from './commands/snapshot.js';
import { logsCommand } from './commands/logs.js';
import { probeCommand } from './commands/probe.js';
import { initCommand } from './commands/init.js';
import { migrateCommand } from './commands/migrate.js';
import { uninstallCommand } from './commands/uninstall.js';

export function buildProgram(ctx: CliContext): Command {
  const program = new Command(ctx.name)
    .description('Deploys, checks, explains and troubleshoots MetalLB on bare-metal Kubernetes.')
    .version(VERSION, '--version', 'print the version')
    .option('--no-color', 'no colours (also NO_COLOR)')
    .option('-q, --quiet', 'print only the findings')
    .option('-v, --verbose', 'more detail: evidence lines, and stack traces of internal errors')
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({ writeOut: (s) => ctx.out(s), writeErr: (s) => ctx.err(s) })
    .exitOverride();
  program.addHelpText(
    'after',
    `
Examples:
  ${ctx.name} lint examples/demo            # check manifests before applying them
  ${ctx.name} lint . -o json --fail-on error
  ${ctx.name} explain service shop/web --from snap.tar.gz      # why it has no address, or who announces it
  ${ctx.name} simulate --from snap.tar.gz --fail-node worker-1   # what MetalLB would do
  ${ctx.name} logs --since 1h                   # what MetalLB's logs say, node by node
  ${ctx.name} probe arp 192.168.1.240           # who answers ARP for a service address
  ${ctx.name} init l2 --addresses 192.168.1.240-192.168.1.250   # a deployment folder that lints clean
  ${ctx.name} rules                         # what the tool checks
  ${ctx.name} rules show pool-overlap       # one rule: what MetalLB does, how to confirm, how to fix
  ${ctx.name} lint --help                   # every command has its own help and examples`,
  );
  for (const make of [diagCommand, explainCommand, lintCommand, simulateCommand, logsCommand, probeCommand, initCommand, migrateCommand, uninstallCommand, rulesCommand, snapshotCommand, replayCommand]) {
    const cmd = make(ctx);
    cmd.configureOutput({ writeOut: (s) => ctx.out(s), writeErr: (s) => ctx.err(s) }).exitOverride();
    for (const sub of cmd.commands) sub.configureOutput({ writeOut: (s) => ctx.out(s), writeErr: (s) => ctx.err(s) }).exitOverride();
    program.addCommand(cmd);
  }
  return program;
}

/** Runs the command line; returns the exit code (cli.md). Never throws. */
export async function runCli(argv: string[], ctx: CliContext): Promise<number> {
  ctx.verbose = argv.includes('-v') || argv.includes('--verbose');
  const program = buildProgram(ctx);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return ctx.exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      // help and version exit 0; any other parse problem is a bad argument
      return e.exitCode === 0 || e.code === 'commander.helpDisplayed' || e.code === 'commander.version' ? 0 : 3;
    }
    if (e instanceof InputError) {
      ctx.err(`${ctx.name}: ${e.oneLine}\n`);
      if (ctx.verbose && e.stack) ctx.err(e.stack + '\n');
      return 3;
    }
    if (e instanceof UsageError || e instanceof SourceError) {
      ctx.err(`${ctx.name}: ${e.message}\n`);
      return 3;
    }
    const err = e as Error;
    ctx.err(`${ctx.name}: internal error: ${err?.message ?? String(e)}${ctx.verbose ? '' : ' (run with -v for details)'}\n`);
    if (ctx.verbose && err?.stack) ctx.err(err.stack + '\n');
    return 3;
  }
}
