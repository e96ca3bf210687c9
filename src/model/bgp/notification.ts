// BGP NOTIFICATION error codes and subcodes, named as the IANA registries "BGP Error (Notification)
// Codes" and "BGP Error Subcodes" name them, plus the log shapes in which MetalLB's speakers write them.

export interface NotificationName {
  code: number;
  subcode: number;
  /** "OPEN Message Error"; "Unknown error code 42" when unknown */
  codeName: string;
  /** "Bad Peer AS"; absent for subcode 0 (unspecific); "unknown subcode N" when unknown */
  subcodeName?: string;
  /** "OPEN Message Error / Bad Peer AS", or "Hold Timer Expired" when there is no subcode name */
  text: string;
}

export interface FoundNotification {
  name: NotificationName;
  direction?: 'sent' | 'received';
  /** the neighbour's address (without a port), or its interface / host name as the log gives it */
  neighbor?: string;
  /** the data field as the log prints it (FRR: hex bytes "00 64"); absent when empty */
  data?: string;
  /** the shutdown communication (RFC 9003) of a Cease 2 or 4, when FRR printed one */
  message?: string;
}

interface CodeEntry {
  name: string;
  /** the names of subcodes 1, 2, ...; subcode 0 is "unspecific" and has no name */
  subcodes: readonly string[];
}

const CODES: Readonly<Record<number, CodeEntry>> = {
  1: { name: 'Message Header Error', subcodes: ['Connection Not Synchronized', 'Bad Message Length', 'Bad Message Type'] },
  2: {
    name: 'OPEN Message Error',
    subcodes: [
      'Unsupported Version Number',
      'Bad Peer AS',
      'Bad BGP Identifier',
      'Unsupported Optional Parameter',
      'Authentication Failure (deprecated)',
      'Unacceptable Hold Time',
      'Unsupported Capability',
      // 8-10 were the multisession draft's; IANA lists them only as "Deprecated" (RFC 9234)
      'Deprecated',
      'Deprecated',
      'Deprecated',
      'Role Mismatch',
    ],
  },
  3: {
    name: 'UPDATE Message Error',
    subcodes: [
      'Malformed Attribute List',
      'Unrecognized Well-known Attribute',
      'Missing Well-known Attribute',
      'Attribute Flags Error',
      'Attribute Length Error',
      'Invalid ORIGIN Attribute',
      'AS Routing Loop (deprecated)',
      'Invalid NEXT_HOP Attribute',
      'Optional Attribute Error',
      'Invalid Network Field',
      'Malformed AS_PATH',
    ],
  },
  4: { name: 'Hold Timer Expired', subcodes: [] },
  5: {
    name: 'Finite State Machine Error',
    subcodes: [
      'Receive Unexpected Message in OpenSent State',
      'Receive Unexpected Message in OpenConfirm State',
      'Receive Unexpected Message in Established State',
    ],
  },
  6: {
    name: 'Cease',
    subcodes: [
      'Maximum Number of Prefixes Reached',
      'Administrative Shutdown',
      'Peer De-configured',
      'Administrative Reset',
      'Connection Rejected',
      'Other Configuration Change',
      'Connection Collision Resolution',
      'Out of Resources',
      'Hard Reset',
      'BFD Down',
    ],
  },
  7: { name: 'ROUTE-REFRESH Message Error', subcodes: ['Invalid Message Length'] },
  8: { name: 'Send Hold Timer Expired', subcodes: [] },
};

function checkByte(what: string, v: number): void {
  if (!Number.isInteger(v) || v < 0 || v > 255) throw new RangeError(`BGP NOTIFICATION ${what} must be 0..255, got ${v}`);
}

export function notificationName(code: number, subcode: number): NotificationName {
  checkByte('code', code);
  checkByte('subcode', subcode);
  const entry = CODES[code];
  const codeName = entry?.name ?? `Unknown error code ${code}`;
  const subcodeName = subcode === 0 ? undefined : (entry?.subcodes[subcode - 1] ?? `unknown subcode ${subcode}`);
  const text = subcodeName === undefined ? codeName : `${codeName} / ${subcodeName}`;
  return subcodeName === undefined ? { code, subcode, codeName, text } : { code, subcode, codeName, subcodeName, text };
}

/** MetalLB's native speaker writes the pair as one 16-bit number: 0x0202 -> code 2, subcode 2 */
export function fromCombined(value: number): NotificationName {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff) throw new RangeError(`combined NOTIFICATION code must be 0..0xffff, got ${value}`);
  return notificationName(value >> 8, value & 0xff);
}

