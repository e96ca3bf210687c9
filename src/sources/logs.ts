// The containers' logs of a state, read as streams: a bundle's logs/<namespace>/<pod>/<container>
// [.previous].log files (plain or inside the tarball, one read for all), and the logs a live read
// fetched (--logs). Each stream goes through a LogStreamReader chunk by chunk, so a 1 GB bundle
// costs a chunk of memory, not a gigabyte.
import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FROM_SOURCES, PACKAGE_ROOT } from '../package-root.js';
import { streamBundleFiles } from './load.js';
import { InputError } from './types.js';
import type { WorkerEvent, WorkerJob } from './log-worker.js';
import { LogStreamReader, type EventSink, type StreamSummary } from '../model/logs/stream.js';
import { streamComponent } from '../model/logs/classify.js';
import type { LogStreamInfo } from '../model/logs/types.js';
import { LogAnalysis } from '../model/logs/analysis.js';
import { teeSink } from '../model/logs/timeline.js';
import { asRecord, type ClusterState } from '../state/cluster-state.js';

const LOG_PATH = /(?:^|[/!\\])logs[/\\]([^/\\]+)[/\\]([^/\\]+)[/\\]([^/\\]+?)(\.previous)?\.log$/;

/** A bundle's logs/<namespace>/<pod>/<container>[.previous].log path, taken apart. */
export function logFileParts(file: string): { namespace: string; pod: string; container: string; previous: boolean } | undefined {
  const m = LOG_PATH.exec(file);
  return m ? { namespace: m[1]!, pod: m[2]!, container: m[3]!, previous: m[4] !== undefined } : undefined;
}

/** How a log read from a live cluster is named where a file would be: `ns/pod/container[.previous].log`. */
export function liveLogName(namespace: string, pod: string, container: string, previous: boolean): string {
  return `${namespace}/${pod}/${container}${previous ? '.previous' : ''}.log`;
}

/** The stream a bundle's log file is (its namespace, pod and container from the path). */
export function streamOfFile(file: string, state?: ClusterState): LogStreamInfo | undefined {
  const p = logFileParts(file);
  return p ? streamInfo(p.namespace, p.pod, p.container, p.previous, file, state) : undefined;
}

export function streamInfo(namespace: string, pod: string, container: string, previous: boolean, file: string, state?: ClusterState): LogStreamInfo {
  const obj = state?.get('Pod', namespace, pod);
  const node = obj ? asRecord(obj.spec).nodeName : undefined;
  const labels = obj?.metadata?.labels ?? {};
  const frrK8s = Object.values(labels).some((v) => v === 'frr-k8s') ? namespace : undefined;
  return { namespace, pod, container, previous, ...(typeof node === 'string' && node ? { node } : {}), component: streamComponent(namespace, pod, container, frrK8s), file };
}

export interface ReadLogsOptions {
  /** read only the streams this accepts (--node, the containers a rule needs) */
  streams?: (s: LogStreamInfo) => boolean;
  /** the year of klog's headers (which have none): the bundle's */
  year?: number;
  /** only the last lines of each stream (--tail of a bundle) */
  tailLines?: number;
  /** events of debug lines too (logs --all) */
  debug?: boolean;
  /**
   * Worker threads for plain log files (default: one per core, when the files are large enough
   * to be worth starting them: PARALLEL_BYTES; METALLB_DOCTOR_LOG_THREADS overrides it); 0 or 1
   * reads in this thread.
   */
  workers?: number;
}

/** Below this many bytes of plain log files, threads cost more than they save. */
const PARALLEL_BYTES = 32 << 20;

/** Every log of the state through `sink`; returns what each stream was. */
export async function readLogs(state: ClusterState, sink: EventSink, opts: ReadLogsOptions = {}): Promise<StreamSummary[]> {
  const year = opts.year ?? yearOf(state);
  const summaries: StreamSummary[] = [];
  const keep = opts.streams ?? (() => true);
  const files = state.logFiles.filter((f) => {
    const s = streamOfFile(f, state);
    return s !== undefined && keep(s);
  });
  const readerOpts = { year, ...(opts.tailLines !== undefined ? { tail: opts.tailLines } : {}), ...(opts.debug ? { debug: true } : {}) };
  const plain = files.filter((f) => !TARBALL_ENTRY.test(f));
  const env = Number(process.env.METALLB_DOCTOR_LOG_THREADS);
  const workers = opts.workers ?? (Number.isInteger(env) && env >= 0 ? env : undefined) ?? (plain.length > 1 && totalSize(plain) >= PARALLEL_BYTES ? availableParallelism() : 1);
  const inThread = workers > 1 && plain.length > 1 ? files.filter((f) => TARBALL_ENTRY.test(f)) : files;
  if (inThread !== files) {
    summaries.push(...(await readInWorkers(plain.map((f) => streamOfFile(f, state)!), sink, Math.min(workers, plain.length), { year, debug: opts.debug ?? false, ...(opts.tailLines !== undefined ? { tail: opts.tailLines } : {}) })));
  }
  await streamBundleFiles(inThread, (name) => {
    const reader = new LogStreamReader(streamOfFile(name, state)!, sink, readerOpts);
    return {
      push: (c) => reader.push(c),
      end: () => void summaries.push(reader.end()),
    };
  });
  for (const l of state.logs) {
    const s = streamInfo(l.namespace, l.pod, l.container, l.previous, liveLogName(l.namespace, l.pod, l.container, l.previous), state);
    if (!keep(s)) continue;
    const reader = new LogStreamReader(s, sink, readerOpts);
    reader.push(l.text);
    summaries.push(reader.end());
  }
  return summaries.sort((a, b) => (a.stream.file < b.stream.file ? -1 : a.stream.file > b.stream.file ? 1 : 0));
}

