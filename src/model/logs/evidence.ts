// How a log event is shown in a finding: its place (node, pod/container, file:line), its time, and
// the text MetalLB wrote; and the subject that points the finding at that line.
import type { Occurrence } from './analysis.js';
import type { LogEvent, LogStreamInfo } from './types.js';

/** `2026-11-20 10:00:03Z` (UTC, seconds), or `?` when the line carried no time. */
export function timeText(ms: number | undefined): string {
  if (ms === undefined) return '?';
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, 'Z');
}

/**
 * A message on one line: errors that hold newlines and tabs (hashicorp/go-multierror's
 * "1 error occurred:\n\t* ...\n\n", which MetalLB logs for a `partial join`) with each break and
 * the blanks around it made one space. The event keeps the text as written (JSON output).
 */
export function oneLine(s: string): string {
  return /[\r\n\t]/.test(s) ? s.replace(/\s*[\r\n]+\s*/g, ' ').replace(/\t/g, ' ').trim() : s;
}

/** `node-1 (metallb-system/speaker-abcde speaker, previous container)` */
export function streamText(s: LogStreamInfo): string {
  const where = `${s.namespace}/${s.pod} ${s.container}${s.previous ? ', previous container' : ''}`;
  return s.node ? `${s.node} (${where})` : where;
}

/** One evidence line: `<time> <node (pod container)> <file>:<line>: <message>`. */
export function eventLine(e: LogEvent, max = 300): string {
  const text = oneLine(e.message);
  const msg = text.length > max ? `${text.slice(0, max)}…` : text;
  return `${timeText(e.time)} ${streamText(e.stream)} ${e.stream.file}:${e.line}: ${msg}`;
}

/** `3 times, 10:00:03Z to 10:04:10Z` / `once, at 10:00:03Z` */
export function occurrenceText(o: Occurrence): string {
  if (o.count === 1) return `once, at ${timeText(o.first.time)}`;
  return `${o.count} times, ${timeText(o.first.time)} to ${timeText(o.last.time)}`;
}

/** The evidence of an occurrence: its first line, and its last when there are several. */
export function occurrenceLines(o: Occurrence): string[] {
  return o.count === 1 || o.first === o.last ? [eventLine(o.first)] : [eventLine(o.first), `… ${o.count - 2 > 0 ? `${o.count - 2} more, then ` : ''}${eventLine(o.last)}`];
}

/** A finding's subject: the log line (file:line), named as the pod that wrote it. */
export function logSubject(e: LogEvent): { file: string; line: number; column: number; kind: string; name: string; namespace: string } {
  return { file: e.stream.file, line: e.line, column: 1, kind: 'Pod', name: e.stream.pod, namespace: e.stream.namespace };
}

/** `kubectl logs` for a stream, to confirm by hand. */
export function kubectlLogs(s: LogStreamInfo, grep?: string): string {
  return `kubectl logs -n ${s.namespace} ${s.pod} -c ${s.container}${s.previous ? ' --previous' : ''}${grep ? ` | grep -E '${grep.replace(/'/g, "'\\''")}'` : ''}`;
}

/** `the speakers on node-a and node-b, and the controller`: who wrote the lines, by component. */
export function whoText(streams: readonly LogStreamInfo[]): string {
  const by = new Map<string, string[]>();
  for (const s of streams) {
    const where = s.node ?? `${s.namespace}/${s.pod}`;
    const list = by.get(s.component) ?? [];
    if (!list.includes(where)) list.push(where);
    by.set(s.component, list);
  }
  const parts = [...by].map(([component, wheres]) => {
    if (component === 'controller') return 'the controller';
    const name = component === 'frr' ? 'FRR' : component === 'reloader' ? 'the FRR reloader' : component;
    const list = wheres.length <= 5 ? andList(wheres) : `${wheres.slice(0, 5).join(', ')} and ${wheres.length - 5} more`;
    return component === 'frr' || component === 'reloader' ? `${name} on ${list}` : `the ${name}${wheres.length === 1 ? '' : 's'} on ${list}`;
  });
  return andList(parts);
}

function andList(xs: readonly string[]): string {
  return xs.length <= 1 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`;
}
