// A LogRecord into a LogEvent: which of the things metallb-semantics.md section 5 lists a line
// says, for which Service and peer. One Classifier per stream: it follows the ServiceReconciler's
// "start reconcile" / "end reconcile" pair, because the handlers' lines carry no service key
// (MetalLB 0.13 and later; 0.9-0.12 wrote `service` on every line of a service's update).
import { findNotification } from '../bgp/notification.js';
import type { EventKind, LogComponent, LogEvent, LogLevel, LogRecord, LogStreamInfo } from './types.js';

/** Events of a reprocessAll pass held back at most, waiting for the line that names their Service. */
const MAX_HELD = 64;

/** What the analysis needs of a classified line (the stream and position are added by the caller). */
export type Classified = Omit<LogEvent, 'stream' | 'line' | 'time'>;

/** `ns/name` as MetalLB writes a service key; not a JSON dump of a Service. */
const SERVICE_KEY = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/** The errors that say a component cannot use the Kubernetes API (client-go's and MetalLB's texts). */
const API_ERROR = [
  { re: /is forbidden: User \\?"[^"\\]*\\?" cannot \w+ resource/, why: 'forbidden' },
  { re: /\bUnauthorized\b|the server has asked for the client to provide credentials|token has expired|invalid bearer token/i, why: 'unauthorized' },
  { re: /x509: |tls: failed to verify|certificate signed by unknown authority/, why: 'tls' },
  { re: /dial tcp [^ ]+:(?:443|6443|8443)\b[^"]*?(?:i\/o timeout|connection refused|no route to host|network is unreachable)|TLS handshake timeout|Get "https:\/\/[^"]+\/api[^"]*": (?:dial tcp|context deadline exceeded|net\/http)|the server could not find the requested resource|Failed to watch \*|failed to list \*|unable to load in-cluster configuration|failed to create k8s client/, why: 'unreachable' },
] as const;

/**
 * An admission or conversion webhook the API server could not call (`Internal error occurred:
 * failed calling webhook "NAME": failed to call webhook: Post "https://SVC.NS.svc:443/...": dial tcp
 * ...: connect: connection refused`): the API server answered; the webhook's Service has no working
 * endpoint. Its dial error is the webhook's, not the API server's.
 */
const WEBHOOK_CALL = /failed calling webhook "([^"]+)"|conversion webhook for ([^:"]+?) failed/;

export function webhookCall(text: string): { webhook: string; target?: string } | undefined {
  const m = WEBHOOK_CALL.exec(text);
  if (!m) return undefined;
  const target = /(?:Post|Get) \\?"https:\/\/([^/:"\\]+)/.exec(text.slice(m.index))?.[1];
  return { webhook: m[1] ?? `conversion webhook for ${m[2]!}`, ...(target ? { target } : {}) };
}

/** The API server's words when an admission webhook answered no: `admission webhook "NAME" denied the request: REASON`. */
const WEBHOOK_DENIAL = /admission webhook "([^"]+)" denied the request: ?(.*)$/s;

export function webhookDenial(text: string): { webhook: string; reason: string } | undefined {
  const m = WEBHOOK_DENIAL.exec(text);
  return m ? { webhook: m[1]!, reason: m[2]!.replace(/[:\s]+$/, '') } : undefined;
}

export function apiErrorKind(text: string): 'forbidden' | 'unauthorized' | 'tls' | 'unreachable' | undefined {
  if (!text || webhookCall(text)) return undefined;
  // the API server's own answer: whatever it dialled afterwards was not the API server
  const answered = text.includes('Internal error occurred');
  for (const { re, why } of API_ERROR) if (!(answered && why === 'unreachable') && re.test(text)) return why;
  return undefined;
}

/** `10.0.0.1:179` / `[fd00::1]:179` / `10.0.0.1` / `eth0` -> the address or interface alone. */
export function peerAddress(peer: string): string {
  const v6 = /^\[([^\]]+)\](?::\d+)?$/.exec(peer);
  if (v6) return v6[1]!;
  const v4 = /^(\d+\.\d+\.\d+\.\d+):\d+$/.exec(peer);
  if (v4) return v4[1]!;
  return peer;
}

