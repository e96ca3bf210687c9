// The replay server: a read-only Kubernetes API on 127.0.0.1 over node:http, serving a
// ReplayStore to kubectl and to any client through an ordinary kubeconfig. What a client needs
// from it, and the quirks of the real clients, are in ../shared/spec/kube-api-notes.md.
import { readBundleFile } from '../sources/load.js';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { KubeObject } from '../sources/types.js';
import { asArray, asRecord } from '../state/cluster-state.js';
import { aggregatedDiscovery, AGGREGATED_CONTENT_TYPE, apiGroup, apiGroupList, apiResourceList, apiVersions, parseAccept, wantsAggregated, type MediaType } from './discovery.js';
import { FaultPlan, parseFault, type Fault, type FaultDecision } from './faults.js';
import { groupVersion, qualifiedName, type ApiResource } from './resources.js';
import { SelectorError, checkFields, matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector } from './selectors.js';
import type { LogFile, ReplayStore } from './store.js';
import { buildTable, type IncludeObject } from './tables.js';

export const HOST = '127.0.0.1';
/** The user RBAC messages name (kubectl shows it in a 403). */
const USER = 'replay';
const TABLE_CONTENT_TYPE = 'application/json;as=Table;v=v1;g=meta.k8s.io';
/** list bodies kept for repeated requests, at most */
const MAX_CACHED_BYTES = 1 << 30;
/** Filtered lists kept (see Replay.selections). */
const MAX_SELECTIONS = 1024;

export interface RequestRecord {
  method: string;
  path: string;
  /** the query string without `?` */
  query: string;
  status: number;
  watch: boolean;
  /** fault specs that fired on this request */
  faults: string[];
}

export interface ReplayOptions {
  /** 0 (default): any free port */
  port?: number;
  /** faults as parsed or as written on the command line (faults.ts) */
  faults?: ReadonlyArray<Fault | string>;
  /** the clock tables compute AGE with (default: the snapshot's createdAt, else now) */
  now?: () => number;
  /** called as each request finishes (tests count and inspect them) */
  onRequest?: (r: RequestRecord) => void;
}

export interface ReplayServer {
  readonly url: string;
  readonly port: number;
  /** Ends open watches, drops every connection and stops listening. */
  close(): Promise<void>;
}

interface Page {
  items: KubeObject[];
  continue?: string;
  remaining?: number;
}

interface Status {
  code: number;
  reason: string;
  message: string;
  details?: Record<string, unknown>;
}

function statusBody(s: Status): string {
  return JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: s.message, reason: s.reason, ...(s.details ? { details: s.details } : {}), code: s.code });
}

const NOT_FOUND_PATH: Status = { code: 404, reason: 'NotFound', message: 'the server could not find the requested resource', details: { causes: [{ reason: 'UnexpectedServerResponse', message: '404 page not found' }] } };

function forbidden(r: ApiResource, verb: string, ns: string | undefined, name: string | undefined, why: string, sub?: string): Status {
  const scope = r.namespaced && ns !== undefined ? `in the namespace "${ns}"` : 'at the cluster scope';
  return {
    code: 403,
    reason: 'Forbidden',
    message: `${qualifiedName(r)}${name ? ` "${name}"` : ''} is forbidden: User "${USER}" cannot ${verb} resource "${r.plural}${sub ? `/${sub}` : ''}" in API group "${r.group}" ${scope}: ${why}`,
    details: { ...(name ? { name } : {}), group: r.group, kind: r.plural },
  };
}

const badRequest = (message: string): Status => ({ code: 400, reason: 'BadRequest', message });

/** The Table version asked for, or undefined for plain JSON (the first acceptable media type wins). */
function negotiateTable(accept: MediaType[]): string | undefined {
  for (const m of accept) {
    if (m.params.as === 'Table' && m.params.g === 'meta.k8s.io' && (m.params.v === 'v1' || m.params.v === 'v1beta1')) return `meta.k8s.io/${m.params.v}`;
    if (m.params.as === undefined && (m.type === 'application/json' || m.type === '*/*' || m.type === 'application/*')) return undefined;
  }
  return undefined;
}

function includeObjectOf(q: URLSearchParams): IncludeObject {
  const v = q.get('includeObject');
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}

