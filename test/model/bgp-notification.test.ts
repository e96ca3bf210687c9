import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { findNotification, fromCombined, notificationHint, notificationName } from '../../src/model/bgp/notification.js';

// Every assigned pair of the IANA registries, written out independently of the module's table.
const REGISTRY: [number, number, string][] = [
  [1, 1, 'Message Header Error / Connection Not Synchronized'],
  [1, 2, 'Message Header Error / Bad Message Length'],
  [1, 3, 'Message Header Error / Bad Message Type'],
  [2, 1, 'OPEN Message Error / Unsupported Version Number'],
  [2, 2, 'OPEN Message Error / Bad Peer AS'],
  [2, 3, 'OPEN Message Error / Bad BGP Identifier'],
  [2, 4, 'OPEN Message Error / Unsupported Optional Parameter'],
  [2, 5, 'OPEN Message Error / Authentication Failure (deprecated)'],
  [2, 6, 'OPEN Message Error / Unacceptable Hold Time'],
  [2, 7, 'OPEN Message Error / Unsupported Capability'],
  [2, 8, 'OPEN Message Error / Deprecated'],
  [2, 9, 'OPEN Message Error / Deprecated'],
  [2, 10, 'OPEN Message Error / Deprecated'],
  [2, 11, 'OPEN Message Error / Role Mismatch'],
  [3, 1, 'UPDATE Message Error / Malformed Attribute List'],
  [3, 2, 'UPDATE Message Error / Unrecognized Well-known Attribute'],
  [3, 3, 'UPDATE Message Error / Missing Well-known Attribute'],
  [3, 4, 'UPDATE Message Error / Attribute Flags Error'],
  [3, 5, 'UPDATE Message Error / Attribute Length Error'],
  [3, 6, 'UPDATE Message Error / Invalid ORIGIN Attribute'],
  [3, 7, 'UPDATE Message Error / AS Routing Loop (deprecated)'],
  [3, 8, 'UPDATE Message Error / Invalid NEXT_HOP Attribute'],
  [3, 9, 'UPDATE Message Error / Optional Attribute Error'],
  [3, 10, 'UPDATE Message Error / Invalid Network Field'],
  [3, 11, 'UPDATE Message Error / Malformed AS_PATH'],
  [4, 0, 'Hold Timer Expired'],
  [5, 0, 'Finite State Machine Error'],
  [5, 1, 'Finite State Machine Error / Receive Unexpected Message in OpenSent State'],
  [5, 2, 'Finite State Machine Error / Receive Unexpected Message in OpenConfirm State'],
  [5, 3, 'Finite State Machine Error / Receive Unexpected Message in Established State'],
  [6, 0, 'Cease'],
  [6, 1, 'Cease / Maximum Number of Prefixes Reached'],
  [6, 2, 'Cease / Administrative Shutdown'],
  [6, 3, 'Cease / Peer De-configured'],
  [6, 4, 'Cease / Administrative Reset'],
  [6, 5, 'Cease / Connection Rejected'],
  [6, 6, 'Cease / Other Configuration Change'],
  [6, 7, 'Cease / Connection Collision Resolution'],
  [6, 8, 'Cease / Out of Resources'],
  [6, 9, 'Cease / Hard Reset'],
  [6, 10, 'Cease / BFD Down'],
  [7, 0, 'ROUTE-REFRESH Message Error'],
  [7, 1, 'ROUTE-REFRESH Message Error / Invalid Message Length'],
  [8, 0, 'Send Hold Timer Expired'],
];

test('every registered code/subcode pair has its IANA name', () => {
  for (const [code, subcode, text] of REGISTRY) {
    const n = notificationName(code, subcode);
    assert.equal(n.text, text, `${code}/${subcode}`);
    assert.equal(n.code, code);
    assert.equal(n.subcode, subcode);
    assert.equal(n.codeName, text.split(' / ')[0]);
    assert.equal(n.subcodeName, text.split(' / ')[1], `${code}/${subcode} subcodeName`);
  }
});

test('subcode 0 has no subcode name, for every known code', () => {
  for (let code = 1; code <= 8; code++) {
    const n = notificationName(code, 0);
    assert.equal('subcodeName' in n, false, `code ${code}`);
    assert.equal(n.text, n.codeName);
  }
});

test('unknown codes and subcodes are named by number', () => {
  assert.deepEqual(notificationName(42, 0), { code: 42, subcode: 0, codeName: 'Unknown error code 42', text: 'Unknown error code 42' });
  assert.deepEqual(notificationName(0, 3), {
    code: 0,
    subcode: 3,
    codeName: 'Unknown error code 0',
    subcodeName: 'unknown subcode 3',
    text: 'Unknown error code 0 / unknown subcode 3',
  });
  assert.equal(notificationName(2, 12).text, 'OPEN Message Error / unknown subcode 12');
  assert.equal(notificationName(1, 4).subcodeName, 'unknown subcode 4');
  assert.equal(notificationName(6, 11).subcodeName, 'unknown subcode 11');
  // codes without subcodes of their own
  assert.equal(notificationName(4, 1).text, 'Hold Timer Expired / unknown subcode 1');
  assert.equal(notificationName(8, 255).text, 'Send Hold Timer Expired / unknown subcode 255');
  assert.equal(notificationName(255, 255).text, 'Unknown error code 255 / unknown subcode 255');
});