/** The memberlist library's texts (hashicorp/memberlist), as the speaker re-emits them. */
const MEMBERLIST: { re: RegExp; kind: EventKind }[] = [
  { re: /Suspect (\S+) has failed, no acks received/, kind: 'member-suspect' },
  { re: /Marking (\S+) as failed, suspect timeout reached/, kind: 'member-failed' },
  { re: /Was able to connect to (\S+) (?:over TCP but UDP probes failed|but other probes failed)/, kind: 'memberlist-probe-failed' },
  // the failed ping names no member; the address of its connection (`->10.0.0.3:7946`, or the
  // dial's `dial tcp 10.0.0.3:7946` when no connection was made) is the target
  { re: /Failed (?:UDP |TCP )?ping: (\S+) \(timeout reached\)/, kind: 'memberlist-probe-failed' },
  { re: /Failed (?:to send )?(?:(?:UDP|TCP|fallback|indirect|compound) )*ping\b(?:.*?(?:->|dial tcp )\[?([0-9a-f.:]+?)\]?:\d+)?/, kind: 'memberlist-probe-failed' },
  { re: /Push\/Pull with (\S+) failed/, kind: 'memberlist-probe-failed' },
  { re: /Failed to send (?:gossip|compound|user msg|TCP|UDP)[^:]*?(?:to (\S+?))?:/, kind: 'memberlist-probe-failed' },
  { re: /Failed to join (\S+?):/, kind: 'memberlist-join-failed' },
  { re: /Failed to receive remote state|Failed to start TCP listener|Failed to start UDP listener/, kind: 'memberlist-probe-failed' },
];

const NODE_EVENT: Record<string, EventKind> = { NodeJoin: 'member-join', NodeLeave: 'member-leave', NodeUpdate: 'member-update' };

/** Kinds about one Service: attributed to the enclosing reconcile when the line names none. */
const SERVICE_KINDS = new Set<EventKind>(['ip-allocated', 'allocation-failed', 'assignment-cleared', 'service-updated', 'service-deleted', 'service-announced', 'service-withdrawn', 'service-not-announced', 'announce-failed']);

const BY_EVENT: Record<string, EventKind> = {
  ipAllocated: 'ip-allocated',
  clearAssignment: 'assignment-cleared',
  serviceUpdated: 'service-updated',
  serviceDeleted: 'service-deleted',
  serviceAnnounced: 'service-announced',
  serviceWithdrawn: 'service-withdrawn',
  createARPResponder: 'responder-created',
  createNDPResponder: 'responder-created',
  deleteARPResponder: 'responder-deleted',
  deleteNDPResponder: 'responder-deleted',
  peerAdded: 'peer-added',
  peerRemoved: 'peer-removed',
  sessionUp: 'bgp-session-up',
  sessionDown: 'bgp-session-down',
  conflictingAdvertisements: 'bgp-error',
  'config reloaded': 'config-reloaded',
  configLoaded: 'config-reloaded',
  'configuration did not change, ignoring': 'config-unchanged',
  'reload failed, retry': 'config-rejected',
  'reload failed, no retry': 'config-rejected',
  configStale: 'config-rejected',
  loadbalancerIP: 'allocation-failed',
};

const BY_OP: Record<string, EventKind> = {
  allocateIPs: 'allocation-failed',
  connect: 'bgp-connect-failed',
  sendUpdate: 'bgp-error',
  sendWithdraw: 'bgp-error',
  sendKeepalive: 'bgp-error',
  syncPeers: 'bgp-error',
  updateAds: 'bgp-error',
  arpReply: 'l2-error',
  ndpReply: 'l2-error',
  gratuitousAnnounce: 'l2-error',
  getInterfaces: 'l2-error',
  getAddresses: 'l2-error',
  createARPResponder: 'l2-error',
  createNDPResponder: 'l2-error',
  watchMulticastGroup: 'l2-error',
  SetBalancer: 'announce-failed',
  setBalancer: 'announce-failed',
  'Member detection': 'memberlist-joined',
};

