// Address arithmetic for IPAddressPool entries, re-implementing what MetalLB does with
// `net.ParseIP` / `net.ParseCIDR` (Go >= 1.22, backed by net/netip), `config.ParseCIDR`,
// `ipaddr.Summarize` and the allocator's CIDR walk. Addresses are bigints (32 or 128 bits) and
// every operation is arithmetic: nothing here enumerates a pool, so an IPv6 /48 costs what a
// /30 costs.

import { trimmed } from '../sources/compact.js';

export type Family = 4 | 6;

/** One address. An IPv4-mapped IPv6 address (`::ffff:1.2.3.4`) is family 4, as Go's To4() sees it. */
export interface IP {
  family: Family;
  /** 32-bit (family 4) or 128-bit (family 6) unsigned integer. */
  value: bigint;
}

/** A network: `base` has no host bits set. */
export interface CIDR {
  family: Family;
  base: bigint;
  prefix: number;
}

/** Inclusive range of one family, first <= last. */
export interface AddressRange {
  family: Family;
  first: bigint;
  last: bigint;
}

export interface PoolEntry {
  /** The entry exactly as written in spec.addresses. */
  text: string;
  kind: 'cidr' | 'range';
  /** Family of the addresses; for a mixed-family range, the family of its start IP. */
  family: Family;
  /** Addresses covered; undefined only for a mixed-family range (see mixedFamilies). */
  range: AddressRange | undefined;
  /** What MetalLB allocates from, in its order: a range's minimal ascending cover, or the normalised CIDR. */
  cidrs: CIDR[];
  /** A CIDR written with host bits set (`10.0.0.5/24`), which MetalLB silently widens. */
  hostBitsSet: boolean;
  /**
   * A range whose ends are of different families but whose start sorts before its end
   * (e.g. `::1-10.0.0.1`). MetalLB accepts it and Summarize yields no prefix: the entry adds no address.
   */
  mixedFamilies: boolean;
}

export type PoolEntryParse = { ok: true; entry: PoolEntry } | { ok: false; error: string };

const BITS: Record<Family, number> = { 4: 32, 6: 128 };
const V4_MAPPED_PREFIX = 0xffffn << 32n;

export function familyBits(family: Family): number {
  return BITS[family];
}

// ---------------------------------------------------------------------------------------------
// Parsing (Go semantics)

/**
 * Go's net.ParseIP, which since Go 1.22 is netip.ParseAddr minus zones:
 * - the first '.' or ':' decides IPv4 or IPv6 parsing;
 * - IPv4 octets with a leading zero (`010.0.0.1`) are rejected (Go >= 1.17);
 * - a zone (`fe80::1%eth0`) is rejected;
 * - IPv6 groups have at most 4 hex digits; an embedded IPv4 must be the last 32 bits;
 * - an IPv4-mapped IPv6 address (`::ffff:1.2.3.4`, also `::ffff:102:304`) is an IPv4 address.
 * No whitespace is trimmed.
 */
export function parseIP(s: string): IP | undefined {
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '.') {
      const v = parseIPv4Fields(s);
      return v === undefined ? undefined : { family: 4, value: v };
    }
    if (c === ':') {
      const v = parseIPv6(s);
      if (v === undefined) return undefined;
      return unmap(v);
    }
    if (c === '%') return undefined;
  }
  return undefined;
}

function unmap(v6: bigint): IP {
  if (v6 >> 32n === 0xffffn) return { family: 4, value: v6 & 0xffffffffn };
  return { family: 6, value: v6 };
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

// netip's parseIPv4Fields: exactly four decimal fields 0..255, no leading zeros, nothing else.
function parseIPv4Fields(s: string): bigint | undefined {
  const v = ipv4Number(s);
  return v < 0 ? undefined : BigInt(v);
}

/** parseIPv4Fields' answer as an unsigned 32-bit number, -1 for none (no BigInt, no list of fields). */
function ipv4Number(s: string): number {
  let fields = 0;
  let acc = 0;
  let val = 0;
  let digLen = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (isDigit(c)) {
      if (digLen === 1 && val === 0) return -1; // leading zero
      val = val * 10 + (c.charCodeAt(0) - 48);
      digLen++;
      if (val > 255) return -1;
    } else if (c === '.') {
      if (i === 0 || i === s.length - 1 || s[i - 1] === '.') return -1;
      if (fields === 3) return -1;
      acc = acc * 256 + val;
      fields++;
      val = 0;
      digLen = 0;
    } else {
      return -1;
    }
  }
  if (fields < 3) return -1;
  return acc * 256 + val;
}

