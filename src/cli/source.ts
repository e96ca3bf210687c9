// Where a command's cluster state comes from: --from a snapshot, or the live cluster of the
// kubeconfig (kubectl's --kubeconfig, --context, KUBECONFIG, in-cluster credentials).
import { InvalidArgumentError, Option, type Command } from 'commander';
import { loadInputs } from '../sources/load.js';
import type { Capture } from '../sources/live/capture.js';
import type { KubeClient } from '../sources/live/client.js';
import type { ResolvedConfig } from '../sources/live/kubeconfig.js';
import type { StateLayer } from '../state/cluster-state.js';
import { UsageError } from './common.js';
import type { CliContext } from './context.js';

export interface SourceOptions {
  from?: string;
  /** lint, simulate: lay the files over the live cluster */
  cluster?: boolean;
  kubeconfig?: string;
  context?: string;
  requestTimeout: string;
  chunkSize: string;
  metallbNamespace?: string;
  logs?: boolean;
  metrics?: boolean;
  since?: string;
  tail?: string;
}

export const DEFAULT_REQUEST_TIMEOUT = '60s';

/** --from, --kubeconfig, --context, --request-timeout, --chunk-size (and --logs, --since, --tail where logs are read). */
export function addSourceOptions(cmd: Command, opts: { logs?: boolean; from?: boolean; fromHelp?: string; cluster?: string } = {}): Command {
  if (opts.from !== false) cmd.option('--from <snapshot>', opts.fromHelp ?? 'read this snapshot instead of a live cluster: a bundle (.tar.gz or directory), a directory of YAML/JSON, or one file');
  if (opts.cluster) cmd.option('--cluster', opts.cluster);
  cmd
    .option('--kubeconfig <file>', 'the kubeconfig file (default: KUBECONFIG, else ~/.kube/config, else the pod\'s service account)')
    .option('--context <name>', 'the kubeconfig context (default: its current-context)')
    .addOption(new Option('--request-timeout <duration>', 'the longest one API call, and the whole read, may take (e.g. 30s, 2m; 0 for no limit)').default(DEFAULT_REQUEST_TIMEOUT).argParser(checkedBy(parseDuration)))
    .addOption(new Option('--chunk-size <n>', 'objects per page of a list (0: no paging)').default('500').argParser(checkedBy(parseCount)));
  if (opts.logs) {
    cmd
      .option('--logs', 'also read the speaker, controller and FRR containers\' logs (and the previous container after a restart)')
      .addOption(new Option('--since <duration>', 'with --logs: only lines newer than this (e.g. 1h)').argParser(checkedBy(parseDuration)))
      .addOption(new Option('--tail <lines>', 'with --logs: only the last lines of each container').argParser(checkedBy(parseCount)))
      .option('--metrics', "also read MetalLB's metrics (BGP sessions, stale configuration) through the API server's pod proxy");
  }
  return cmd;
}

/**
 * An option's value checked when the command line is parsed (kept as given), so a bad value is
 * refused even where the flag ends up unused (--request-timeout with --from).
 */
export function checkedBy(parse: (flag: string, text: string) => unknown): (text: string) => string {
  return (text) => {
    try {
      parse('', text);
    } catch (e) {
      if (e instanceof UsageError) throw new InvalidArgumentError(e.message.replace(/^.*?: /, ''));
      throw e;
    }
    return text;
  };
}

/** The longest wait a timer can take (setTimeout fires at once beyond it). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** A duration a timer waits: longer ones (24.8 days and up) are as good as no limit, and capped. */
export function parseTimeout(flag: string, text: string): number {
  return Math.min(parseDuration(flag, text), MAX_TIMER_MS);
}

/** kubectl's durations: "30s", "1m30s", "2h", a bare number of seconds, or 0. */
export function parseDuration(flag: string, text: string): number {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t) && Number.isFinite(Number(t) * 1000)) return Number(t) * 1000;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  let total = 0;
  let at = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(t))) {
    total += Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
    at = re.lastIndex;
  }
  if (at === 0 || at !== t.length || !Number.isFinite(total)) throw new UsageError(`${flag} ${text}: expected a duration such as 30s, 1m30s or 2h`);
  return total;
}

export function parseCount(flag: string, text: string): number {
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(Number(text))) throw new UsageError(`${flag} ${text}: expected a whole number`);
  return Number(text);
}

