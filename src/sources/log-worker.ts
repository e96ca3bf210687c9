// A worker thread of the parallel log reader (logs.ts): reads the log files it is given, one after
// the other, and posts back their events in batches and each stream's summary. Parsing is the cost
// of a large bundle, and it is per stream: on N cores, N streams are read at once.
import { parentPort } from 'node:worker_threads';
import { streamBundleFiles } from './load.js';
import { LogStreamReader } from '../model/logs/stream.js';
import type { LogEvent, LogStreamInfo } from '../model/logs/types.js';

export interface WorkerJob {
  /** index into the parent's stream list, and the stream */
  index: number;
  stream: LogStreamInfo;
  year: number;
  debug: boolean;
  tail?: number;
}

/** An event without its stream (the parent knows it by index): less to copy across threads. */
export type WorkerEvent = Omit<LogEvent, 'stream'>;

const BATCH = 2000;

parentPort?.on('message', (jobs: WorkerJob[] | null) => {
  if (jobs === null) return process.exit(0);
  void run(jobs).catch((e: unknown) => parentPort!.postMessage({ type: 'error', message: (e as Error)?.message ?? String(e), code: (e as { code?: string })?.code, file: (e as { file?: string })?.file }));
});

async function run(jobs: WorkerJob[]): Promise<void> {
  const byFile = new Map(jobs.map((j) => [j.stream.file, j]));
  await streamBundleFiles(
    jobs.map((j) => j.stream.file),
    (name) => {
      const job = byFile.get(name)!;
      let batch: WorkerEvent[] = [];
      const flush = () => {
        if (batch.length === 0) return;
        parentPort!.postMessage({ type: 'events', index: job.index, events: batch });
        batch = [];
      };
      const reader = new LogStreamReader(
        job.stream,
        {
          event(e) {
            const { stream: _s, ...rest } = e;
            batch.push(rest);
            if (batch.length >= BATCH) flush();
          },
        },
        { year: job.year, debug: job.debug, ...(job.tail !== undefined ? { tail: job.tail } : {}) },
      );
      return {
        push: (c) => reader.push(c),
        end: () => {
          const summary = reader.end();
          flush();
          const { stream: _s, ...rest } = summary;
          parentPort!.postMessage({ type: 'end', index: job.index, summary: rest });
        },
      };
    },
  );
  parentPort!.postMessage({ type: 'done' });
}
