// One container's log, pushed through in chunks: lines -> records -> events, with bounded memory
// (a chunk at a time, the partial last line carried over). Synchronous, so a tarball's entry or a
// live follow can push its data as it arrives.
import { StringDecoder } from 'node:string_decoder';
import { Classifier } from './classify.js';
import { maskLogText } from './mask.js';
import { newParseContext, parseLine, type ParseContext } from './parse.js';
import type { LogEvent, LogRecord, LogStreamInfo } from './types.js';

/** What a stream was, once read: for the report's "what the logs covered". */
export interface StreamSummary {
  stream: LogStreamInfo;
  lines: number;
  /** lines in no known format (kept as `raw` events) */
  raw: number;
  events: number;
  errors: number;
  warnings: number;
  firstTime?: number;
  lastTime?: number;
  bytes: number;
}

export interface EventSink {
  event(e: LogEvent): void;
  /** a stream is complete (its open claims end at its last line) */
  endStream?(s: StreamSummary): void;
}

/** Longer lines are cut: a dump of a whole configuration is not worth 100 MB of memory. */
const MAX_LINE = 1 << 20;

/** Debug chatter of MetalLB's speaker and controller: never an event (matched as written, keys sorted). */
const NOISE = ['"event":"startUpdate"', '"event":"endUpdate"', '"msg":"got ARP request for service IP, sending response"', '"msg":"got NDP request for service IP, sending response"', '"processing service":'];

/**
 * A copy of a string that shares no memory with a larger one (V8 slices strings of 13 or more
 * characters), with any BGP password in it masked: what an event keeps is shown.
 */
function flat(s: string): string {
  return s.length < 13 ? s : maskLogText((' ' + s).slice(1));
}

/** The JSON string value starting at `i` (just after its opening quote), when it has no escapes. */
function stringAt(text: string, i: number): string | undefined {
  const end = text.indexOf('"', i);
  if (end < 0) return undefined;
  const v = text.slice(i, end);
  return v.includes('\\') ? undefined : v;
}

export class LogStreamReader {
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';
  private readonly classifier: Classifier;
  private readonly ctx: ParseContext;
  private lineNo = 0;
  /** lines since the last time a line carried one (klog and reloader lines take the last time) */
  private lastTime: number | undefined;
  readonly summary: StreamSummary;

  constructor(
    readonly stream: LogStreamInfo,
    private readonly sink: EventSink,
    opts: { year?: number; onRecord?: (r: LogRecord) => void; tail?: number; debug?: boolean } = {},
  ) {
    this.debug = opts.debug ?? false;
    if (opts.tail !== undefined) this.tail = { n: opts.tail, lines: [] };
    this.classifier = new Classifier(stream.component);
    this.ctx = newParseContext(opts.year);
    this.onRecord = opts.onRecord;
    this.summary = { stream, lines: 0, raw: 0, events: 0, errors: 0, warnings: 0, bytes: 0 };
  }
  private readonly onRecord?: (r: LogRecord) => void;
  /**
   * Make events of MetalLB's debug lines too (`logs --all`). Without it they are read for their
   * time only: no rule needs them (but "configuration did not change", which says a configuration
   * parsed), and at debug level they are most of a speaker's log ("skipping should announce",
   * "shouldannounce" on every reconcile of every Service).
   */
  private readonly debug: boolean;
  /** --tail of a bundle: the last n lines are kept (with their numbers) and read at the end */
  private readonly tail?: { n: number; lines: { no: number; text: string }[] };