function hexVal(c: string): number {
  if (c >= '0' && c <= '9') return c.charCodeAt(0) - 48;
  if (c >= 'a' && c <= 'f') return c.charCodeAt(0) - 87;
  if (c >= 'A' && c <= 'F') return c.charCodeAt(0) - 55;
  return -1;
}

// readIPv6's bytes, reused by every call (it calls nothing that parses IPv6), and a view that
// reads them as two 64-bit halves: two BigInts and a shift make the value, not ten steps
const V6_BUFFER = new ArrayBuffer(16);
const V6_BYTES = new Uint8Array(V6_BUFFER);
const V6_VIEW = new DataView(V6_BUFFER);

// netip's parseIPv6 without zones; returns the 128-bit value.
function parseIPv6(s: string): bigint | undefined {
  if (!readIPv6(s)) return undefined;
  return (V6_VIEW.getBigUint64(0) << 64n) | V6_VIEW.getBigUint64(8);
}

/** Whether parseIPv6 accepts `s`, its bytes then in V6_BYTES. It reads the text in place (no remainder strings). */
function readIPv6(s: string): boolean {
  if (s.includes('%')) return false; // a zone, or an empty one: net.ParseIP rejects both
  const ip = V6_BYTES.fill(0);
  const n = s.length;
  let p = 0;
  let ellipsis = -1;
  if (n >= 2 && s[0] === ':' && s[1] === ':') {
    ellipsis = 0;
    p = 2;
    if (p === n) return true;
  }
  let i = 0;
  while (i < 16) {
    let off = 0;
    let acc = 0;
    for (; p + off < n; off++) {
      const h = hexVal(s[p + off]!);
      if (h < 0) break;
      acc = acc * 16 + h;
      if (off > 3) return false; // more than 4 digits in a group
    }
    if (off === 0) return false;
    if (p + off < n && s[p + off] === '.') {
      if (ellipsis < 0 && i !== 12) return false;
      if (i + 4 > 16) return false;
      const v4 = ipv4Number(s.slice(p));
      if (v4 < 0) return false;
      ip[i] = v4 >>> 24;
      ip[i + 1] = (v4 >>> 16) & 0xff;
      ip[i + 2] = (v4 >>> 8) & 0xff;
      ip[i + 3] = v4 & 0xff;
      p = n;
      i += 4;
      break;
    }
    ip[i] = acc >> 8;
    ip[i + 1] = acc & 0xff;
    i += 2;
    p += off;
    if (p === n) break;
    if (s[p] !== ':' || p + 1 === n) return false;
    p++;
    if (s[p] === ':') {
      if (ellipsis >= 0) return false; // multiple ::
      ellipsis = i;
      p++;
      if (p === n) break;
    }
  }
  if (p !== n) return false;
  if (i < 16) {
    if (ellipsis < 0) return false;
    const k = 16 - i;
    for (let j = i - 1; j >= ellipsis; j--) ip[j + k] = ip[j]!;
    for (let j = ellipsis; j < ellipsis + k; j++) ip[j] = 0;
  } else if (ellipsis >= 0) {
    return false; // :: must stand for at least one group
  }
  return true;
}

/**
 * The family of parseIP(s)'s answer (undefined when it has none), without building its value:
 * what ipfamily.ForAddresses asks of a Service's clusterIPs.
 */