test('values that are not bytes are refused', () => {
  for (const [c, s] of [[256, 0], [-1, 0], [2, 256], [2, 1.5], [NaN, 0]] as const) {
    assert.throws(() => notificationName(c, s), RangeError, `${c}/${s}`);
  }
  for (const v of [-1, 0x10000, 2.5, NaN]) assert.throws(() => fromCombined(v), RangeError, String(v));
});

test('16-bit combined form: high byte is the code, low byte the subcode', () => {
  assert.equal(fromCombined(0x0202).text, 'OPEN Message Error / Bad Peer AS');
  assert.equal(fromCombined(0x0400).text, 'Hold Timer Expired');
  assert.equal(fromCombined(0x0607).text, 'Cease / Connection Collision Resolution');
  assert.equal(fromCombined(0x030b).text, 'UPDATE Message Error / Malformed AS_PATH');
  assert.equal(fromCombined(0x0000).text, 'Unknown error code 0');
  assert.deepEqual(fromCombined(0xffff), notificationName(255, 255));
  for (const [code, subcode] of REGISTRY) assert.deepEqual(fromCombined((code << 8) | subcode), notificationName(code, subcode));
});

test('combined form agrees with the pair for any 16-bit value', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 0xffff }), (v) => {
      const n = fromCombined(v);
      assert.equal((n.code << 8) | n.subcode, v);
      assert.deepEqual(n, notificationName(n.code, n.subcode));
      assert.ok(n.text.startsWith(n.codeName));
    }),
    { numRuns: 2000 },
  );
});

test('MetalLB native speaker lines', () => {
  const plain = findNotification('got BGP notification code 0x0202 (Bad peer AS)');
  assert.deepEqual(plain, { name: notificationName(2, 2), direction: 'received' });

  const wrapped = findNotification('read OPEN from "10.0.0.1:179": got BGP notification code 0x0202 (Bad peer AS)');
  assert.deepEqual(wrapped, { name: notificationName(2, 2), direction: 'received', neighbor: '10.0.0.1' });

  // the go-kit JSON line as the speaker writes it: the error string's quotes are escaped
  const json =
    '{"caller":"native.go:120","error":"read OPEN from \\"192.168.10.1\\": got BGP notification code 0x0605 (Connection Rejected)","level":"error","localASN":64500,"msg":"failed to connect to peer","op":"connect","peer":"192.168.10.1","peerASN":64501,"ts":"2024-01-15T10:23:45Z"}';
  const j = findNotification(json);
  assert.equal(j?.name.text, 'Cease / Connection Rejected');
  assert.equal(j?.neighbor, '192.168.10.1');

  // the established-session form names the peer only in the logger's context
  const established = findNotification(
    'level=error event=peerNotification error="got BGP notification code 0x0400 (Hold Timer Expired (unspecific))" msg="peer sent notification, closing session" peer=10.1.2.3:179',
  );
  assert.deepEqual(established, { name: notificationName(4, 0), direction: 'received', neighbor: '10.1.2.3' });

  // the name in parentheses is MetalLB's; the numbers decide
  assert.equal(findNotification('got BGP notification code 0x0709 (unknown code)')?.name.text, 'ROUTE-REFRESH Message Error / unknown subcode 9');
});

test('FRR bgp_notify_print lines', () => {
  const recv = findNotification(
    '2024/01/15 10:23:45.123 BGP: [HZN6M-XRM1G] %NOTIFICATION: received from neighbor 10.0.0.1 2/2 (OPEN Message Error/Bad Peer AS) 2 bytes 00 64',
  );
  assert.deepEqual(recv, { name: notificationName(2, 2), direction: 'received', neighbor: '10.0.0.1', data: '00 64' });

  const sent = findNotification('%NOTIFICATION: sent to neighbor 192.168.1.1 6/7 (Cease/Connection Collision Resolution) 0 bytes ');
  assert.deepEqual(sent, { name: notificationName(6, 7), direction: 'sent', neighbor: '192.168.1.1' });

  const hard = findNotification('%NOTIFICATION(Hard Reset): received from neighbor fc00:f853:ccd:e793::1 6/9 (Cease/Hard Reset) 0 bytes');
  assert.deepEqual(hard, { name: notificationName(6, 9), direction: 'received', neighbor: 'fc00:f853:ccd:e793::1' });

  // Hold Timer Expired: FRR prints no subcode text at all
  const hold = findNotification('BGP: [XXXXX-XXXXX] %NOTIFICATION: sent to neighbor eth1 4/0 (Hold Timer Expired) 0 bytes ');
  assert.deepEqual(hold, { name: notificationName(4, 0), direction: 'sent', neighbor: 'eth1' });

  // Cease 2 and 4 carry a shutdown communication (RFC 9003) that FRR prints in quotes
  const shutdown = findNotification('%NOTIFICATION: received from neighbor 172.18.0.5 6/2 (Cease/Administrative Shutdown) "maintenance window 42"');
  assert.deepEqual(shutdown, {
    name: notificationName(6, 2),
    direction: 'received',
    neighbor: '172.18.0.5',
    message: 'maintenance window 42',
  });

  // FRR's text for a subcode it does not know runs into the code name; the numbers still decide
  const unrec = findNotification(
    '%NOTIFICATION: received from neighbor 10.0.0.1 1/0 (Message Header ErrorUnrecognized Error Subcode) 0 bytes',
  );
  assert.equal(unrec?.name.text, 'Message Header Error');
});