  push(chunk: Buffer | string): void {
    this.summary.bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
    const text = this.partial + (typeof chunk === 'string' ? chunk : this.decoder.write(chunk));
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      this.line(text.slice(start, nl));
      start = nl + 1;
    }
    this.partial = text.length - start > MAX_LINE ? '' : text.slice(start);
    if (text.length - start > MAX_LINE) this.line(text.slice(start, start + MAX_LINE));
  }

  end(): StreamSummary {
    const rest = this.partial + this.decoder.end();
    this.partial = '';
    if (rest !== '') this.line(rest);
    if (this.tail) {
      const kept = this.tail.lines.slice(-this.tail.n);
      this.tail.lines = [];
      for (const l of kept) this.process(l.text, l.no);
    }
    this.emit(this.classifier.release());
    this.sink.endStream?.(this.summary);
    return this.summary;
  }

  /**
   * A debug line no event is made of: any (but "configuration did not change", which says a
   * configuration parsed) when debug events are not wanted, else MetalLB's known chatter.
   * `event` sorts before `level`, so the configuration check looks only before the level.
   */
  private quiet(text: string): boolean {
    const at = text.indexOf('"level":"');
    if (at < 0 || !text.startsWith('debug"', at + 9)) return false;
    if (this.debug) return NOISE.some((n) => text.includes(n));
    return text.lastIndexOf('"event":"configuration did not change', at) < 0;
  }

  /** Lines known never to be events, handled from their text alone; false: parse it. */
  private quick(text: string): boolean {
    let bracket: string | undefined;
    let start = false;
    let reprocess = false;
    // keys are sorted: `controller` comes right after `caller`
    const callerEnd = text.indexOf('"', 11);
    const reconciler = callerEnd > 0 && text.startsWith(',"controller":"ServiceReconciler', callerEnd + 1);
    const at = reconciler ? text.indexOf('"start reconcile":"') : -1;
    const end = reconciler && at < 0 ? text.indexOf('"end reconcile":"') : -1;
    if (at >= 0 || end >= 0) {
      start = at >= 0;
      bracket = start ? stringAt(text, at + 19) : '';
      if (bracket === undefined) return false;
      reprocess = !text.includes('"controller":"ServiceReconciler"'); // reprocessAll: no Service
      if (reprocess) bracket = undefined;
    } else if (!this.quiet(text)) return false;
    // `ts` sorts last: `..."ts":"2026-11-20T10:00:03Z"}` ends the line
    const len = text.length;
    const ts = len > 28 && text.charCodeAt(len - 1) === 125 && text.startsWith('"ts":"', len - 28) ? len - 28 : text.lastIndexOf('"ts":"');
    if (ts >= 0) {
      const t = ts === len - 28 ? text.slice(len - 22, len - 2) : stringAt(text, ts + 6);
      const ms = t === undefined ? undefined : this.ctx.times.parse(t);
      if (ms !== undefined) {
        this.lastTime = ms;
        if (this.summary.firstTime === undefined) this.summary.firstTime = ms;
        this.summary.lastTime = ms;
      }
    }
    if (start || bracket === '') this.emit(this.classifier.reconcile(start ? bracket : undefined, start && reprocess));
    return true;
  }

  private line(text: string): void {
    const n = ++this.lineNo;
    this.summary.lines = n;
    if (this.tail) {
      if (this.tail.n === 0) return;
      this.tail.lines.push({ no: n, text });
      if (this.tail.lines.length > this.tail.n * 2) this.tail.lines.splice(0, this.tail.lines.length - this.tail.n);
      return;
    }
    this.process(text, n);
  }

  private process(text: string, n: number): void {
    // MetalLB's own lines start with "caller" (go-kit writes keys in alphabetical order); most of
    // them are chatter no event is made of, or the reconcile brackets: those are read without
    // JSON.parse (the time, and the bracket's Service), which is most of the cost of a 1 GB log
    if (text.startsWith('{"caller":"') && this.quick(text)) return;
    const r = parseLine(text, n, this.ctx);
    if (!r) return;
    if (r.time === undefined) {
      if (this.lastTime !== undefined) r.time = this.lastTime;
    } else {
      this.lastTime = r.time;
      if (this.summary.firstTime === undefined) this.summary.firstTime = r.time;
      this.summary.lastTime = r.time;
    }
    this.onRecord?.(r);
    const c = this.classifier.classify(r);
    if (!c) return;
    if (c.kind === 'raw') this.summary.raw++;
    else this.summary.events++;
    if (c.level === 'error') this.summary.errors++;
    else if (c.level === 'warn') this.summary.warnings++;
    // an event outlives its line: its strings must not be slices of the chunk the line came from
    // (V8 would keep the whole chunk alive for a substring)
    const details: Record<string, string> = {};
    for (const k in c.details) details[k] = flat(c.details[k]!);
    const e: LogEvent = { ...c, message: flat(c.message), details, stream: this.stream, line: n };
    if (c.service !== undefined) e.service = flat(c.service);
    if (c.peer !== undefined) e.peer = flat(c.peer);
    if (r.time !== undefined) e.time = r.time;
    this.emit(this.classifier.settle(e));
  }

  private emit(events: LogEvent[]): void {
    for (const e of events) this.sink.event(e);
  }
}