/** The keys an event keeps, besides its message (the rest of a line is in the file it points at). */
const DETAIL_KEYS = ['error', 'reason', 'ips', 'ip', 'pool', 'protocol', 'interface', 'localASN', 'peerASN', 'cause', 'status', 'version', 'webhook', 'node addr', 'numAds', 'warning message', 'IPAdvertisement', 'localIfs', 'joined', 'expected'];

function details(f: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of DETAIL_KEYS) {
    const v = f[k];
    if (v !== undefined && v !== '') out[k] = v.length > 400 ? `${v.slice(0, 400)}…` : v;
  }
  return out;
}

/** Keys every line has, not its content. */
const FRAME_KEYS = new Set(['caller', 'level', 'ts', 'component', 'controller', 'logger', 'stacktrace']);

/** A line with neither msg nor error says it in a key of its own: `"unable to get speaker pod itself": "Get ...: x509: ..."`. */
function otherKey(f: Record<string, string>): string {
  for (const k in f) if (!FRAME_KEYS.has(k) && k !== 'op' && k !== 'event') return `${k}: ${f[k]}`;
  return '';
}

function join(...parts: (string | undefined)[]): string {
  return parts.filter((p) => p !== undefined && p !== '').join(': ');
}

/** The component a stream's container is, before any line says more. */
export function streamComponent(namespace: string, pod: string, container: string, frrK8sNamespace?: string): LogComponent {
  const frrK8s = pod.startsWith('frr-k8s') || (frrK8sNamespace !== undefined && namespace === frrK8sNamespace);
  switch (container) {
    case 'speaker':
      return 'speaker';
    case 'controller':
      return frrK8s ? 'frr-k8s' : 'controller';
    case 'frr':
      return 'frr';
    case 'reloader':
      return 'reloader';
    case 'frr-k8s':
      return 'frr-k8s';
    default:
      return 'other';
  }
}

/** FRR's texts: neighbour changes, NOTIFICATIONs, FSM transitions (with `debug bgp neighbor-events`: to and from Established are a session up and down). */
const ADJCHANGE = /%ADJCHANGE: neighbor (\S+?)(?:\(([^)]*)\))?(?: in vrf (\S+))? (Up|Down)\b ?(.*)$/;
const FSM = /^(\S+?)(?:\(\S*\))? (?:\[FSM\] )?(?:fd -?\d+ )?went from (\w+) to (\w+)/;
const CONNECT_FAILED = /^(\S+?)(?:\(\S*\))? \[Event\] Connect failed (.*)$/;

function classifyFrr(r: LogRecord): Classified | undefined {
  const msg = r.message;
  const adj = ADJCHANGE.exec(msg);
  if (adj) {
    const up = adj[4] === 'Up';
    return { component: 'frr', kind: up ? 'bgp-session-up' : 'bgp-session-down', level: up ? 'info' : 'warn', peer: adj[1]!, message: msg, details: { ...(adj[3] ? { vrf: adj[3] } : {}), ...(adj[5] ? { reason: adj[5] } : {}) } };
  }
  if (msg.includes('%NOTIFICATION')) {
    const n = findNotification(msg);
    if (n) {
      return {
        component: 'frr',
        kind: n.direction === 'sent' ? 'bgp-notification-sent' : 'bgp-notification-received',
        level: 'error',
        ...(n.neighbor ? { peer: n.neighbor } : {}),
        message: msg,
        details: { code: String(n.name.code), subcode: String(n.name.subcode), notification: n.name.text, ...(n.data ? { data: n.data } : {}) },
      };
    }
  }
  const fsm = FSM.exec(msg);
  if (fsm) {
    // MetalLB's frr.conf has no `bgp log-neighbor-changes`: at debug level, reaching or leaving
    // Established is the only sign of a session coming up or going down
    const [from, to] = [fsm[2]!, fsm[3]!];
    const kind = to === 'Established' && from !== to ? 'bgp-session-up' : from === 'Established' && from !== to ? 'bgp-session-down' : 'bgp-state-change';
    const level = kind === 'bgp-session-up' ? 'info' : kind === 'bgp-session-down' ? 'warn' : 'debug';
    return { component: 'frr', kind, level, peer: fsm[1]!, message: msg, details: { from, to } };
  }
  const cf = CONNECT_FAILED.exec(msg);
  if (cf) return { component: 'frr', kind: 'bgp-connect-failed', level: 'warn', peer: cf[1]!, message: msg, details: { error: cf[2]! } };
  // FRR tags its errors with an error code: `[EC 33554500] sendmsg_nexthop: ... failed`
  const ec = /^\[EC (\d+)\] ?(.*)$/.exec(msg);
  if (ec) return { component: 'frr', kind: 'error', level: 'error', message: ec[2]!, details: { code: ec[1]!, daemon: r.fields?.daemon ?? '' } };
  return undefined;
}

