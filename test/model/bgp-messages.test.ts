import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  AS_TRANS,
  BgpDecodeError,
  MessageReader,
  capabilityName,
  capabilityText,
  decodeMessage,
  decodeRouteRefresh,
  encodeKeepalive,
  encodeNotification,
  encodeOpen,
  encodeRouteRefresh,
  isNotification,
  isOpen,
  metallbCapabilities,
  nativeSpeakerCapabilities,
  openAsn,
  shutdownCommunication,
  shutdownMessage,
  type Capability,
  type Message,
  type Open,
} from '../../src/model/bgp/messages.js';

// Byte vectors are written out by hand from the RFC layouts; spaces and comments only for reading.
const M = 'ff'.repeat(16); // header marker (RFC 4271 4.1)
const hex = (s: string): Buffer => Buffer.from(s.replace(/#[^\n]*/g, '').replace(/\s+/g, ''), 'hex');

function readAll(bytes: Buffer): Message[] {
  const r = new MessageReader();
  r.push(bytes);
  const out: Message[] = [];
  for (let m = r.next(); m; m = r.next()) out.push(m);
  assert.equal(r.pending, 0, 'nothing held back');
  return out;
}

function openOf(bytes: Buffer): Open {
  const [m, ...rest] = readAll(bytes);
  assert.equal(rest.length, 0);
  assert.ok(m && isOpen(m), 'an OPEN');
  return m.open;
}

const mp = (afi: number, safi: number): Capability => ({ code: 1, name: 'multiprotocol', afi, safi });
const RR: Capability = { code: 2, name: 'route-refresh' };
const as4 = (asn: number): Capability => ({ code: 65, name: '4-octet-as', asn });

// --- byte vectors ------------------------------------------------------------------------------

const KEEPALIVE = `${M} 0013 04`;

// internal/bgp/native sendOpen for AS 64512, hold 90 s, router id 10.0.0.1
const NATIVE_OPEN = `${M} 0031 01   # length 49, OPEN
  04 fc00 005a 0a000001          # version 4, AS 64512, hold 90, BGP Identifier 10.0.0.1
  14                             # optional parameters: 20 bytes
  02 12                          # one parameter, type 2 (capabilities), 18 bytes
  01 04 0001 00 01               # multiprotocol ipv4/unicast (AFI, reserved, SAFI)
  01 04 0002 00 01               # multiprotocol ipv6/unicast
  41 04 0000fc00                 # 4-octet-as 64512`;

// the same for AS 4200000001: AS_TRANS (23456 = 0x5ba0) in the 2-byte field
const NATIVE_OPEN_AS4 = `${M} 0031 01
  04 5ba0 005a 0a000002
  14 02 12
  01 04 0001 00 01
  01 04 0002 00 01
  41 04 fa56ea01                 # 4200000001`;

const METALLB_OPEN = `${M} 002d 01   # length 45
  04 fc00 005a 0a000001
  10 02 0e                       # 16 bytes of parameters, one of 14
  01 04 0001 00 01
  02 00                          # route-refresh
  41 04 0000fc00`;

// FRR 8.x/9.0 (bgp_open_capability) as MetalLB configures it for an IPv4 neighbour: every
// capability in its own optional parameter; GR in helper mode (no AFI entries) with the N bit
const FRR_OPEN = `${M} 0067 01   # length 103
  04 fc00 005a c0a8010a          # AS 64512, hold 90, id 192.168.1.10
  4a                             # 74 bytes of parameters
  02 06 01 04 0001 00 01         # multiprotocol ipv4/unicast
  02 02 80 00                    # route refresh, prestandard (Cisco) code 128
  02 02 02 00                    # route refresh
  02 02 46 00                    # enhanced route refresh (70)
  02 06 41 04 0000fc00           # 4-octet-as 64512
  02 02 06 00                    # extended message
  02 06 45 04 0001 01 01         # add-path ipv4/unicast, receive
  02 0f 49 0d 0b 6b696e642d776f726b6572 00   # fqdn: "kind-worker", no domain
  02 04 40 02 4078               # graceful restart: N bit, restart time 120 s
  02 09 47 07 0001 01 80 000000  # long-lived GR ipv4/unicast, F bit, stale time 0`;

// RFC 9072: length 255 and type 255 announce a 2-byte length, and 2-byte parameter lengths
const EXTENDED_PARAMS_OPEN = `${M} 002b 01
  04 fc00 005a 0a000001
  ff ff 000b                     # extended optional parameters: 11 bytes
  02 0008 01 04 0001 00 01 02 00`;

// a parameter that is not capabilities (1, the deprecated authentication) is kept raw
const AUTH_PARAM_OPEN = `${M} 0025 01
  04 fc00 005a 0a000001 08
  01 02 aabb
  02 02 02 00`;

const NOTIFICATION_BAD_PEER_AS = `${M} 0017 03 02 02 fc00`;
const NOTIFICATION_SHUTDOWN = `${M} 0021 03 06 02 0b 6d61696e74656e616e6365`; // 11, "maintenance"

test('encoders write the RFC layouts byte for byte', () => {
  const cases: [string, Buffer, string][] = [
    ['KEEPALIVE', encodeKeepalive(), KEEPALIVE],
    ['native OPEN, AS 64512', encodeOpen({ myAsn: 64512, holdTime: 90, routerId: '10.0.0.1', capabilities: nativeSpeakerCapabilities(64512) }), NATIVE_OPEN],
    ['native OPEN, AS 4200000001', encodeOpen({ myAsn: 4200000001, holdTime: 90, routerId: '10.0.0.2', capabilities: nativeSpeakerCapabilities(4200000001) }), NATIVE_OPEN_AS4],
    ['metallbCapabilities OPEN', encodeOpen({ myAsn: 64512, holdTime: 90, routerId: '10.0.0.1', capabilities: metallbCapabilities(64512) }), METALLB_OPEN],
    ['NOTIFICATION 2/2', encodeNotification(2, 2, hex('fc00')), NOTIFICATION_BAD_PEER_AS],
    ['NOTIFICATION 6/2 with a shutdown communication', encodeNotification(6, 2, shutdownCommunication('maintenance')), NOTIFICATION_SHUTDOWN],
    ['ROUTE-REFRESH ipv6/unicast', encodeRouteRefresh({ afi: 2, safi: 1, subtype: 0 }), `${M} 0017 05 0002 00 01`],
  ];
  for (const [name, actual, expected] of cases) assert.equal(actual.toString('hex'), hex(expected).toString('hex'), name);
});

test('OPENs decode to their fields, real ASN and capability names', () => {
  const cases: { name: string; bytes: string; open: Open; asn: number; texts: string[] }[] = [
    {
      name: 'native, AS 64512',
      bytes: NATIVE_OPEN,
      open: { version: 4, myAsn: 64512, holdTime: 90, routerId: '10.0.0.1', capabilities: [mp(1, 1), mp(2, 1), as4(64512)], otherParams: [] },
      asn: 64512,
      texts: ['multiprotocol ipv4/unicast', 'multiprotocol ipv6/unicast', '4-octet-as 64512'],
    },
    {
      name: 'native, AS 4200000001',
      bytes: NATIVE_OPEN_AS4,
      open: { version: 4, myAsn: AS_TRANS, holdTime: 90, routerId: '10.0.0.2', capabilities: [mp(1, 1), mp(2, 1), as4(4200000001)], otherParams: [] },
      asn: 4200000001,
      texts: ['multiprotocol ipv4/unicast', 'multiprotocol ipv6/unicast', '4-octet-as 4200000001'],
    },
    {
      name: 'FRR defaults, one parameter per capability',
      bytes: FRR_OPEN,
      open: {
        version: 4,
        myAsn: 64512,
        holdTime: 90,
        routerId: '192.168.1.10',
        capabilities: [
          mp(1, 1),
          { code: 128, name: 'route-refresh-cisco', data: Buffer.alloc(0) },
          RR,
          { code: 70, name: 'enhanced-route-refresh', data: Buffer.alloc(0) },
          as4(64512),
          { code: 6, name: 'extended-message', data: Buffer.alloc(0) },
          { code: 69, name: 'add-path', data: hex('0001 01 01') },
          { code: 73, name: 'fqdn', data: hex('0b 6b696e642d776f726b6572 00') },
          { code: 64, name: 'graceful-restart', data: hex('4078') },
          { code: 71, name: 'long-lived-graceful-restart', data: hex('0001 01 80 000000') },
        ],
        otherParams: [],
      },
      asn: 64512,
      texts: [
        'multiprotocol ipv4/unicast',
        'route-refresh-cisco',
        'route-refresh',
        'enhanced-route-refresh',
        '4-octet-as 64512',
        'extended-message',
        'add-path ipv4/unicast receive',
        'fqdn kind-worker',
        'graceful-restart',
        'long-lived-graceful-restart',
      ],
    },
    {
      name: 'RFC 9072 extended optional parameters',
      bytes: EXTENDED_PARAMS_OPEN,
      open: { version: 4, myAsn: 64512, holdTime: 90, routerId: '10.0.0.1', capabilities: [mp(1, 1), RR], otherParams: [] },
      asn: 64512,
      texts: ['multiprotocol ipv4/unicast', 'route-refresh'],
    },
    {
      name: 'a non-capability parameter, no 4-octet-as',
      bytes: AUTH_PARAM_OPEN,
      open: { version: 4, myAsn: 64512, holdTime: 90, routerId: '10.0.0.1', capabilities: [RR], otherParams: [{ type: 1, data: hex('aabb') }] },
      asn: 64512,
      texts: ['route-refresh'],
    },
  ];
  for (const c of cases) {
    const open = openOf(hex(c.bytes));
    assert.deepEqual(open, c.open, c.name);
    assert.equal(openAsn(open), c.asn, c.name);
    assert.deepEqual(open.capabilities.map(capabilityText), c.texts, c.name);
  }
});

test("a decoded OPEN encodes again, FRR's many parameters folded into one", () => {
  for (const bytes of [NATIVE_OPEN, NATIVE_OPEN_AS4, METALLB_OPEN]) {
    assert.equal(encodeOpen(openOf(hex(bytes))).toString('hex'), hex(bytes).toString('hex'));
  }
  const frr = openOf(hex(FRR_OPEN));
  const again = encodeOpen(frr);
  assert.equal(again.length, 19 + 10 + 2 + (74 - 2 * 10), 'one parameter header instead of ten');
  assert.deepEqual(openOf(again), frr);
});

test('NOTIFICATIONs decode, with the shutdown communication of a Cease 2 or 4', () => {
  const cases: [string, number, number, string, string | undefined][] = [
    [NOTIFICATION_BAD_PEER_AS, 2, 2, 'fc00', undefined],
    [NOTIFICATION_SHUTDOWN, 6, 2, '0b6d61696e74656e616e6365', 'maintenance'],
    [`${M} 0017 03 06 04 01 41`, 6, 4, '0141', 'A'],
    [`${M} 0017 03 06 04 05 41`, 6, 4, '0541', undefined], // length says 5, 1 byte follows
    [`${M} 0017 03 06 02 01 ff`, 6, 2, '01ff', undefined], // not UTF-8
    [`${M} 0015 03 04 00`, 4, 0, '', undefined],
  ];
  for (const [bytes, code, subcode, data, message] of cases) {
    const [m] = readAll(hex(bytes));
    assert.ok(m && isNotification(m), bytes);
    assert.deepEqual(m.notification, { code, subcode, data: hex(data) });
    assert.equal(shutdownMessage(m.notification), message, bytes);
  }
});

test('ROUTE-REFRESH, UPDATE and unknown types pass through with their bodies', () => {
  const msgs = readAll(hex(`${M} 0017 05 0001 02 01   ${M} 0017 02 0000 0000   ${M} 0015 09 abcd`));
  assert.deepEqual(msgs, [
    { type: 5, body: hex('0001 02 01') },
    { type: 2, body: hex('0000 0000') },
    { type: 9, body: hex('abcd') },
  ]);
  assert.deepEqual(decodeRouteRefresh(hex('0001 02 01')), { afi: 1, subtype: 2, safi: 1 });
});

// --- properties ----------------------------------------------------------------------------------

const asnArb = fc.integer({ min: 1, max: 4294967295 });
const holdArb = fc.oneof(fc.constant(0), fc.integer({ min: 3, max: 65535 }));
const routerIdArb = fc.ipV4().filter((ip) => ip !== '0.0.0.0');
const capArb: fc.Arbitrary<Capability> = fc.oneof(
  fc.record({ afi: fc.integer({ min: 0, max: 65535 }), safi: fc.integer({ min: 0, max: 255 }) }).map(({ afi, safi }) => mp(afi, safi)),
  fc.constant(RR),
  fc
    .tuple(fc.integer({ min: 0, max: 255 }).filter((c) => c !== 1 && c !== 2 && c !== 65), fc.uint8Array({ maxLength: 16 }))
    .map(([code, data]): Capability => ({ code, name: capabilityName(code), data: Buffer.from(data) })),
);
const openArb = fc
  .record({
    asn: asnArb,
    holdTime: holdArb,
    routerId: routerIdArb,
    caps: fc.array(capArb, { maxLength: 10 }),
    withAs4: fc.boolean(),
    as4At: fc.nat(),
  })
  .map(({ asn, holdTime, routerId, caps, withAs4, as4At }) => {
    const capabilities = [...caps];
    if (withAs4 || asn > 65535) capabilities.splice(as4At % (caps.length + 1), 0, as4(asn));
    return { asn, open: { myAsn: asn, holdTime, routerId, capabilities } };
  });

test('property: any OPEN decodes to what was encoded, and encodes back to the same bytes', () => {
  fc.assert(
    fc.property(openArb, ({ asn, open }) => {
      const bytes = encodeOpen(open);
      const decoded = openOf(bytes);
      assert.deepEqual(decoded, { ...open, myAsn: asn > 65535 ? AS_TRANS : asn, version: 4, otherParams: [] });
      assert.equal(openAsn(decoded), asn);
      assert.deepEqual(encodeOpen(decoded), bytes);
    }),
    { numRuns: 500 },
  );
});

test('property: NOTIFICATIONs and shutdown communications round-trip', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 300 }), (code, subcode, data) => {
      const [m] = readAll(encodeNotification(code, subcode, Buffer.from(data)));
      assert.ok(m && isNotification(m));
      assert.deepEqual(m.notification, { code, subcode, data: Buffer.from(data) });
    }),
  );
  fc.assert(
    fc.property(
      fc.string({ unit: 'binary', maxLength: 120 }).filter((s) => Buffer.byteLength(s) <= 255),
      fc.constantFrom(2, 4),
      (text, subcode) => {
        const [m] = readAll(encodeNotification(6, subcode, shutdownCommunication(text)));
        assert.ok(m && isNotification(m));
        assert.equal(shutdownMessage(m.notification), text);
      },
    ),
  );
});

