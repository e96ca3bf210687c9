// What the rules need from the logs, gathered in one pass with bounded memory: per stream, per
// Service and per peer, the first and last occurrence of each problem, how often, and whether
// something later shows it went away (a reload that succeeded, a session that came up).
import type { EventSink, StreamSummary } from './stream.js';
import type { LogEvent, LogStreamInfo } from './types.js';

/** A problem seen `count` times, from `first` to `last`. */
export interface Occurrence {
  first: LogEvent;
  last: LogEvent;
  count: number;
}

function note(o: Occurrence | undefined, e: LogEvent): Occurrence {
  if (!o) return { first: e, last: e, count: 1 };
  o.last = e;
  o.count++;
  return o;
}

/**
 * A map's values in the order of its keys (containers first): the rules report the same way
 * whatever order the streams were read in (threads finish in any order).
 */
export function ordered<T>(m: ReadonlyMap<string, T>): T[] {
  return [...m.keys()].sort().map((k) => m.get(k)!);
}

/** `namespace/pod/container`: the key a container's previous log and its current log share. */
export function containerOf(s: LogStreamInfo): string {
  return `${s.namespace}/${s.pod}/${s.container}`;
}

/**
 * State kept apart for a restarted container's previous log and its current one: the previous
 * container's state stands only where the current container's log has none of its own. The two
 * logs may be read in either order (threads), so which supersedes is decided here, not by arrival.
 */
class Generations<T> {
  readonly previous = new Map<string, T>();
  readonly current = new Map<string, T>();
  of(s: LogStreamInfo): Map<string, T> {
    return s.previous ? this.previous : this.current;
  }
  get(s: LogStreamInfo, key: string): T | undefined {
    return this.of(s).get(key);
  }
  /** The current container's state where it has one, else the previous container's (unless `dropPrevious`). */
  merged(dropPrevious?: (key: string, prev: T) => boolean): Map<string, T> {
    const out = new Map(this.current);
    for (const [k, v] of this.previous) if (!out.has(k) && !dropPrevious?.(k, v)) out.set(k, v);
    return out;
  }
}

/** Where a stream runs: its node, else its pod. */
export function whereOf(s: LogStreamInfo): string {
  return s.node ?? `${s.namespace}/${s.pod}`;
}

export interface ConfigState {
  stream: LogStreamInfo;
  /** rejections since the last accepted configuration */
  rejected?: Occurrence;
  /** the last of them that says why (MetalLB's parse or handler error, not the "reload failed, retry" after it) */
  reason?: LogEvent;
  lastAccepted?: LogEvent;
  /**
   * the speaker's ConfigReconciler logged "reload failed, no retry" last: it holds the rejected
   * configuration as its current one, so "configuration did not change" is that one again
   */
  rejectedIsCurrent?: boolean;
}

export interface SessionState {
  stream: LogStreamInfo;
  peer: string;
  everUp: boolean;
  lastUp?: LogEvent;
  /** the last time it went down after being up */
  lastDown?: LogEvent;
  /** connect failures since the session was last up (or since the log began) */
  connectFailures?: Occurrence;
  /** NOTIFICATIONs since the session was last up, by direction and code/subcode */
  notifications: Map<string, Occurrence>;
  /** every NOTIFICATION, whether the session came up after it or not */
  allNotifications: Map<string, Occurrence>;
  /** the session is up at the end of the log */
  up: boolean;
}

export interface MemberlistTrouble {
  stream: LogStreamInfo;
  probes?: Occurrence;
  /** memberlist peers the failed probes were about */
  targets: Map<string, number>;
  /** "Was able to connect to X over TCP but UDP probes failed" */
  udpOnly?: Occurrence;
  joinFailures?: Occurrence;
  /** a later "memberlist join successfully" (all expected members joined) */
  joinedAfter?: LogEvent;
  suspects: Map<string, Occurrence>;
  failed: Map<string, Occurrence>;
  leaves: Map<string, Occurrence>;
  joins: Map<string, Occurrence>;
}