/** frr-reloader.sh's lines (MetalLB's FRR mode, and frr-k8s's reloader). */
function classifyReloader(r: LogRecord): Classified | undefined {
  const msg = r.message;
  if (/^FRR reloaded successfully!/.test(msg)) return { component: 'reloader', kind: 'frr-reload-ok', level: 'info', message: msg, details: {} };
  if (/^Syntax error spotted|^Failed to fully apply configuration file/.test(msg)) return { component: 'reloader', kind: 'frr-reload-failed', level: 'error', message: msg, details: {} };
  return undefined;
}

/** Follows one stream's lines; `classify` returns the event a line is, or undefined. */
export class Classifier {
  /** the Service of the ServiceReconciler's reconcile in progress */
  private current: string | undefined;
  /**
   * FRR-K8s mode: the FRRK8sReconciler failed to write the node's FRRConfiguration ("failed to
   * create frr8s configuration") in the reconcile in progress, and in one since it last wrote it.
   * MetalLB logs a success only at debug level: a reconcile that ends without the failure, after
   * failures, is the one that wrote it.
   */
  private frrK8s = { failedNow: false, failing: false };
  constructor(readonly component: LogComponent) {}

  /**
   * A `ServiceReconciler - reprocessAll` pass is in progress (after a restart or a configuration
   * change): its handler's lines name no Service, and only a failure names it after them.
   */
  private reprocessing = false;
  /** the pass's events held back since its last allocation event, until a line names their Service or shows they were another's */
  private held: LogEvent[] = [];

  /**
   * A ServiceReconciler bracket read without parsing its line: the Service it starts (undefined at
   * its end, or for a reprocessAll pass, `pass`). Returns the held events to pass on now.
   */
  reconcile(service: string | undefined, pass = false): LogEvent[] {
    this.current = service !== undefined && SERVICE_KEY.test(service) ? service : undefined;
    this.reprocessing = pass;
    return this.release();
  }

  /** The held events, in order: to pass on as they are. */
  release(): LogEvent[] {
    const out = this.held;
    this.held = [];
    return out;
  }

  /**
   * The events to pass on now for `e`, the stream's next event (held ones first, in order). In a
   * reprocessAll pass the controller logs `ipAllocated` / `IP allocation failed` without a
   * Service, and names it only when handling it failed, after them ("failed to handle service,
   * (no) retry" with `name`): from an allocation event on, the pass's events are held until that
   * line (they are its Service's), a `serviceUpdated` after an allocation (handled, no name),
   * another allocation (a Service handled without a line), or the end of the pass.
   */
  settle(e: LogEvent): LogEvent[] {
    if (!this.reprocessing) return this.held.length > 0 ? [...this.release(), e] : [e];
    const allocation = e.service === undefined && (e.kind === 'ip-allocated' || e.kind === 'allocation-failed');
    if (allocation) {
      const out = this.release();
      this.held.push(e);
      return out;
    }
    if (this.held.length === 0) return [e];
    if (e.service !== undefined && e.message.startsWith('failed to handle service')) {
      for (const h of this.held) if (h.kind === 'ip-allocated' || h.kind === 'allocation-failed') h.service = e.service;
      return [...this.release(), e];
    }
    // a Service updated after its allocation was handled; after a failed allocation the failure line may still follow
    const settled = e.kind === 'service-updated' && !this.held.some((h) => h.kind === 'allocation-failed');
    this.held.push(e);
    return settled || this.held.length > MAX_HELD ? this.release() : [];
  }