// Hints keyed "code/subcode", with "code" as the fallback for a code's other subcodes.
// Written for the common case: the router sent the NOTIFICATION to MetalLB's speaker.
const HINTS: Readonly<Record<string, string>> = {
  '1': 'the two ends disagree on BGP framing: usually not a BGP speaker on the other end (wrong peerPort, a proxy or firewall rewriting the stream), rarely a software bug',
  '2': "the router refused the node's OPEN: compare the BGPPeer (myASN, peerASN, routerID, holdTime, address families) with the router's neighbour configuration",
  '2/1': 'the other end does not speak BGP-4: check peerAddress and peerPort point at the router\'s BGP port',
  '2/2': "the router expects another AS from this node: spec.myASN (or the router's remote-as for this node) is wrong; when the node sent it, the router's AS is not spec.peerASN",
  '2/3': 'the router refused the BGP identifier: it is 0.0.0.0, equals the router\'s own ID, or (iBGP) another node uses the same one (a spec.routerID on a BGPPeer that selects several nodes gives them all the same ID)',
  '2/4': "the router does not understand an optional parameter of the node's OPEN: an old or minimal BGP implementation; check which capabilities it supports",
  '2/5': 'an authentication failure of the old (RFC 1771) kind: check spec.password / spec.passwordSecret against the router\'s neighbour password',
  '2/6': "the router does not accept the hold time: 1 and 2 seconds are never valid and routers may enforce a minimum; align spec.holdTime with the router's timers",
  '2/7': "the router requires or refuses a capability: often 4-byte ASNs (an ASN above 65535 towards an old router), the address families (IPv4/IPv6, dualStackAddressFamily) or graceful restart; the data bytes name the capability",
  '2/11': "the router enforces BGP roles (RFC 9234) and the roles do not match: MetalLB announces no role, so relax strict role mode on the router's neighbour",
  '3': "the router found an UPDATE from the node malformed: look at what this node announces (communities, local-pref, next hop) and at the MetalLB / FRR versions; the data bytes hold the offending attribute",
  '3/8': 'the router refused the next hop of the announced routes: often, with multi-hop eBGP or a sourceAddress, the node announces an address the router cannot reach directly',
  '4': 'no KEEPALIVE or UPDATE arrived within the hold time: traffic to or from port 179 is being dropped (firewall, MTU, a flapping link), or the speaker stalled or restarted (CPU limits, OOM kill, node pressure)',
  '5': 'a message arrived in the wrong session state: usually one end restarted during the handshake; harmless once, a bug or interop problem when it repeats',
  '6': "the router closed the session: its own log says why",
  '6/1': "the router's maximum-prefix limit for this neighbour was reached: the node announces more routes (Service IPs) than allowed; raise the limit or aggregate (aggregationLength)",
  '6/2': 'the router shut this neighbour down administratively: benign after a planned change on the router; otherwise ask its operators (a shutdown message may say why)',
  '6/3': "the router has no neighbour for this node (any more): add the node's address as a neighbour on the router, or stop peering from this node (BGPPeer nodeSelectors)",
  '6/4': 'the router reset the session administratively (clear bgp, a configuration commit): benign after a router change; the session should come back by itself',
  '6/5': "the router does not accept a session from this address: the node's source address (spec.sourceAddress, or the address of the outgoing interface) is not one of the router's neighbours or listen ranges",
  '6/6': "a configuration change on the router restarted the session: benign when it happens once",
  '6/7': 'both ends opened a connection at once and one of the two was closed (RFC 4271 section 6.8): benign when the session establishes afterwards',
  '6/8': 'the router is out of resources (memory, session or route limits): a problem on the router, not in MetalLB',
  '6/9': 'the session was reset without keeping routes for graceful restart (RFC 8538): routes were withdrawn; the cause is the accompanying reason in the log',
  '6/10': "the BFD session to this neighbour went down, taking BGP with it: packet loss or a failed path, or BFD timers too tight (the BFDProfile's receiveInterval, transmitInterval, detectMultiplier)",
  '7': 'a ROUTE-REFRESH message had the wrong length: an interop bug between the two BGP implementations',
  '8': 'the sender could not send for a whole hold time because the other end stopped reading: an overloaded or stuck speaker on the receiving side',
};

/** a short hint of what the notification usually means for a MetalLB session */
export function notificationHint(code: number, subcode: number): string | undefined {
  return HINTS[`${code}/${subcode}`] ?? HINTS[String(code)];
}