export function ipFamily(s: string): Family | undefined {
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '.') return ipv4Number(s) < 0 ? undefined : 4;
    if (c === ':') {
      if (!readIPv6(s)) return undefined;
      // IPv4-mapped (::ffff:0:0/96) reads back as IPv4, as unmap has it
      for (let k = 0; k < 10; k++) if (V6_BYTES[k] !== 0) return 6;
      return V6_BYTES[10] === 0xff && V6_BYTES[11] === 0xff ? 4 : 6;
    }
    if (c === '%') return undefined;
  }
  return undefined;
}

/**
 * Go's net.ParseCIDR: `addr/len`, split at the first '/'; addr as in parseIP but without the
 * IPv4-mapped unmapping (it decides the mask width); len is decimal digits only (leading zeros
 * accepted, as Go's dtoi does), at most 32 or 128. A bare IP is invalid. Host bits are dropped
 * (`10.0.0.5/24` is `10.0.0.0/24`) and reported in hostBitsSet.
 * `::ffff:a.b.c.d/(96+k)` yields an IPv4 network a.b.c.d/k: Go keeps a 16-byte IPNet whose To4()
 * is non-nil, so String(), Contains() and ipfamily.ForCIDR all treat it as IPv4/k.
 */
export function parseCIDR(s: string): { cidr: CIDR; hostBitsSet: boolean } | undefined {
  const slash = s.indexOf('/');
  if (slash < 0) return undefined;
  const addr = s.slice(0, slash);
  const mask = s.slice(slash + 1);
  let family: Family | undefined;
  let value: bigint | undefined;
  for (let i = 0; i < addr.length && family === undefined; i++) {
    const c = addr[i];
    if (c === '.') {
      family = 4;
      value = parseIPv4Fields(addr);
    } else if (c === ':') {
      family = 6;
      value = parseIPv6(addr);
    } else if (c === '%') {
      return undefined;
    }
  }
  if (family === undefined || value === undefined) return undefined;
  if (!/^[0-9]+$/.test(mask)) return undefined;
  // Go's dtoi only fails once the value reaches 0xFFFFFF, so any number of leading zeros is fine.
  const digits = mask.replace(/^0+(?=.)/, '');
  const n = digits.length > 3 ? Number.MAX_SAFE_INTEGER : Number(digits);
  if (n > BITS[family]) return undefined;
  const hostBits = BigInt(BITS[family] - n);
  const base = (value >> hostBits) << hostBits;
  const hostBitsSet = base !== value;
  if (family === 6 && n >= 96 && base >> 32n === 0xffffn) {
    return { cidr: { family: 4, base: base & 0xffffffffn, prefix: n - 96 }, hostBitsSet };
  }
  return { cidr: { family, base, prefix: n }, hostBitsSet };
}

// Go's strings.TrimSpace set (unicode.IsSpace); unlike JS trim() it includes U+0085 and
// excludes U+FEFF.
const GO_SPACE = '[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
const GO_TRIM = new RegExp(`^${GO_SPACE}+|${GO_SPACE}+$`, 'gu');
export function goTrimSpace(s: string): string {
  return s.replace(GO_TRIM, '');
}

const GO_PRINT = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;
/** Go's strconv.Quote (what `%q` prints), for the error texts. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (cp >= 0xd800 && cp <= 0xdfff) out += '\\ufffd'; // lone surrogate: not valid UTF-8 in Go
    else if (GO_PRINT.test(ch)) out += ch;
    else if (ch === '\x07') out += '\\a';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\v') out += '\\v';
    else if (cp < 0x20 || cp === 0x7f) out += '\\x' + cp.toString(16).padStart(2, '0');
    else if (cp < 0x10000) out += '\\u' + cp.toString(16).padStart(4, '0');
    else out += '\\U' + cp.toString(16).padStart(8, '0');
  }
  return out + '"';
}

// bytes.Compare on net.ParseIP's 16-byte forms: an IPv4 address sorts as ::ffff:a.b.c.d.
function key16(ip: IP): bigint {
  return ip.family === 4 ? V4_MAPPED_PREFIX | ip.value : ip.value;
}

/**
 * One spec.addresses entry, as MetalLB's config.ParseCIDR reads it. An entry containing '-' is a
 * range `start-end` (split at the first '-', each side trimmed); anything else must be a CIDR,
 * untrimmed. Errors carry MetalLB's own wording; wrap them with poolEntryError for the pool-level text.
 */