/** JSON of a list item: built-in lists leave kind and apiVersion off their items, as real API servers do. */
const itemCache = new WeakMap<object, string>();
function itemJSON(o: KubeObject, r: ApiResource): string {
  if (r.custom) return JSON.stringify(o);
  let s = itemCache.get(o);
  if (s === undefined) {
    const { kind: _k, apiVersion: _a, ...rest } = o;
    s = JSON.stringify(rest);
    itemCache.set(o, s);
  }
  return s;
}

class Replay {
  private readonly plan: FaultPlan;
  private readonly sockets = new Set<Socket>();
  private readonly watches = new Set<ServerResponse>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly bodies = new Map<string, Buffer>();
  private cachedBytes = 0;
  /**
   * The objects a list or watch selects, per resource, namespace, selectors and name: the snapshot
   * never changes, so each page of a paged list is a slice of one filtered list, as the API
   * server's watch cache serves pages, instead of a filter of the whole kind per page (40 pages of
   * 20,000 LoadBalancer Services took a second of filtering).
   */
  private readonly selections = new Map<string, KubeObject[]>();
  private readonly now: () => number;
  private closed = false;
  readonly server = createServer((req, res) => {
    this.handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) this.sendStatus(res, { code: 500, reason: 'InternalError', message: `Internal error occurred: ${(e as Error)?.message ?? String(e)}` });
      else res.destroy();
    });
  });

  constructor(
    private readonly store: ReplayStore,
    private readonly opts: ReplayOptions,
  ) {
    this.plan = new FaultPlan((opts.faults ?? []).map((f) => (typeof f === 'string' ? parseFault(f) : f)), store.catalog);
    this.now = opts.now ?? (() => store.snapshotTime ?? Date.now());
    // idle keep-alive connections stay open as on a real API server; a client busy parsing a large
    // list must not find its next request's connection closed under it
    this.server.keepAliveTimeout = 90_000;
    this.server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const w of this.watches) w.end();
    const done = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    await done;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        resolve();
      }, ms);
      this.timers.add(t);
    });
  }

  private send(res: ServerResponse, code: number, contentType: string, body: string | Buffer, cut?: 'reset' | 'truncate'): void {
    const buf = typeof body === 'string' ? Buffer.from(body) : body;
    const headers = { 'Content-Type': contentType, 'Cache-Control': 'no-cache, private' };
    if (cut === undefined) {
      res.writeHead(code, { ...headers, 'Content-Length': buf.length });
      res.end(buf);
      return;
    }
    const half = buf.subarray(0, Math.floor(buf.length / 2));
    if (cut === 'truncate') {
      // a complete HTTP response whose body is cut: the client gets status 200 and invalid JSON
      res.writeHead(code, { ...headers, 'Content-Length': half.length });
      res.end(half);
      return;
    }
    // the full length announced, half of it sent, then a TCP reset
    res.writeHead(code, { ...headers, 'Content-Length': buf.length });
    res.write(half, () => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        const s = res.socket;
        if (s && typeof s.resetAndDestroy === 'function') s.resetAndDestroy();
        else s?.destroy();
      }, 20);
      this.timers.add(t);
    });
  }

  private sendJSON(res: ServerResponse, body: unknown, contentType = 'application/json', cut?: 'reset' | 'truncate'): void {
    this.send(res, 200, contentType, typeof body === 'string' ? body : JSON.stringify(body), cut);
  }

  private sendStatus(res: ServerResponse, s: Status): void {
    this.send(res, s.code, 'application/json', statusBody(s));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', `http://${HOST}`);
    const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
    const q = url.searchParams;
    const record: RequestRecord = { method: req.method ?? 'GET', path, query: url.search.slice(1), status: 0, watch: false, faults: [] };
    if (this.opts.onRequest) {
      const report = this.opts.onRequest;
      res.on('close', () => report({ ...record, status: res.statusCode }));
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return this.sendStatus(res, {
        code: 405,
        reason: 'MethodNotAllowed',
        message: `the server does not allow this method on the requested resource: this is a replay of a snapshot, read-only (${req.method} ${path})`,
      });
    }
    const accept = parseAccept(req.headers.accept);
    if (path === '/version') return this.sendJSON(res, this.store.version);
    if (path === '/healthz' || path === '/livez' || path === '/readyz') return this.send(res, 200, 'text/plain; charset=utf-8', 'ok');
    if (path === '/api' || path === '/apis') {
      if (wantsAggregated(accept)) return this.sendJSON(res, aggregatedDiscovery(this.store.catalog, path === '/api'), AGGREGATED_CONTENT_TYPE);
      return this.sendJSON(res, path === '/api' ? apiVersions(req.headers.host ?? HOST) : apiGroupList(this.store.catalog));
    }
    let group: string;
    let version: string | undefined;
    let rest: string | undefined;
    const core = /^\/api\/v1(?:\/(.+))?$/.exec(path);
    const named = /^\/apis\/([^/]+)(?:\/([^/]+)(?:\/(.+))?)?$/.exec(path);
    if (core) {
      group = '';
      version = 'v1';
      rest = core[1];
    } else if (named) {
      group = named[1]!;
      version = named[2];
      rest = named[3];
    } else {
      return this.sendStatus(res, NOT_FOUND_PATH);
    }
    if (version === undefined) {
      const g = apiGroup(this.store.catalog, group);
      return g ? this.sendJSON(res, g) : this.sendStatus(res, NOT_FOUND_PATH);
    }
    if (rest === undefined) {
      const list = apiResourceList(this.store.catalog, group, version);
      return list ? this.sendJSON(res, list) : this.sendStatus(res, NOT_FOUND_PATH);
    }
    await this.resourceRequest(req, res, group, version, rest, q, accept, record);
  }

  private async resourceRequest(
    req: IncomingMessage,
    res: ServerResponse,
    group: string,
    version: string,
    rest: string,
    q: URLSearchParams,
    accept: MediaType[],
    record: RequestRecord,
  ): Promise<void> {
    let segs: string[];
    try {
      segs = rest.split('/').map(decodeURIComponent);
    } catch {
      return this.sendStatus(res, NOT_FOUND_PATH);
    }
    let watch = q.get('watch') === 'true' || q.get('watch') === '1';
    if (segs[0] === 'watch') {
      watch = true; // the deprecated /watch/ prefix
      segs = segs.slice(1);
    }
    const catalog = this.store.catalog;
    let ns: string | undefined;
    if (segs[0] === 'namespaces' && segs.length >= 3 && catalog.find(group, version, segs[2]!)?.namespaced) {
      ns = segs[1];
      segs = segs.slice(2);
    }
    const [plural = '', rawName, sub, ...extra] = segs;
    // pods/NAME:PORT/proxy/metrics: the metrics a bundle holds (metrics/<ns>/<pod>/<port>.prom)
    const proxied = plural === 'pods' && sub === 'proxy' && rawName !== undefined ? /^(?:https?:)?([^:]+)(?::(\d+))?$/.exec(rawName) : null;
    if (proxied) {
      if (extra.join('/') !== 'metrics') return this.sendStatus(res, NOT_FOUND_PATH);
      return this.podMetrics(res, ns, proxied[1]!, proxied[2] ?? '80');
    }
    const name = rawName;
    const r = catalog.find(group, version, plural);
    if (!r || extra.length > 0 || name === '' || (r.namespaced && ns === undefined && name !== undefined)) return this.sendStatus(res, NOT_FOUND_PATH);
    if (sub !== undefined && !r.subresources.includes(sub)) return this.sendStatus(res, NOT_FOUND_PATH);
    record.watch = watch;
    const verb = watch ? 'watch' : name === undefined ? 'list' : 'get';

    const fault: FaultDecision = this.plan.empty ? { delayMs: 0, gone: false, fired: [] } : this.plan.decide(r, watch ? 'watch' : 'read');
    record.faults = fault.fired;
    if (fault.delayMs > 0) {
      await this.sleep(fault.delayMs);
      if (res.destroyed || req.destroyed) return;
    }
    if (fault.status === 403) return this.sendStatus(res, forbidden(r, verb, ns, name, `denied by the replay's fault mode (--fault)`, sub));
    if (!this.store.isCaptured(r, ns, name)) {
      return this.sendStatus(res, forbidden(r, verb, ns, name, `the snapshot did not capture ${this.store.capturedName(r)}`, sub));
    }
    if (fault.status === 500) {
      return this.sendStatus(res, { code: 500, reason: 'InternalError', message: 'Internal error occurred: injected by the replay\'s fault mode (--fault)', details: { causes: [{ message: fault.fired.join(', ') }] } });
    }

    if (sub === 'log') return this.podLog(res, r, ns!, name!, q, fault);

    const tableVersion = negotiateTable(accept);
    const tableOpts = () => ({ now: this.now(), includeObject: includeObjectOf(q), apiVersion: tableVersion!, resourceVersion: this.store.resourceVersion });

    if (name !== undefined && !watch) {
      const obj = this.store.get(r, ns, name);
      if (!obj) return this.sendStatus(res, { code: 404, reason: 'NotFound', message: `${qualifiedName(r)} "${name}" not found`, details: { name, group: r.group, kind: r.plural } });
      if (tableVersion) return this.sendJSON(res, buildTable(r, [obj], tableOpts()), TABLE_CONTENT_TYPE, fault.body);
      return this.sendJSON(res, JSON.stringify(obj), 'application/json', fault.body);
    }

    const selectionKey = [groupVersion(r), r.plural, ns ?? '\u0001', q.get('labelSelector'), q.get('fieldSelector'), name ?? '\u0001'].join('\u0000');
    let objects = this.selections.get(selectionKey);
    if (!objects) {
      try {
        const labels = parseLabelSelector(q.get('labelSelector') ?? '');
        const fields = parseFieldSelector(q.get('fieldSelector') ?? '');
        checkFields(fields, r, this.store.kubeMinor);
        objects = this.store.list(r, ns).filter((o) => matchesLabels(labels, o.metadata.labels) && matchesFields(fields, o) && (name === undefined || o.metadata.name === name));
      } catch (e) {
        if (e instanceof SelectorError) return this.sendStatus(res, badRequest(e.message));
        throw e;
      }
      // references only; a bound all the same, for a client that varies its selectors without end
      if (this.selections.size >= MAX_SELECTIONS) this.selections.clear();
      this.selections.set(selectionKey, objects);
    }

    if (watch) return this.watch(req, res, r, objects, q, tableVersion, fault);
    const page = this.page(objects, q);
    if ('status' in page) return this.sendStatus(res, page.status);
    if (tableVersion) return this.sendJSON(res, buildTable(r, page.items, { ...tableOpts(), continue: page.continue }), TABLE_CONTENT_TYPE, fault.body);
    this.send(res, 200, 'application/json', this.listBody(record.path, q, r, page), fault.body);
  }

  /**
   * `limit` and `continue`: a page of the list and the token of the next one, as the API server
   * pages (the token carries the resourceVersion and the offset; the snapshot never changes, so a
   * token stays valid as long as the server runs).
   */
  private page(objects: KubeObject[], q: URLSearchParams): Page | { status: Status } {
    const rv = this.store.resourceVersion;
    let start = 0;
    const token = q.get('continue');
    if (token) {
      let t: { v?: unknown; rv?: unknown; start?: unknown } | undefined;
      try {
        t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as typeof t;
      } catch {
        t = undefined;
      }
      if (t?.v !== 'meta.k8s.io/v1' || typeof t.start !== 'number' || !Number.isSafeInteger(t.start) || t.start < 0) {
        return { status: badRequest(`continue key is not valid: ${token}`) };
      }
      if (t.rv !== rv) return { status: { code: 410, reason: 'Expired', message: 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.' } };
      start = t.start;
    }
    const limit = Number(q.get('limit'));
    if (!(Number.isSafeInteger(limit) && limit > 0) || start + limit >= objects.length) return { items: start ? objects.slice(start) : objects };
    const next = start + limit;
    return {
      items: objects.slice(start, next),
      continue: Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start: next })).toString('base64url'),
      remaining: objects.length - next,
    };
  }

  /**
   * A list's JSON, kept for the next identical request: the snapshot never changes, and clients
   * (a benchmark, an informer's relist) ask for the same large lists again.
   */
  private listBody(path: string, q: URLSearchParams, r: ApiResource, page: Page): Buffer {
    const key = [path, q.get('labelSelector'), q.get('fieldSelector'), q.get('limit'), q.get('continue')].join('\u0000');
    const hit = this.bodies.get(key);
    if (hit) return hit;
    const metadata = { resourceVersion: this.store.resourceVersion, ...(page.continue ? { continue: page.continue, remainingItemCount: page.remaining } : {}) };
    const head = `{"kind":${JSON.stringify(`${r.kind}List`)},"apiVersion":${JSON.stringify(groupVersion(r))},"metadata":${JSON.stringify(metadata)},"items":[`;
    const body = Buffer.from(`${head}${page.items.map((o) => itemJSON(o, r)).join(',')}]}`);
    if (this.cachedBytes + body.length <= MAX_CACHED_BYTES) {
      this.bodies.set(key, body);
      this.cachedBytes += body.length;
    }
    return body;
  }

  /**
   * A watch: the current objects as ADDED events when the client asks from the start (no
   * resourceVersion, "0", or sendInitialEvents), then nothing: the snapshot never changes. The
   * stream stays open until the client leaves, timeoutSeconds passes or the server closes.
   */
  private watch(req: IncomingMessage, res: ServerResponse, r: ApiResource, objects: KubeObject[], q: URLSearchParams, tableVersion: string | undefined, fault: FaultDecision): void {
    res.writeHead(200, { 'Content-Type': tableVersion ? TABLE_CONTENT_TYPE : 'application/json', 'Cache-Control': 'no-cache, private' });
    res.flushHeaders(); // without it a watch with no initial events sends no headers, and clients wait
    const event = (type: string, object: unknown) => res.write(`${JSON.stringify({ type, object })}\n`);
    if (fault.gone) {
      const rv = this.store.resourceVersion;
      event('ERROR', JSON.parse(statusBody({ code: 410, reason: 'Expired', message: `too old resource version: ${q.get('resourceVersion') || rv} (${Number(rv) + 1})` })));
      res.end();
      return;
    }
    this.watches.add(res);
    const rv = q.get('resourceVersion');
    const initial = q.get('sendInitialEvents') === 'true';
    if (!rv || rv === '0' || initial) {
      for (const o of objects) {
        event('ADDED', tableVersion ? buildTable(r, [o], { now: this.now(), includeObject: includeObjectOf(q), apiVersion: tableVersion, resourceVersion: this.store.resourceVersion }) : o);
      }
    }
    if (initial && q.get('allowWatchBookmarks') === 'true') {
      event('BOOKMARK', { kind: r.kind, apiVersion: groupVersion(r), metadata: { resourceVersion: this.store.resourceVersion, annotations: { 'k8s.io/initial-events-end': 'true' } } });
    }
    const timeout = Number(q.get('timeoutSeconds'));
    let timer: NodeJS.Timeout | undefined;
    if (Number.isFinite(timeout) && timeout > 0) {
      timer = setTimeout(() => res.end(), timeout * 1000);
      this.timers.add(timer);
    }
    const done = () => {
      this.watches.delete(res);
      if (timer) {
        clearTimeout(timer);
        this.timers.delete(timer);
      }
    };
    res.on('close', done);
    req.on('close', done);
  }

  /** pods/NAME:PORT/proxy/metrics from the snapshot's metrics/<namespace>/<pod>/<port>.prom */
  private async podMetrics(res: ServerResponse, ns: string | undefined, pod: string, port: string): Promise<void> {
    const m = this.store.metricsFile(ns ?? '', pod, port);
    if (!m) return this.sendStatus(res, { code: 503, reason: 'ServiceUnavailable', message: `the snapshot holds no metrics of pod ${pod} on port ${port}` });
    const body = await readBundleFile(m);
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4', 'content-length': body.length });
    res.end(body);
  }

  /** How often a follow looks for bytes appended to a directory bundle's log file. */
  private static readonly FOLLOW_POLL_MS = 100;

  /**
   * pods/log from the snapshot's logs/<namespace>/<pod>/<container>[.previous].log, as the
   * kubelet serves a container's log: since, then tailLines, then limitBytes; the timestamp prefix
   * only with timestamps=true; with follow=true, then the lines appended to the file.
   */
  private async podLog(res: ServerResponse, r: ApiResource, ns: string, name: string, q: URLSearchParams, fault: FaultDecision): Promise<void> {
    const pod = this.store.get(r, ns, name);
    if (!pod) return this.sendStatus(res, { code: 404, reason: 'NotFound', message: `pods "${name}" not found`, details: { name, kind: 'pods' } });
    const spec = asRecord(pod.spec);
    const names = (v: unknown) => asArray(v).map((c) => asRecord(c).name).filter((n): n is string => typeof n === 'string');
    const containers = names(spec.containers);
    const inits = names(spec.initContainers);
    const ephemeral = names(spec.ephemeralContainers);
    let container = q.get('container') ?? '';
    if (!container) {
      if (containers.length === 1) container = containers[0]!;
      else {
        const initText = inits.length ? ` or one of the init containers: [${inits.join(' ')}]` : '';
        return this.sendStatus(res, badRequest(`a container name must be specified for pod ${name}, choose one of: [${containers.join(' ')}]${initText}`));
      }
    }
    if (![...containers, ...inits, ...ephemeral].includes(container)) return this.sendStatus(res, badRequest(`container ${container} is not valid for pod ${name}`));
    const previous = q.get('previous') === 'true';
    const file = this.store.logFile(ns, name, container, previous);
    const podStatus = asRecord(pod.status);
    const statuses = [...asArray(podStatus.containerStatuses), ...asArray(podStatus.initContainerStatuses), ...asArray(podStatus.ephemeralContainerStatuses)].map(asRecord);
    const status = statuses.find((s) => s.name === container);
    if (!file) {
      const restarts = status?.restartCount;
      if (previous && !(typeof restarts === 'number' && restarts > 0)) {
        return this.sendStatus(res, badRequest(`previous terminated container "${container}" in pod "${name}" not found`));
      }
      const what = previous ? `log of the previous "${container}" container` : `log of container "${container}"`;
      return this.sendStatus(res, forbidden(r, 'get', ns, name, `the snapshot holds no ${what}`, 'log'));
    }
    const flag = (k: string) => q.get(k) === 'true' || q.get(k) === '1';
    // the kubelet follows a running container only: the log of one that has stopped (the previous
    // container, one waiting to restart) ends where it ends. A cut body (reset, truncate) is a
    // complete answer: a follow under such a fault ends with it.
    const running = !previous && (status === undefined || asRecord(status.state).running !== undefined);
    const follow = flag('follow') && running && res.req.method !== 'HEAD' && fault.body === undefined;
    const grows = follow && this.store.logCanGrow(file);
    // a follow reads the file itself: the bytes it has sent are where it goes on from
    const text = grows ? ((await this.store.readLogFrom(file, 0)) ?? Buffer.alloc(0)) : await this.store.readLog(file);
    const tail = Number(q.get('tailLines'));
    const limit = Number(q.get('limitBytes'));
    const opts: LogSelection = {
      timestamps: flag('timestamps'),
      since: logSince(q, this.store.snapshotTime, text),
      tail: q.has('tailLines') && Number.isInteger(tail) && tail >= 0 ? tail : undefined,
    };
    const limitBytes = q.has('limitBytes') && Number.isInteger(limit) && limit > 0 ? limit : undefined;
    if (!follow) {
      let body = selectLogLines(text, opts);
      if (limitBytes !== undefined) body = body.subarray(0, limitBytes);
      return this.send(res, 200, 'text/plain', body, fault.body);
    }
    this.followLog(res, file, text, grows, opts, limitBytes);
  }

  /**
   * The rest of a follow: what the file holds (a partial last line waits for its newline, so
   * every line is whole when its prefix is stripped or its time compared), then what is appended
   * to it, polled, until the client leaves, limitBytes is reached or the server closes. A
   * tarball's member cannot grow: its content is sent and the stream stays open all the same.
   */
  private followLog(res: ServerResponse, file: LogFile, first: Buffer, grows: boolean, opts: LogSelection, limitBytes: number | undefined): void {
    if (res.destroyed) return; // the client left while the file was read
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache, private' }); // no length: chunked
    res.flushHeaders();
    this.watches.add(res); // close() ends it as it ends the watches
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    const stop = () => {
      stopped = true;
      this.watches.delete(res);
      if (timer) {
        clearTimeout(timer);
        this.timers.delete(timer);
      }
    };
    res.on('close', stop);
    let budget = limitBytes ?? Infinity;
    const send = (b: Buffer) => {
      if (stopped || res.writableEnded || b.length === 0) return;
      if (b.length < budget) {
        budget -= b.length;
        res.write(b);
        return;
      }
      res.end(b.subarray(0, budget)); // the kubelet stops the stream at limitBytes
      stop();
    };
    let held = grows ? first.subarray(first.lastIndexOf(10) + 1) : Buffer.alloc(0);
    send(selectLogLines(first.subarray(0, first.length - held.length), opts));
    if (!grows || stopped) return;
    const appended: LogSelection = { timestamps: opts.timestamps, since: opts.since }; // tailLines is for what existed
    let offset = first.length;
    const poll = async () => {
      const chunk = await this.store.readLogFrom(file, offset).catch(() => Buffer.alloc(0)); // gone for a moment: wait for it
      if (stopped) return;
      if (chunk === null) {
        // truncated or replaced (a rotation): read it again from its start, as the kubelet goes on
        // with the new file
        offset = 0;
        held = Buffer.alloc(0);
      } else if (chunk.length > 0) {
        offset += chunk.length;
        const data = held.length > 0 ? Buffer.concat([held, chunk]) : chunk;
        const whole = data.lastIndexOf(10) + 1;
        held = Buffer.from(data.subarray(whole));
        send(selectLogLines(data.subarray(0, whole), appended));
      }
    };
    const next = () => {
      if (stopped || this.closed || res.writableEnded) return;
      timer = setTimeout(() => {
        if (timer) this.timers.delete(timer);
        timer = undefined;
        if (stopped) return;
        poll().then(
          () => next(),
          () => res.destroy(),
        );
      }, Replay.FOLLOW_POLL_MS);
      this.timers.add(timer);
    };
    next();
  }
}

