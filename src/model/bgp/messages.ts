// The BGP-4 messages a session probe needs, encoded and decoded by hand from the RFCs: the header,
// OPEN with its capabilities, NOTIFICATION, KEEPALIVE, ROUTE-REFRESH; UPDATE is framed and checked
// but its attributes are kept raw. RFC 4271 (BGP-4), 5492 (capabilities), 4760 (multiprotocol),
// 2918 / 7313 (route refresh), 6793 (4-octet AS), 4724 (graceful restart), 7911 (add-path),
// 8654 (extended message), 9072 (extended optional parameters), 9003 (shutdown communication),
// 9234 (role), draft-walton-bgp-hostname-capability (FQDN).
import { AS_TRANS, MAX_2BYTE_ASN, MAX_ASN } from '../asn.js';
import { notificationName } from './notification.js';

export { AS_TRANS };
export const BGP_PORT = 179;
export const MSG = { OPEN: 1, UPDATE: 2, NOTIFICATION: 3, KEEPALIVE: 4, ROUTE_REFRESH: 5 } as const;

export const HEADER_LENGTH = 19;
/** RFC 4271: no message is longer, unless both ends advertised the extended message capability */
export const MAX_MESSAGE_LENGTH = 4096;
/** RFC 8654: the limit once extended messages are negotiated (OPEN and KEEPALIVE keep 4096) */
export const MAX_EXTENDED_MESSAGE_LENGTH = 65535;
const OPEN_MIN_BODY = 10; // version, AS, hold time, identifier, optional parameters length
const UPDATE_MIN_BODY = 4; // withdrawn routes length, total path attribute length
const OPT_CAPABILITIES = 2; // optional parameter type (RFC 5492)
const OPT_EXTENDED_LENGTH = 255; // RFC 9072 "Non-Ext OP Type"

export type Capability =
  | { code: 1; name: 'multiprotocol'; afi: number; safi: number }
  | { code: 2; name: 'route-refresh' }
  | { code: 65; name: '4-octet-as'; asn: number }
  | { code: number; name: string; data: Buffer };

export interface Open {
  version: number;
  myAsn: number;
  holdTime: number;
  /** dotted quad */
  routerId: string;
  capabilities: Capability[];
  /** optional parameters other than capabilities (type != 2), raw */
  otherParams: { type: number; data: Buffer }[];
}

export interface Notification {
  code: number;
  subcode: number;
  data: Buffer;
}

export type OpenMessage = { type: 1; open: Open };
export type NotificationMessage = { type: 3; notification: Notification };
export type KeepaliveMessage = { type: 4 };
export type Message =
  | OpenMessage
  | NotificationMessage
  | KeepaliveMessage
  | { type: 2; body: Buffer }
  | { type: 5; body: Buffer }
  | { type: number; body: Buffer };

// A Message's `type: number` member keeps `m.type === 1` from narrowing; these guards do.
export function isOpen(m: Message): m is OpenMessage {
  return m.type === MSG.OPEN && 'open' in m;
}
export function isNotification(m: Message): m is NotificationMessage {
  return m.type === MSG.NOTIFICATION && 'notification' in m;
}
export function isKeepalive(m: Message): m is KeepaliveMessage {
  return m.type === MSG.KEEPALIVE;
}

/** Malformed input, with the NOTIFICATION (code, subcode, data) RFC 4271 section 6 has a receiver send. */
export class BgpDecodeError extends Error {
  override readonly name = 'BgpDecodeError';
  constructor(
    message: string,
    readonly code: number,
    readonly subcode: number,
    readonly data: Buffer = Buffer.alloc(0),
  ) {
    super(message);
  }
  /** the NOTIFICATION message to answer with */
  notification(): Buffer {
    return encodeNotification(this.code, this.subcode, this.data);
  }
}