export interface L2Claim {
  node: string;
  /** closed intervals [from, to] (epoch ms) in which the node announced the address */
  intervals: [number, number][];
  /** the interval in progress: announced since */
  openSince?: number;
  lastSeen: number;
  first: LogEvent;
  last: LogEvent;
}

export interface ApiTrouble {
  stream: LogStreamInfo;
  errors: Occurrence;
  byWhy: Map<string, LogEvent>;
  /** an ordinary event (the component working) after the last API error */
  recoveredBy?: LogEvent;
}

export interface AnnounceFailure {
  stream: LogStreamInfo;
  service?: string;
  occ: Occurrence;
}

/** Kinds that show a component doing its job: after an API error they say it recovered. */
const WORKING = new Set(['config-reloaded', 'config-unchanged', 'ip-allocated', 'service-announced', 'service-updated', 'memberlist-joined', 'bgp-session-up', 'responder-created']);

/** Intervals kept per node and address at most (older ones merged). */
const MAX_INTERVALS = 64;

export interface FrrReloadState {
  stream: LogStreamInfo;
  failed?: Occurrence;
  lastOk?: LogEvent;
}

export class LogAnalysis implements EventSink {
  readonly streams: StreamSummary[] = [];
  /** per Service: the controller's allocation failures since its last allocation */
  readonly allocations = new Map<string, { failed?: Occurrence; lastAllocated?: LogEvent; deleted?: LogEvent }>();
  // per container (and peer), the previous container's log apart from the current one's
  private readonly configs = new Generations<ConfigState>();
  private readonly sessionStates = new Generations<SessionState>();
  /** peers the current container removed (`peerRemoved`): the previous container's session to them is over */
  private readonly removedPeers = new Set<string>();
  private readonly memberlists = new Generations<MemberlistTrouble>();
  private readonly apis = new Generations<ApiTrouble>();
  /** the first sign of a current container working: the previous container's API errors ended before it */
  private readonly firstWorking = new Map<string, LogEvent>();
  /** containers whose current log was read */
  private readonly currentRead = new Set<string>();
  private readonly frrReloads = new Generations<FrrReloadState>();
  /** per Service (or address, where the line names no Service): who announced it by layer 2, when */
  readonly l2Claims = new Map<string, Map<string, L2Claim>>();
  readonly announceFailures = new Map<string, AnnounceFailure>();
  /** bytes and lines read */
  bytes = 0;
  lines = 0;

  /** Per container: its configuration state, the current container's where its log has any. */
  get config(): Map<string, ConfigState> {
    return this.configs.merged();
  }

  /** Per container and peer: the session, the current container's where its log names the peer (and did not remove it). */
  get sessions(): Map<string, SessionState> {
    return this.sessionStates.merged((k) => this.removedPeers.has(k));
  }

  /** Per container: memberlist trouble; a restarted container's current log alone says whether it goes on. */
  get memberlist(): Map<string, MemberlistTrouble> {
    return this.memberlists.merged((k) => this.currentRead.has(k));
  }

  /** Per container: API errors; the previous container's ended with it, and the current one working says they are over. */
  get api(): Map<string, ApiTrouble> {
    const out = this.apis.merged();
    for (const [k, a] of out) {
      const working = a.stream.previous && !a.recoveredBy ? this.firstWorking.get(k) : undefined;
      if (working) out.set(k, { ...a, recoveredBy: working });
    }
    return out;
  }