/** The last n lines of a text (a final newline does not start a line). */
export function tailLines(buf: Buffer, n: number): Buffer {
  if (n === 0) return Buffer.alloc(0);
  const end = buf.length > 0 && buf[buf.length - 1] === 10 ? buf.length - 1 : buf.length;
  let count = 0;
  for (let i = end - 1; i >= 0; i--) if (buf[i] === 10 && ++count === n) return buf.subarray(i + 1);
  return buf;
}

/** A moment as RFC 3339 writes it, to the nanosecond: seconds since the epoch and nanoseconds. */
export interface LogTime {
  s: number;
  ns: number;
}

const compareLogTime = (a: LogTime, b: LogTime): number => a.s - b.s || a.ns - b.ns;

/** The number the n ASCII digits at buf[i..] write, or -1 when one of them is not a digit. */
function digits(buf: Buffer, i: number, n: number): number {
  let v = 0;
  for (let k = i; k < i + n; k++) {
    const c = buf[k];
    if (c === undefined || c < 0x30 || c > 0x39) return -1;
    v = v * 10 + c - 0x30;
  }
  return v;
}

/**
 * The length, its space included, of the `<RFC 3339 time><space>` at buf[start..end) (0 when the
 * text does not start with one); its time is written into `time` when one is given. Read byte by
 * byte: it runs on every line of every log served without timestamps=true.
 */