function fail(code: number, subcode: number, what: string, data?: Buffer): never {
  throw new BgpDecodeError(`${what} (${notificationName(code, subcode).text})`, code, subcode, data);
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

function badLength(length: number, what: string): never {
  // RFC 4271 6.1: the data field holds the erroneous Length field
  fail(1, 2, what, u16(Math.min(length, 0xffff)));
}

// --- names -----------------------------------------------------------------------------------

// IANA "Capability Codes"; the prestandard (vendor) codes are those RFC 8810 lists.
const CAPABILITY_NAMES: Readonly<Record<number, string>> = {
  1: 'multiprotocol',
  2: 'route-refresh',
  3: 'outbound-route-filtering',
  4: 'multiple-routes',
  5: 'extended-next-hop',
  6: 'extended-message',
  7: 'bgpsec',
  8: 'multiple-labels',
  9: 'role',
  64: 'graceful-restart',
  65: '4-octet-as',
  66: 'dynamic-capability-deprecated',
  67: 'dynamic-capability',
  68: 'multisession',
  69: 'add-path',
  70: 'enhanced-route-refresh',
  71: 'long-lived-graceful-restart',
  72: 'routing-policy-distribution',
  73: 'fqdn',
  74: 'bfd',
  75: 'software-version',
  76: 'paths-limit',
  128: 'route-refresh-cisco',
  129: 'outbound-route-filtering-prestandard',
  130: 'outbound-route-filtering-cisco',
  131: 'multisession-cisco',
  184: 'fqdn-prestandard',
  185: 'operational-prestandard',
};

/** The name a capability code is decoded with: 'graceful-restart', or 'unknown' */
export function capabilityName(code: number): string {
  return CAPABILITY_NAMES[code] ?? 'unknown';
}

const AFI_NAMES: Readonly<Record<number, string>> = { 1: 'ipv4', 2: 'ipv6', 25: 'l2vpn', 16388: 'bgp-ls' };
const SAFI_NAMES: Readonly<Record<number, string>> = {
  1: 'unicast',
  2: 'multicast',
  4: 'labeled-unicast',
  5: 'mvpn',
  70: 'evpn',
  71: 'bgp-ls',
  73: 'sr-policy',
  128: 'vpn',
  132: 'rt-constraint',
  133: 'flowspec',
  134: 'flowspec-vpn',
};

/** 'ipv4/unicast'; numbers for families without a name: '3/1' */
export function familyText(afi: number, safi: number): string {
  return `${AFI_NAMES[afi] ?? afi}/${SAFI_NAMES[safi] ?? safi}`;
}

const ROLE_NAMES = ['provider', 'route-server', 'route-server-client', 'customer', 'peer'] as const;
const ADD_PATH_MODES = ['none', 'receive', 'send', 'send-receive'] as const;

function addPathText(data: Buffer): string | undefined {
  if (data.length === 0 || data.length % 4 !== 0) return undefined;
  const parts: string[] = [];
  for (let i = 0; i < data.length; i += 4) {
    const mode = ADD_PATH_MODES[data[i + 3]!] ?? `mode ${data[i + 3]}`;
    parts.push(`${familyText(data.readUInt16BE(i), data[i + 2]!)} ${mode}`);
  }
  return parts.join(', ');
}

/** hostname and domain of an FQDN capability, or undefined when its lengths do not add up */
export function fqdnOf(data: Buffer): { hostname: string; domain: string } | undefined {
  const hl = data[0];
  if (hl === undefined || 1 + hl >= data.length) return undefined;
  const dl = data[1 + hl]!;
  if (2 + hl + dl !== data.length) return undefined;
  return { hostname: data.toString('utf8', 1, 1 + hl), domain: data.toString('utf8', 2 + hl, 2 + hl + dl) };
}

/** Human names of capabilities, e.g. 'multiprotocol ipv4/unicast', 'route-refresh', '4-octet-as 4200000001', 'graceful-restart', 'unknown 99' */
export function capabilityText(c: Capability): string {
  if (!('data' in c)) {
    switch (c.code) {
      case 1:
        return `multiprotocol ${familyText(c.afi, c.safi)}`;
      case 2:
        return 'route-refresh';
      case 65:
        return `4-octet-as ${c.asn}`;
    }
  }
  const known = CAPABILITY_NAMES[c.code];
  if (known === undefined) return c.name && c.name !== 'unknown' ? c.name : `unknown ${c.code}`;
  let detail: string | undefined;
  if (c.code === 69) detail = addPathText(c.data);
  else if (c.code === 73) {
    const f = fqdnOf(c.data);
    if (f?.hostname) detail = f.domain ? `${f.hostname}.${f.domain}` : f.hostname;
  } else if (c.code === 9 && c.data.length === 1) detail = ROLE_NAMES[c.data[0]!] ?? `role ${c.data[0]}`;
  return detail ? `${known} ${detail}` : known;
}

// --- OPEN ------------------------------------------------------------------------------------

/** The capabilities of MetalLB's speakers for a peer (FRR's core set for a MetalLB neighbour):
 *  mp ipv4/unicast, mp ipv6/unicast (when ipv6 is true: dualStackAddressFamily), route-refresh, 4-octet-as.
 *  The native speaker sends another set: see nativeSpeakerCapabilities. */
export function metallbCapabilities(myAsn: number, opts: { ipv6?: boolean } = {}): Capability[] {
  const caps: Capability[] = [{ code: 1, name: 'multiprotocol', afi: 1, safi: 1 }];
  if (opts.ipv6) caps.push({ code: 1, name: 'multiprotocol', afi: 2, safi: 1 });
  caps.push({ code: 2, name: 'route-refresh' }, { code: 65, name: '4-octet-as', asn: myAsn });
  return caps;
}

/** What internal/bgp/native's sendOpen writes, in its order: mp ipv4/unicast and ipv6/unicast
 *  (always both) and 4-octet-as; it does not announce route-refresh. */
export function nativeSpeakerCapabilities(myAsn: number): Capability[] {
  return [
    { code: 1, name: 'multiprotocol', afi: 1, safi: 1 },
    { code: 1, name: 'multiprotocol', afi: 2, safi: 1 },
    { code: 65, name: '4-octet-as', asn: myAsn },
  ];
}

/** The real ASN of an OPEN: the 4-octet-as capability's when present, else myAsn. */
export function openAsn(o: Open): number {
  for (const c of o.capabilities) if (c.code === 65 && !('data' in c)) return c.asn;
  return o.myAsn;
}

function checkInt(what: string, v: number, min: number, max: number): void {
  if (!Number.isInteger(v) || v < min || v > max) throw new RangeError(`${what} must be a whole number in ${min}..${max}, got ${v}`);
}

function parseRouterId(id: string): Buffer {
  const m = /^(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})$/.exec(id);
  const bytes = m?.slice(1).map(Number);
  if (!bytes || bytes.some((b) => b > 255)) throw new RangeError(`router id must be a dotted quad, got "${id}"`);
  // RFC 6286: the BGP Identifier is a non-zero 4-octet value
  if (bytes.every((b) => b === 0)) throw new RangeError('router id 0.0.0.0 is not a valid BGP Identifier');
  return Buffer.from(bytes);
}