test('GoBGP-style lines', () => {
  const reason = findNotification(
    'time="2024-01-15T10:23:45Z" level=info msg="Peer Down" Key=10.0.0.1 Reason="notification-received code 2(open) subcode 2(bad peer as)" State=BGP_FSM_OPENCONFIRM Topic=Peer',
  );
  assert.deepEqual(reason, { name: notificationName(2, 2), direction: 'received', neighbor: '10.0.0.1' });
  // logrus JSON sorts the keys, so the numbers come before the message
  const json = findNotification('{"Code":6,"Data":"","Key":"10.0.0.9","Subcode":4,"Topic":"Peer","level":"warning","msg":"sent notification"}');
  assert.deepEqual(json, { name: notificationName(6, 4), direction: 'sent', neighbor: '10.0.0.9' });
  const logfmt = findNotification('level=warning msg="received notification" Topic=Peer Key=10.0.0.9 Code=6 Subcode=4');
  assert.deepEqual(logfmt, { name: notificationName(6, 4), direction: 'received', neighbor: '10.0.0.9' });
});

test('lines without a NOTIFICATION', () => {
  for (const line of [
    '',
    '{"caller":"native.go:140","event":"sessionUp","level":"info","localASN":64500,"msg":"BGP session established","peer":"10.0.0.1","peerASN":64501}',
    '%ADJCHANGE: neighbor 10.0.0.1(Unknown) in vrf default Up',
    'BGP: [M7Q4P-46WDR] 10.0.0.1 [Event] BGP connection closed fd 24',
    'metallb_bgp_notifications_sent{peer="10.0.0.1:179",vrf="default"} 3',
    'got BGP notification code 0xZZ',
    'level=info msg="notification code path" code=2',
    'error code 2 subcode 2 (the message type is not named on this line)',
    '%NOTIFICATION: received from neighbor 10.0.0.1 2/300 (OPEN Message Error) 0 bytes',
  ]) {
    assert.equal(findNotification(line), undefined, line);
  }
});

test('the first NOTIFICATION of a multi-line text wins', () => {
  const text = [
    '2024/01/15 10:00:00.000 BGP: [XXXXX-XXXXX] %ADJCHANGE: neighbor 10.0.0.1(Unknown) in vrf default Down',
    '2024/01/15 10:00:01.000 BGP: [XXXXX-XXXXX] %NOTIFICATION: received from neighbor 10.0.0.1 6/3 (Cease/Peer De-configured) 0 bytes ',
    '{"error":"got BGP notification code 0x0202 (Bad peer AS)","peer":"10.0.0.2"}',
  ].join('\n');
  assert.equal(findNotification(text)?.name.text, 'Cease / Peer De-configured');
  const later = findNotification(text.split('\n').slice(2).join('\n'));
  assert.deepEqual(later, { name: notificationName(2, 2), direction: 'received', neighbor: '10.0.0.2' });
});

test('hints for the notifications a MetalLB session meets most', () => {
  const expect: [number, number, RegExp][] = [
    [2, 2, /myASN/],
    [2, 3, /routerID/],
    [2, 6, /holdTime/],
    [2, 7, /capabilit/],
    [4, 0, /hold time/],
    [6, 2, /benign/],
    [6, 4, /benign/],
    [6, 3, /no neighbour for this node/],
    [6, 5, /does not accept a session from this address/],
    [6, 7, /benign/],
    [6, 10, /BFD/],
  ];
  for (const [code, subcode, re] of expect) assert.match(notificationHint(code, subcode) ?? '', re, `${code}/${subcode}`);
  // distinct hints for distinct meanings
  const some = [[2, 2], [2, 3], [2, 6], [2, 7], [4, 0], [6, 3], [6, 5], [6, 7]].map(([c, s]) => notificationHint(c!, s!));
  assert.equal(new Set(some).size, some.length);
});

test('every registered pair has a hint; unknown codes have none', () => {
  for (const [code, subcode] of REGISTRY) assert.ok(notificationHint(code, subcode), `${code}/${subcode}`);
  // an unregistered subcode of a known code falls back to the code's hint
  assert.equal(notificationHint(2, 99), notificationHint(2, 0));
  assert.notEqual(notificationHint(2, 99), notificationHint(2, 2));
  assert.equal(notificationHint(42, 0), undefined);
  assert.equal(notificationHint(0, 0), undefined);
});