/** MB of young generation per reader thread: its garbage is short-lived lines (8 MB: same speed as 16, 20 MB less RSS each) */
const YOUNG_MB = 8;
const TARBALL_ENTRY = /\.(?:tar\.gz|tgz)!/i;

function totalSize(files: readonly string[]): number {
  let n = 0;
  for (const f of files) {
    try {
      n += statSync(f).size;
    } catch {
      // unreadable: the read reports it
    }
  }
  return n;
}

/**
 * Reads plain log files in `n` worker threads (largest first, each to the least loaded), feeding
 * `sink` in this thread as their batches arrive: each stream's events in order, then its end.
 */
async function readInWorkers(streams: LogStreamInfo[], sink: EventSink, n: number, job: { year: number; debug: boolean; tail?: number }): Promise<StreamSummary[]> {
  const sizes = streams.map((s) => totalSize([s.file]));
  const order = streams.map((_, i) => i).sort((a, b) => sizes[b]! - sizes[a]!);
  const loads = Array.from({ length: n }, () => ({ bytes: 0, jobs: [] as WorkerJob[] }));
  for (const i of order) {
    const w = loads.reduce((a, b) => (b.bytes < a.bytes ? b : a));
    w.bytes += sizes[i]!;
    w.jobs.push({ index: i, stream: streams[i]!, ...job });
  }
  const summaries: StreamSummary[] = [];
  // from the sources (tests, through tsx) the worker needs tsx's loader too
  const url = pathToFileURL(join(PACKAGE_ROOT, FROM_SOURCES ? 'src/sources/log-worker.ts' : 'dist/sources/log-worker.js'));
  const tsxApi = FROM_SOURCES ? import.meta.resolve('tsx/esm/api') : undefined;
  const spawn = () =>
    tsxApi
      ? new Worker(`import(${JSON.stringify(tsxApi)}).then((t) => { t.register(); return import(${JSON.stringify(url.href)}); })`, { eval: true, resourceLimits: { maxYoungGenerationSizeMb: YOUNG_MB } })
      : new Worker(url, { resourceLimits: { maxYoungGenerationSizeMb: YOUNG_MB } });
  const running = loads
    .filter((l) => l.jobs.length > 0)
    .map(
      (l) =>
        new Promise<void>((resolve, reject) => {
          // a small young generation: a reader's garbage is short-lived lines, and RSS is a goal
          const worker = spawn();
          let failed = false;
          worker.on('message', (m: { type: string; index: number; events: WorkerEvent[]; summary: Omit<StreamSummary, 'stream'>; message: string; file?: string }) => {
            if (m.type === 'events') {
              const stream = streams[m.index]!;
              for (const e of m.events) sink.event({ ...e, stream });
            } else if (m.type === 'end') {
              const s: StreamSummary = { ...m.summary, stream: streams[m.index]! };
              sink.endStream?.(s);
              summaries.push(s);
            } else if (m.type === 'done') {
              worker.postMessage(null);
              resolve();
            } else if (m.type === 'error') {
              failed = true;
              void worker.terminate();
              reject(new InputError(m.file ?? 'logs', m.message));
            }
          });
          worker.on('error', (e) => {
            failed = true;
            reject(e);
          });
          worker.on('exit', (code) => {
            if (!failed && code !== 0) reject(new Error(`a log reader thread exited with code ${code}`));
          });
          worker.postMessage(l.jobs);
        }),
    );
  await Promise.all(running);
  return summaries;
}

function yearOf(state: ClusterState): number {
  const t = Date.parse(state.bundle?.createdAt ?? '');
  return new Date(Number.isNaN(t) ? Date.now() : t).getUTCFullYear();
}

/** Reads the state's logs (if any) into `state.logAnalysis`, for the rules. */
export async function analyseLogs(state: ClusterState, sink?: EventSink): Promise<LogAnalysis | undefined> {
  if (state.logFiles.length === 0 && state.logs.length === 0) return undefined;
  const analysis = new LogAnalysis();
  await readLogs(state, sink ? teeSink(analysis, sink) : analysis);
  state.logAnalysis = analysis;
  return analysis;
}