export function parsePoolEntry(text: string): PoolEntryParse {
  const dash = text.indexOf('-');
  if (dash < 0) {
    const p = parseCIDR(text);
    if (!p) return { ok: false, error: `invalid CIDR ${goQuote(text)}` };
    return {
      ok: true,
      entry: {
        text,
        kind: 'cidr',
        family: p.cidr.family,
        range: cidrRange(p.cidr),
        cidrs: [p.cidr],
        hostBitsSet: p.hostBitsSet,
        mixedFamilies: false,
      },
    };
  }
  const rawStart = text.slice(0, dash);
  const rawEnd = text.slice(dash + 1);
  const q = goQuote(text);
  const start = parseIP(goTrimSpace(rawStart));
  if (!start) return { ok: false, error: `invalid IP range ${q}: invalid start IP ${goQuote(rawStart)}` };
  const end = parseIP(goTrimSpace(rawEnd));
  if (!end) return { ok: false, error: `invalid IP range ${q}: invalid end IP ${goQuote(rawEnd)}` };
  if (key16(start) > key16(end)) {
    return {
      ok: false,
      error: `invalid IP range ${q}: start IP ${goQuote(formatIP(start))} is after the end IP ${goQuote(formatIP(end))}`,
    };
  }
  if (start.family !== end.family) {
    // Summarize returns nil for mixed families: MetalLB accepts the entry and adds no CIDR.
    return {
      ok: true,
      entry: { text, kind: 'range', family: start.family, range: undefined, cidrs: [], hostBitsSet: false, mixedFamilies: true },
    };
  }
  const range: AddressRange = { family: start.family, first: start.value, last: end.value };
  return {
    ok: true,
    // a pool's entries are kept for the run: the CIDR list at its size
    entry: { text, kind: 'range', family: start.family, range, cidrs: trimmed(rangeToCIDRs(range)), hostBitsSet: false, mixedFamilies: false },
  };
}

/** The pool-level wrapper config.go puts around a ParseCIDR error. */
export function poolEntryError(entryText: string, poolName: string, err: string): string {
  return `invalid CIDR ${goQuote(entryText)} in pool ${goQuote(poolName)}: ${err}`;
}

// ---------------------------------------------------------------------------------------------
// Formatting (Go's String())

/** Go's net.IP String(): dotted IPv4; IPv6 per RFC 5952 (lowercase, longest run of >= 2 zero groups, first on ties). */
export function formatIP(ip: IP): string {
  if (ip.family === 4) {
    const n = Number(ip.value & 0xffffffffn);
    return `${n >>> 24}.${(n >>> 16) & 0xff}.${(n >>> 8) & 0xff}.${n & 0xff}`;
  }
  const groups = v6Groups(ip.value);
  const { start: zs, length: zl } = zeroRun(groups);
  let out = '';
  let sep = false;
  for (let i = 0; i < 8; ) {
    if (i === zs) {
      out += '::';
      sep = false;
      i += zl;
      continue;
    }
    if (sep) out += ':';
    out += groups[i]!.toString(16);
    sep = true;
    i++;
  }
  return out;
}
/** The longest run of two or more zero groups, the first of equals: the one RFC 5952 writes "::" (start -1: none). */
function zeroRun(groups: readonly number[]): { start: number; length: number } {
  let start = -1;
  let length = 0;
  for (let i = 0; i < 8; i++) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i >= 2 && j - i > length) {
      start = i;
      length = j - i;
    }
  }
  return { start, length };
}

// the groups of an IPv6 value, reused by every call, and the bytes they are read from
const V6_GROUPS: number[] = new Array<number>(8).fill(0);
const GROUPS_VIEW = new DataView(new ArrayBuffer(16));

/** The eight 16-bit groups of the value's low 128 bits, in V6_GROUPS (two 64-bit writes: no text, one BigInt). */
function v6Groups(value: bigint): number[] {
  // setBigUint64 keeps a value's low 64 bits
  GROUPS_VIEW.setBigUint64(0, value >> 64n);
  GROUPS_VIEW.setBigUint64(8, value);
  for (let i = 0; i < 8; i++) V6_GROUPS[i] = GROUPS_VIEW.getUint16(2 * i);
  return V6_GROUPS;
}