// --- the stream reader -----------------------------------------------------------------------------

const STREAM = hex(
  [KEEPALIVE, NATIVE_OPEN, FRR_OPEN, NOTIFICATION_SHUTDOWN, `${M} 0017 02 0000 0000`, `${M} 0017 05 0001 00 01`, `${M} 0015 09 abcd`].join('\n'),
);
const STREAM_TYPES = [4, 1, 1, 3, 2, 5, 9];

function drain(r: MessageReader, into: Message[]): void {
  for (let m = r.next(); m; m = r.next()) into.push(m);
}

test('the reader gives the same messages however the stream is split', () => {
  const whole = readAll(STREAM);
  assert.deepEqual(whole.map((m) => m.type), STREAM_TYPES);
  const ends: number[] = [];
  for (let at = 0, i = 0; i < whole.length; i++) ends.push((at += STREAM.readUInt16BE(at + 16)));

  for (let cut = 0; cut <= STREAM.length; cut++) {
    const r = new MessageReader();
    const got: Message[] = [];
    r.push(STREAM.subarray(0, cut));
    drain(r, got);
    const complete = ends.filter((e) => e <= cut);
    assert.equal(got.length, complete.length, `cut at ${cut}`);
    assert.equal(r.pending, cut - (complete.at(-1) ?? 0), `pending after a cut at ${cut}`);
    r.push(STREAM.subarray(cut));
    drain(r, got);
    assert.deepEqual(got, whole, `cut at ${cut}`);
    assert.equal(r.pending, 0);
  }

  const oneByOne = new MessageReader();
  const got: Message[] = [];
  for (const byte of STREAM) {
    oneByOne.push(Buffer.from([byte]));
    drain(oneByOne, got);
  }
  assert.deepEqual(got, whole);

  fc.assert(
    fc.property(fc.uniqueArray(fc.integer({ min: 1, max: STREAM.length - 1 }), { maxLength: 12 }), (cuts) => {
      const r = new MessageReader();
      const out: Message[] = [];
      let from = 0;
      for (const c of [...cuts.sort((a, b) => a - b), STREAM.length]) {
        r.push(STREAM.subarray(from, c));
        from = c;
        drain(r, out);
      }
      assert.deepEqual(out, whole);
    }),
  );
});

