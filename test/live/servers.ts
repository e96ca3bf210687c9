// Shared by the live-source tests that need an API server of their own making (what replay does
// not do: refuse credentials, look at the headers it is sent, sit behind a proxy): a real HTTP(S)
// server on 127.0.0.1 that records every request and is always closed, the real command line run
// in a child process without blocking this one, and kubeconfig files.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { ROOT } from '../helpers/cli.js';

export interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
}

export interface ApiServer {
  url: string;
  port: number;
  requests: Seen[];
  /** connections accepted (TCP; a TLS handshake that fails is one too) */
  connections(): number;
  close(): Promise<void>;
}

export const VERSION_BODY = JSON.stringify({ major: '1', minor: '31', gitVersion: 'v1.31.0' });

/** Answers /version, and every other GET with an empty list (a cluster with nothing in it). */
export function emptyCluster(req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(req.url?.startsWith('/version') ? VERSION_BODY : JSON.stringify({ kind: 'List', apiVersion: 'v1', metadata: { resourceVersion: '1' }, items: [] }));
}

/** A server on 127.0.0.1 (TLS when given a key and certificate); every request is recorded before the handler sees it. */
export async function startApi(handler: (req: IncomingMessage, res: ServerResponse) => void = emptyCluster, tls?: { key: string | Buffer; cert: string | Buffer }): Promise<ApiServer> {
  const requests: Seen[] = [];
  const sockets = new Set<Socket>();
  let connections = 0;
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    handler(req, res);
  };
  const server = tls ? https.createServer(tls, listener) : http.createServer(listener);
  server.on('connection', (s: Socket) => {
    connections++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    requests,
    connections: () => connections,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

export interface ChildRun {
  code: number;
  stdout: string;
  stderr: string;
  elapsed: number;
}

/** The real command line in a child process, asynchronously (a server in this process keeps answering). */
export function runChild(args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): Promise<ChildRun> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    // tsx by its own path: the working directory may be anywhere
    const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), join(ROOT, 'src', 'cli', 'metallb-doctor.ts'), ...args], {
      cwd: opts.cwd ?? ROOT,
      env: { PATH: process.env.PATH, NO_COLOR: '1', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr, elapsed: Date.now() - t0 });
    });
  });
}

/** A kubeconfig of one context "test" (cluster "test", user "u") with these cluster and user fields. */
export function writeKubeconfig(file: string, cluster: Record<string, unknown>, user: Record<string, unknown> = {}): string {
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'test', cluster }],
    users: [{ name: 'u', user }],
    contexts: [{ name: 'test', context: { cluster: 'test', user: 'u' } }],
    'current-context': 'test',
  };
  // JSON is YAML: client-node and kubectl read it alike
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

/** A name no resolver knows: only a proxy that maps it to 127.0.0.1 reaches a server by it. */
export const PROXIED_HOST = 'kube.invalid';

export interface Proxy {
  url: string;
  /** the CONNECT targets asked for, in order */
  connects: string[];
  close(): Promise<void>;
}

/** An HTTP proxy that tunnels CONNECT (as kubectl's proxy-url and client-node's hpagent use it) to 127.0.0.1, whatever the host asked for. */
export async function startConnectProxy(): Promise<Proxy> {
  const connects: string[] = [];
  const sockets = new Set<Socket>();
  const track = (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => s.destroy());
  };
  const server = http.createServer((_req, res) => res.writeHead(405).end());
  server.on('connection', track);
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    connects.push(req.url ?? '');
    const port = Number((req.url ?? '').split(':').pop());
    const upstream = connect(port, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    track(upstream);
    upstream.on('close', () => client.destroy());
    client.on('close', () => upstream.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    connects,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** A self-signed certificate for 127.0.0.1 (and PROXIED_HOST) (openssl, in `dir`): the key, the certificate, and the certificate as kubeconfig data. */
export function selfSigned(dir: string): { key: Buffer; cert: Buffer; caData: string } {
  const key = join(dir, 'server.key');
  const crt = join(dir, 'server.crt');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', `subjectAltName=IP:127.0.0.1,DNS:${PROXIED_HOST}`, '-keyout', key, '-out', crt], { stdio: 'ignore' });
  const cert = readFileSync(crt);
  return { key: readFileSync(key), cert, caData: cert.toString('base64') };
}

/**
 * An HTTPS server (a fresh self-signed certificate, `handler` or an empty cluster) for the
 * duration of fn, always closed; fn gets it and the kubeconfig cluster fields that trust it.
 */
export async function withTlsApi<T>(dir: string, fn: (api: ApiServer, cluster: Record<string, unknown>) => Promise<T>, handler = emptyCluster): Promise<T> {
  const tls = selfSigned(dir);
  const api = await startApi(handler, tls);
  try {
    return await fn(api, { server: api.url, 'certificate-authority-data': tls.caData });
  } finally {
    await api.close();
  }
}