/**
 * Whether formatIP(ip) is `text`, without writing it: the texts a status holds are most often
 * already Go's, and then serve as they are.
 */
export function formatsAs(ip: IP, text: string): boolean {
  if (ip.family === 4) {
    const n = Number(ip.value & 0xffffffffn);
    let p = digitsAt(text, 0, n >>> 24, 10);
    for (let shift = 16; shift >= 0 && p > 0; shift -= 8) {
      p = text.charCodeAt(p) === 46 ? digitsAt(text, p + 1, (n >>> shift) & 0xff, 10) : -1;
    }
    return p === text.length;
  }
  // formatIP's groups and "::" run, compared as they would be written
  const groups = v6Groups(ip.value);
  const { start: zs, length: zl } = zeroRun(groups);
  let p = 0;
  let sep = false;
  for (let i = 0; i < 8; ) {
    if (i === zs) {
      if (text.charCodeAt(p) !== 58 || text.charCodeAt(p + 1) !== 58) return false;
      p += 2;
      sep = false;
      i += zl;
      continue;
    }
    if (sep) {
      if (text.charCodeAt(p) !== 58) return false;
      p++;
    }
    p = digitsAt(text, p, groups[i]!, 16);
    if (p < 0) return false;
    sep = true;
    i++;
  }
  return p === text.length;
}

/** Where `value`'s digits (lowercase, no leading zero) end if `text` has them at `p`, else -1. */
function digitsAt(text: string, p: number, value: number, radix: number): number {
  let width = 1;
  for (let v = value; v >= radix; v = Math.floor(v / radix)) width++;
  for (let k = p + width - 1, v = value; k >= p; k--, v = Math.floor(v / radix)) {
    const d = v % radix;
    if (text.charCodeAt(k) !== (d < 10 ? 48 + d : 87 + d)) return -1;
  }
  return p + width;
}

/** Go's IPNet String(): `10.0.0.0/24`, `fd00::/48`. */
export function formatCIDR(c: CIDR): string {
  return `${formatIP({ family: c.family, value: c.base })}/${c.prefix}`;
}

export function formatRange(r: AddressRange): string {
  return `${formatIP({ family: r.family, value: r.first })}-${formatIP({ family: r.family, value: r.last })}`;
}

// ---------------------------------------------------------------------------------------------
// Ranges and CIDRs

export function cidrRange(c: CIDR): AddressRange {
  const size = 1n << BigInt(BITS[c.family] - c.prefix);
  return { family: c.family, first: c.base, last: c.base + size - 1n };
}

function bitLength(v: bigint): number {
  return v === 0n ? 0 : v.toString(2).length;
}

/**
 * ipaddr.Summarize: the minimal list of CIDRs covering exactly the range, ascending. Greedy:
 * at each step the largest block aligned on the current address that does not pass the end.
 */
export function rangeToCIDRs(r: AddressRange): CIDR[] {
  const bits = BITS[r.family];
  const out: CIDR[] = [];
  let cur = r.first;
  while (cur <= r.last) {
    const align = cur === 0n ? bits : bitLength(cur & -cur) - 1;
    const fit = bitLength(r.last - cur + 1n) - 1;
    const host = Math.min(align, fit);
    out.push({ family: r.family, base: cur, prefix: bits - host });
    cur += 1n << BigInt(host);
  }
  return out;
}

export function rangeSize(r: AddressRange): bigint {
  return r.last - r.first + 1n;
}

export function rangesOverlap(a: AddressRange, b: AddressRange): boolean {
  return a.family === b.family && a.first <= b.last && b.first <= a.last;
}

export function rangeContains(outer: AddressRange, inner: AddressRange): boolean {
  return outer.family === inner.family && outer.first <= inner.first && inner.last <= outer.last;
}