test('a bad marker is reported as soon as its byte arrives, at any split, and for good', () => {
  const stream = hex(`${KEEPALIVE} ff fe ${'ff'.repeat(14)} 0013 04`);
  for (let cut = 0; cut <= stream.length; cut++) {
    const r = new MessageReader();
    const got: Message[] = [];
    let error: unknown;
    let inFirstPart = false;
    for (const [i, part] of [stream.subarray(0, cut), stream.subarray(cut)].entries()) {
      r.push(part);
      try {
        drain(r, got);
      } catch (e) {
        error = e;
        inFirstPart = i === 0;
        break;
      }
    }
    assert.deepEqual(got, [{ type: 4 }], `cut at ${cut}`);
    assert.ok(error instanceof BgpDecodeError, `cut at ${cut}`);
    assert.deepEqual([error.code, error.subcode], [1, 1]);
    assert.equal(inFirstPart, cut >= 21, `cut at ${cut}: found with the marker's second byte`);
    r.push(hex(KEEPALIVE));
    assert.throws(() => r.next(), (e: unknown) => e === error, 'the framing stays broken');
  }
  const early = new MessageReader();
  early.push(hex('ff fe'));
  assert.throws(() => early.next(), BgpDecodeError, 'two bytes are enough');
});

// --- malformed input -----------------------------------------------------------------------------

