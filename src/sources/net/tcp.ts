// `probe tcp IP:PORT`: does the port accept a TCP connection on the address, how fast, and does it
// answer HTTP. Plain node:net, no shell and no DNS: the tool probes addresses, never names.

import { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { formatIP, parseIP, type IP } from '../../model/address.js';
import type { TcpProbe } from '../../model/probe.js';

export interface TcpProbeOptions {
  /** how long the connect may take, ms (default 3000) */
  timeoutMs?: number;
  /** send a GET / after connecting and read the status line (default true) */
  http?: boolean;
  /** how long the HTTP answer may take once connected, ms (default 2000) */
  httpTimeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 3000;
const DEFAULT_HTTP_TIMEOUT_MS = 2000;
/** Enough for any sane status line and headers; a port streaming data at us is not read further. */
const MAX_READ = 64 * 1024;

/** `IP:PORT` or `[v6]:PORT` as the user writes it; the address comes back in its canonical form. */
export function parseTarget(text: string): { address: string; port: number } | undefined {
  let host: string;
  let portText: string;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0 || text[close + 1] !== ':') return undefined;
    host = text.slice(1, close);
    portText = text.slice(close + 2);
    // brackets are for IPv6 only; a bare `1.2.3.4` in them is a typo worth refusing
    if (!host.includes(':')) return undefined;
  } else {
    const colon = text.lastIndexOf(':');
    if (colon < 0) return undefined;
    host = text.slice(0, colon);
    portText = text.slice(colon + 1);
    // `::1:80` is ambiguous (is 80 the port or the last group?): IPv6 needs its brackets
    if (host.includes(':')) return undefined;
  }
  const ip = parseIP(host);
  const port = parsePort(portText);
  if (ip === undefined || port === undefined) return undefined;
  return { address: formatIP(ip), port };
}

function parsePort(s: string): number | undefined {
  if (!/^[0-9]{1,5}$/.test(s)) return undefined;
  const n = Number(s);
  return n >= 1 && n <= 65535 ? n : undefined;
}

/** `IP:PORT`, with IPv6 in brackets. */
export function formatTarget(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

export type ConnectOutcome =
  | { result: 'refused' | 'timeout' | 'unreachable' }
  | { result: 'error'; error: { code: string; message: string } };

/**
 * What a failed connect says about the network. ETIMEDOUT is the kernel giving up on SYN
 * retries (only seen with a timeout longer than its ~2 minutes): the same verdict as ours.
 * EHOSTDOWN is what BSD-derived stacks return when ARP gets no answer, Linux's EHOSTUNREACH.
 */
export function classifyConnectError(err: unknown): ConnectOutcome {
  const e = err as NodeJS.ErrnoException | undefined;
  const code = typeof e?.code === 'string' ? e.code : undefined;
  switch (code) {
    case 'ECONNREFUSED':
      return { result: 'refused' };
    case 'ETIMEDOUT':
      return { result: 'timeout' };
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EHOSTDOWN':
      return { result: 'unreachable' };
    default:
      return {
        result: 'error',
        error: { code: code ?? 'failed', message: e instanceof Error ? e.message : String(err) },
      };
  }
}

export async function probeTcp(address: string, port: number, opts: TcpProbeOptions = {}): Promise<TcpProbe> {
  const start = performance.now();
  const ip = parseIP(address);
  const addr = ip === undefined ? address : formatIP(ip);
  const base = { kind: 'tcp' as const, target: formatTarget(addr, port), address: addr, port };
  if (ip === undefined || !Number.isInteger(port) || port < 1 || port > 65535) {
    const what = ip === undefined ? `${JSON.stringify(address)} is not an IP address` : `${port} is not a TCP port (1-65535)`;
    return { ...base, result: 'error', error: { code: 'failed', message: what }, durationMs: Math.round(performance.now() - start) };
  }

  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const socket = new Socket();
  // every error is read where it matters (the connect, the HTTP read); one arriving between the
  // two, or as the socket is destroyed, must not become an uncaught exception
  socket.on('error', () => {});
  try {
    const connect = await connectSocket(socket, ip, addr, port, timeoutMs, start);
    if (!connect.ok) {
      return { ...base, ...connect.outcome, durationMs: Math.round(performance.now() - start) };
    }
    const http = opts.http === false ? undefined : await askHttp(socket, ip, addr, port, opts.httpTimeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS);
    const probe: TcpProbe = { ...base, result: 'open', connectMs: connect.connectMs, durationMs: 0 };
    if (http !== undefined) probe.http = http;
    probe.durationMs = Math.round(performance.now() - start);
    return probe;
  } finally {
    socket.destroy();
  }
}

function connectSocket(
  socket: Socket,
  ip: IP,
  addr: string,
  port: number,
  timeoutMs: number,
  start: number,
): Promise<{ ok: true; connectMs: number } | { ok: false; outcome: ConnectOutcome }> {
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const done = (r: { ok: true; connectMs: number } | { ok: false; outcome: ConnectOutcome }) => {
      if (timer !== undefined) clearTimeout(timer);
      socket.removeListener('connect', onConnect);
      socket.removeListener('error', onError);
      resolve(r);
    };
    const onConnect = () => done({ ok: true, connectMs: Math.round((performance.now() - start) * 10) / 10 });
    const onError = (err: Error) => done({ ok: false, outcome: classifyConnectError(err) });
    socket.once('connect', onConnect);
    socket.once('error', onError);
    timer = setTimeout(() => {
      socket.destroy();
      done({ ok: false, outcome: { result: 'timeout' } });
    }, timeoutMs);
    socket.connect({ host: addr, port, family: ip.family });
  });
}

