// probe bgp against scripted speakers on 127.0.0.1: the order of the two OPENs. Real daemons
// (test/cli/probe.test.ts) show the verdicts; these show what the probe hears when a router judges
// our OPEN before sending its own, and when a router (DelayOpen) waits for ours.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { MessageReader, encodeKeepalive, encodeNotification, encodeOpen, metallbCapabilities, type Message } from '../../src/model/bgp/messages.js';
import { probeBgp } from '../../src/sources/net/bgp.js';

/** A speaker of AS 64513 that sends its OPEN `openAfterMs` after accepting (never when undefined, until it hears ours). */
async function speaker(o: { openAfterMs?: number; judgeFirst?: boolean }): Promise<{ port: number; server: Server; heardOpenBeforeSending: boolean[] }> {
  const heardOpenBeforeSending: boolean[] = [];
  const server = createServer((sock: Socket) => {
    const reader = new MessageReader();
    let sentOpen = false;
    const ourOpen = encodeOpen({ myAsn: 64513, holdTime: 90, routerId: '10.0.0.9', capabilities: metallbCapabilities(64513) });
    const timer = o.openAfterMs === undefined ? undefined : setTimeout(() => {
      sentOpen = true;
      sock.write(ourOpen);
    }, o.openAfterMs);
    sock.on('data', (chunk: Buffer) => {
      reader.push(chunk);
      let m: Message | undefined;
      while ((m = reader.next())) {
        if (m.type === 1) {
          heardOpenBeforeSending.push(!sentOpen);
          if (!sentOpen && o.judgeFirst) {
            // a router that refuses before it speaks: 2/2, quoting the 2-byte AS it was sent
            clearTimeout(timer);
            sock.end(encodeNotification(2, 2, Buffer.from([0xfd, 0xe8])));
            return;
          }
          if (!sentOpen) {
            sentOpen = true;
            sock.write(ourOpen);
          }
          sock.write(encodeKeepalive());
        }
      }
    });
    sock.on('error', () => {});
    sock.on('close', () => clearTimeout(timer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, server, heardOpenBeforeSending };
}

describe('probe bgp: the order of the OPENs', () => {
  test("a router that sends its OPEN on connect is heard before it can judge ours", async () => {
    const s = await speaker({ openAfterMs: 20, judgeFirst: true });
    try {
      const p = await probeBgp('127.0.0.1', { port: s.port, myAsn: 64512, peerAsn: 64513, timeoutMs: 3000 });
      assert.equal(p.result, 'established', JSON.stringify(p));
      assert.equal(p.received?.asn, 64513);
      assert.deepEqual(s.heardOpenBeforeSending, [false]);
    } finally {
      s.server.close();
    }
  });

  test('without the wait the same router refuses ours before speaking, and we learn nothing of it', async () => {
    const s = await speaker({ openAfterMs: 200, judgeFirst: true });
    try {
      const p = await probeBgp('127.0.0.1', { port: s.port, myAsn: 64512, peerAsn: 64513, timeoutMs: 3000, openWaitMs: 0 });
      assert.equal(p.result, 'notification');
      assert.equal(p.received, undefined);
      assert.deepEqual([p.notification?.code, p.notification?.subcode, p.notification?.direction, p.notification?.data], [2, 2, 'received', 'fde8']);
    } finally {
      s.server.close();
    }
  });

  test('a router that waits for our OPEN (DelayOpen) gets it after the wait, and the session comes up', async () => {
    const s = await speaker({});
    try {
      const p = await probeBgp('127.0.0.1', { port: s.port, myAsn: 64512, peerAsn: 64513, timeoutMs: 3000, openWaitMs: 100 });
      assert.equal(p.result, 'established', JSON.stringify(p));
      assert.equal(p.received?.asn, 64513);
      assert.deepEqual(s.heardOpenBeforeSending, [true]);
      assert.ok(p.durationMs >= 100, `the OPEN went out after the wait: ${p.durationMs} ms`);
    } finally {
      s.server.close();
    }
  });

  test("a router whose OPEN carries another AS is refused (2/2) before ours is sent", async () => {
    const s = await speaker({ openAfterMs: 0 });
    try {
      const p = await probeBgp('127.0.0.1', { port: s.port, myAsn: 64512, peerAsn: 65001, timeoutMs: 3000 });
      assert.equal(p.result, 'notification');
      assert.deepEqual([p.notification?.code, p.notification?.subcode, p.notification?.direction], [2, 2, 'sent']);
      assert.equal(p.received?.asn, 64513);
      assert.deepEqual(s.heardOpenBeforeSending, []);
    } finally {
      s.server.close();
    }
  });
});