  /**
   * Per container: FRR reloads, the current container's where its log has any. A reload that
   * succeeded in another container of the same pod after a container's last failure clears it:
   * frr-k8s reports a failed reload (`"op":"fetch status"`) but never a good one, which only its
   * reloader logs; in MetalLB's FRR mode the speaker and its reloader see the same reloads. The
   * containers' logs are compared by time (a failure or success without one clears nothing).
   */
  get frrReload(): Map<string, FrrReloadState> {
    const out = this.frrReloads.merged();
    const oks = [...out.values()].flatMap((r) => (r.lastOk?.time !== undefined ? [r.lastOk] : []));
    for (const [k, r] of out) {
      const after = r.failed?.last.time;
      if (after === undefined) continue;
      const ok = oks.filter((o) => o.stream.namespace === r.stream.namespace && o.stream.pod === r.stream.pod && o.time! >= after).sort((a, b) => b.time! - a.time!)[0];
      if (ok) out.set(k, { stream: r.stream, lastOk: ok });
    }
    return out;
  }

  event(e: LogEvent): void {
    // debug lines are read for events only with --all: what the rules conclude must not depend on it
    if (e.level === 'debug' && e.kind !== 'config-unchanged') return;
    const container = containerOf(e.stream);
    if (!e.stream.previous) this.currentRead.add(container);
    switch (e.kind) {
      case 'config-reloaded':
      case 'config-unchanged': {
        const c = this.configOf(e.stream);
        if (e.kind === 'config-unchanged' && c.rejectedIsCurrent) break;
        c.rejected = undefined;
        c.reason = undefined;
        c.rejectedIsCurrent = undefined;
        c.lastAccepted = e;
        break;
      }
      case 'config-rejected': {
        const c = this.configOf(e.stream);
        c.rejected = note(c.rejected, e);
        // "retry" makes the reconciler forget the configuration; a parse error leaves it as it was
        if (e.details.rejection === 'reload') c.rejectedIsCurrent = e.details.retry === 'no';
        // "reload failed, retry" follows the line that says why (a parse or handler error)
        if (e.details.rejection !== 'reload' || !c.reason) c.reason = e;
        break;
      }
      case 'ip-allocated':
      case 'allocation-failed':
      case 'service-deleted': {
        if (!e.service) break;
        let a = this.allocations.get(e.service);
        if (!a) this.allocations.set(e.service, (a = {}));
        if (e.kind === 'allocation-failed') a.failed = note(a.failed, e);
        else {
          a.failed = undefined;
          if (e.kind === 'ip-allocated') a.lastAllocated = e;
          else a.deleted = e;
        }
        break;
      }
      case 'bgp-session-up': {
        const s = this.sessionOf(e);
        if (!s) break;
        s.everUp = true;
        s.up = true;
        s.lastUp = e;
        s.connectFailures = undefined;
        s.notifications.clear();
        break;
      }
      case 'bgp-session-down': {
        const s = this.sessionOf(e);
        if (!s) break;
        s.up = false;
        // FRR's FSM line ("went from Established to Clearing") follows its `%ADJCHANGE ... Down`
        // when both are logged: the ADJCHANGE line, which says why, stays the down
        const fsm = e.details.from !== undefined;
        if (fsm && s.lastDown && s.lastDown.details.from === undefined && s.lastDown.line > (s.lastUp?.line ?? 0)) break;
        s.lastDown = e;
        break;
      }
      case 'bgp-connect-failed': {
        const s = this.sessionOf(e);
        if (!s) break;
        s.up = false;
        s.connectFailures = note(s.connectFailures, e);
        break;
      }
      case 'bgp-notification-received':
      case 'bgp-notification-sent': {
        const s = this.sessionOf(e);
        if (!s) break;
        const key = `${e.kind}\u0000${e.details.code}/${e.details.subcode}`;
        s.notifications.set(key, note(s.notifications.get(key), e));
        s.allNotifications.set(key, note(s.allNotifications.get(key), e));
        // a NOTIFICATION ends the session (and, in answer to an OPEN, the attempt)
        s.up = false;
        break;
      }
      case 'peer-removed': {
        if (!e.peer) break;
        const key = `${container}\u0000${e.peer}`;
        this.sessionStates.of(e.stream).delete(key);
        if (!e.stream.previous) this.removedPeers.add(key);
        break;
      }
      case 'memberlist-probe-failed': {
        const m = this.memberlistOf(e.stream);
        if (/over TCP but UDP probes failed|but other probes failed/.test(e.message)) m.udpOnly = note(m.udpOnly, e);
        else m.probes = note(m.probes, e);
        if (e.peer) m.targets.set(e.peer, (m.targets.get(e.peer) ?? 0) + 1);
        break;
      }
      case 'memberlist-join-failed': {
        const m = this.memberlistOf(e.stream);
        m.joinFailures = note(m.joinFailures, e);
        m.joinedAfter = undefined;
        break;
      }
      case 'memberlist-joined': {
        const m = this.memberlists.get(e.stream, container);
        if (m) m.joinedAfter = e;
        break;
      }
      case 'member-suspect':
      case 'member-failed':
      case 'member-leave':
      case 'member-join': {
        if (!e.peer) break;
        const m = this.memberlistOf(e.stream);
        const map = e.kind === 'member-suspect' ? m.suspects : e.kind === 'member-failed' ? m.failed : e.kind === 'member-leave' ? m.leaves : m.joins;
        map.set(e.peer, note(map.get(e.peer), e));
        break;
      }
      case 'apiserver-error': {
        let a = this.apis.get(e.stream, container);
        if (!a) this.apis.of(e.stream).set(container, (a = { stream: e.stream, errors: note(undefined, e), byWhy: new Map() }));
        else a.errors = note(a.errors, e);
        a.recoveredBy = undefined;
        const why = e.details.why ?? 'unreachable';
        if (!a.byWhy.has(why)) a.byWhy.set(why, e);
        break;
      }
      case 'webhook-call-failed':
      case 'webhook-denied':
        // FRR-K8s mode: the API server refused the FRRConfiguration the speaker writes for frr-k8s
        // (its webhook could not be called, or answered no)
        if (e.details.objectKind === 'FRRConfiguration') this.frrReloadOf(e).failed = note(this.frrReloadOf(e).failed, e);
        break;
      case 'frr-reload-failed':
      case 'frr-reload-ok': {
        const r = this.frrReloadOf(e);
        if (e.kind === 'frr-reload-failed') r.failed = note(r.failed, e);
        else {
          r.failed = undefined;
          r.lastOk = e;
        }
        break;
      }
      case 'service-announced':
      case 'service-withdrawn':
        this.claim(e);
        break;
      case 'announce-failed': {
        if (!/interfaces?.*(don't|do not) exist/i.test(e.message)) break;
        const key = `${whereOf(e.stream)}\u0000${e.service ?? ''}`;
        const f = this.announceFailures.get(key);
        if (f) note(f.occ, e);
        else this.announceFailures.set(key, { stream: e.stream, ...(e.service ? { service: e.service } : {}), occ: note(undefined, e) });
        break;
      }
    }
    if (WORKING.has(e.kind)) {
      const a = this.apis.get(e.stream, container);
      if (a && !a.recoveredBy) a.recoveredBy = e;
      if (!e.stream.previous && !this.firstWorking.has(container)) this.firstWorking.set(container, e);
    }
  }

  endStream(s: StreamSummary): void {
    this.streams.push(s);
    if (!s.stream.previous) this.currentRead.add(containerOf(s.stream));
    this.bytes += s.bytes;
    this.lines += s.lines;
    // a node's claims end with its log (a restarted speaker announces again in its new container)
    const where = whereOf(s.stream);
    const end = s.lastTime;
    for (const byNode of this.l2Claims.values()) {
      const c = byNode.get(where);
      if (c && c.openSince !== undefined && c.last.stream === s.stream) {
        pushInterval(c, c.openSince, end ?? c.lastSeen);
        c.openSince = undefined;
      }
    }
  }

  /** Services (or addresses) two nodes announced by layer 2 at the same time, for at least `minMs`. */
  overlappingClaims(minMs = 10_000): { key: string; a: L2Claim; b: L2Claim; from: number; to: number }[] {
    const out: { key: string; a: L2Claim; b: L2Claim; from: number; to: number }[] = [];
    for (const key of [...this.l2Claims.keys()].sort()) {
      const claims = ordered(this.l2Claims.get(key)!);
      for (let i = 0; i < claims.length; i++) {
        for (let j = i + 1; j < claims.length; j++) {
          const a = claims[i]!;
          const b = claims[j]!;
          let best: [number, number] | undefined;
          for (const [af, at] of intervalsOf(a)) {
            for (const [bf, bt] of intervalsOf(b)) {
              const from = Math.max(af, bf);
              const to = Math.min(at, bt);
              if (to - from >= minMs && (!best || to - from > best[1] - best[0])) best = [from, to];
            }
          }
          if (best) out.push({ key, a, b, from: best[0], to: best[1] });
        }
      }
    }
    return out;
  }

  private claim(e: LogEvent): void {
    if (e.time === undefined) return;
    const announced = e.kind === 'service-announced';
    if (announced && e.details.protocol !== 'layer2') return;
    const key = e.service ?? (e.details.ips || e.details.ip ? `ip ${e.details.ips ?? e.details.ip}` : undefined);
    if (!key) return;
    const where = whereOf(e.stream);
    let byNode = this.l2Claims.get(key);
    if (!byNode) {
      if (!announced) return;
      this.l2Claims.set(key, (byNode = new Map()));
    }
    let c = byNode.get(where);
    if (!c) {
      if (!announced) return;
      byNode.set(where, (c = { node: where, intervals: [], openSince: e.time, lastSeen: e.time, first: e, last: e }));
      return;
    }
    c.last = e;
    if (announced) {
      if (c.openSince === undefined) c.openSince = e.time;
      c.lastSeen = e.time;
    } else if (c.openSince !== undefined) {
      pushInterval(c, c.openSince, e.time);
      c.openSince = undefined;
    }
  }

  private configOf(stream: LogStreamInfo): ConfigState {
    const key = containerOf(stream);
    let c = this.configs.get(stream, key);
    if (!c) this.configs.of(stream).set(key, (c = { stream }));
    return c;
  }

  private sessionOf(e: LogEvent): SessionState | undefined {
    if (!e.peer) return undefined;
    const key = `${containerOf(e.stream)}\u0000${e.peer}`;
    let s = this.sessionStates.get(e.stream, key);
    if (!s) this.sessionStates.of(e.stream).set(key, (s = { stream: e.stream, peer: e.peer, everUp: false, up: false, notifications: new Map(), allNotifications: new Map() }));
    return s;
  }

  private frrReloadOf(e: LogEvent): FrrReloadState {
    const key = containerOf(e.stream);
    let r = this.frrReloads.get(e.stream, key);
    if (!r) this.frrReloads.of(e.stream).set(key, (r = { stream: e.stream }));
    return r;
  }

  private memberlistOf(stream: LogStreamInfo): MemberlistTrouble {
    const key = containerOf(stream);
    let m = this.memberlists.get(stream, key);
    if (!m) this.memberlists.of(stream).set(key, (m = { stream, targets: new Map(), suspects: new Map(), failed: new Map(), leaves: new Map(), joins: new Map() }));
    return m;
  }
}

function intervalsOf(c: L2Claim): [number, number][] {
  return c.openSince !== undefined ? [...c.intervals, [c.openSince, c.lastSeen]] : c.intervals;
}

function pushInterval(c: L2Claim, from: number, to: number): void {
  c.intervals.push([from, Math.max(from, to)]);
  if (c.intervals.length > MAX_INTERVALS) {
    // merge the two oldest: the detail of long ago matters least
    const [a, b] = c.intervals.splice(0, 2) as [[number, number], [number, number]];
    c.intervals.unshift([a[0], Math.max(a[1], b[1])]);
  }
}