test('malformed input is rejected with the NOTIFICATION RFC 4271 prescribes', () => {
  const OPEN_HEAD = '04 fc00 005a 0a000001'; // version, AS, hold, id
  const cases: [string, string, number, number, string?][] = [
    ['bad marker', `fe${'ff'.repeat(15)} 0013 04`, 1, 1],
    ['length 18', `${M} 0012 04`, 1, 2, '0012'],
    ['length 4097', `${M} 1001 02`, 1, 2, '1001'],
    ['length 65535', `${M} ffff 02`, 1, 2, 'ffff'],
    ['OPEN of 28 bytes', `${M} 001c 01 04 fc00 005a 0a000001`, 1, 2, '001c'],
    ['KEEPALIVE of 20 bytes', `${M} 0014 04 00`, 1, 2, '0014'],
    ['NOTIFICATION of 20 bytes', `${M} 0014 03 06`, 1, 2, '0014'],
    ['UPDATE of 22 bytes', `${M} 0016 02 0000 00`, 1, 2, '0016'],
    ['version 3', `${M} 001d 01 03 fc00 005a 0a000001 00`, 2, 1, '0004'],
    ['AS 0', `${M} 001d 01 04 0000 005a 0a000001 00`, 2, 2, '0000'],
    ['4-octet-as 0', `${M} 0025 01 04 5ba0 005a 0a000001 08 02 06 41 04 00000000`, 2, 2, '00000000'],
    ['BGP Identifier 0.0.0.0', `${M} 001d 01 04 fc00 005a 00000000 00`, 2, 3],
    ['hold time 2', `${M} 001d 01 04 fc00 0002 0a000001 00`, 2, 6],
    ['capability length overrunning its parameter', `${M} 0021 01 ${OPEN_HEAD} 04 02 02 41 04`, 2, 0],
    ['capability overrunning its parameter by one byte', `${M} 0024 01 ${OPEN_HEAD} 07 02 05 41 04 000000`, 2, 0],
    ['capability header cut short', `${M} 0020 01 ${OPEN_HEAD} 03 02 01 41`, 2, 0],
    ['parameter overrunning the OPEN', `${M} 0021 01 ${OPEN_HEAD} 04 02 08 02 00`, 2, 0],
    ['parameters length beyond the message', `${M} 001d 01 ${OPEN_HEAD} 08`, 2, 0],
    ['bytes after the parameters', `${M} 001f 01 ${OPEN_HEAD} 00 02 00`, 2, 0],
    ['multiprotocol capability of length 3', `${M} 0024 01 ${OPEN_HEAD} 07 02 05 01 03 000100`, 2, 0],
    ['route-refresh capability with a value', `${M} 0021 01 ${OPEN_HEAD} 04 02 03 02 01 00`, 2, 0],
    ['UPDATE withdrawn length overrunning', `${M} 0017 02 0005 0000`, 3, 1],
    ['UPDATE attributes length overrunning', `${M} 0018 02 0000 0002 00`, 3, 1],
    ['ROUTE-REFRESH of 3 bytes', `${M} 0016 05 0001 01`, 7, 1, `${M} 0016 05 0001 01`],
    ['end-of-RIB ROUTE-REFRESH of 5 bytes', `${M} 0018 05 0001 02 01 00`, 7, 1, `${M} 0018 05 0001 02 01 00`],
  ];
  for (const [name, bytes, code, subcode, data] of cases) {
    const r = new MessageReader();
    r.push(hex(bytes));
    assert.throws(
      () => r.next(),
      (e: unknown) => {
        assert.ok(e instanceof BgpDecodeError, name);
        assert.deepEqual([e.code, e.subcode], [code, subcode], `${name}: ${e.message}`);
        if (data !== undefined) assert.equal(e.data.toString('hex'), hex(data).toString('hex'), name);
        assert.equal(e.notification().toString('hex'), encodeNotification(code, subcode, e.data).toString('hex'));
        return true;
      },
      name,
    );
  }
});

