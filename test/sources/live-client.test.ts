// The live source's HTTP client against scripted API servers on 127.0.0.1: the headers it sends,
// paging, the restart after an expired continue token, retries and what is not retried, timeouts,
// and that nothing but GET is ever sent.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiError, KubeClient, peekContinue, type ClientOptions } from '../../src/sources/live/client.js';
import { resolveKubeconfig, type ResolvedConfig } from '../../src/sources/live/kubeconfig.js';

let tmp: string;
let seq = 0;
before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'mld-client-'));
});
after(() => rmSync(tmp, { recursive: true, force: true }));

interface Seen {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
}
/** n: 0-based index of the request among those the server saw */
type Handler = (req: IncomingMessage, res: ServerResponse, n: number, seen: Seen) => void;

interface Server {
  url: string;
  port: number;
  seen: Seen[];
  close(): Promise<void>;
}

/** A node:http server on 127.0.0.1, port 0, answering each request with `handler`. */
async function serve(handler: Handler): Promise<Server> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    const s: Seen = { method: req.method ?? '', path: u.pathname, query: u.searchParams, headers: req.headers };
    seen.push(s);
    handler(req, res, seen.length - 1, s);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The resolved kubeconfig of a file naming `server` (plain http, no insecure-skip-tls-verify) and token t0ken. */
function resolvedFor(server: string): ResolvedConfig {
  const file = join(tmp, `kubeconfig-${++seq}`);
  writeFileSync(
    file,
    [
      'apiVersion: v1',
      'kind: Config',
      'current-context: test',
      'clusters:',
      '- name: test-cluster',
      '  cluster:',
      `    server: ${server}`,
      'users:',
      '- name: test-user',
      '  user:',
      '    token: t0ken',
      'contexts:',
      '- name: test',
      '  context:',
      '    cluster: test-cluster',
      '    user: test-user',
      '',
    ].join('\n'),
  );
  return resolveKubeconfig({ kubeconfig: file, env: { HOME: tmp } });
}

const opts = (o: Partial<ClientOptions> = {}): ClientOptions => ({ requestTimeoutMs: 5000, deadline: Date.now() + 30_000, ...o });

/** Runs `fn` with a server scripted by `handler` and a client of it; both closed whatever happens. */
async function withClient(handler: Handler, o: Partial<ClientOptions>, fn: (client: KubeClient, srv: Server) => Promise<void>, prefix = ''): Promise<void> {
  const srv = await serve(handler);
  let client: KubeClient | undefined;
  try {
    client = await KubeClient.create(resolvedFor(`${srv.url}${prefix}`), opts(o));
    await fn(client, srv);
    onlyGets(client, srv);
  } finally {
    client?.close();
    await srv.close();
  }
}