export function encodeCapability(c: Capability): Buffer {
  checkInt('capability code', c.code, 0, 255);
  if ('data' in c) {
    if (c.data.length > 255) throw new RangeError(`capability ${c.code} value is ${c.data.length} bytes, at most 255 fit`);
    return Buffer.concat([Buffer.from([c.code, c.data.length]), c.data]);
  }
  switch (c.code) {
    case 1: {
      checkInt('AFI', c.afi, 0, 0xffff);
      checkInt('SAFI', c.safi, 0, 0xff);
      const b = Buffer.from([1, 4, 0, 0, 0, c.safi]);
      b.writeUInt16BE(c.afi, 2);
      return b;
    }
    case 2:
      return Buffer.from([2, 0]);
    case 65: {
      checkInt('4-octet-as ASN', c.asn, 1, MAX_ASN);
      const b = Buffer.from([65, 4, 0, 0, 0, 0]);
      b.writeUInt32BE(c.asn, 2);
      return b;
    }
  }
}

export function encodeMessage(type: number, body: Buffer, maxLength = MAX_MESSAGE_LENGTH): Buffer {
  checkInt('message type', type, 0, 255);
  const length = HEADER_LENGTH + body.length;
  if (length > maxLength) throw new RangeError(`a BGP message of ${length} bytes is longer than ${maxLength}`);
  const header = Buffer.alloc(HEADER_LENGTH, 0xff);
  header.writeUInt16BE(length, 16);
  header[18] = type;
  return Buffer.concat([header, body]);
}

/** An OPEN. An ASN above 65535 goes as AS_TRANS in the 2-byte field and needs the 4-octet-as
 *  capability; all capabilities travel in one optional parameter (as GoBGP and MetalLB native do). */