test('a malformed message in good framing is consumed; the next one still reads', () => {
  const r = new MessageReader();
  r.push(hex(`${M} 001d 01 03 fc00 005a 0a000001 00 ${KEEPALIVE}`));
  assert.throws(() => r.next(), (e: unknown) => e instanceof BgpDecodeError && e.code === 2 && e.subcode === 1);
  assert.deepEqual(r.next(), { type: 4 });
  assert.equal(r.next(), undefined);
  assert.throws(() => decodeMessage(1, hex('03 fc00 005a 0a000001 00')), /version 3.*Unsupported Version Number/);
});

test('extended messages (RFC 8654) pass once negotiated; OPEN keeps the 4096 limit', () => {
  const body = Buffer.alloc(5000 - 19);
  const update = Buffer.concat([hex(`${M} 1388 02`), body]); // 5000 bytes: no withdrawn routes, no attributes, NLRI bytes
  const plain = new MessageReader();
  plain.push(update);
  assert.throws(() => plain.next(), (e: unknown) => e instanceof BgpDecodeError && e.code === 1 && e.subcode === 2);
  const extended = new MessageReader();
  extended.extendedMessage = true;
  extended.push(update);
  assert.deepEqual(extended.next(), { type: 2, body });
  extended.push(Buffer.concat([hex(`${M} 1388 01`), body]));
  assert.throws(() => extended.next(), (e: unknown) => e instanceof BgpDecodeError && e.code === 1 && e.subcode === 2);
});