  classify(r: LogRecord): Classified | undefined {
    if (r.format === 'frr') return classifyFrr(r);
    if (this.component === 'reloader') return classifyReloader(r);
    const f = r.fields;
    if (!f) return r.format === 'text' ? { component: this.component, kind: 'raw', message: r.message, details: {} } : undefined;
    if (r.format === 'klog') return this.generic(r, r.message, this.component);
    const c = this.json(r, f);
    return c;
  }

  private json(r: LogRecord, f: Record<string, string>): Classified | undefined {
    // MetalLB 0.9 and 0.10 wrote no level: a line with an error is one
    const level = r.level ?? (f.error !== undefined || f.err !== undefined ? 'error' : undefined);
    const ctrl = f.controller;
    // the reconcile brackets: not events, but they say which Service the next lines are about
    if (ctrl !== undefined && ctrl.startsWith('ServiceReconciler')) {
      const start = f['start reconcile'];
      if (start !== undefined) {
        this.current = ctrl === 'ServiceReconciler' && SERVICE_KEY.test(start) ? start : undefined;
        this.reprocessing = ctrl !== 'ServiceReconciler';
        return undefined;
      }
      if (f['end reconcile'] !== undefined) {
        this.current = undefined;
        this.reprocessing = false;
        return undefined;
      }
    }
    if (ctrl === 'FRRK8sReconciler' && f['start reconcile'] !== undefined) {
      this.frrK8s.failedNow = false;
      return undefined;
    }
    if (ctrl === 'FRRK8sReconciler' && f['end reconcile'] !== undefined) {
      if (this.frrK8s.failedNow || !this.frrK8s.failing) return undefined;
      this.frrK8s.failing = false;
      return { component: this.component, kind: 'frr-reload-ok', level: level ?? 'info', message: `FRRConfiguration ${f['end reconcile']} written after earlier failures`, details: {} };
    }
    if (ctrl === 'FRRConfiguration' && f.event === 'failed to create frr8s configuration') this.frrK8s = { failedNow: true, failing: true };
    if (f.component === 'Memberlist') return this.memberlist(r, f);
    const msg = f.msg ?? f.message ?? '';
    // a line with neither msg nor error may say it in a key of its own (x509 errors do)
    const other = msg || f.error || f.err || f.event || f.op ? '' : otherKey(f);
    const error = f.error ?? f.err ?? '';
    const ev = f.event;
    const op = f.op;
    const component = this.component === 'other' && ctrl === undefined ? 'other' : this.component;

    if (/^MetalLB (speaker|controller) starting/.test(msg)) return { component, kind: 'startup', level: level ?? 'info', message: msg, details: details(f) };
    if (op === 'shutdown' && msg === 'starting shutdown') return { component, kind: 'shutdown', level: level ?? 'info', message: msg, details: {} };

    const hook = level === 'error' || level === 'warn' ? webhookCall(`${error} ${msg}`) : undefined;
    if (hook) {
      return { component, kind: 'webhook-call-failed', level, message: join(msg, error), details: { ...details(f), ...hook, ...(f.controllerKind ? { objectKind: f.controllerKind } : {}) } };
    }
    // frr-k8s's validating webhook answered and refused the FRRConfiguration the speaker writes
    // (it merges every FRRConfiguration of a node and refuses what cannot be merged)
    const denied = (level === 'error' || level === 'warn') && f.controllerKind === 'FRRConfiguration' ? webhookDenial(error || msg) : undefined;
    if (denied) return { component, kind: 'webhook-denied', level, message: join(msg, error), details: { ...details(f), ...denied, objectKind: 'FRRConfiguration' } };
    const apiWhy = level === 'error' || level === 'warn' ? apiErrorKind(`${error} ${msg} ${other}`) : undefined;
    if (apiWhy) return { component, kind: 'apiserver-error', level, message: join(msg || f.message || op || other, error), details: { ...details(f), why: apiWhy } };
    if (f.webhook !== undefined && level === 'error') return { component, kind: 'webhook-denied', level, message: join(msg || `webhook ${f.webhook} ${f.action ?? ''}`.trim(), error), details: details(f) };

    if (ctrl === 'ConfigReconciler' || ctrl === 'PoolReconciler' || ctrl === 'NodeReconciler') {
      if (ev !== undefined && BY_EVENT[ev]) {
        const c = this.event(BY_EVENT[ev]!, component, level, f, join(ev, f.reason, error));
        if (c.kind === 'config-rejected') c.details.rejection = 'reload';
        // the speaker's ConfigReconciler takes the configuration as current before its handler
        // runs and forgets it only for "retry": after "no retry", the same configuration comes back
        // as "configuration did not change, ignoring" (the PoolReconciler takes it only on success)
        if (ctrl === 'ConfigReconciler' && ev === 'reload failed, no retry') c.details.retry = 'no';
        return c;
      }
      // the parse failure: `error` written twice, the JSON keeps the parse error alone (no event, no message)
      if (level === 'error' && error && ev === undefined && f.message === undefined) return { component, kind: 'config-rejected', level, message: error, details: { ...details(f), rejection: 'parse' } };
      if (f['warning message'] !== undefined) return { component, kind: 'warning', level: level ?? 'info', message: f['warning message'], details: {} };
    }

    if (ev === 'peerNotification') {
      const n = findNotification(error);
      if (n) return this.notification(component, level, f, msg, error, n);
      return this.event('bgp-error', component, level, f, join(msg, error));
    }
    if (ev !== undefined) {
      if (ev.startsWith('skipping should announce')) return this.event('service-not-announced', component, level, f, join(ev, f.reason));
      if (ev === 'frr8s' || ev === 'failed to dump config') return { component, kind: 'error', level, message: join(ev, error), details: details(f) };
      const kind = BY_EVENT[ev];
      if (kind) {
        const c = this.event(kind, component, level, f, this.eventMessage(kind, msg, f));
        // MetalLB <= 0.12: "config (re)load failed, config marked stale" with an error is the parse
        // failure; with `"error":null` it follows the handler's refusal, whose `op=setConfig` line says why
        if (ev === 'configStale') c.details.rejection = error ? 'parse' : 'reload';
        else if (kind === 'config-rejected') c.details.rejection = 'reload';
        return c;
      }
    }
    if (op !== undefined) {
      if (op === 'setConfig' && level === 'error') {
        if (error === 'no MetalLB configuration in cluster') return { component, kind: 'config-missing', level, message: join(msg, error), details: details(f) };
        const c = this.event('config-rejected', component, level, f, join(msg, error));
        c.details.rejection = 'handler';
        return c;
      }
      if (op === 'reload' && level === 'error') return { component, kind: 'frr-reload-failed', level, message: join(`FRR reload (${f.cause ?? '?'})`, error), details: details(f) };
      if (op === 'reload-validate') {
        if (f.success !== undefined) return { component, kind: 'frr-reload-ok', level: level ?? 'info', message: f.success, details: {} };
        if (f.cause === 'frr reload failed') return { component, kind: 'frr-reload-failed', level: level ?? 'error', message: join(f.cause, f.status), details: details(f) };
      }
      // frr-k8s's reloader status
      if (op === 'fetch status' && f.lastReloadResult !== undefined) {
        if (f.lastReloadResult === 'failed') return { component, kind: 'frr-reload-failed', level: level ?? 'error', message: `FRR reload ${f.lastReloadResult}`, details: details(f) };
      }
      if (op === 'memberDiscovery' && msg === 'partial join') return { component, kind: 'memberlist-join-failed', level, message: join(`partial join: ${f.joined ?? '?'} of ${f.expected ?? '?'} members`, error), details: details(f) };
      if (op === 'connect' && error.includes('notification')) {
        const n = findNotification(error);
        if (n) return this.notification(component, level, f, msg, error, n);
      }
      const kind = BY_OP[op];
      if (kind && (kind === 'memberlist-joined' || level === 'error' || level === 'warn')) return this.event(kind, component, level, f, join(msg, error));
    }
    if (ev === 'peerNotification' || (f.peer !== undefined && error.includes('notification code'))) {
      const n = findNotification(error);
      if (n) return this.notification(component, level, f, msg, error, n);
    }
    if (msg === 'node event - forcing sync') {
      const kind = NODE_EVENT[f['node event'] ?? ''];
      if (kind) return { component, kind, level: level ?? 'info', peer: f['node name'] ?? '', message: `${f['node event']} ${f['node name'] ?? ''}`.trim(), details: details(f) };
    }
    return this.generic(r, join(msg || f.message || (op ? `op ${op}` : ev) || other, error), component);
  }