export function encodeOpen(o: { myAsn: number; holdTime: number; routerId: string; capabilities: Capability[] }): Buffer {
  checkInt('myAsn', o.myAsn, 1, MAX_ASN);
  checkInt('holdTime', o.holdTime, 0, 0xffff);
  if (o.holdTime === 1 || o.holdTime === 2) throw new RangeError('holdTime must be 0 or at least 3 seconds (RFC 4271)');
  const id = parseRouterId(o.routerId);
  const as4 = o.capabilities.filter((c): c is Extract<Capability, { code: 65; asn: number }> => c.code === 65 && !('data' in c));
  // a decoded OPEN holds AS_TRANS in myAsn and the real ASN in the capability: accept that shape too
  const asn = o.myAsn === AS_TRANS && as4[0] ? as4[0].asn : o.myAsn;
  for (const c of as4) if (c.asn !== asn) throw new RangeError(`the 4-octet-as capability carries ${c.asn} but myAsn is ${o.myAsn}`);
  if (asn > MAX_2BYTE_ASN && as4.length === 0) throw new RangeError(`myAsn ${asn} does not fit 2 bytes: add the 4-octet-as capability`);
  const caps = Buffer.concat(o.capabilities.map(encodeCapability));
  if (caps.length > 253) throw new RangeError(`capabilities take ${caps.length} bytes: more than the 253 one optional parameter holds (RFC 9072 is not used)`);
  const params = caps.length ? Buffer.concat([Buffer.from([OPT_CAPABILITIES, caps.length]), caps]) : Buffer.alloc(0);
  const fixed = Buffer.alloc(OPEN_MIN_BODY);
  fixed[0] = 4;
  fixed.writeUInt16BE(asn > MAX_2BYTE_ASN ? AS_TRANS : asn, 1);
  fixed.writeUInt16BE(o.holdTime, 3);
  id.copy(fixed, 5);
  fixed[9] = params.length;
  return encodeMessage(MSG.OPEN, Buffer.concat([fixed, params]));
}

function decodeCapabilities(b: Buffer, into: Capability[]): void {
  let i = 0;
  while (i < b.length) {
    if (i + 2 > b.length) fail(2, 0, `capability header cut short at byte ${i} of ${b.length}`);
    const code = b[i]!;
    const len = b[i + 1]!;
    if (i + 2 + len > b.length) fail(2, 0, `capability ${code} of length ${len} overruns its optional parameter (${b.length - i - 2} bytes left)`);
    const v = b.subarray(i + 2, i + 2 + len);
    i += 2 + len;
    switch (code) {
      case 1:
        if (len !== 4) fail(2, 0, `multiprotocol capability of length ${len}, not 4`);
        into.push({ code: 1, name: 'multiprotocol', afi: v.readUInt16BE(0), safi: v[3]! });
        break;
      case 2:
        if (len !== 0) fail(2, 0, `route-refresh capability of length ${len}, not 0`);
        into.push({ code: 2, name: 'route-refresh' });
        break;
      case 65: {
        if (len !== 4) fail(2, 0, `4-octet-as capability of length ${len}, not 4`);
        const asn = v.readUInt32BE(0);
        // RFC 7607: AS 0 is never a peer's AS
        if (asn === 0) fail(2, 2, '4-octet-as capability carries AS 0', Buffer.from(v));
        into.push({ code: 65, name: '4-octet-as', asn });
        break;
      }
      default:
        into.push({ code, name: capabilityName(code), data: Buffer.from(v) });
    }
  }
}

function decodeOpen(body: Buffer): Open {
  if (body.length < OPEN_MIN_BODY) badLength(HEADER_LENGTH + body.length, `OPEN of ${HEADER_LENGTH + body.length} bytes, shorter than 29`);
  if (HEADER_LENGTH + body.length > MAX_MESSAGE_LENGTH) badLength(HEADER_LENGTH + body.length, `OPEN of ${HEADER_LENGTH + body.length} bytes, longer than 4096`);
  const version = body[0]!;
  // RFC 4271 6.2: the data is the version we do support
  if (version !== 4) fail(2, 1, `BGP version ${version}, not 4`, u16(4));
  const myAsn = body.readUInt16BE(1);
  if (myAsn === 0) fail(2, 2, 'OPEN with AS 0', body.subarray(1, 3));
  const holdTime = body.readUInt16BE(3);
  if (holdTime === 1 || holdTime === 2) fail(2, 6, `hold time ${holdTime}s: must be 0 or at least 3`);
  const routerId = [...body.subarray(5, 9)].join('.');
  if (body.readUInt32BE(5) === 0) fail(2, 3, 'BGP Identifier 0.0.0.0');

  let optLen = body[9]!;
  let at = OPEN_MIN_BODY;
  let wide = false;
  // RFC 9072: length 255 and a first "type" of 255 announce 2-byte lengths
  if (optLen === 255 && body.length > at && body[at] === OPT_EXTENDED_LENGTH) {
    if (body.length < at + 3) fail(2, 0, 'extended optional parameters length cut short');
    optLen = body.readUInt16BE(at + 1);
    at += 3;
    wide = true;
  }
  if (at + optLen !== body.length)
    fail(2, 0, `optional parameters of ${optLen} bytes in an OPEN that has ${body.length - at} bytes after its fixed part`);

  const capabilities: Capability[] = [];
  const otherParams: Open['otherParams'] = [];
  const head = wide ? 3 : 2;
  while (at < body.length) {
    if (at + head > body.length) fail(2, 0, 'optional parameter header cut short');
    const type = body[at]!;
    const len = wide ? body.readUInt16BE(at + 1) : body[at + 1]!;
    const start = at + head;
    if (start + len > body.length) fail(2, 0, `optional parameter ${type} of length ${len} overruns the OPEN`);
    const data = body.subarray(start, start + len);
    if (type === OPT_CAPABILITIES) decodeCapabilities(data, capabilities);
    else otherParams.push({ type, data: Buffer.from(data) });
    at = start + len;
  }
  return { version, myAsn, holdTime, routerId, capabilities, otherParams };
}

