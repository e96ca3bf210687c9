// One log line into a LogRecord: the shapes MetalLB's pods write (metallb-semantics.md section 5).
//  - go-kit JSON (MetalLB's speaker and controller, every version): keys in alphabetical order,
//    `caller`, `level`, `ts` (RFC 3339); memberlist's library lines are the same with
//    "component":"Memberlist"; klog lines the speaker re-emits are the same with `msg` only;
//  - zap JSON (controller-runtime, frr-k8s): `ts` as epoch seconds or ISO 8601;
//  - klog's text header, which client-go writes to stderr: `E1120 10:00:03.123456  1 file.go:12] msg`;
//  - FRR's log: `2026/11/20 10:00:03.123 BGP: [XXXXX-XXXXX] msg`;
//  - any of them behind the kubelet's timestamp (`kubectl logs --timestamps`, what `snapshot`
//    stores) or a CRI log file's `<time> stdout F ` prefix;
//  - anything else: text (frr-reloader.sh's echo lines, a panic's trace).
import type { LogLevel, LogRecord } from './types.js';

const LEVELS: Record<string, LogLevel> = {
  debug: 'debug',
  info: 'info',
  warn: 'warn',
  warning: 'warn',
  error: 'error',
  err: 'error',
  dpanic: 'error',
  panic: 'error',
  fatal: 'error',
  crit: 'error',
};

/** `2026-11-20T10:00:03.123456789Z ` (and the CRI file's `stdout F ` after it), at the start of a line. */
const KUBELET_PREFIX = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})) (?:(?:stdout|stderr) [FP] )?/;
const KLOG = /^([IWEF])(\d{2})(\d{2}) (\d{2}):(\d{2}):(\d{2})\.(\d{1,9})\s+\d+ ([^\]\s]+:\d+)\] ?(.*)$/;
// FRR's daemons name themselves in capitals (BGP, ZEBRA, BFD, WATCHFRR, STATIC, MGMTD); Go's log
// package writes the same date and time, then text (`http: TLS handshake error ...`): not FRR
const FRR = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))? ([A-Z][A-Z0-9_]*): (?:\[([A-Z0-9]{5}-[A-Z0-9]{5})\] ?)?(.*)$/;

/** Two decimal digits at i, or -1. */
function digits2(t: string, i: number): number {
  const a = t.charCodeAt(i) - 48;
  const b = t.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/** Parses times, remembering the last text (a log's lines share their second). */
export class TimeParser {
  private lastText = '';
  private lastMs: number | undefined;
  private dayText = '';
  private dayMs = 0;
  parse(text: string): number | undefined {
    if (text === this.lastText) return this.lastMs;
    // the usual `2026-11-20T10:00:03Z`: the day's start once, the time of day by arithmetic
    if (text.length === 20 && text.charCodeAt(10) === 84 /* T */ && text.charCodeAt(19) === 90 /* Z */ && text.charCodeAt(13) === 58 && text.charCodeAt(16) === 58) {
      const day = text.slice(0, 10);
      if (day !== this.dayText) {
        const d = Date.parse(`${day}T00:00:00Z`);
        if (Number.isNaN(d)) return this.slow(text);
        this.dayText = day;
        this.dayMs = d;
      }
      const h = digits2(text, 11);
      const m = digits2(text, 14);
      const sec = digits2(text, 17);
      if (h < 0 || m < 0 || sec < 0 || h > 23 || m > 59 || sec > 60) return this.slow(text);
      this.lastText = text;
      this.lastMs = this.dayMs + h * 3_600_000 + m * 60_000 + sec * 1000;
      return this.lastMs;
    }
    return this.slow(text);
  }
  private slow(text: string): number | undefined {
    const ms = Date.parse(text);
    this.lastText = text;
    this.lastMs = Number.isNaN(ms) ? undefined : ms;
    return this.lastMs;
  }
}

export interface ParseContext {
  times: TimeParser;
  /** the year for klog headers, which have none (the bundle's, else this one) */
  year: number;
}

export function newParseContext(year = new Date().getUTCFullYear()): ParseContext {
  return { times: new TimeParser(), year };
}

/** A value as text: strings as they are, lists of plain values joined by ", ", anything else as JSON. */
function text(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '';
  if (Array.isArray(v) && v.every((x) => typeof x !== 'object' || x === null)) return v.map((x) => String(x)).join(', ');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function parseJson(body: string, line: number, ctx: ParseContext, prefixTime: number | undefined): LogRecord | undefined {
  let obj: unknown;
  try {
    obj = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return undefined;
  const o = obj as Record<string, unknown>;
  const ts = o.ts ?? o.time ?? o.timestamp;
  let time: number | undefined;
  let format: LogRecord['format'] = 'json';
  if (typeof ts === 'number') {
    // zap's epoch seconds (with a fraction)
    time = Math.round(ts * 1000);
    format = 'zap';
  } else if (typeof ts === 'string') {
    time = ctx.times.parse(ts);
  }
  // controller-runtime's and frr-k8s's loggers name themselves
  if (o.logger !== undefined) format = 'zap';
  const lv = typeof o.level === 'string' ? LEVELS[o.level] ?? LEVELS[o.level.toLowerCase()] : undefined;
  // the values as text, in place (most are strings already)
  for (const k in o) {
    const v = o[k];
    if (typeof v !== 'string') o[k] = text(v);
  }
  const fields = o as Record<string, string>;
  const message = fields.msg ?? fields.message ?? '';
  return { line, format, time: time ?? prefixTime, ...(lv ? { level: lv } : {}), fields, message, raw: body };
}

const KLOG_LEVEL: Record<string, LogLevel> = { I: 'info', W: 'warn', E: 'error', F: 'error' };

/** Parses one line (without its newline). Empty lines give undefined. */
export function parseLine(raw: string, line: number, ctx: ParseContext): LogRecord | undefined {
  let body = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  let prefixTime: number | undefined;
  // the kubelet's timestamp: the fast check first (most lines of a bundle written without it)
  if (body.length > 20 && body.charCodeAt(4) === 45 /* - */ && body.charCodeAt(10) === 84 /* T */) {
    const m = KUBELET_PREFIX.exec(body);
    if (m) {
      prefixTime = ctx.times.parse(m[1]!);
      body = body.slice(m[0].length);
    }
  }
  if (body.trim() === '') return undefined;
  const c0 = body.charCodeAt(0);
  if (c0 === 123 /* { */) {
    const r = parseJson(body, line, ctx, prefixTime);
    if (r) return r;
  } else if (c0 === 73 || c0 === 87 || c0 === 69 || c0 === 70 /* I W E F */) {
    const m = KLOG.exec(body);
    if (m) {
      const [, sev, mo, d, h, mi, s, frac, caller, msg] = m;
      const time = Date.UTC(ctx.year, Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), Math.floor(Number(`0.${frac}`) * 1000));
      return { line, format: 'klog', time: prefixTime ?? time, level: KLOG_LEVEL[sev!]!, fields: { caller: caller! }, message: msg!, raw: body };
    }
  } else if (c0 >= 48 && c0 <= 57 /* digit */) {
    const m = FRR.exec(body);
    if (m) {
      const [, y, mo, d, h, mi, s, frac, daemon, id, msg] = m;
      const time = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), frac ? Math.floor(Number(`0.${frac}`) * 1000) : 0);
      return { line, format: 'frr', time: prefixTime ?? time, fields: { daemon: daemon!, ...(id ? { id } : {}) }, message: msg!, raw: body };
    }
  }
  return { line, format: 'text', ...(prefixTime !== undefined ? { time: prefixTime } : {}), message: body, raw: body };
}