// --- the rest of the API ---------------------------------------------------------------------------

test('encoders refuse what the RFCs do not allow', () => {
  const ok = { myAsn: 64512, holdTime: 90, routerId: '10.0.0.1', capabilities: [] as Capability[] };
  const cases: [string, () => unknown][] = [
    ['AS 0', () => encodeOpen({ ...ok, myAsn: 0 })],
    ['AS above 2^32-1', () => encodeOpen({ ...ok, myAsn: 4294967296 })],
    ['hold time 1', () => encodeOpen({ ...ok, holdTime: 1 })],
    ['hold time 65536', () => encodeOpen({ ...ok, holdTime: 65536 })],
    ['router id 0.0.0.0', () => encodeOpen({ ...ok, routerId: '0.0.0.0' })],
    ['router id 256.0.0.1', () => encodeOpen({ ...ok, routerId: '256.0.0.1' })],
    ['router id 10.0.0', () => encodeOpen({ ...ok, routerId: '10.0.0' })],
    ['router id 10.0.0.01', () => encodeOpen({ ...ok, routerId: '10.0.0.01' })],
    ['4-byte AS without the capability', () => encodeOpen({ ...ok, myAsn: 4200000001 })],
    ['4-octet-as disagreeing with myAsn', () => encodeOpen({ ...ok, capabilities: [as4(64513)] })],
    ['capabilities over 253 bytes', () => encodeOpen({ ...ok, capabilities: [{ code: 99, name: 'unknown', data: Buffer.alloc(252) }] })],
    ['capability value over 255 bytes', () => encodeOpen({ ...ok, capabilities: [{ code: 99, name: 'unknown', data: Buffer.alloc(256) }] })],
    ['NOTIFICATION code 256', () => encodeNotification(256, 0)],
    ['NOTIFICATION over 4096 bytes', () => encodeNotification(6, 0, Buffer.alloc(4076))],
    ['shutdown communication over 255 bytes', () => shutdownCommunication('é'.repeat(128))],
  ];
  for (const [name, f] of cases) assert.throws(f, RangeError, name);
  assert.equal(encodeNotification(6, 0, Buffer.alloc(4075)).length, 4096, 'the largest NOTIFICATION fits');
});

