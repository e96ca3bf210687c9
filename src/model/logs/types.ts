// The log model: one parsed line (a LogRecord) and the normalised events the timeline and the
// log-* rules read (a LogEvent). Formats and strings: metallb-semantics.md section 5.

/** Which program wrote a line. */
export type LogComponent =
  | 'speaker'
  | 'controller'
  /** FRR's own daemons (bgpd, bfdd, zebra, watchfrr), in the frr container */
  | 'frr'
  /** the frr-k8s controller (its own container in the frr-k8s pods) */
  | 'frr-k8s'
  /** MetalLB's frr-reloader.sh (the reloader container) */
  | 'reloader'
  /** hashicorp/memberlist, re-emitted by the speaker with "component":"Memberlist" */
  | 'memberlist'
  | 'other';

/** The shape a line was written in. */
export type LogFormat =
  /** go-kit JSON: MetalLB's own lines, keys in alphabetical order, `ts` RFC 3339 */
  | 'json'
  /** zap JSON (controller-runtime, frr-k8s): `ts` as epoch seconds or ISO 8601 */
  | 'zap'
  /** klog's text header: `E0115 10:23:45.123456    1 file.go:12] message` */
  | 'klog'
  /** FRR's log: `2024/01/15 10:23:45.123 BGP: [XXXXX-XXXXX] message` */
  | 'frr'
  /** a line of text without a header of its own (frr-reloader.sh's echo lines, panics) */
  | 'text';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** One line of one container's log. */
export interface LogRecord {
  /** 1-based line number in its stream */
  line: number;
  format: LogFormat;
  /** epoch milliseconds, when the line (or the kubelet's prefix) carries a time */
  time?: number;
  level?: LogLevel;
  /** the JSON keys, as strings (objects and arrays re-serialised); absent for text formats */
  fields?: Record<string, string>;
  /** the message: `msg`, else the line's text after its header */
  message: string;
  /** the line as written (without the kubelet's timestamp prefix) */
  raw: string;
}

/**
 * What an event is. The timeline shows every kind; the rules read the ones they name.
 * Keep the names stable: they are the `kind` of `logs -o json` (cli.md).
 */
export const EVENT_KINDS = [
  'startup',
  'shutdown',
  'config-reloaded',
  'config-unchanged',
  'config-rejected',
  'config-missing',
  'ip-allocated',
  'allocation-failed',
  'assignment-cleared',
  'service-updated',
  'service-deleted',
  'service-announced',
  'service-withdrawn',
  'service-not-announced',
  'announce-failed',
  'responder-created',
  'responder-deleted',
  'l2-error',
  'member-join',
  'member-leave',
  'member-update',
  'member-suspect',
  'member-failed',
  'memberlist-joined',
  'memberlist-join-failed',
  'memberlist-probe-failed',
  'peer-added',
  'peer-removed',
  'bgp-session-up',
  'bgp-session-down',
  'bgp-connect-failed',
  'bgp-notification-received',
  'bgp-notification-sent',
  'bgp-state-change',
  'bgp-error',
  'frr-reload-ok',
  'frr-reload-failed',
  'apiserver-error',
  'webhook-denied',
  /** the API server could not call an admission or conversion webhook (its Service has no working endpoint) */
  'webhook-call-failed',
  'error',
  'warning',
  /** a line no parser understood, kept as text */
  'raw',
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

/** Where a stream of lines comes from: one container's log (or its previous container's). */
export interface LogStreamInfo {
  namespace: string;
  pod: string;
  container: string;
  previous: boolean;
  /** the node the pod runs on, when the state has the Pod */
  node?: string;
  component: LogComponent;
  /** the file (or `<tarball>!logs/...`, or `<live>/ns/pod/container`) that lines point at */
  file: string;
}

/** A normalised event of the timeline. */
export interface LogEvent {
  /** epoch milliseconds */
  time?: number;
  stream: LogStreamInfo;
  component: LogComponent;
  kind: EventKind;
  level?: LogLevel;
  /** `namespace/name`, where the line or its enclosing reconcile names it */
  service?: string;
  /** a BGP peer's address (or interface), a memberlist member's name */
  peer?: string;
  /** what happened, in one line: MetalLB's message and its error or reason */
  message: string;
  /** the keys that matter for this kind (reason, error, ips, protocol, interface, code, subcode, ...) */
  details: Record<string, string>;
  line: number;
  /** repeats folded into this event (the same thing logged again with nothing else about it in between) */
  count?: number;
  /** the time of the last folded repeat */
  lastTime?: number;
}