// --- NOTIFICATION, KEEPALIVE, ROUTE-REFRESH ---------------------------------------------------

export function encodeKeepalive(): Buffer {
  return encodeMessage(MSG.KEEPALIVE, Buffer.alloc(0));
}

export function encodeNotification(code: number, subcode: number, data: Buffer = Buffer.alloc(0)): Buffer {
  checkInt('NOTIFICATION code', code, 0, 255);
  checkInt('NOTIFICATION subcode', subcode, 0, 255);
  return encodeMessage(MSG.NOTIFICATION, Buffer.concat([Buffer.from([code, subcode]), data]));
}

/** The data of a Cease / Administrative Shutdown or Reset carrying a shutdown communication (RFC 9003: up to 255 bytes of UTF-8). */
export function shutdownCommunication(text: string): Buffer {
  const utf8 = Buffer.from(text, 'utf8');
  if (utf8.length > 255) throw new RangeError(`a shutdown communication holds at most 255 bytes of UTF-8, got ${utf8.length}`);
  return Buffer.concat([Buffer.from([utf8.length]), utf8]);
}

/** The shutdown communication of a Cease 2 or 4, when its data is one (a length and that much valid UTF-8). */
export function shutdownMessage(n: Notification): string | undefined {
  if (n.code !== 6 || (n.subcode !== 2 && n.subcode !== 4) || n.data.length === 0) return undefined;
  if (n.data[0]! + 1 !== n.data.length) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(n.data.subarray(1));
  } catch {
    return undefined;
  }
}

export interface RouteRefresh {
  afi: number;
  safi: number;
  /** RFC 7313: 0 normal request, 1 beginning of route refresh, 2 end of route refresh */
  subtype: number;
}

export function encodeRouteRefresh(r: RouteRefresh): Buffer {
  checkInt('AFI', r.afi, 0, 0xffff);
  checkInt('SAFI', r.safi, 0, 0xff);
  checkInt('subtype', r.subtype, 0, 0xff);
  const body = Buffer.from([0, 0, r.subtype, r.safi]);
  body.writeUInt16BE(r.afi, 0);
  return encodeMessage(MSG.ROUTE_REFRESH, body);
}

/** The fixed part of a ROUTE-REFRESH body (a subtype 0 message may carry ORF entries after it, RFC 5291). */
export function decodeRouteRefresh(body: Buffer): RouteRefresh {
  checkRouteRefresh(body);
  return { afi: body.readUInt16BE(0), subtype: body[2]!, safi: body[3]! };
}

function checkRouteRefresh(body: Buffer): void {
  // RFC 7313 5: the data is the whole message
  if (body.length < 4 || (body.length !== 4 && (body[2] === 1 || body[2] === 2)))
    fail(7, 1, `ROUTE-REFRESH body of ${body.length} bytes`, encodeMessage(MSG.ROUTE_REFRESH, body, MAX_EXTENDED_MESSAGE_LENGTH));
}

function checkUpdate(body: Buffer): void {
  if (body.length < UPDATE_MIN_BODY) badLength(HEADER_LENGTH + body.length, `UPDATE of ${HEADER_LENGTH + body.length} bytes, shorter than 23`);
  const withdrawn = body.readUInt16BE(0);
  if (2 + withdrawn + 2 > body.length) fail(3, 1, `withdrawn routes length ${withdrawn} overruns the UPDATE`);
  const attrs = body.readUInt16BE(2 + withdrawn);
  if (4 + withdrawn + attrs > body.length) fail(3, 1, `path attributes length ${attrs} overruns the UPDATE`);
}