/** A one-line progress display on stderr: only on a terminal, and never under CI (cli.md). */
export function progressLine(ctx: CliContext): { update(line: string): void; done(): void } | undefined {
  const stream = process.stderr;
  if (!stream.isTTY || process.env.CI) return undefined;
  let last = 0;
  let shown = false;
  return {
    update(line) {
      const now = Date.now();
      if (now - last < 80) return;
      last = now;
      const width = Math.max(20, (stream.columns || 80) - 1);
      ctx.err(`\r\x1b[K${line.length > width ? `${line.slice(0, width - 1)}…` : line}`);
      shown = true;
    },
    done() {
      if (shown) ctx.err('\r\x1b[K');
    },
  };
}

export interface LoadedSource {
  layers: StateLayer[];
  /** the live read, when there was one */
  capture?: Capture;
  /** how the source is named in messages: the --from path, or "context NAME" */
  label: string;
}

/** Reads the cluster state of a command: the snapshot of --from, else the live cluster. */
export async function loadSource(ctx: CliContext, opts: SourceOptions): Promise<LoadedSource> {
  if (opts.from) {
    if (opts.kubeconfig || opts.context || opts.cluster) throw new UsageError(`--from reads a snapshot: it takes no ${opts.cluster ? '--cluster' : opts.kubeconfig ? '--kubeconfig' : '--context'}`);
    return { layers: [{ load: await loadInputs([opts.from]), kind: 'snapshot', path: opts.from }], label: opts.from };
  }
  const capture = await captureLive(ctx, opts);
  const context = capture.load.bundle?.context;
  return { layers: [{ load: capture.load, kind: 'cluster', ...(context ? { path: `context ${context}` } : {}) }], capture, label: context ? `context ${context}` : 'the cluster' };
}

/** The live read alone (snapshot writes it out; the other commands analyse it). */
export async function captureLive(ctx: CliContext, opts: SourceOptions): Promise<Capture> {
  const logs = opts.logs
    ? {
        ...(opts.since ? { sinceSeconds: Math.max(1, Math.ceil(parseDuration('--since', opts.since) / 1000)) } : {}),
        ...(opts.tail !== undefined ? { tailLines: parseCount('--tail', opts.tail) } : {}),
      }
    : undefined;
  if (!opts.logs && (opts.since || opts.tail !== undefined)) throw new UsageError('--since and --tail go with --logs');
  // the capture's modules load while the client's do (each is a cost of every live run)
  const capture = import('../sources/live/capture.js');
  const { client, config } = await openClient(ctx, opts);
  const { captureCluster } = await capture;
  const progress = ctx.verbose ? undefined : progressLine(ctx);
  try {
    return await captureCluster(client, { metallbNamespace: opts.metallbNamespace, context: config.context, ...(logs ? { logs } : {}), ...(opts.metrics ? { metrics: true } : {}), ...(progress ? { progress: (l) => progress.update(l) } : {}) });
  } finally {
    progress?.done();
    client.close();
  }
}

/** A client for the kubeconfig's cluster (the caller closes it). */
export async function openClient(ctx: CliContext, opts: Pick<SourceOptions, 'kubeconfig' | 'context' | 'requestTimeout' | 'chunkSize'>): Promise<{ client: KubeClient; config: ResolvedConfig }> {
  const timeout = parseTimeout('--request-timeout', opts.requestTimeout ?? DEFAULT_REQUEST_TIMEOUT);
  const chunkSize = parseCount('--chunk-size', opts.chunkSize ?? '500');
  // loaded only for a live read: @kubernetes/client-node costs 0.7 s to import (2,500 modules)
  const [{ resolveKubeconfig }, { KubeClient }] = await Promise.all([import('../sources/live/kubeconfig.js'), import('../sources/live/client.js')]);
  const config = resolveKubeconfig({ kubeconfig: opts.kubeconfig, context: opts.context });
  const started = Date.now();
  const client = await KubeClient.create(config, {
    requestTimeoutMs: timeout,
    // 0 means no limit for one call; the whole read still ends some day
    deadline: started + (timeout > 0 ? timeout : 24 * 3_600_000),
    chunkSize,
    ...(ctx.verbose ? { onRequest: (method: string, path: string) => ctx.err(`${method} ${path}\n`) } : {}),
  });
  return { client, config };
}
