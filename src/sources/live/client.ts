// GET requests to a Kubernetes API server, and nothing else: the authentication comes from the
// kubeconfig through @kubernetes/client-node, the requests are plain HTTP(S) with keep-alive and
// JSON.parse (the generated clients would turn every list into class instances, doubling the
// time and memory of a large list for nothing a rule reads). Lists page with limit/continue;
// 429 and 5xx (and a connection reset or a truncated body) are retried with backoff; every call
// is bounded by the request timeout and the whole run by its deadline.
import type { ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import { KubeConfig } from './k8s.js';
import { SourceError, type KubeObject } from '../types.js';
import { tokenFileOf, type ResolvedConfig } from './kubeconfig.js';

export interface ClientOptions {
  /** --request-timeout: the longest one call may take (0: no limit but the deadline) */
  requestTimeoutMs: number;
  /** the moment (Date.now() scale) by which everything must be done */
  deadline: number;
  /** retries of a call after a 429, 5xx, reset or truncated answer */
  maxRetries?: number;
  /** calls in flight at once */
  concurrency?: number;
  /** items per page of a list (kubectl's --chunk-size; 0: no paging) */
  chunkSize?: number;
  /** every request sent, for tests and -v */
  onRequest?(method: string, path: string): void;
}

/** A call that did not succeed: the HTTP status and the server's Status message, or a transport failure. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    message: string,
    /** HTTP status; 0 for transport failures (refused, reset, timed out, bad answer) */
    readonly status: number,
    readonly reason: string,
    readonly path: string,
    /** the server's Retry-After, in seconds */
    readonly retryAfter?: number,
  ) {
    super(message);
  }
  /** how a gap names it: "forbidden", "timed out", "500 Internal Server Error", ... */
  get why(): string {
    if (this.status === 403) return 'forbidden';
    if (this.status === 404) return 'not found';
    if (this.status === 0) return this.reason;
    return `${this.status} ${this.reason}${this.message ? `: ${this.message}` : ''}`;
  }
}

export interface ListResult {
  items: KubeObject[];
  resourceVersion?: string;
}

const RETRY_STATUS = new Set([429, 500, 502, 503, 504]);
const TLS_REJECTED = 'TLS certificate not accepted';
/** transport failures that asking again does not mend */
const FINAL_TRANSPORT = new Set(['timed out', 'refused', TLS_REJECTED]);

/**
 * A TLS handshake that failed on a certificate: the server's not trusted (OpenSSL's verify codes:
 * DEPTH_ZERO_SELF_SIGNED_CERT, UNABLE_TO_VERIFY_LEAF_SIGNATURE, CERT_HAS_EXPIRED, ...), not for
 * its name (ERR_TLS_CERT_ALTNAME_INVALID), or ours refused by the server (an SSL alert).
 */