/** The client counted every request the server saw, and every one of them was a GET. */
function onlyGets(client: KubeClient, srv: Server): void {
  assert.equal(client.sent.get('GET') ?? 0, srv.seen.length);
  assert.deepEqual([...client.sent.keys()].filter((m) => m !== 'GET'), []);
  assert.deepEqual(srv.seen.filter((s) => s.method !== 'GET'), []);
  assert.equal(client.requestCount, srv.seen.length);
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

const statusBody = (code: number, reason: string, message: string) => ({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });

/** The ApiError a promise rejects with. */
async function apiError(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ApiError, `expected ApiError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected an ApiError, the call succeeded');
}

const POD = { kind: 'Pod', apiVersion: 'v1', metadata: { name: 'p', namespace: 'default' } };

describe('requests', () => {
  test('plain http without insecure-skip-tls-verify is accepted, as kubectl does', () => {
    const r = resolvedFor('http://127.0.0.1:1');
    assert.equal(r.cluster.skipTLSVerify, false);
    assert.equal(r.cluster.server, 'http://127.0.0.1:1');
  });

  test('no credentials over plain http, as kubectl (the token stays home); GET, Accept application/json, the path and query', async () => {
    const requests: string[] = [];
    await withClient(
      (_req, res) => json(res, 200, POD),
      { onRequest: (m, p) => requests.push(`${m} ${p}`) },
      async (client, srv) => {
        const body = await client.getJSON<typeof POD>('/api/v1/namespaces/default/pods/p', { pretty: false, fieldSelector: 'a=b', empty: '', none: undefined });
        assert.deepEqual(body, POD);
        assert.equal(srv.seen.length, 1);
        const s = srv.seen[0]!;
        assert.equal(s.method, 'GET');
        assert.equal(s.headers.authorization, undefined);
        assert.equal(s.headers.accept, 'application/json');
        assert.equal(s.path, '/api/v1/namespaces/default/pods/p');
        assert.equal(s.query.get('fieldSelector'), 'a=b');
        assert.equal(s.query.get('pretty'), 'false');
        assert.equal(s.query.has('empty'), false);
        assert.equal(s.query.has('none'), false);
        assert.deepEqual(requests, ['GET /api/v1/namespaces/default/pods/p?pretty=false&fieldSelector=a%3Db']);
      },
    );
  });

  test('get passes the Accept it is given and returns the raw body', async () => {
    await withClient(
      (_req, res) => {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.end('line one\nline two\n');
      },
      {},
      async (client, srv) => {
        const body = await client.get('/api/v1/namespaces/x/pods/y/log', { container: 'c' }, 'text/plain');
        assert.equal(body.toString('utf8'), 'line one\nline two\n');
        assert.equal(srv.seen[0]!.headers.accept, 'text/plain');
      },
    );
  });

  test('a server path prefix is kept before the API path', async () => {
    await withClient(
      (_req, res) => json(res, 200, POD),
      {},
      async (client, srv) => {
        await client.getJSON('/api/v1/namespaces/default/pods/p');
        await client.list('/apis/metallb.io/v1beta1/ipaddresspools');
        assert.deepEqual(
          srv.seen.map((s) => s.path),
          ['/k8s/clusters/c-1/api/v1/namespaces/default/pods/p', '/k8s/clusters/c-1/apis/metallb.io/v1beta1/ipaddresspools'],
        );
      },
      '/k8s/clusters/c-1',
    );
  });

  test('a trailing slash on the server does not double the slash', async () => {
    await withClient(
      (_req, res) => json(res, 200, POD),
      {},
      async (client, srv) => {
        await client.getJSON('/version');
        assert.equal(srv.seen[0]!.path, '/k8s/version');
      },
      '/k8s/',
    );
  });
});

/** A list server: `total` pods named p0.., paged by `limit` with an offset as continue token. */
function pager(total: number, opts: { kindless?: boolean; expireFirstContinue?: number } = {}): Handler {
  let expired = 0;
  return (_req, res, _n, s) => {
    const limit = Number(s.query.get('limit') ?? '0');
    const token = s.query.get('continue');
    if (token && expired < (opts.expireFirstContinue ?? 0)) {
      expired++;
      return json(res, 410, statusBody(410, 'Expired', 'The provided continue parameter is too old to display a consistent list result.'));
    }
    const from = token ? Number(token.slice('tok-'.length)) : 0;
    const to = limit > 0 ? Math.min(from + limit, total) : total;
    const items = [];
    for (let i = from; i < to; i++) {
      // p3 is a custom object that carries its own kind and apiVersion
      if (i === 3) items.push({ kind: 'Custom', apiVersion: 'example.com/v1', metadata: { name: `p${i}` } });
      else items.push({ metadata: { name: `p${i}`, namespace: 'default' } });
    }
    const metadata: Record<string, string> = { resourceVersion: `rv-${from}` };
    if (to < total) metadata.continue = `tok-${to}`;
    json(res, 200, { kind: 'PodList', apiVersion: 'v1', metadata, items });
  };
}

describe('list', () => {
  test('pages with limit and continue, returns every item in order, kind and apiVersion from the list', async () => {
    const pages: number[] = [];
    await withClient(pager(7), { chunkSize: 3 }, async (client, srv) => {
      const seen: string[][] = [];
      const r = await client.list('/api/v1/pods', { labelSelector: 'app=x' }, (page, n) => {
        pages.push(n);
        seen.push(page.map((i) => i.metadata.name as string));
      });
      assert.deepEqual(seen, [['p0', 'p1', 'p2'], ['p3', 'p4', 'p5'], ['p6']]);
      assert.deepEqual(
        r.items.map((i) => i.metadata.name),
        ['p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6'],
      );
      for (const it of r.items) {
        if (it.metadata.name === 'p3') assert.deepEqual([it.kind, it.apiVersion], ['Custom', 'example.com/v1']);
        else assert.deepEqual([it.kind, it.apiVersion], ['Pod', 'v1']);
      }
      assert.equal(r.resourceVersion, 'rv-6');
      assert.deepEqual(pages, [3, 6, 7]);
      assert.equal(srv.seen.length, 3);
      assert.deepEqual(
        srv.seen.map((s) => [s.query.get('limit'), s.query.get('continue'), s.query.get('labelSelector')]),
        [
          ['3', null, 'app=x'],
          ['3', 'tok-3', 'app=x'],
          ['3', 'tok-6', 'app=x'],
        ],
      );
    });
  });

  test('pipelined: the next page is asked for before this one is parsed and handed over', async () => {
    await withClient(pager(7), { chunkSize: 3 }, async (client) => {
      const askedAtPage: number[] = [];
      const r = await client.list('/api/v1/pods', {}, () => askedAtPage.push(client.requestCount));
      assert.equal(r.items.length, 7);
      // page 1 in hand: page 2 already asked; page 2: page 3; the last page asks for nothing more
      assert.deepEqual(askedAtPage, [2, 3, 3]);
    });
  });

  test('a server that writes its list metadata after the items: pages one after the other, all read', async () => {
    const inner = pager(7);
    const itemsFirst: Handler = (req, res, n, s) => {
      const fake = {
        writeHead: (status: number, headers: Record<string, string>) => ({ status, headers }),
        end: (text: string) => {
          const b = JSON.parse(text) as Record<string, unknown>;
          const reordered = JSON.stringify({ kind: b.kind, apiVersion: b.apiVersion, items: b.items, metadata: b.metadata });
          res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(reordered) });
          res.end(reordered);
        },
      };
      inner(req, fake as unknown as ServerResponse, n, s);
    };
    await withClient(itemsFirst, { chunkSize: 3 }, async (client) => {
      const askedAtPage: number[] = [];
      const r = await client.list('/api/v1/pods', {}, () => askedAtPage.push(client.requestCount));
      assert.deepEqual(r.items.map((i) => i.metadata.name), ['p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6']);
      assert.deepEqual(askedAtPage, [1, 2, 3]);
    });
  });

  test('peekContinue reads the token from the metadata before the items, and nothing else', () => {
    const body = (o: unknown) => Buffer.from(JSON.stringify(o));
    assert.equal(peekContinue(body({ kind: 'PodList', metadata: { resourceVersion: '5', continue: 'eyJ2Ijoi\u002b/=' }, items: [] })), 'eyJ2Ijoi+/=');
    assert.equal(peekContinue(body({ kind: 'PodList', metadata: { continue: 'a"b\\c' }, items: [] })), 'a"b\\c');
    // after the items: an item's field of that name is no token
    assert.equal(peekContinue(body({ kind: 'PodList', items: [{ metadata: { name: 'x' }, continue: 'no' }], metadata: { continue: 'late' } })), undefined);
    assert.equal(peekContinue(body({ kind: 'PodList', metadata: { continue: '' }, items: [] })), undefined);
    assert.equal(peekContinue(body({ kind: 'PodList', metadata: { resourceVersion: '5' }, items: [] })), undefined);
    // a token cut off by the end of what was read
    assert.equal(peekContinue(Buffer.from('{"kind":"PodList","metadata":{"continue":"abc')), undefined);
  });

  test('chunkSize 0: one request without limit', async () => {
    await withClient(pager(5), { chunkSize: 0 }, async (client, srv) => {
      const r = await client.list('/api/v1/pods');
      assert.equal(r.items.length, 5);
      assert.equal(srv.seen.length, 1);
      assert.equal(srv.seen[0]!.query.has('limit'), false);
    });
  });

  test('410 Gone on a continue request: the list starts again once, without duplicates', async () => {
    await withClient(pager(7, { expireFirstContinue: 1 }), { chunkSize: 3 }, async (client, srv) => {
      const r = await client.list('/api/v1/pods');
      assert.deepEqual(
        r.items.map((i) => i.metadata.name),
        ['p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6'],
      );
      // page 1, page 2 (410), page 1 again, page 2, page 3
      assert.deepEqual(
        srv.seen.map((s) => s.query.get('continue')),
        [null, 'tok-3', null, 'tok-3', 'tok-6'],
      );
    });
  });

  test('410 Gone twice: the second is an ApiError 410', async () => {
    await withClient(pager(7, { expireFirstContinue: 2 }), { chunkSize: 3 }, async (client, srv) => {
      const e = await apiError(client.list('/api/v1/pods'));
      assert.equal(e.status, 410);
      assert.equal(e.reason, 'Expired');
      assert.equal(srv.seen.length, 4);
    });
  });

  test('410 Gone on the first page is not a restart', async () => {
    await withClient(
      (_req, res) => json(res, 410, statusBody(410, 'Gone', 'gone')),
      { chunkSize: 3 },
      async (client, srv) => {
        const e = await apiError(client.list('/api/v1/pods'));
        assert.equal(e.status, 410);
        assert.equal(srv.seen.length, 1);
      },
    );
  });
});

describe('retries', () => {
  test('429 with Retry-After: 0, then 200: success after two requests', async () => {
    await withClient(
      (_req, res, n) => (n === 0 ? json(res, 429, statusBody(429, 'TooManyRequests', 'slow down'), { 'Retry-After': '0' }) : json(res, 200, POD)),
      {},
      async (client, srv) => {
        assert.deepEqual(await client.getJSON('/api/v1/namespaces/default/pods/p'), POD);
        assert.equal(srv.seen.length, 2);
      },
    );
  });

  test('429 with Retry-After: 6 (longer than any backoff), then 200: waited out in full, within the deadline', async () => {
    await withClient(
      // (the connection closes with the 429: kept alive 6 s, this test server would close it under the client)
      (_req, res, n) => (n === 0 ? json(res, 429, statusBody(429, 'TooManyRequests', 'slow down'), { 'Retry-After': '6', Connection: 'close' }) : json(res, 200, POD)),
      { requestTimeoutMs: 20_000, deadline: Date.now() + 20_000 },
      async (client, srv) => {
        const start = Date.now();
        assert.deepEqual(await client.getJSON('/api/v1/namespaces/default/pods/p'), POD);
        assert.ok(Date.now() - start >= 5900, `took ${Date.now() - start} ms`);
        assert.equal(srv.seen.length, 2);
      },
    );
  });

  test('429 with a Retry-After past the deadline: the 429 at once, not a wait nor "timed out"', async () => {
    await withClient(
      (_req, res) => json(res, 429, statusBody(429, 'TooManyRequests', 'slow down'), { 'Retry-After': '120' }),
      { requestTimeoutMs: 20_000, deadline: Date.now() + 20_000 },
      async (client, srv) => {
        const start = Date.now();
        const e = await apiError(client.getJSON('/api/v1/namespaces/default/pods/p'));
        assert.equal(e.status, 429);
        assert.equal(e.retryAfter, 120);
        assert.ok(Date.now() - start < 2000, `took ${Date.now() - start} ms`);
        assert.equal(srv.seen.length, 1);
      },
    );
  });

  test('503 three times, then 200, with maxRetries 4: success after four requests', async () => {
    await withClient(
      (_req, res, n) => (n < 3 ? json(res, 503, statusBody(503, 'ServiceUnavailable', 'try later')) : json(res, 200, POD)),
      { maxRetries: 4 },
      async (client, srv) => {
        assert.deepEqual(await client.getJSON('/api/v1/namespaces/default/pods/p'), POD);
        assert.equal(srv.seen.length, 4);
      },
    );
  });

  test('503 more often than maxRetries allows: the 503 is the error', async () => {
    await withClient(
      (_req, res) => json(res, 503, statusBody(503, 'ServiceUnavailable', 'try later'), { 'Retry-After': '0' }),
      { maxRetries: 1 },
      async (client, srv) => {
        const e = await apiError(client.getJSON('/api/v1/pods'));
        assert.equal(e.status, 503);
        assert.equal(srv.seen.length, 2);
      },
    );
  });

  test('500 always: ApiError 500 after 1 + maxRetries requests, why starts with "500"', async () => {
    await withClient(
      (_req, res) => {
        res.writeHead(500, { 'Content-Type': 'text/plain', 'Retry-After': '0' });
        res.end('etcd is down\nmore detail');
      },
      { maxRetries: 3 },
      async (client, srv) => {
        const e = await apiError(client.getJSON('/api/v1/pods'));
        assert.equal(e.status, 500);
        assert.ok(e.why.startsWith('500'), e.why);
        assert.equal(e.why, '500 Internal Server Error: etcd is down');
        assert.equal(e.path, '/api/v1/pods');
        assert.equal(srv.seen.length, 4);
      },
    );
  });

  test('403 with a Status body: ApiError 403 "forbidden", not retried', async () => {
    const message = 'pods is forbidden: User "system:serviceaccount:x:y" cannot list resource "pods" in API group "" at the cluster scope';
    await withClient(
      (_req, res) => json(res, 403, { kind: 'Status', message, reason: 'Forbidden', code: 403 }),
      { maxRetries: 4 },
      async (client, srv) => {
        const e = await apiError(client.list('/api/v1/pods'));
        assert.equal(e.status, 403);
        assert.equal(e.why, 'forbidden');
        assert.equal(e.reason, 'Forbidden');
        assert.equal(e.message, message);
        assert.equal(srv.seen.length, 1);
      },
    );
  });

  test('404: ApiError "not found", not retried', async () => {
    await withClient(
      (_req, res) => json(res, 404, statusBody(404, 'NotFound', 'the server could not find the requested resource')),
      {},
      async (client, srv) => {
        const e = await apiError(client.getJSON('/apis/metallb.io/v1beta1/bgppeers'));
        assert.equal(e.status, 404);
        assert.equal(e.why, 'not found');
        assert.equal(srv.seen.length, 1);
      },
    );
  });
});

/** Sends the headers of a complete answer and half of its body, then breaks the connection. */
function cutMidway(res: ServerResponse, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.write(text.slice(0, Math.floor(text.length / 2)), () => res.socket?.destroy());
}

/** A complete 200 answer whose body is JSON cut short. */
function truncatedJSON(res: ServerResponse, body: unknown): void {
  const text = JSON.stringify(body);
  const half = text.slice(0, Math.floor(text.length / 2));
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(half) });
  res.end(half);
}

describe('broken answers', () => {
  test('a body cut mid-way is asked again', async () => {
    await withClient(
      (_req, res, n) => (n === 0 ? cutMidway(res, POD) : json(res, 200, POD)),
      { maxRetries: 2 },
      async (client, srv) => {
        assert.deepEqual(await client.getJSON('/api/v1/namespaces/default/pods/p'), POD);
        assert.equal(srv.seen.length, 2);
      },
    );
  });

  test('a body always cut: ApiError status 0 "connection reset"', async () => {
    await withClient(
      (_req, res) => cutMidway(res, POD),
      { maxRetries: 2 },
      async (client, srv) => {
        const e = await apiError(client.getJSON('/api/v1/namespaces/default/pods/p'));
        assert.equal(e.status, 0);
        assert.equal(e.reason, 'connection reset');
        assert.equal(e.why, 'connection reset');
        assert.equal(srv.seen.length, 3);
      },
    );
  });

  test('a complete answer with truncated JSON: getJSON asks again', async () => {
    await withClient(
      (_req, res, n) => (n === 0 ? truncatedJSON(res, POD) : json(res, 200, POD)),
      { maxRetries: 2 },
      async (client, srv) => {
        assert.deepEqual(await client.getJSON('/api/v1/namespaces/default/pods/p'), POD);
        assert.equal(srv.seen.length, 2);
      },
    );
  });

  test('always truncated JSON: ApiError "truncated answer" after 1 + maxRetries requests', async () => {
    await withClient(
      (_req, res) => truncatedJSON(res, POD),
      { maxRetries: 2 },
      async (client, srv) => {
        const e = await apiError(client.getJSON('/api/v1/namespaces/default/pods/p'));
        assert.equal(e.status, 0);
        assert.equal(e.reason, 'truncated answer');
        assert.equal(srv.seen.length, 3);
      },
    );
  });

  test('truncated JSON is only getJSON\'s concern: get returns the bytes', async () => {
    await withClient(
      (_req, res) => truncatedJSON(res, POD),
      {},
      async (client, srv) => {
        const body = await client.get('/api/v1/namespaces/default/pods/p');
        assert.equal(body.toString('utf8'), JSON.stringify(POD).slice(0, Math.floor(JSON.stringify(POD).length / 2)));
        assert.equal(srv.seen.length, 1);
      },
    );
  });
});

describe('time and transport', () => {
  test('a server that never answers: "timed out" after the request timeout, not retried', async () => {
    await withClient(
      () => {
        // never answers; the server closes the connection when the test ends
      },
      { requestTimeoutMs: 300, maxRetries: 4 },
      async (client, srv) => {
        const start = Date.now();
        const e = await apiError(client.getJSON('/api/v1/pods'));
        const took = Date.now() - start;
        assert.equal(e.status, 0);
        assert.equal(e.reason, 'timed out');
        assert.equal(e.why, 'timed out');
        assert.ok(took >= 250, `took ${took} ms`);
        assert.ok(took < 5000, `took ${took} ms`);
        assert.equal(srv.seen.length, 1);
      },
    );
  });

  test('the deadline bounds a call whose request timeout is longer', async () => {
    await withClient(
      () => {},
      { requestTimeoutMs: 60_000, deadline: Date.now() + 300 },
      async (client) => {
        const start = Date.now();
        const e = await apiError(client.getJSON('/api/v1/pods'));
        assert.equal(e.reason, 'timed out');
        assert.ok(Date.now() - start < 5000);
      },
    );
  });

  test('a call that waits for its place: the time left is counted once it has it, so the deadline holds', async () => {
    // one place; each answer takes 700 ms; the deadline is 1,000 ms away: the second call gets
    // its place at 700 ms and may wait 300 ms more, not a whole request timeout
    await withClient(
      (_req, res) => void setTimeout(() => json(res, 200, POD), 700),
      { concurrency: 1, requestTimeoutMs: 1000, deadline: Date.now() + 1000 },
      async (client, srv) => {
        const start = Date.now();
        const [first, second] = await Promise.allSettled([client.getJSON('/api/v1/pods/a'), client.getJSON('/api/v1/pods/b')]);
        const took = Date.now() - start;
        assert.equal(first.status, 'fulfilled');
        assert.equal(second.status, 'rejected');
        assert.equal((second as PromiseRejectedResult).reason.reason, 'timed out');
        assert.ok(took < 1300, `took ${took} ms`);
        assert.equal(srv.seen.length, 2);
      },
    );
  });

  test('a call that never gets its place: "timed out" at the deadline, never sent', async () => {
    await withClient(
      () => {},
      { concurrency: 1, requestTimeoutMs: 0, deadline: Date.now() + 400 },
      async (client, srv) => {
        const start = Date.now();
        const [first, second] = await Promise.allSettled([client.getJSON('/api/v1/pods/a'), client.getJSON('/api/v1/pods/b')]);
        assert.ok(Date.now() - start < 1000, `took ${Date.now() - start} ms`);
        for (const r of [first, second]) assert.equal((r as PromiseRejectedResult).reason.reason, 'timed out');
        assert.equal(srv.seen.length, 1);
      },
    );
  });

  test('a deadline in the past: "timed out" without any request', async () => {
    await withClient(
      (_req, res) => json(res, 200, POD),
      { deadline: Date.now() - 1 },
      async (client, srv) => {
        const e = await apiError(client.getJSON('/api/v1/pods'));
        assert.equal(e.status, 0);
        assert.equal(e.reason, 'timed out');
        assert.equal(srv.seen.length, 0);
        assert.equal(client.sent.get('GET') ?? 0, 0);
      },
    );
  });

  test('connection refused: ApiError status 0 "refused", not retried', async () => {
    // a port that was open a moment ago and is closed now
    const gone = await serve(() => {});
    const port = gone.port;
    await gone.close();
    const requests: string[] = [];
    const client = await KubeClient.create(resolvedFor(`http://127.0.0.1:${port}`), opts({ maxRetries: 4, onRequest: (m, p) => requests.push(`${m} ${p}`) }));
    try {
      const start = Date.now();
      const e = await apiError(client.getJSON('/api/v1/pods'));
      assert.equal(e.status, 0);
      assert.equal(e.reason, 'refused');
      assert.equal(e.why, 'refused');
      assert.equal(client.sent.get('GET'), 1);
      assert.deepEqual([...client.sent.keys()], ['GET']);
      assert.deepEqual(requests, ['GET /api/v1/pods']);
      // no backoff either
      assert.ok(Date.now() - start < 2000);
    } finally {
      client.close();
    }
  });
});

describe('only GET', () => {
  test('a mixed session: every request counted, all GET', async () => {
    await withClient(
      (_req, res, n) => (n % 3 === 1 ? json(res, 503, statusBody(503, 'ServiceUnavailable', 'x'), { 'Retry-After': '0' }) : json(res, 200, { kind: 'PodList', apiVersion: 'v1', metadata: {}, items: [{ metadata: { name: `p${n}` } }] })),
      { maxRetries: 2 },
      async (client, srv) => {
        await client.getJSON('/api/v1/pods');
        await client.list('/api/v1/pods');
        await client.get('/version');
        await client.list('/api/v1/nodes');
        assert.ok(srv.seen.length >= 4);
        assert.equal(client.sent.get('GET'), srv.seen.length);
        assert.deepEqual([...client.sent.keys()], ['GET']);
      },
    );
  });
});