function timePrefix(buf: Buffer, start: number, end: number, time?: LogTime): number {
  const b = start;
  if (end - b < 21 || buf[b + 4] !== 0x2d || buf[b + 7] !== 0x2d || (buf[b + 10]! | 0x20) !== 0x74 || buf[b + 13] !== 0x3a || buf[b + 16] !== 0x3a) return 0;
  const y = digits(buf, b, 4);
  const mo = digits(buf, b + 5, 2);
  const d = digits(buf, b + 8, 2);
  const h = digits(buf, b + 11, 2);
  const mi = digits(buf, b + 14, 2);
  const s = digits(buf, b + 17, 2);
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 60) return 0;
  let i = b + 19;
  let ns = 0;
  if (buf[i] === 0x2e) {
    const first = ++i;
    for (let c = buf[i]; i < end && c !== undefined && c >= 0x30 && c <= 0x39; c = buf[++i]) if (i - first < 9) ns = ns * 10 + c - 0x30;
    if (i === first) return 0;
    for (let k = i - first; k < 9; k++) ns *= 10;
  }
  let offset = 0;
  const z = buf[i];
  if (z === 0x5a || z === 0x7a) i++;
  else if (z === 0x2b || z === 0x2d) {
    const oh = digits(buf, i + 1, 2);
    const om = digits(buf, i + 4, 2);
    if (i + 6 > end || oh < 0 || buf[i + 3] !== 0x3a || om < 0) return 0;
    offset = (z === 0x2d ? -1 : 1) * (oh * 60 + om) * 60;
    i += 6;
  } else return 0;
  if (i >= end || buf[i] !== 0x20) return 0;
  if (time) {
    time.s = Date.UTC(y, mo - 1, d, h, mi, s) / 1000 - offset;
    time.ns = ns;
  }
  return i + 1 - b;
}