  private notification(component: LogComponent, level: LogLevel | undefined, f: Record<string, string>, msg: string, error: string, n: NonNullable<ReturnType<typeof findNotification>>): Classified {
    return {
      component,
      kind: 'bgp-notification-received',
      level: level ?? 'error',
      ...(f.peer ? { peer: peerAddress(f.peer) } : {}),
      message: join(msg, error),
      details: { ...details(f), code: String(n.name.code), subcode: String(n.name.subcode), notification: n.name.text },
    };
  }

  private eventMessage(kind: EventKind, msg: string, f: Record<string, string>): string {
    switch (kind) {
      case 'service-announced':
        return join(msg, f.protocol);
      case 'ip-allocated':
        return join(msg, f.ips ?? f.ip);
      case 'responder-created':
      case 'responder-deleted':
        return join(msg, f.interface);
      default:
        return join(msg || f.event, f.reason, f.error);
    }
  }

  private event(kind: EventKind, component: LogComponent, level: LogLevel | undefined, f: Record<string, string>, message: string): Classified {
    const named = f.service !== undefined && SERVICE_KEY.test(f.service) ? f.service : undefined;
    const service = named ?? (SERVICE_KINDS.has(kind) ? this.current : undefined);
    const peer = f.peer !== undefined && f.peer !== '' ? peerAddress(f.peer) : undefined;
    return { component, kind, ...(level ? { level } : {}), ...(service ? { service } : {}), ...(peer ? { peer } : {}), message, details: details(f) };
  }