/** Decodes one message body (after the 19-byte header). Throws a BgpDecodeError carrying the NOTIFICATION
 *  RFC 4271 has a receiver send for malformed input. A type other than 1..5 comes back raw: RFC 4271
 *  answers it with 1/3 (Bad Message Type), which is the caller's decision. */
export function decodeMessage(type: number, body: Buffer): Message {
  switch (type) {
    case MSG.OPEN:
      return { type: MSG.OPEN, open: decodeOpen(body) };
    case MSG.NOTIFICATION:
      if (body.length < 2) badLength(HEADER_LENGTH + body.length, `NOTIFICATION of ${HEADER_LENGTH + body.length} bytes, shorter than 21`);
      return { type: MSG.NOTIFICATION, notification: { code: body[0]!, subcode: body[1]!, data: Buffer.from(body.subarray(2)) } };
    case MSG.KEEPALIVE:
      if (body.length !== 0) badLength(HEADER_LENGTH + body.length, `KEEPALIVE of ${HEADER_LENGTH + body.length} bytes, not 19`);
      return { type: MSG.KEEPALIVE };
    case MSG.UPDATE:
      checkUpdate(body);
      return { type: MSG.UPDATE, body };
    case MSG.ROUTE_REFRESH:
      checkRouteRefresh(body);
      return { type: MSG.ROUTE_REFRESH, body };
    default:
      return { type, body };
  }
}

// --- stream ----------------------------------------------------------------------------------

/** A stream reader: push TCP data in any pieces; `next()` returns whole messages in order.
 *  A bad marker or length breaks the framing for good: every later `next()` throws the same error.
 *  A malformed message inside good framing is consumed, and `next()` throws its error once. */
export class MessageReader {
  /** set once both ends advertised the extended message capability (RFC 8654) */
  extendedMessage = false;
  #chunks: Buffer[] = [];
  #length = 0;
  #broken: BgpDecodeError | undefined;

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.#chunks.push(chunk);
    this.#length += chunk.length;
  }

  /** bytes held back: pushed and not yet returned by next(); once drained, the incomplete message */
  get pending(): number {
    return this.#length;
  }

  next(): Message | undefined {
    if (this.#broken) throw this.#broken;
    let length: number | undefined;
    try {
      length = this.#frame();
    } catch (e) {
      if (e instanceof BgpDecodeError) this.#broken = e;
      throw e;
    }
    if (length === undefined || this.#length < length) return undefined;
    const whole = this.#take(length);
    return decodeMessage(whole[18]!, whole.subarray(HEADER_LENGTH));
  }

  /** the length of the message at the front, once its header has arrived; throws on a bad marker or length */
  #frame(): number | undefined {
    const head = this.#front(Math.min(HEADER_LENGTH, this.#length));
    // the marker is checked as its bytes arrive: a peer that is not BGP is caught before 19 bytes
    for (let i = 0; i < Math.min(16, head.length); i++) {
      if (head[i] !== 0xff) fail(1, 1, `header marker byte ${i} is 0x${head[i]!.toString(16).padStart(2, '0')}, not 0xff`);
    }
    if (head.length < 18) return undefined;
    const length = head.readUInt16BE(16);
    const max = this.extendedMessage ? MAX_EXTENDED_MESSAGE_LENGTH : MAX_MESSAGE_LENGTH;
    if (length < HEADER_LENGTH || length > max) badLength(length, `message length ${length}, outside ${HEADER_LENGTH}..${max}`);
    return length;
  }

  /** the first n buffered bytes as one buffer (joining chunks when needed) */
  #front(n: number): Buffer {
    if (n === 0) return Buffer.alloc(0);
    if (this.#chunks[0]!.length < n) {
      let joined = 0;
      let count = 0;
      while (joined < n) joined += this.#chunks[count++]!.length;
      this.#chunks.splice(0, count, Buffer.concat(this.#chunks.slice(0, count), joined));
    }
    return this.#chunks[0]!.subarray(0, n);
  }

  /** removes and returns a copy of the first n bytes */
  #take(n: number): Buffer {
    const out = Buffer.from(this.#front(n));
    const first = this.#chunks[0]!;
    if (first.length === n) this.#chunks.shift();
    else this.#chunks[0] = first.subarray(n);
    this.#length -= n;
    return out;
  }
}