export function rangeContainsIP(r: AddressRange, ip: IP): boolean {
  return r.family === ip.family && r.first <= ip.value && ip.value <= r.last;
}

/**
 * config.go's cidrsOverlap (equal, or one contains the other). For two CIDRs of one family
 * that is exactly "they share an address".
 */
export function cidrsOverlap(a: CIDR, b: CIDR): boolean {
  return rangesOverlap(cidrRange(a), cidrRange(b));
}

export function cidrContainsIP(c: CIDR, ip: IP): boolean {
  return rangeContainsIP(cidrRange(c), ip);
}

export function compareIP(a: IP, b: IP): number {
  const ka = key16(a);
  const kb = key16(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------
// avoidBuggyIPs arithmetic. In IPv4 the buggy addresses are those with last octet 0 or 255:
// offsets 0 and 255 of every /24, so there are 254 allowed addresses per /24.

/** ipConfusesBuggyFirmwares: an IPv4 address ending in .0 or .255 (never an IPv6 one). */
export function isBuggyIP(ip: IP): boolean {
  if (ip.family !== 4) return false;
  const o = ip.value & 0xffn;
  return o === 0n || o === 255n;
}

/** Buggy IPv4 addresses in [0, n). */
function buggyBelow(n: bigint): bigint {
  return 2n * (n / 256n) + (n % 256n > 0n ? 1n : 0n);
}

/** Buggy IPv4 addresses in [first, last]. */
function buggyIn(first: bigint, last: bigint): bigint {
  return buggyBelow(last + 1n) - buggyBelow(first);
}

/** The i-th (0-based) allowed IPv4 address counting from 0.0.0.0. */
function allowedAt(i: bigint): bigint {
  return 256n * (i / 254n) + (i % 254n) + 1n;
}

/** The smallest allowed address >= x (may exceed 2^32-1, which callers treat as "none"). */
function nextAllowed(x: bigint): bigint {
  return allowedAt(x - buggyBelow(x));
}

function skipsBuggy(family: Family, avoidBuggyIPs: boolean): boolean {
  return avoidBuggyIPs && family === 4;
}

function cidrCapacity(c: CIDR, avoidBuggyIPs: boolean): bigint {
  const r = cidrRange(c);
  const size = rangeSize(r);
  return skipsBuggy(c.family, avoidBuggyIPs) ? size - buggyIn(r.first, r.last) : size;
}

function cidrsOf(entries: readonly PoolEntry[], family: Family): CIDR[] {
  const out: CIDR[] = [];
  for (const e of entries) for (const c of e.cidrs) if (c.family === family) out.push(c);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Pool-level questions, in MetalLB's allocation order: entries as written, each CIDR ascending.

/**
 * Exact number of allocatable addresses of one family. A sum over the entries' CIDRs, as
 * MetalLB walks them (entries that overlap, which MetalLB's config rejects, count twice).
 * Network and broadcast addresses count; avoidBuggyIPs removes IPv4 x.y.z.0 / x.y.z.255.
 */
export function capacity(entries: readonly PoolEntry[], family: Family, avoidBuggyIPs: boolean): bigint {
  let total = 0n;
  for (const c of cidrsOf(entries, family)) total += cidrCapacity(c, avoidBuggyIPs);
  return total;
}

/** The n-th (0-based) candidate in allocation order, or undefined past the end. */
export function nthAddress(entries: readonly PoolEntry[], family: Family, n: bigint, avoidBuggyIPs: boolean): IP | undefined {
  if (n < 0n) return undefined;
  const skip = skipsBuggy(family, avoidBuggyIPs);
  let left = n;
  for (const c of cidrsOf(entries, family)) {
    const cap = cidrCapacity(c, avoidBuggyIPs);
    if (left < cap) {
      const value = skip ? allowedAt(c.base - buggyBelow(c.base) + left) : c.base + left;
      return { family, value };
    }
    left -= cap;
  }
  return undefined;
}

function sortedValues(used: Iterable<IP>, family: Family): bigint[] {
  const vals: bigint[] = [];
  for (const ip of used) if (ip.family === family) vals.push(ip.value);
  vals.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return vals;
}

function lowerBound(sorted: readonly bigint[], v: bigint): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The first candidate in allocation order that is not in `used` (addresses of the other family
 * are ignored). Costs O(|used| log |used| + CIDRs * log |used|), never the pool size.
 */
export function firstFree(
  entries: readonly PoolEntry[],
  family: Family,
  used: Iterable<IP>,
  avoidBuggyIPs: boolean,
): IP | undefined {
  const sorted = sortedValues(used, family);
  const skip = skipsBuggy(family, avoidBuggyIPs);
  for (const c of cidrsOf(entries, family)) {
    const { first, last } = cidrRange(c);
    let cand = skip ? nextAllowed(first) : first;
    let i = lowerBound(sorted, cand);
    while (cand <= last) {
      while (i < sorted.length && sorted[i]! < cand) i++;
      if (i < sorted.length && sorted[i] === cand) {
        cand = skip ? nextAllowed(cand + 1n) : cand + 1n;
        i++;
        continue;
      }
      return { family, value: cand };
    }
  }
  return undefined;
}

/**
 * Whether MetalLB's poolFor would place `ip` in this pool: inside one of its CIDRs and not
 * excluded by avoidBuggyIPs.
 */
export function entriesContainIP(entries: readonly PoolEntry[], ip: IP, avoidBuggyIPs: boolean): boolean {
  if (avoidBuggyIPs && isBuggyIP(ip)) return false;
  return entries.some((e) => e.cidrs.some((c) => cidrContainsIP(c, ip)));
}

function mergedRanges(ranges: AddressRange[]): AddressRange[] {
  const sorted = [...ranges].sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
  const out: AddressRange[] = [];
  for (const r of sorted) {
    const prev = out[out.length - 1];
    if (prev && r.first <= prev.last + 1n) {
      if (r.last > prev.last) prev.last = r.last;
    } else {
      out.push({ ...r });
    }
  }
  return out;
}

/**
 * The IPv4 addresses ending in .0 or .255 that the entries hand out (what avoidBuggyIPs skips),
 * for the lint rule pool-includes-network-or-broadcast. `count` is exact and counts each address
 * once, without enumerating; `examples` are the lowest `limit` of them.
 */
export function buggyIPsIn(entries: readonly PoolEntry[], limit: number): { count: bigint; examples: IP[] } {
  return buggyAddresses(entries, limit, false);
}

/**
 * As buggyIPsIn, plus the network and broadcast address of each IPv4 CIDR entry of prefix <= 30
 * (a /31 or /32 has neither; a range's summarised CIDRs are not networks, so only entries written
 * as CIDRs count). Those are unusable only when the CIDR is the LAN's own subnet, which the
 * entries alone cannot tell, so lint uses buggyIPsIn and a rule that knows node subnets uses this.
 */
export function buggyAddressesIn(entries: readonly PoolEntry[], limit: number): { count: bigint; examples: IP[] } {
  return buggyAddresses(entries, limit, true);
}

function buggyAddresses(entries: readonly PoolEntry[], limit: number, networks: boolean): { count: bigint; examples: IP[] } {
  const ranges: AddressRange[] = [];
  for (const e of entries) for (const c of e.cidrs) if (c.family === 4) ranges.push(cidrRange(c));
  const merged = mergedRanges(ranges);
  let count = 0n;
  for (const r of merged) count += buggyIn(r.first, r.last);

  const extra = new Set<bigint>();
  for (const e of networks ? entries : []) {
    if (e.kind !== 'cidr' || e.family !== 4) continue;
    const c = e.cidrs[0]!;
    if (c.prefix > 30) continue;
    const r = cidrRange(c);
    for (const v of [r.first, r.last]) if (!isBuggyIP({ family: 4, value: v })) extra.add(v);
  }
  count += BigInt(extra.size);

  // Lowest `limit` addresses: merge the buggy addresses of the ranges with the extras.
  const candidates: bigint[] = [...extra];
  for (const r of merged) {
    let taken = 0;
    let v = r.first;
    while (taken < limit && v <= r.last) {
      const o = v & 0xffn;
      const next = o === 0n ? v : o === 255n ? v : v - o + 255n; // next .0 or .255 at or after v
      if (next > r.last) break;
      candidates.push(next);
      taken++;
      v = next + 1n;
    }
  }
  candidates.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const examples = candidates.slice(0, Math.max(0, limit)).map((value): IP => ({ family: 4, value }));
  return { count, examples };
}

// ---------------------------------------------------------------------------------------------
// MetalLB's own status arithmetic (allocator.go poolCount), to compare against IPAddressPool.status.

const INT64_MAX = (1n << 63n) - 1n;

/**
 * What MetalLB's poolCount reports, quirks included: a CIDR with >= 62 host bits sets total and
 * IPv6 to MaxInt64 (and later CIDRs add onto it with int64 wrap-around); with avoidBuggyIPs a
 * CIDR of prefix <= 24 loses 2 per /24, a smaller one loses 1 if its first address is buggy and
 * 1 if its last is, so a /32 x.y.z.0 counts -1. (An IPv4-mapped IPv6 CIDR is modelled as its
 * IPv4 meaning here; MetalLB would take the first/last branch for it.)
 */
export function poolCountAsMetalLB(
  entries: readonly PoolEntry[],
  avoidBuggyIPs: boolean,
): { total: bigint; ipv4: bigint; ipv6: bigint } {
  const wrap = (v: bigint) => BigInt.asIntN(64, v);
  let total = 0n;
  let ipv4 = 0n;
  let ipv6 = 0n;
  for (const e of entries) {
    for (const c of e.cidrs) {
      const host = BITS[c.family] - c.prefix;
      if (host >= 62) {
        total = INT64_MAX;
        ipv6 = INT64_MAX;
        continue;
      }
      let sz = 1n << BigInt(host);
      if (avoidBuggyIPs) {
        if (c.prefix <= 24) {
          sz -= (1n << BigInt(24 - c.prefix)) * 2n;
        } else {
          const r = cidrRange(c);
          if (isBuggyIP({ family: c.family, value: r.first })) sz--;
          if (isBuggyIP({ family: c.family, value: r.last })) sz--;
        }
      }
      total = wrap(total + sz);
      if (c.family === 4) ipv4 = wrap(ipv4 + sz);
      else ipv6 = wrap(ipv6 + sz);
    }
  }
  return { total, ipv4, ipv6 };
}

// ---------------------------------------------------------------------------------------------
// Which owner (pool) holds an address, in log time

/** Address ranges of many owners, sorted per family; built only when owners do not overlap. */
export class RangeIndex<T> {
  private constructor(private readonly byFamily: Map<Family, { first: bigint; last: bigint; owner: T }[]>) {}

  /**
   * Undefined when ranges of two owners overlap (then at most one owner is not certain, and the
   * caller searches in its own order). Overlapping ranges of one owner are merged.
   */
  static of<T>(ranges: Iterable<AddressRange & { owner: T }>): RangeIndex<T> | undefined {
    const byFamily = new Map<Family, { first: bigint; last: bigint; owner: T }[]>();
    for (const r of ranges) {
      let l = byFamily.get(r.family);
      if (!l) byFamily.set(r.family, (l = []));
      l.push({ first: r.first, last: r.last, owner: r.owner });
    }
    for (const [family, l] of byFamily) {
      l.sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
      const merged: typeof l = [];
      for (const r of l) {
        const prev = merged[merged.length - 1];
        if (prev && r.first <= prev.last) {
          if (prev.owner !== r.owner) return undefined;
          if (r.last > prev.last) prev.last = r.last;
        } else merged.push({ ...r });
      }
      byFamily.set(family, merged);
    }
    return new RangeIndex(byFamily);
  }

  owner(ip: IP): T | undefined {
    const l = this.byFamily.get(ip.family);
    if (!l) return undefined;
    let lo = 0;
    let hi = l.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const r = l[mid]!;
      if (ip.value < r.first) hi = mid - 1;
      else if (ip.value > r.last) lo = mid + 1;
      else return r.owner;
    }
    return undefined;
  }
}