function isTLSRejection(e: NodeJS.ErrnoException): boolean {
  const code = e.code ?? '';
  return code === 'ERR_TLS_CERT_ALTNAME_INVALID' || /CERT|SELF_SIGNED|UNABLE_TO_(VERIFY|GET_ISSUER|DECRYPT)|^ERR_SSL_.*ALERT/.test(code);
}
/** milliseconds as seconds with one decimal, for messages */
const seconds = (ms: number) => Math.round(ms / 100) / 10;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class KubeClient {
  /** requests sent, by method (only GET is ever sent; tests check it) */
  readonly sent = new Map<string, number>();
  private readonly base: URL;
  private agent: http.Agent;
  /** the cluster's proxy-url: every connection, follows included, goes through client-node's proxy agent */
  private readonly proxied: boolean;
  private readonly authKc: KubeConfig;
  /** the user whose credentials are sent: none to a server without TLS */
  private readonly user: ResolvedConfig['user'];
  private readonly tls: https.RequestOptions = {};
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];
  /** the exec credential plugins client-node started for this client that still run */
  private readonly plugins = new Set<ChildProcess>();

  private constructor(
    readonly config: ResolvedConfig,
    readonly opts: ClientOptions,
  ) {
    this.base = new URL(config.cluster.server.replace(/\/+$/, ''));
    const secure = this.base.protocol === 'https:';
    // client-node refuses http:// servers unless skipTLSVerify is set (meaningless without TLS);
    // kubectl accepts them, and so does this tool. kubectl sends no credentials without TLS
    // (client-go's ClientConfig takes the user's only for a TLS transport): neither does this tool,
    // nor does it run the user's exec plugin for such a server
    this.authKc = secure ? config.kc : withoutTLS(config);
    this.user = secure ? config.user : undefined;
    const agentOpts = { keepAlive: true, maxSockets: opts.concurrency ?? 16 };
    this.agent = secure ? new https.Agent(agentOpts) : new http.Agent(agentOpts);
    this.proxied = !!config.cluster.proxyUrl;
    this.watchPlugins();
  }

  /**
   * Sees the processes client-node's exec authenticator starts (its execFn), so that a plugin that
   * outlives the deadline can be ended: client-node itself waits for it without a limit.
   */
  private watchPlugins(): void {
    type Spawn = typeof spawn;
    const authenticators = (this.authKc as unknown as { authenticators?: unknown[] }).authenticators ?? [];
    const exec = authenticators.find((a): a is { execFn: Spawn } => typeof (a as { execFn?: unknown } | null)?.execFn === 'function');
    if (!exec) return;
    const original = exec.execFn;
    exec.execFn = ((...args: Parameters<Spawn>) => {
      const child = original(...args);
      this.plugins.add(child);
      child.on('close', () => this.plugins.delete(child));
      return child;
    }) as Spawn;
  }

  private endPlugins(): void {
    for (const child of this.plugins) {
      child.stdout?.destroy();
      child.stderr?.destroy();
      child.kill();
      child.unref();
    }
    this.plugins.clear();
  }

  static async create(config: ResolvedConfig, opts: ClientOptions): Promise<KubeClient> {
    const c = new KubeClient(config, opts);
    await c.prepareTransport();
    return c;
  }

  /**
   * The TLS material of the kubeconfig, once: the agent keeps its connections alive across calls.
   * With a proxy-url, the agent is the one client-node makes for it (hpagent's CONNECT tunnel for
   * an http(s) proxy, socks-proxy-agent for socks5://), the TLS material inside it, kept alive too.
   */
  private async prepareTransport(): Promise<void> {
    if (this.base.protocol !== 'https:' && !this.proxied) return;
    const o = await this.fromKubeconfig(this.proxied);
    if (this.proxied && o.agent) {
      this.agent.destroy();
      this.agent = o.agent as http.Agent;
      // client-node makes it without keep-alive: keep-alive and the sockets' bound, as our own agent has them
      (this.agent as http.Agent & { keepAlive: boolean }).keepAlive = true;
      this.agent.maxSockets = this.opts.concurrency ?? 16;
    }
    for (const k of ['ca', 'cert', 'key', 'pfx', 'passphrase', 'rejectUnauthorized', 'servername'] as const) {
      if (o[k] !== undefined) (this.tls as Record<string, unknown>)[k] = o[k];
    }
    if (this.config.cluster.skipTLSVerify) this.tls.rejectUnauthorized = false;
  }

  private headerCache?: { at: number; headers: Promise<Record<string, string>> };

  /**
   * Headers of the user (a token, an exec plugin's token, basic auth): asked of client-node again
   * after a few seconds (tokens expire; exec plugins cache their own), not once per call.
   */
  private authHeaders(): Promise<Record<string, string>> {
    const now = Date.now();
    if (!this.headerCache || now - this.headerCache.at > 5000) {
      const headers = this.freshAuthHeaders();
      this.headerCache = { at: now, headers };
      headers.catch(() => (this.headerCache = undefined));
    }
    return this.headerCache.headers;
  }

  /**
   * What client-node makes of the kubeconfig's cluster and user (TLS material, headers); a
   * credential it cannot get (an exec plugin that fails or cannot be started, a token or
   * certificate file that cannot be read) is one line naming the plugin or the user.
   */
  private async fromKubeconfig(keepAgent = false): Promise<https.RequestOptions> {
    const o: https.RequestOptions = {};
    const apply = async () => {
      await this.authKc.applyToHTTPSOptions(o);
      // a token file (kubectl's tokenFile) is read here, for the user in use, each time headers are made
      const tokenFile = tokenFileOf(this.user);
      const headers = (o.headers ?? {}) as Record<string, unknown>;
      if (tokenFile && headers.Authorization === undefined && headers.authorization === undefined) {
        o.headers = { ...headers, Authorization: `Bearer ${(await readFile(tokenFile, 'utf8')).trim()}` };
      }
    };
    // an exec plugin may take any time: the run's deadline bounds it, and then it is ended
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.endPlugins();
        reject(new Error(`no credentials within ${seconds(this.opts.requestTimeoutMs || this.opts.deadline - Date.now())}s (the request timeout)`));
      }, Math.max(0, this.opts.deadline - Date.now()));
    });
    try {
      await Promise.race([apply(), late]);
    } catch (e) {
      throw this.credentialError(e);
    } finally {
      clearTimeout(timer);
      if (!keepAgent) (o.agent as http.Agent | undefined)?.destroy();
    }
    return o;
  }

  private credentialError(e: unknown): SourceError {
    const { user, context } = this.config;
    if (!this.user) return new SourceError(`context "${context}": ${e instanceof Error ? e.message : String(e)}`);
    const why = (e instanceof Error ? e.message : String(e)).split('\n').map((l) => l.trim()).find(Boolean)?.slice(0, 300) ?? 'failed';
    const exec = (user?.exec ?? (user?.authProvider?.config as { exec?: unknown } | undefined)?.exec) as { command?: unknown } | undefined;
    if (exec && typeof exec.command === 'string') return new SourceError(`the credential plugin "${exec.command}" of user "${user!.name}" (context "${context}") failed: ${why}`);
    return new SourceError(`the credentials of user "${user?.name ?? ''}" (context "${context}") cannot be used: ${why}`);
  }

  private async freshAuthHeaders(): Promise<Record<string, string>> {
    const o = await this.fromKubeconfig();
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries((o.headers ?? {}) as Record<string, unknown>)) if (typeof v === 'string') headers[k] = v;
    if (o.auth) headers.Authorization = `Basic ${Buffer.from(o.auth).toString('base64')}`;
    return headers;
  }

  close(): void {
    this.agent.destroy();
    this.endPlugins();
  }

  get requestCount(): number {
    let n = 0;
    for (const v of this.sent.values()) n += v;
    return n;
  }

  /** A place among the calls in flight; waiting for one ends at the deadline ("timed out"). */
  private async slot(path: string): Promise<void> {
    const max = this.opts.concurrency ?? 16;
    if (this.inFlight < max) {
      this.inFlight++;
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const grant = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(grant), 1);
        reject(new ApiError('', 0, 'timed out', path));
      }, Math.max(0, this.opts.deadline - Date.now()));
      this.waiting.push(grant);
    });
  }
  /** The place goes to the next call waiting (it stays taken), else it is free. */
  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.inFlight--;
  }

  private url(path: string, query: Record<string, string | number | boolean | undefined> = {}): URL {
    const u = new URL(this.base.toString());
    u.pathname = `${u.pathname.replace(/\/+$/, '')}${path}`;
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') u.searchParams.set(k, String(v));
    return u;
  }

  /** One GET, retried as the class comment says; resolves with the body of a 2xx answer. */
  async get(path: string, query: Record<string, string | number | boolean | undefined> = {}, accept = 'application/json'): Promise<Buffer> {
    const max = this.opts.maxRetries ?? 4;
    for (let attempt = 0; ; attempt++) {
      let last: ApiError;
      try {
        return await this.once(path, query, accept);
      } catch (e) {
        const retriable = e instanceof ApiError && (RETRY_STATUS.has(e.status) || (e.status === 0 && !FINAL_TRANSPORT.has(e.reason)));
        if (!retriable || attempt >= max) throw e;
        last = e;
      }
      // the server's Retry-After as it says (client-go waits it out too), else backoff with jitter
      const backoff = last.retryAfter !== undefined ? last.retryAfter * 1000 : Math.min(200 * 2 ** attempt, 3000) * (0.75 + Math.random() * 0.5);
      if (Date.now() + backoff >= this.opts.deadline) {
        // a server that asks for longer than is left is answered with its own words
        if (last.retryAfter !== undefined) throw last;
        throw new ApiError('', 0, 'timed out', path);
      }
      await sleep(backoff);
    }
  }

  async getJSON<T = unknown>(path: string, query: Record<string, string | number | boolean | undefined> = {}): Promise<T> {
    const max = this.opts.maxRetries ?? 4;
    for (let attempt = 0; ; attempt++) {
      const body = await this.get(path, query);
      try {
        return JSON.parse(body.toString('utf8')) as T;
      } catch {
        // a body cut short (a proxy, a restarting API server): asked again like a reset
        if (attempt >= max || Date.now() >= this.opts.deadline) throw new ApiError('the answer is not complete JSON', 0, 'truncated answer', path);
      }
    }
  }

  /**
   * Every page of a list; items get back the kind and apiVersion that built-in lists leave off.
   * onPage sees each page's items as they arrive (a caller may start dependent reads early).
   * Pages are pipelined: the next page is asked for with the continue token read from the head of
   * this page's body (the API server writes metadata before items), and this page is parsed while
   * the server makes the next; should the parsed token differ, that request is dropped.
   */
  async list(path: string, query: Record<string, string | undefined> = {}, onPage?: (page: KubeObject[], total: number) => void): Promise<ListResult> {
    const items: KubeObject[] = [];
    let cont: string | undefined;
    let rv: string | undefined;
    let restarted = false;
    const limit = this.opts.chunkSize ?? 500;
    const pageQuery = (token: string | undefined) => ({ ...query, ...(limit > 0 ? { limit } : {}), ...(token ? { continue: token } : {}) });
    let ahead: { token: string; body: Promise<Buffer> } | undefined;
    const dropAhead = () => {
      ahead?.body.catch(() => undefined);
      ahead = undefined;
    };
    try {
      for (let page = 0; page < 100_000; page++) {
        let body: { kind?: string; apiVersion?: string; metadata?: { continue?: string; resourceVersion?: string }; items?: KubeObject[] };
        try {
          let raw: Buffer;
          if (ahead && ahead.token === cont) {
            raw = await ahead.body;
            ahead = undefined;
          } else {
            dropAhead();
            raw = await this.get(path, pageQuery(cont));
          }
          const next = peekContinue(raw);
          if (next) {
            ahead = { token: next, body: this.get(path, pageQuery(next)) };
            // let that request go out (its slot and headers are awaited) before the parse holds the thread
            await new Promise<void>((r) => setImmediate(r));
          }
          try {
            body = JSON.parse(raw.toString('utf8'));
          } catch {
            // a body cut short: this page again, as getJSON asks (with its retries)
            dropAhead();
            body = await this.getJSON(path, pageQuery(cont));
          }
        } catch (e) {
          // the continue token expired (410 Gone) while paging a long list: start again, once
          if (e instanceof ApiError && e.status === 410 && cont && !restarted) {
            restarted = true;
            items.length = 0;
            cont = undefined;
            dropAhead();
            continue;
          }
          throw e;
        }
        const kind = typeof body.kind === 'string' && body.kind.endsWith('List') ? body.kind.slice(0, -4) : undefined;
        const pageItems: KubeObject[] = [];
        for (const it of Array.isArray(body.items) ? body.items : []) {
          if (it === null || typeof it !== 'object') continue;
          if (!it.kind && kind) it.kind = kind;
          if (!it.apiVersion && body.apiVersion) it.apiVersion = body.apiVersion;
          items.push(it);
          pageItems.push(it);
        }
        onPage?.(pageItems, items.length);
        rv = body.metadata?.resourceVersion ?? rv;
        cont = body.metadata?.continue || undefined;
        if (!cont) break;
      }
    } finally {
      dropAhead();
    }
    return { items, resourceVersion: rv };
  }

  /**
   * A GET whose answer is a stream (`pods/log?follow=true`): each chunk goes to `onChunk` as it
   * arrives. The request timeout bounds the wait for the answer's head, not the stream; it ends
   * when the server ends it or `signal` aborts (then it resolves). Not retried, and outside the
   * concurrency slots (a follow holds its connection open for as long as it runs).
   */
  async stream(path: string, query: Record<string, string | number | boolean | undefined>, onChunk: (c: Buffer) => void, signal?: AbortSignal): Promise<void> {
    const headers = { ...(await this.authHeaders()), Accept: '*/*', 'User-Agent': 'metallb-doctor' };
    const u = this.url(path, query);
    this.sent.set('GET', (this.sent.get('GET') ?? 0) + 1);
    this.opts.onRequest?.('GET', `${u.pathname}${u.search}`);
    const timeout = this.opts.requestTimeoutMs > 0 ? this.opts.requestTimeoutMs : 60_000;
    await new Promise<void>((resolve, reject) => {
      const mod = u.protocol === 'https:' ? https : http;
      let done = false;
      const finish = (err?: ApiError) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', abort);
        req.destroy();
        if (err) reject(err);
        else resolve();
      };
      const abort = () => finish();
      const req = mod.request(u, { method: 'GET', headers, agent: this.proxied ? this.agent : false, ...this.tls }, (res) => {
        clearTimeout(timer);
        const status = res.statusCode ?? 0;
        if (status < 200 || status >= 300) {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => finish(statusError(status, Buffer.concat(chunks), path)));
          return;
        }
        res.on('data', (c: Buffer) => {
          if (!done) onChunk(c);
        });
        res.on('end', () => finish());
        res.on('error', () => finish());
        res.on('aborted', () => finish());
      });
      const timer = setTimeout(() => finish(new ApiError(`no answer within ${seconds(timeout)}s`, 0, 'timed out', path)), timeout);
      req.on('error', (e: NodeJS.ErrnoException) => finish(done ? undefined : new ApiError(e.message, 0, e.code === 'ECONNREFUSED' ? 'refused' : (e.code ?? 'failed'), path)));
      if (signal?.aborted) return finish();
      signal?.addEventListener('abort', abort);
      req.end();
    });
  }

  private async once(path: string, query: Record<string, string | number | boolean | undefined>, accept: string): Promise<Buffer> {
    if (this.opts.deadline <= Date.now()) throw new ApiError('', 0, 'timed out', path);
    await this.slot(path);
    try {
      const headers = { ...(await this.authHeaders()), Accept: accept, 'User-Agent': 'metallb-doctor' };
      // the time left is what is left once the call has its place and its credentials
      const left = this.opts.deadline - Date.now();
      if (left <= 0) throw new ApiError('', 0, 'timed out', path);
      const timeout = this.opts.requestTimeoutMs > 0 ? Math.min(this.opts.requestTimeoutMs, left) : left;
      const u = this.url(path, query);
      this.sent.set('GET', (this.sent.get('GET') ?? 0) + 1);
      this.opts.onRequest?.('GET', `${u.pathname}${u.search}`);
      return await new Promise<Buffer>((resolve, reject) => {
        const mod = u.protocol === 'https:' ? https : http;
        let done = false;
        const fail = (err: ApiError) => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          req.destroy();
          reject(err);
        };
        const req = mod.request(u, { method: 'GET', headers, agent: this.agent, ...this.tls }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', () => fail(new ApiError('the connection broke during the answer', 0, 'connection reset', path)));
          res.on('aborted', () => fail(new ApiError('the connection broke during the answer', 0, 'connection reset', path)));
          res.on('end', () => {
            if (done) return;
            if (!res.complete) return fail(new ApiError('the connection broke during the answer', 0, 'connection reset', path));
            const body = Buffer.concat(chunks);
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) {
              done = true;
              clearTimeout(timer);
              return resolve(body);
            }
            const ra = Number(res.headers['retry-after']);
            fail(statusError(status, body, path, Number.isFinite(ra) && ra >= 0 ? ra : undefined));
          });
        });
        const timer = setTimeout(() => fail(new ApiError(`no answer within ${seconds(timeout)}s`, 0, 'timed out', path)), timeout);
        req.on('error', (e: NodeJS.ErrnoException) => {
          if (isTLSRejection(e)) return fail(new ApiError(`${e.code}: ${e.message}`, 0, TLS_REJECTED, path));
          const reason = e.code === 'ECONNREFUSED' ? 'refused' : e.code === 'ECONNRESET' || e.code === 'EPIPE' ? 'connection reset' : e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN' ? 'host not found' : (e.code ?? 'failed');
          fail(new ApiError(e.message, 0, reason, path));
        });
        req.end();
      });
    } finally {
      this.release();
    }
  }
}

