// Fault mode at the HTTP level: each fault does what a flaky or locked-down API server does, only
// to the requests it names, and never to /version or discovery.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO, http } from './helpers.js';
import { ReplayStore } from '../../src/replay/store.js';
import { startReplay, type ReplayOptions, type ReplayServer, type RequestRecord } from '../../src/replay/server.js';
import { FaultSpecError, parseFault } from '../../src/replay/faults.js';

let store: ReplayStore;
before(async () => {
  store = await ReplayStore.open(DEMO);
});

/** Serves the demo with faults for the duration of fn. */
async function withFaults(faults: string[], fn: (s: ReplayServer, requests: RequestRecord[]) => Promise<void>, opts: ReplayOptions = {}): Promise<void> {
  const requests: RequestRecord[] = [];
  const s = await startReplay(store, { ...opts, faults, onRequest: (r) => requests.push(r) });
  try {
    await fn(s, requests);
  } finally {
    await s.close();
  }
}

const PODS = '/api/v1/namespaces/metallb-system/pods';
const SERVICES = '/api/v1/namespaces/shop/services';

describe('fault specs', () => {
  test('parse: NAME[=VALUE][@RESOURCES]', () => {
    assert.deepEqual(parseFault('delay=250ms'), { name: 'delay', delayMs: 250, every: 1, spec: 'delay=250ms', resources: undefined });
    assert.equal(parseFault('delay=1.5s@pods').delayMs, 1500);
    assert.equal(parseFault('delay=1m').delayMs, 60_000);
    assert.equal(parseFault('500=every:3').every, 3);
    assert.equal(parseFault('500=25%').rate, 0.25);
    assert.equal(parseFault('500=0.5').rate, 0.5);
    assert.equal(parseFault('500').every, 1);
    assert.deepEqual(parseFault('403@pods, bgppeers.metallb.io').resources, ['pods', 'bgppeers.metallb.io']);
    assert.deepEqual(parseFault('truncate@svc').resources, ['svc']);
    assert.equal(parseFault('gone=every:2').every, 2);
  });

  test('errors name the spec and what is wrong', () => {
    const bad: [string, RegExp][] = [
      ['flaky', /unknown fault "flaky"/],
      ['delay', /delay needs a duration/],
      ['delay=fast', /"fast" is not a duration/],
      ['500=often', /"often" is not a frequency/],
      ['500=0%', /is not a frequency/],
      ['500=every:0', /is not a frequency/],
      ['403', /403 needs the resources/],
      ['403=pods', /403 takes resources, not a value/],
      ['reset@', /no resource after "@"/],
    ];
    for (const [spec, re] of bad) assert.throws(() => parseFault(spec), (e: unknown) => e instanceof FaultSpecError && re.test(e.message), spec);
  });

  test('a resource the server does not have is refused when the server starts', async () => {
    await assert.rejects(startReplay(store, { faults: ['403@widgets'] }), /--fault 403@widgets: the server has no resource "widgets"/);
  });
});