/** An RFC 3339 time (sinceTime), or undefined when the text is not one. */
export function parseLogTime(text: string): LogTime | undefined {
  const time: LogTime = { s: 0, ns: 0 };
  const buf = Buffer.from(`${text} `, 'latin1');
  return timePrefix(buf, 0, buf.length, time) === buf.length ? time : undefined;
}

/**
 * The kubelet's `<RFC 3339 time><space>` at the head of the line at buf[start..end): its length
 * with the space, and its time; undefined when the line does not start with one.
 */
export function logLinePrefix(buf: Buffer, start: number, end: number): { length: number; time: LogTime } | undefined {
  const time: LogTime = { s: 0, ns: 0 };
  const length = timePrefix(buf, start, end, time);
  return length > 0 ? { length, time } : undefined;
}

export interface LogSelection {
  /** timestamps=true: lines keep the kubelet's time prefix; otherwise it is stripped */
  timestamps: boolean;
  /** sinceSeconds / sinceTime: lines whose prefix time is earlier are left out */
  since?: LogTime;
  /** tailLines: the last n lines, counted after since */
  tail?: number;
}

/**
 * The lines of a log the kubelet would send: since first, then tail (limitBytes, last, is the
 * caller's). A line without a time prefix is kept whatever since says: it carries no time to
 * compare (our own bundles prefix every line; other logs are served as they are), and it is
 * served as it is with or without timestamps=true, since no time can be invented for it.
 */
