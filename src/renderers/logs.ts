// The `logs` command's text: what the logs covered, the timeline grouped by node (each node's
// events in time order, repeats folded into a count), then the log-* findings.
import type { StreamSummary } from '../model/logs/stream.js';
import type { LogEvent } from '../model/logs/types.js';
import { oneLine, timeText } from '../model/logs/evidence.js';
import { painter, type Paint, type Style } from './options.js';
import { plural } from './common.js';

export interface TimelineView {
  events: readonly LogEvent[];
  streams: readonly StreamSummary[];
  dropped: number;
  rawHidden: number;
  debugHidden: number;
}

const LEVEL_STYLE: Record<string, Style[]> = { error: ['red'], warn: ['yellow'], debug: ['dim'] };

/** The kinds that are bad news whatever their level, and the good news. */
const BAD = /failed|rejected|down|notification|error|denied|suspect|missing/;
const GOOD = /^(bgp-session-up|config-reloaded|frr-reload-ok|memberlist-joined)$/;

function kindStyle(e: LogEvent): Style[] {
  if (e.level && LEVEL_STYLE[e.level]) return LEVEL_STYLE[e.level]!;
  if (BAD.test(e.kind)) return ['red'];
  if (GOOD.test(e.kind)) return ['green'];
  return [];
}

/** `10:00:03Z`, with the date when the timeline spans several days. */
function clock(ms: number | undefined, withDate: boolean): string {
  const t = timeText(ms);
  return withDate || t === '?' ? t : t.slice(11);
}

/** One event as a line (also --follow's output, with the node in front). */
export function eventText(e: LogEvent, paint: Paint, opts: { withDate?: boolean; withNode?: boolean } = {}): string {
  const head = `${clock(e.time, opts.withDate ?? true)}`;
  const where = opts.withNode ? `${e.stream.node ?? e.stream.pod} ` : '';
  const subject = [e.service, e.peer && e.peer !== e.service ? `peer ${e.peer}` : ''].filter(Boolean).join(' ');
  const count = e.count && e.count > 1 ? paint(` (x${e.count}${e.lastTime !== undefined ? ` until ${clock(e.lastTime, opts.withDate ?? true)}` : ''})`, 'dim') : '';
  return `${head}  ${where}${e.component.padEnd(10)} ${paint(e.kind.padEnd(26), ...kindStyle(e))}${subject ? `${subject}  ` : ''}${oneLine(e.message)}${count}`;
}

export function renderTimelineText(view: TimelineView, opts: { color: boolean; verbose?: boolean; quiet?: boolean }): string {
  const paint = painter(opts.color);
  const lines: string[] = [];
  const times = view.streams.flatMap((s) => [s.firstTime, s.lastTime]).filter((t): t is number => t !== undefined);
  const from = times.length ? Math.min(...times) : undefined;
  const to = times.length ? Math.max(...times) : undefined;
  const withDate = from !== undefined && to !== undefined && timeText(from).slice(0, 10) !== timeText(to).slice(0, 10);
  if (!opts.quiet) {
    const lineCount = view.streams.reduce((n, s) => n + s.lines, 0);
    const raw = view.streams.reduce((n, s) => n + s.raw, 0);
    lines.push(
      `Logs: ${plural(view.streams.length, 'container log')}, ${plural(lineCount, 'line')}${from !== undefined ? `, ${timeText(from)} to ${timeText(to)}` : ''}` +
        `; ${plural(view.events.length, 'event')}${raw > 0 ? `; ${plural(raw, 'line')} in no known format${view.rawHidden > 0 ? ' (--all shows them)' : ''}` : ''}` +
        `${view.debugHidden > 0 ? `; ${plural(view.debugHidden, 'debug event')} hidden (--all)` : ''}${view.dropped > 0 ? `; the ${plural(view.dropped, 'oldest event')} not kept` : ''}`,
    );
  }
  // grouped by node (a pod without a node by its name), nodes in name order
  const groups = new Map<string, LogEvent[]>();
  for (const e of view.events) {
    const g = e.stream.node ?? `${e.stream.namespace}/${e.stream.pod}`;
    let list = groups.get(g);
    if (!list) groups.set(g, (list = []));
    list.push(e);
  }
  for (const g of [...groups.keys()].sort()) {
    const events = groups.get(g)!;
    const pods = [...new Set(events.map((e) => e.stream.pod))].sort();
    lines.push('', paint(`${g}${events[0]!.stream.node ? `  (${pods.join(', ')})` : ''}`, 'bold'));
    for (const e of events) {
      lines.push(`  ${eventText(e, paint, { withDate })}`);
      if (opts.verbose) lines.push(paint(`      ${e.stream.file}:${e.line}${Object.keys(e.details).length ? `  ${Object.entries(e.details).map(([k, v]) => `${k}=${v}`).join(' ')}` : ''}`, 'dim'));
    }
  }
  if (view.events.length === 0 && !opts.quiet) lines.push('', view.streams.length === 0 ? 'No container logs to read.' : 'No events in these logs (for these filters).');
  return lines.join('\n') + '\n';
}