type HttpAnswer = NonNullable<TcpProbe['http']>;

/**
 * GET / and the answer's status line and Server header, or undefined when the port does not speak
 * HTTP: nothing within the time, a banner of its own, a close, or anything but `HTTP/1.x NNN`.
 */
function askHttp(socket: Socket, ip: IP, addr: string, port: number, timeoutMs: number): Promise<HttpAnswer | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let finished = false;
    const finish = (eof: boolean) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      socket.removeListener('data', onData);
      socket.removeListener('end', onEnd);
      socket.removeListener('close', onAbort);
      socket.removeListener('error', onAbort);
      socket.destroy();
      resolve(parseHttpHead(Buffer.concat(chunks).toString('latin1'), eof));
    };
    const onData = (chunk: Buffer) => {
      const room = MAX_READ - size;
      const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
      chunks.push(kept);
      size += kept.length;
      if (size >= MAX_READ) return finish(false);
      const head = Buffer.concat(chunks).toString('latin1');
      if (!couldBeHttp(head) || /\r?\n\r?\n/.test(head)) finish(false);
    };
    const onEnd = () => finish(true);
    // a reset or a close without FIN: whatever ends in a partial line is not an answer
    const onAbort = () => finish(false);
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.on('data', onData);
    socket.once('end', onEnd);
    socket.once('close', onAbort);
    socket.once('error', onAbort);
    // the Host of an IPv6 literal goes in brackets, and the port when not HTTP's own (RFC 9110 7.2)
    const host = (ip.family === 6 ? `[${addr}]` : addr) + (port === 80 ? '' : `:${port}`);
    socket.write(`GET / HTTP/1.1\r\nHost: ${host}\r\nUser-Agent: metallb-doctor\r\nConnection: close\r\n\r\n`);
  });
}

const PREFIX = 'HTTP/1.';
const STATUS_LINE = /^HTTP\/1\.[0-9] ([0-9]{3})(?: ([^\r\n]*))?$/;

/** False as soon as what arrived can no longer become an HTTP/1.x status line. */
function couldBeHttp(head: string): boolean {
  const n = Math.min(head.length, PREFIX.length);
  if (head.slice(0, n) !== PREFIX.slice(0, n)) return false;
  const eol = head.indexOf('\n');
  return eol < 0 || STATUS_LINE.test(stripCR(head.slice(0, eol)));
}

function stripCR(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

/**
 * The status and Server header of what was read. Only complete lines count, except that at the
 * end of the stream the last line is complete too (an old server closing after `HTTP/1.0 200 OK`).
 */
export function parseHttpHead(head: string, eof: boolean): HttpAnswer | undefined {
  const lines = head.split('\n');
  if (!eof) lines.pop(); // the part after the last newline is not a line yet
  const first = lines[0];
  if (first === undefined) return undefined;
  const m = STATUS_LINE.exec(stripCR(first));
  if (m === null) return undefined;
  const answer: HttpAnswer = { status: Number(m[1]) };
  const text = m[2]?.trim();
  if (text) answer.statusText = text;
  for (const raw of lines.slice(1)) {
    const line = stripCR(raw);
    if (line === '') break;
    const colon = line.indexOf(':');
    if (colon > 0 && line.slice(0, colon).trim().toLowerCase() === 'server') {
      const server = line.slice(colon + 1).trim();
      if (server) answer.server = server;
      break;
    }
  }
  return answer;
}