export function selectLogLines(buf: Buffer, o: LogSelection): Buffer {
  // without since, the last lines are the same whichever goes first: cut them before stripping
  if (o.since === undefined && o.tail !== undefined) buf = tailLines(buf, o.tail);
  if (o.timestamps && o.since === undefined) return buf;
  const starts: number[] = [];
  const ends: number[] = [];
  const cuts: number[] = []; // bytes of prefix to leave out
  const time: LogTime = { s: 0, ns: 0 };
  for (let pos = 0; pos < buf.length; ) {
    const nl = buf.indexOf(10, pos);
    const end = nl < 0 ? buf.length : nl + 1;
    const p = timePrefix(buf, pos, end, o.since && time);
    if (!(p > 0 && o.since && compareLogTime(time, o.since) < 0)) {
      starts.push(pos);
      ends.push(end);
      cuts.push(o.timestamps ? 0 : p);
    }
    pos = end;
  }
  const from = o.tail === undefined || o.since === undefined ? 0 : Math.max(0, starts.length - o.tail);
  // runs of adjacent lines kept whole go out as one piece
  const pieces: Buffer[] = [];
  let runStart = -1;
  let runEnd = -1;
  for (let i = from; i < starts.length; i++) {
    const a = starts[i]! + cuts[i]!;
    if (a !== runEnd) {
      if (runStart >= 0) pieces.push(buf.subarray(runStart, runEnd));
      runStart = a;
    }
    runEnd = ends[i]!;
  }
  if (runStart >= 0) pieces.push(buf.subarray(runStart, runEnd));
  return pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces);
}