test('capability texts', () => {
  const cases: [Capability, string][] = [
    [mp(1, 1), 'multiprotocol ipv4/unicast'],
    [mp(2, 1), 'multiprotocol ipv6/unicast'],
    [mp(25, 70), 'multiprotocol l2vpn/evpn'],
    [mp(3, 9), 'multiprotocol 3/9'],
    [RR, 'route-refresh'],
    [as4(4200000001), '4-octet-as 4200000001'],
    [{ code: 64, name: 'graceful-restart', data: hex('0078 0001 01 80') }, 'graceful-restart'],
    [{ code: 69, name: 'add-path', data: hex('0001 01 03 0002 01 02') }, 'add-path ipv4/unicast send-receive, ipv6/unicast send'],
    [{ code: 73, name: 'fqdn', data: hex('04 6e6f6465 0b 6578616d706c652e636f6d') }, 'fqdn node.example.com'],
    [{ code: 73, name: 'fqdn', data: hex('09 6e6f6465') }, 'fqdn'], // lengths do not add up
    [{ code: 9, name: 'role', data: hex('03') }, 'role customer'],
    [{ code: 128, name: 'route-refresh-cisco', data: Buffer.alloc(0) }, 'route-refresh-cisco'],
    [{ code: 99, name: capabilityName(99), data: hex('01') }, 'unknown 99'],
  ];
  for (const [c, text] of cases) assert.equal(capabilityText(c), text);
});

test("MetalLB's capability sets", () => {
  assert.deepEqual(metallbCapabilities(64512), [mp(1, 1), RR, as4(64512)]);
  assert.deepEqual(metallbCapabilities(4200000001, { ipv6: true }), [mp(1, 1), mp(2, 1), RR, as4(4200000001)]);
  assert.deepEqual(nativeSpeakerCapabilities(64512), [mp(1, 1), mp(2, 1), as4(64512)]);
});