describe('fault mode', () => {
  // the delays are long enough that a request which does not wait stays well under them on a loaded machine
  test('delay: resource requests wait; /version and discovery do not', async () => {
    await withFaults(['delay=1500ms'], async (s) => {
      let t = Date.now();
      assert.equal((await http(s.url, SERVICES)).status, 200);
      assert.ok(Date.now() - t >= 1490, `waited ${Date.now() - t}ms`);
      t = Date.now();
      await http(s.url, '/version');
      await http(s.url, '/api/v1');
      assert.ok(Date.now() - t < 1000, `waited ${Date.now() - t}ms`);
    });
  });

  test('delay@pods: only pods wait', async () => {
    await withFaults(['delay=1500ms@pods'], async (s) => {
      const t = Date.now();
      await http(s.url, SERVICES);
      assert.ok(Date.now() - t < 1000, `waited ${Date.now() - t}ms`);
      const u = Date.now();
      await http(s.url, PODS);
      assert.ok(Date.now() - u >= 1490, `waited ${Date.now() - u}ms`);
    });
  });

  test('500=every:3: every third request is an InternalError Status', async () => {
    await withFaults(['500=every:3'], async (s, requests) => {
      const codes: number[] = [];
      for (let i = 0; i < 9; i++) codes.push((await http(s.url, SERVICES)).status);
      assert.deepEqual(codes, [200, 200, 500, 200, 200, 500, 200, 200, 500]);
      const r = await http(s.url, '/version'); // not counted, not failed
      assert.equal(r.status, 200);
      const failed = await http(s.url, SERVICES);
      assert.equal(failed.status, 200);
      assert.deepEqual(requests.filter((x) => x.status === 500).map((x) => x.faults), [['500=every:3'], ['500=every:3'], ['500=every:3']]);
    });
    await withFaults(['500'], async (s) => {
      const r = await http(s.url, SERVICES);
      const body = JSON.parse(r.body) as { kind: string; reason: string; code: number };
      assert.deepEqual([r.status, body.kind, body.reason, body.code], [500, 'Status', 'InternalError', 500]);
    });
  });

  test('500=30%: about that share, the same requests on every run', async () => {
    const run = async () => {
      const codes: number[] = [];
      await withFaults(['500=30%'], async (s) => {
        for (let i = 0; i < 60; i++) codes.push((await http(s.url, SERVICES)).status);
      });
      return codes;
    };
    const a = await run();
    const failures = a.filter((c) => c === 500).length;
    assert.ok(failures >= 8 && failures <= 30, `${failures} of 60 failed`);
    assert.deepEqual(await run(), a);
  });

  test('403@pods,bgppeers.metallb.io: an RBAC denial of those resources (every version), others untouched', async () => {
    await withFaults(['403@pods,bgppeers.metallb.io'], async (s) => {
      const pods = await http(s.url, PODS);
      assert.equal(pods.status, 403);
      const body = JSON.parse(pods.body) as { reason: string; message: string };
      assert.equal(body.reason, 'Forbidden');
      assert.match(body.message, /^pods is forbidden: User "replay" cannot list resource "pods" in API group "" in the namespace "metallb-system"/);
      assert.equal((await http(s.url, `${PODS}/metallb-speaker-k6g92`)).status, 403);
      assert.equal((await http(s.url, '/apis/metallb.io/v1beta1/bgppeers')).status, 403);
      assert.equal((await http(s.url, '/apis/metallb.io/v1beta2/bgppeers')).status, 403);
      assert.equal((await http(s.url, SERVICES)).status, 200);
    });
  });

  test('reset: half of the body, then the connection is reset', async () => {
    await withFaults(['reset@services'], async (s) => {
      const r = await http(s.url, SERVICES);
      assert.equal(r.status, 200);
      assert.notEqual(r.ended, 'end');
      const announced = Number(r.headers['content-length']);
      assert.ok(r.body.length > 0 && r.body.length < announced, `${r.body.length} of ${announced} bytes`);
      const ok = await http(s.url, PODS);
      assert.equal(ok.ended, 'end');
      JSON.parse(ok.body);
    });
  });

  test('truncate: a complete 200 response whose JSON stops halfway', async () => {
    await withFaults(['truncate=every:2'], async (s) => {
      const first = await http(s.url, SERVICES);
      assert.doesNotThrow(() => JSON.parse(first.body));
      const second = await http(s.url, SERVICES);
      assert.equal(second.status, 200);
      assert.equal(second.ended, 'end');
      assert.equal(Number(second.headers['content-length']), Buffer.byteLength(second.body));
      assert.ok(second.body.length > 100 && second.body.length < first.body.length);
      assert.throws(() => JSON.parse(second.body), SyntaxError);
      assert.equal(first.body.slice(0, second.body.length), second.body);
    });
  });

  test('gone: a watch gets a 410 Expired ERROR event and ends; lists are untouched', async () => {
    await withFaults(['gone'], async (s) => {
      const w = await http(s.url, `${SERVICES}?watch=true&resourceVersion=12`);
      assert.equal(w.status, 200);
      assert.equal(w.ended, 'end');
      const events = w.body.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string; object: { kind: string; code: number; reason: string } });
      assert.equal(events.length, 1);
      assert.deepEqual([events[0]!.type, events[0]!.object.kind, events[0]!.object.code, events[0]!.object.reason], ['ERROR', 'Status', 410, 'Expired']);
      assert.equal((await http(s.url, SERVICES)).status, 200);
    });
  });

  test('faults combine: a delayed 500 on one resource', async () => {
    await withFaults(['delay=200ms@services', '500@services'], async (s, requests) => {
      const t = Date.now();
      assert.equal((await http(s.url, SERVICES)).status, 500);
      assert.ok(Date.now() - t >= 190);
      assert.equal((await http(s.url, PODS)).status, 200);
      assert.deepEqual(requests.find((x) => x.path === SERVICES)?.faults, ['delay=200ms@services', '500@services']);
    });
  });
});