  private memberlist(r: LogRecord, f: Record<string, string>): Classified | undefined {
    // MetalLB <= 0.10 kept the library's level in the text: "[DEBUG] memberlist: ..."
    const lv = /^\[(DEBUG|INFO|WARN|ERR|ERROR)\] /.exec(f.msg ?? '');
    const level: LogLevel | undefined = lv ? ({ DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERR: 'error', ERROR: 'error' } as const)[lv[1] as 'DEBUG'] : r.level;
    const msg = (f.msg ?? '').replace(/^\[[A-Z]+\] /, '').replace(/^memberlist: /, '');
    for (const { re, kind } of MEMBERLIST) {
      const m = re.exec(msg);
      if (m) return { component: 'memberlist', kind, level: level ?? 'warn', ...(m[1] ? { peer: m[1].replace(/[,:]$/, '') } : {}), message: msg, details: {} };
    }
    return this.generic({ ...r, ...(level ? { level } : {}) }, msg, 'memberlist');
  }

  /** A line no table names: an event only at warn or error (an API error, whatever its shape). */
  private generic(r: LogRecord, message: string, component: LogComponent): Classified | undefined {
    // MetalLB 0.9 and 0.10 wrote no level: a line with an error is one
    const level = r.level ?? (r.fields?.error ? 'error' : undefined);
    if (level !== 'error' && level !== 'warn') return undefined;
    const apiWhy = apiErrorKind(message);
    if (apiWhy) return { component, kind: 'apiserver-error', level, message, details: { why: apiWhy } };
    // inside a reconcile, a warning or error is about its Service; the reconcilers' "failed to handle service" names it in `name`
    const f = r.fields;
    const service = f?.service !== undefined && SERVICE_KEY.test(f.service) ? f.service : f?.controller?.startsWith('ServiceReconciler') && f.name !== undefined && SERVICE_KEY.test(f.name) ? f.name : this.current;
    return { component, kind: level === 'error' ? 'error' : 'warning', level, ...(service ? { service } : {}), message, details: r.fields ? details(r.fields) : {} };
  }
}

export type { LogStreamInfo };
