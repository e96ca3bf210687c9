// The timeline the `logs` command prints: every event, the repeats folded. MetalLB logs the same
// thing again and again (serviceAnnounced on every reconcile, a failed connect on every retry):
// an event that repeats the last one about the same stream, Service and peer is counted on that
// one (count, lastTime) instead of being listed again. Memory stays bounded by the changes, not
// by the lines; past `max` events the oldest are dropped, and counted.
import type { EventSink } from './stream.js';
import type { LogEvent } from './types.js';

export interface TimelineOptions {
  /** events kept at most (default 100,000); the oldest go first */
  max?: number;
  /** keep this event? (the --service, --peer, --node, --since filters) */
  filter?: (e: LogEvent) => boolean;
  /** keep raw lines and debug-level events too (--all) */
  all?: boolean;
  /** called for every event kept as a new entry (not for folded repeats): --follow prints here */
  onEvent?: (e: LogEvent) => void;
}

export class Timeline implements EventSink {
  readonly events: LogEvent[] = [];
  /** events dropped because there were more than `max` */
  dropped = 0;
  /** raw lines left out (without `all`) */
  rawHidden = 0;
  /** debug-level events left out (without `all`): MetalLB at debug logs "skipping should announce" on every reconcile */
  debugHidden = 0;
  private readonly last = new Map<string, LogEvent>();
  private readonly max: number;

  constructor(private readonly opts: TimelineOptions = {}) {
    this.max = opts.max ?? 100_000;
  }

  event(e: LogEvent): void {
    if (this.opts.filter && !this.opts.filter(e)) return;
    if (!this.opts.all && (e.kind === 'raw' || e.level === 'debug')) {
      if (e.kind === 'raw') this.rawHidden++;
      else this.debugHidden++;
      return;
    }
    const key = `${e.stream.file}\u0000${e.service ?? ''}\u0000${e.peer ?? ''}`;
    const prev = this.last.get(key);
    if (prev && prev.kind === e.kind && prev.message === e.message && e.kind !== 'raw') {
      prev.count = (prev.count ?? 1) + 1;
      if (e.time !== undefined) prev.lastTime = e.time;
      return;
    }
    this.last.set(key, e);
    this.events.push(e);
    this.opts.onEvent?.(e);
    if (this.events.length > this.max + this.max / 10) {
      const n = this.events.length - this.max;
      this.events.splice(0, n);
      this.dropped += n;
    }
  }

  /** The events in time order (a stream's own order where times tie). */
  sorted(): LogEvent[] {
    // by time, then by stream and line: the same order however the streams were read (in threads)
    return [...this.events].sort((a, b) => (a.time ?? 0) - (b.time ?? 0) || (a.stream.file < b.stream.file ? -1 : a.stream.file > b.stream.file ? 1 : a.line - b.line));
  }
}

/** Fans events out to several sinks (the timeline and the analysis, in one read). */
export function teeSink(...sinks: EventSink[]): EventSink {
  return {
    event(e) {
      for (const s of sinks) s.event(e);
    },
    endStream(s) {
      for (const k of sinks) k.endStream?.(s);
    },
  };
}