function statusError(status: number, body: Buffer, path: string, retryAfter?: number): ApiError {
  let message = '';
  let reason = http.STATUS_CODES[status] ?? 'error';
  try {
    const s = JSON.parse(body.toString('utf8')) as { kind?: string; message?: string; reason?: string };
    if (s && s.kind === 'Status') {
      message = typeof s.message === 'string' ? s.message : '';
      if (typeof s.reason === 'string' && s.reason) reason = s.reason;
    }
  } catch {
    message = body.toString('utf8', 0, Math.min(body.length, 200)).split('\n')[0] ?? '';
  }
  return new ApiError(message, status, reason, path, retryAfter);
}

/** The kubeconfig as client-node is to see it for a server without TLS: skipTLSVerify, and no user. */
function withoutTLS(config: ResolvedConfig): KubeConfig {
  const kc = new KubeConfig();
  const { kc: src } = config;
  kc.loadFromOptions({
    clusters: src.clusters.map((c) => (c.name === config.cluster.name ? { ...c, skipTLSVerify: true } : c)),
    users: [],
    contexts: src.contexts.map((c) => (c.name === src.currentContext ? { name: c.name, cluster: c.cluster } : c)),
    currentContext: src.currentContext,
  });
  return kc;
}

/**
 * The continue token of a list answer, read from the head of its body before the items (where the
 * API server writes a list's metadata); undefined when it is not there.
 */
export function peekContinue(raw: Buffer): string | undefined {
  const head = raw.subarray(0, 4096).toString('latin1');
  const items = head.indexOf('"items"');
  const meta = items >= 0 ? head.slice(0, items) : head;
  const m = /"continue"\s*:\s*("(?:[^"\\]|\\.)*")/.exec(meta);
  if (!m) return undefined;
  try {
    const token = JSON.parse(m[1]!) as unknown;
    return typeof token === 'string' && token !== '' ? token : undefined;
  } catch {
    return undefined;
  }
}
