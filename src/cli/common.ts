// Flags and plumbing shared by every command: output, colour, verbosity, suppressions, exit codes.
import { Option, type Command } from 'commander';
import type { FailOn } from '../report/build.js';
import { SEVERITIES } from '../report/types.js';

export interface CommonOptions {
  output: string;
  color: boolean;
  quiet?: boolean;
  verbose?: boolean;
  failOn: FailOn;
  disable: string[];
  metallbNamespace?: string;
  from?: string;
}

/** Thrown for bad arguments: one line on stderr, exit 3. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export function collect(value: string, previous: string[] = []): string[] {
  return previous.concat(
    value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );
}

export function addOutputOption(cmd: Command, formats: string[], def = 'text'): Command {
  return cmd.addOption(new Option('-o, --output <format>', 'output format').choices(formats).default(def));
}

export function addReportOptions(cmd: Command): Command {
  return cmd
    .option('--metallb-namespace <ns>', "MetalLB's namespace (default: found from its workloads, else metallb-system)")
    .option('--disable <rule>', 'do not run this rule (repeatable, or comma-separated; "*" for all)', collect, [])
    .addOption(
      new Option('--fail-on <severity>', 'lowest severity that makes the exit code non-zero')
        .choices(['critical', 'error', 'warning', 'never'])
        .default('warning'),
    );
}

/** Colour only on a terminal, and never with --no-color or NO_COLOR (https://no-color.org). */
export function useColor(flag: boolean): boolean {
  return flag && !process.env.NO_COLOR && Boolean(process.stdout.isTTY);
}

export function isSeverity(s: string): boolean {
  return (SEVERITIES as readonly string[]).includes(s);
}

export type BGPBackendFlag = 'native' | 'frr' | 'frr-k8s';

/** --bgp-backend: what MetalLB runs with when the input has no speaker to show it (MetalLB's default since v0.16). */
export function addBgpBackendOption(cmd: Command): Command {
  return cmd.addOption(
    new Option('--bgp-backend <backend>', 'BGP backend MetalLB runs with, when the input does not show it').choices(['native', 'frr', 'frr-k8s']).default('frr-k8s'),
  );
}