/**
 * Where since starts: sinceSeconds before the snapshot's time (bundle.json's createdAt; without
 * it, the newest time a line of the log carries, as if the log had just been read), or sinceTime;
 * the later of the two when both are given, as the kubelet takes them. Undefined when neither is
 * asked (or the value is not one the API server would take).
 */
export function logSince(q: URLSearchParams, snapshotTime: number | undefined, log: Buffer): LogTime | undefined {
  const t = q.get('sinceTime');
  const sinceTime = t ? parseLogTime(t) : undefined;
  const seconds = Number(q.get('sinceSeconds'));
  if (!q.has('sinceSeconds') || !Number.isSafeInteger(seconds) || seconds < 1) return sinceTime;
  let ref: LogTime | undefined;
  if (snapshotTime !== undefined) ref = { s: Math.floor(snapshotTime / 1000), ns: (((snapshotTime % 1000) + 1000) % 1000) * 1e6 };
  else {
    const time: LogTime = { s: 0, ns: 0 };
    for (let pos = 0; pos < log.length; ) {
      const nl = log.indexOf(10, pos);
      const end = nl < 0 ? log.length : nl + 1;
      if (timePrefix(log, pos, end, time) > 0 && (!ref || compareLogTime(time, ref) > 0)) ref = { ...time };
      pos = end;
    }
  }
  const sinceSeconds = ref && { s: ref.s - seconds, ns: ref.ns };
  if (!sinceSeconds || !sinceTime) return sinceSeconds ?? sinceTime;
  return compareLogTime(sinceTime, sinceSeconds) > 0 ? sinceTime : sinceSeconds;
}

/**
 * Serves the store on 127.0.0.1. Rejects when a fault names a resource the store does not have
 * (FaultSpecError) or the port cannot be bound (the listen error, e.g. EADDRINUSE).
 */
export async function startReplay(store: ReplayStore, opts: ReplayOptions = {}): Promise<ReplayServer> {
  const replay = new Replay(store, opts);
  await new Promise<void>((resolve, reject) => {
    replay.server.once('error', reject);
    replay.server.listen(opts.port ?? 0, HOST, () => {
      replay.server.off('error', reject);
      resolve();
    });
  });
  const addr = replay.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return { url: `http://${HOST}:${port}`, port, close: () => replay.close() };
}