// "read OPEN from "10.0.0.1:179": got BGP notification code 0x0202 (Bad peer AS)", possibly with the
// quotes JSON-escaped; the peer may also be the line's `peer` key (go-kit logger context).
const NATIVE = /got BGP notification code 0x([0-9a-f]{1,4})\b/i;
const NATIVE_PEER = /read OPEN from \\?"([^"\\]+)\\?"|"peer"\s*:\s*"([^"]+)"|\bpeer=(\S+)/;
// FRR bgpd/bgp_debug.c bgp_notify_print: "%NOTIFICATION[(Hard Reset)]: received from|sent to neighbor
// HOST C/S (names) N bytes HEX" or, for Cease 2/4 with a shutdown communication, "... (names) "MSG"".
const FRR =
  /%NOTIFICATION(?:\([^)]*\))?: (received from|sent to) neighbor (\S+) (\d{1,3})\/(\d{1,3}) \([^)\n]*\)(?: (\d+) bytes ?([0-9a-f ]*)| "([^"\n]*)")?/i;
// GoBGP: "notification-received code 2(open) subcode 2(bad peer as)", or the fields of its
// "received notification" / "sent notification" lines: logfmt Code=2 Subcode=2, JSON "Code":2,"Subcode":2.
const NOTIFICATION_LINE = /^.*notification.*$/gim;
const GOBGP_CODE = /\bcode"?[=: ]*(\d{1,3})\b/i;
const GOBGP_SUBCODE = /\bsubcode"?[=: ]*(\d{1,3})\b/i;
const GOBGP_PEER = /\bKey"?\s*[=:]\s*"?([^"\s,}]+)/;

function lineStart(text: string, index: number): number {
  return text.lastIndexOf('\n', index) + 1;
}

function lineAt(text: string, index: number): string {
  const start = lineStart(text, index);
  const end = text.indexOf('\n', index);
  return text.slice(start, end < 0 ? undefined : end);
}

function stripPort(addr: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(addr);
  if (bracketed) return bracketed[1]!;
  const hostPort = /^([^:]+):\d+$/.exec(addr);
  return hostPort ? hostPort[1]! : addr;
}

function isByte(s: string): boolean {
  return Number(s) <= 255;
}

/**
 * Finds the first NOTIFICATION in a log text (MetalLB native, FRR, GoBGP shapes) and decodes it.
 * Returns undefined when the text holds none.
 */
export function findNotification(text: string): FoundNotification | undefined {
  const found: { at: number; value: FoundNotification }[] = [];

  const frr = FRR.exec(text);
  if (frr && isByte(frr[3]!) && isByte(frr[4]!)) {
    const value: FoundNotification = {
      name: notificationName(Number(frr[3]), Number(frr[4])),
      direction: frr[1]!.toLowerCase().startsWith('received') ? 'received' : 'sent',
      neighbor: frr[2]!,
    };
    const data = frr[6]?.trim();
    if (data) value.data = data;
    if (frr[7] !== undefined) value.message = frr[7];
    found.push({ at: lineStart(text, frr.index), value });
  }

  const native = NATIVE.exec(text);
  if (native) {
    const value: FoundNotification = { name: fromCombined(parseInt(native[1]!, 16)), direction: 'received' };
    const peer = NATIVE_PEER.exec(lineAt(text, native.index));
    const addr = peer?.[1] ?? peer?.[2] ?? peer?.[3];
    if (addr) value.neighbor = stripPort(addr);
    found.push({ at: lineStart(text, native.index), value });
  }

  const bound = Math.min(...found.map((f) => f.at));
  for (const m of text.matchAll(NOTIFICATION_LINE)) {
    if (m.index > bound) break; // a line after one already found cannot come first
    const line = m[0];
    const code = GOBGP_CODE.exec(line);
    const subcode = GOBGP_SUBCODE.exec(line);
    if (!code || !subcode || !isByte(code[1]!) || !isByte(subcode[1]!)) continue;
    const value: FoundNotification = { name: notificationName(Number(code[1]), Number(subcode[1])) };
    if (/notification-received|received notification|notification received/i.test(line)) value.direction = 'received';
    else if (/notification-sent|sent notification|notification sent/i.test(line)) value.direction = 'sent';
    const key = GOBGP_PEER.exec(line);
    if (key) value.neighbor = stripPort(key[1]!);
    found.push({ at: m.index, value });
    break;
  }

  // earliest line first; on one line the specific shapes (pushed first) win, as sort is stable
  found.sort((a, b) => a.at - b.at);
  return found[0]?.value;
}
