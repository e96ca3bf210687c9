import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  buggyAddressesIn,
  capacity,
  cidrsOverlap,
  entriesContainIP,
  firstFree,
  formatCIDR,
  formatIP,
  goQuote,
  isBuggyIP,
  nthAddress,
  parseCIDR,
  parseIP,
  parsePoolEntry,
  poolCountAsMetalLB,
  poolEntryError,
  rangeToCIDRs,
  type IP,
  type PoolEntry,
  cidrRange,
  RangeIndex,
} from '../../src/model/address.js';

function ip(s: string): IP {
  const r = parseIP(s);
  assert.ok(r, `test address ${s} must parse`);
  return r;
}

function entries(...texts: string[]): PoolEntry[] {
  return texts.map((t) => {
    const r = parsePoolEntry(t);
    assert.ok(r.ok, `test entry ${t} must parse`);
    return r.entry;
  });
}

function entryError(text: string): string {
  const r = parsePoolEntry(text);
  assert.equal(r.ok, false, `${text} must be rejected`);
  return r.ok ? '' : r.error;
}

describe('parseIP follows Go net.ParseIP', () => {
  test('accepts the usual forms', () => {
    assert.deepEqual(parseIP('1.2.3.4'), { family: 4, value: 0x01020304n });
    assert.deepEqual(parseIP('0.0.0.0'), { family: 4, value: 0n });
    assert.deepEqual(parseIP('255.255.255.255'), { family: 4, value: 0xffffffffn });
    assert.deepEqual(parseIP('::'), { family: 6, value: 0n });
    assert.deepEqual(parseIP('::1'), { family: 6, value: 1n });
    assert.deepEqual(parseIP('1::'), { family: 6, value: 1n << 112n });
    assert.deepEqual(parseIP('2001:DB8::A'), { family: 6, value: (0x20010db8n << 96n) | 0xan });
    assert.deepEqual(parseIP('1:2:3:4:5:6:7:8'), { family: 6, value: 0x00010002000300040005000600070008n });
    assert.deepEqual(parseIP('::1:2:3:4:5:6:7'), { family: 6, value: 0x00000001000200030004000500060007n });
    assert.deepEqual(parseIP('1:2:3:4:5:6:1.2.3.4'), { family: 6, value: 0x00010002000300040005000601020304n });
    assert.deepEqual(parseIP('0001:0db8::'), { family: 6, value: 0x00010db8n << 96n });
  });

  test('IPv4-mapped IPv6 is IPv4 (To4() != nil), IPv4-compatible is not', () => {
    assert.deepEqual(parseIP('::ffff:1.2.3.4'), { family: 4, value: 0x01020304n });
    assert.deepEqual(parseIP('::ffff:102:304'), { family: 4, value: 0x01020304n });
    assert.deepEqual(parseIP('::1.2.3.4'), { family: 6, value: 0x01020304n });
  });

  test('rejects what Go rejects', () => {
    for (const s of [
      '',
      '1.2.3',
      '1.2.3.4.5',
      '01.2.3.4', // leading zero, Go >= 1.17
      '1.2.3.04',
      '1.2.3.00',
      '1.2.3.256',
      '1..2.3',
      '.1.2.3',
      '1.2.3.',
      ' 1.2.3.4',
      '1.2.3.4 ',
      '1.2.3.4/32',
      'fe80::1%eth0', // zones
      '::1%',
      '%eth0',
      '1::2::3',
      '1:2:3:4:5:6:7:8:9',
      '1:2:3:4:5:6:7::8', // :: must stand for at least one group
      '::1:2:3:4:5:6:7:8',
      '1:2:3:4:5:6:7:8::',
      '12345::',
      '::ffff:01.2.3.4',
      '1:2:3:4:5:6:7:1.2.3.4', // embedded IPv4 must be the last 32 bits
      '1:2:3:4:5:1.2.3.4',
      ':1::',
      '1:',
      'g::',
      'localhost',
      '1.2:3.4',
    ]) {
      assert.equal(parseIP(s), undefined, JSON.stringify(s));
    }
  });
});

describe('formatIP follows Go String()', () => {
  const cases: Array<[string, string]> = [
    ['1.2.3.4', '1.2.3.4'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // tie: the first run is compressed
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'], // the longest run wins
    ['1:0:2:0:3:0:4:0', '1:0:2:0:3:0:4:0'], // a single zero group is never compressed
    ['0:0:0:0:0:0:0:0', '::'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['1:0:0:0:0:0:0:0', '1::'],
    ['FE80:0000:0000:0000:0000:0000:0000:0001', 'fe80::1'],
    ['::ffff:1.2.3.4', '1.2.3.4'],
    ['::1.2.3.4', '::102:304'],
  ];
  for (const [input, want] of cases) {
    test(`${input} -> ${want}`, () => assert.equal(formatIP(ip(input)), want));
  }
});

describe('parseCIDR follows Go net.ParseCIDR', () => {
  test('drops host bits and says so', () => {
    assert.deepEqual(parseCIDR('10.0.0.5/24'), { cidr: { family: 4, base: 0x0a000000n, prefix: 24 }, hostBitsSet: true });
    assert.deepEqual(parseCIDR('10.0.0.0/24'), { cidr: { family: 4, base: 0x0a000000n, prefix: 24 }, hostBitsSet: false });
    const v6 = parseCIDR('fd00::1/64');
    assert.ok(v6);
    assert.equal(formatCIDR(v6.cidr), 'fd00::/64');
    assert.equal(v6.hostBitsSet, true);
  });

  test('prefix length: decimal digits, leading zeros accepted (dtoi), bounded by the family', () => {
    assert.equal(formatCIDR(parseCIDR('10.0.0.0/024')!.cidr), '10.0.0.0/24');
    assert.equal(formatCIDR(parseCIDR('10.0.0.0/000000000000024')!.cidr), '10.0.0.0/24');
    assert.equal(formatCIDR(parseCIDR('0.0.0.0/0')!.cidr), '0.0.0.0/0');
    assert.equal(formatCIDR(parseCIDR('0.0.0.0/00')!.cidr), '0.0.0.0/0');
    assert.equal(formatCIDR(parseCIDR('::/0')!.cidr), '::/0');
    assert.equal(formatCIDR(parseCIDR('::/128')!.cidr), '::/128');
    for (const s of [
      '10.0.0.0',
      '10.0.0.0/',
      '10.0.0.0/33',
      '10.0.0.0/+8',
      '10.0.0.0/-1',
      '10.0.0.0/ 8',
      '10.0.0.0/8 ',
      ' 10.0.0.0/8',
      '10.0.0.0/8/8',
      '010.0.0.0/8',
      'fd00::/129',
      'fe80::%eth0/64',
      '/24',
      '10.0.0.0/99999999999',
    ]) {
      assert.equal(parseCIDR(s), undefined, JSON.stringify(s));
    }
  });

  test('::ffff:a.b.c.d/(96+k) is the IPv4 network a.b.c.d/k', () => {
    assert.deepEqual(parseCIDR('::ffff:10.0.0.0/120'), { cidr: { family: 4, base: 0x0a000000n, prefix: 24 }, hostBitsSet: false });
    assert.deepEqual(parseCIDR('::ffff:10.0.0.1/128'), { cidr: { family: 4, base: 0x0a000001n, prefix: 32 }, hostBitsSet: false });
    // Below /96 the ffff bits are masked away: an ordinary IPv6 network.
    assert.equal(formatCIDR(parseCIDR('::ffff:10.0.0.0/80')!.cidr), '::/80');
  });
});

describe('parsePoolEntry: MetalLB config.ParseCIDR', () => {
  test('error texts', () => {
    assert.equal(entryError('10.0.0.1'), 'invalid CIDR "10.0.0.1"');
    assert.equal(entryError('10.0.0.1\t'), 'invalid CIDR "10.0.0.1\\t"');
    assert.equal(entryError(' 10.0.0.0/24'), 'invalid CIDR " 10.0.0.0/24"');
    assert.equal(
      entryError('10.0.0.10-10.0.0.1'),
      'invalid IP range "10.0.0.10-10.0.0.1": start IP "10.0.0.10" is after the end IP "10.0.0.1"',
    );
    assert.equal(entryError('x-10.0.0.1'), 'invalid IP range "x-10.0.0.1": invalid start IP "x"');
    // The untrimmed half is quoted.
    assert.equal(entryError('10.0.0.1 - y '), 'invalid IP range "10.0.0.1 - y ": invalid end IP " y "');
    // Split at the first '-'.
    assert.equal(
      entryError('10.0.0.1-10.0.0.5-10.0.0.9'),
      'invalid IP range "10.0.0.1-10.0.0.5-10.0.0.9": invalid end IP "10.0.0.5-10.0.0.9"',
    );
    assert.equal(entryError('10.0.0.0/24-'), 'invalid IP range "10.0.0.0/24-": invalid start IP "10.0.0.0/24"');
    // The parsed IPs are printed with String(), so a mapped address shows as IPv4.
    assert.equal(
      entryError('::ffff:10.0.0.5-10.0.0.1'),
      'invalid IP range "::ffff:10.0.0.5-10.0.0.1": start IP "10.0.0.5" is after the end IP "10.0.0.1"',
    );
    assert.equal(
      poolEntryError('10.0.0.1', 'default', entryError('10.0.0.1')),
      'invalid CIDR "10.0.0.1" in pool "default": invalid CIDR "10.0.0.1"',
    );
  });

  test('whitespace around range ends is trimmed with Go\'s TrimSpace set', () => {
    assert.deepEqual(
      entries(' 10.0.0.1 - 10.0.0.5 ')[0]!.cidrs.map(formatCIDR),
      ['10.0.0.1/32', '10.0.0.2/31', '10.0.0.4/31'],
    );
    assert.equal(entries('\u00a010.0.0.1-10.0.0.2\u0085')[0]!.range?.last, 0x0a000002n);
    // U+FEFF is no space for Go (JS trim() would strip it).
    assert.equal(entryError('\ufeff10.0.0.1-10.0.0.2'), 'invalid IP range "\\ufeff10.0.0.1-10.0.0.2": invalid start IP "\\ufeff10.0.0.1"');
  });

  test('mixed families: compared as 16-byte forms; accepted ones add no CIDR', () => {
    assert.equal(
      entryError('1.2.3.4-::1'),
      'invalid IP range "1.2.3.4-::1": start IP "1.2.3.4" is after the end IP "::1"',
    );
    const [mixed] = entries('::1-1.2.3.4');
    assert.equal(mixed!.mixedFamilies, true);
    assert.deepEqual(mixed!.cidrs, []);
    assert.equal(mixed!.range, undefined);
    assert.equal(capacity([mixed!], 4, false) + capacity([mixed!], 6, false), 0n);
    // A v4-mapped end makes it a plain IPv4 range.
    assert.deepEqual(entries('10.0.0.0-::ffff:10.0.0.3')[0]!.cidrs.map(formatCIDR), ['10.0.0.0/30']);
  });

  test('CIDR entries', () => {
    const [e] = entries('10.0.0.5/24');
    assert.equal(e!.kind, 'cidr');
    assert.equal(e!.hostBitsSet, true);
    assert.deepEqual(e!.cidrs.map(formatCIDR), ['10.0.0.0/24']);
    assert.deepEqual(e!.range, { family: 4, first: 0x0a000000n, last: 0x0a0000ffn });
  });
});

describe('rangeToCIDRs: ipaddr.Summarize', () => {
  const cases: Array<[string, string[]]> = [
    ['10.0.0.10-10.0.0.20', ['10.0.0.10/31', '10.0.0.12/30', '10.0.0.16/30', '10.0.0.20/32']],
    ['10.0.0.0-10.0.0.255', ['10.0.0.0/24']],
    ['10.0.0.1-10.0.0.1', ['10.0.0.1/32']],
    ['0.0.0.0-255.255.255.255', ['0.0.0.0/0']],
    ['255.255.255.254-255.255.255.255', ['255.255.255.254/31']],
    ['::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', ['::/0']],
    ['fd00::-fd00::ff', ['fd00::/120']],
    ['fd00::1-fd00::6', ['fd00::1/128', 'fd00::2/127', 'fd00::4/127', 'fd00::6/128']],
  ];
  for (const [text, want] of cases) {
    test(text, () => {
      const [e] = entries(text);
      assert.deepEqual(e!.cidrs.map(formatCIDR), want);
      assert.deepEqual(rangeToCIDRs(e!.range!).map(formatCIDR), want);
    });
  }
});

describe('huge pools cost nothing', () => {
  test('fd00::/48', () => {
    const pool = entries('fd00::/48');
    assert.equal(capacity(pool, 6, true), 1n << 80n);
    assert.equal(capacity(pool, 4, false), 0n);
    assert.equal(formatIP(nthAddress(pool, 6, 0n, false)!), 'fd00::');
    assert.equal(formatIP(nthAddress(pool, 6, (1n << 80n) - 1n, true)!), 'fd00::ffff:ffff:ffff:ffff:ffff');
    assert.equal(nthAddress(pool, 6, 1n << 80n, false), undefined);
    assert.equal(formatIP(firstFree(pool, 6, [ip('fd00::'), ip('fd00::1'), ip('fd00::3'), ip('10.0.0.2')], true)!), 'fd00::2');
    assert.equal(firstFree(pool, 4, [], false), undefined);
  });

  test('::/0 and 0.0.0.0/0', () => {
    const pool = entries('::/0', '0.0.0.0/0');
    assert.equal(capacity(pool, 6, false), 1n << 128n);
    assert.equal(capacity(pool, 4, false), 1n << 32n);
    assert.equal(capacity(pool, 4, true), (1n << 32n) - (2n << 24n));
    assert.equal(formatIP(nthAddress(pool, 6, (1n << 128n) - 1n, false)!), 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff');
    assert.equal(nthAddress(pool, 6, 1n << 128n, false), undefined);
    assert.equal(formatIP(nthAddress(pool, 4, (1n << 32n) - (2n << 24n) - 1n, true)!), '255.255.255.254');
    assert.equal(formatIP(firstFree(pool, 6, [ip('::')], false)!), '::1');
    assert.equal(formatIP(firstFree(pool, 4, [ip('0.0.0.1'), ip('0.0.0.2')], true)!), '0.0.0.3');
    assert.equal(poolCountAsMetalLB(pool, false).ipv6, (1n << 63n) - 1n);
  });
});

describe('avoidBuggyIPs', () => {
  test('isBuggyIP', () => {
    assert.equal(isBuggyIP(ip('10.0.0.0')), true);
    assert.equal(isBuggyIP(ip('10.0.0.255')), true);
    assert.equal(isBuggyIP(ip('10.0.0.1')), false);
    assert.equal(isBuggyIP(ip('::ffff:10.0.0.0')), true);
    assert.equal(isBuggyIP(ip('fd00::')), false);
    assert.equal(isBuggyIP(ip('fd00::ff')), false);
  });

  test('allocation order skips .0 and .255', () => {
    const pool = entries('10.0.0.0/23');
    assert.equal(capacity(pool, 4, true), 508n);
    assert.equal(capacity(pool, 4, false), 512n);
    assert.equal(formatIP(nthAddress(pool, 4, 0n, true)!), '10.0.0.1');
    assert.equal(formatIP(nthAddress(pool, 4, 253n, true)!), '10.0.0.254');
    assert.equal(formatIP(nthAddress(pool, 4, 254n, true)!), '10.0.1.1');
    assert.equal(nthAddress(pool, 4, 508n, true), undefined);
    assert.equal(formatIP(nthAddress(pool, 4, 0n, false)!), '10.0.0.0');
    assert.equal(formatIP(firstFree(pool, 4, [ip('10.0.0.1'), ip('10.0.0.2')], true)!), '10.0.0.3');
    const full: IP[] = [];
    for (let i = 1; i <= 254; i++) full.push(ip(`10.0.0.${i}`));
    assert.equal(formatIP(firstFree(pool, 4, full, true)!), '10.0.1.1');
    assert.equal(formatIP(firstFree(pool, 4, full, false)!), '10.0.0.0');
  });

  test('entries are walked in order, each CIDR ascending', () => {
    const pool = entries('10.0.1.0/30', 'fd00::/126', '10.0.0.250-10.0.1.0');
    assert.deepEqual(
      [0n, 1n, 2n, 3n, 4n, 5n, 6n, 7n].map((n) => nthAddress(pool, 4, n, true)).map((x) => (x ? formatIP(x) : '-')),
      ['10.0.1.1', '10.0.1.2', '10.0.1.3', '10.0.0.250', '10.0.0.251', '10.0.0.252', '10.0.0.253', '10.0.0.254'],
    );
    assert.equal(nthAddress(pool, 4, 8n, true), undefined);
    assert.equal(capacity(pool, 6, true), 4n);
  });

  test('entriesContainIP is poolFor', () => {
    const pool = entries('10.0.0.0/24', 'fd00::/120');
    assert.equal(entriesContainIP(pool, ip('10.0.0.0'), false), true);
    assert.equal(entriesContainIP(pool, ip('10.0.0.0'), true), false);
    assert.equal(entriesContainIP(pool, ip('10.0.1.1'), false), false);
    assert.equal(entriesContainIP(pool, ip('fd00::ff'), true), true);
  });
});

describe('buggyAddressesIn', () => {
  const show = (r: { count: bigint; examples: IP[] }) => ({ count: r.count, examples: r.examples.map(formatIP) });
  test('counts .0/.255 and network/broadcast of CIDR entries, once each', () => {
    assert.deepEqual(show(buggyAddressesIn(entries('10.0.0.0/24'), 5)), { count: 2n, examples: ['10.0.0.0', '10.0.0.255'] });
    assert.deepEqual(show(buggyAddressesIn(entries('10.0.0.64/26'), 5)), { count: 2n, examples: ['10.0.0.64', '10.0.0.127'] });
    assert.deepEqual(show(buggyAddressesIn(entries('10.0.0.250-10.0.1.5'), 5)), { count: 2n, examples: ['10.0.0.255', '10.0.1.0'] });
    assert.deepEqual(show(buggyAddressesIn(entries('10.0.0.0/31'), 5)), { count: 1n, examples: ['10.0.0.0'] });
    assert.deepEqual(show(buggyAddressesIn(entries('10.0.0.4/31', 'fd00::/64'), 5)), { count: 0n, examples: [] });
    // Overlapping entries: .0 and .255 once, plus the /25's broadcast .127.
    assert.deepEqual(show(buggyAddressesIn(entries('10.0.0.0/24', '10.0.0.0/25'), 5)), {
      count: 3n,
      examples: ['10.0.0.0', '10.0.0.127', '10.0.0.255'],
    });
    assert.deepEqual(show(buggyAddressesIn(entries('0.0.0.0/0'), 3)), {
      count: 1n << 25n,
      examples: ['0.0.0.0', '0.0.0.255', '0.0.1.0'],
    });
  });
});

describe('poolCountAsMetalLB mirrors allocator.go poolCount', () => {
  test('plain and avoidBuggyIPs counts', () => {
    assert.deepEqual(poolCountAsMetalLB(entries('10.0.0.0/22'), true), { total: 1016n, ipv4: 1016n, ipv6: 0n });
    assert.deepEqual(poolCountAsMetalLB(entries('10.0.0.128/25'), true), { total: 127n, ipv4: 127n, ipv6: 0n });
    assert.deepEqual(poolCountAsMetalLB(entries('10.0.0.0/24', 'fd00::/120'), false), { total: 512n, ipv4: 256n, ipv6: 256n });
  });
  test('quirks: a buggy /32 counts -1; >= 62 host bits saturates then wraps', () => {
    assert.deepEqual(poolCountAsMetalLB(entries('10.0.0.0/32'), true), { total: -1n, ipv4: -1n, ipv6: 0n });
    assert.equal(capacity(entries('10.0.0.0/32'), 4, true), 0n);
    const max = (1n << 63n) - 1n;
    assert.deepEqual(poolCountAsMetalLB(entries('fd00::/64', '10.0.0.0/24'), false), {
      total: BigInt.asIntN(64, max + 256n),
      ipv4: 256n,
      ipv6: max,
    });
  });
});

describe('misc', () => {
  test('cidrsOverlap: equal, containing or contained; never across families', () => {
    const c = (s: string) => parseCIDR(s)!.cidr;
    assert.equal(cidrsOverlap(c('10.0.0.0/24'), c('10.0.0.0/24')), true);
    assert.equal(cidrsOverlap(c('10.0.0.0/24'), c('10.0.0.128/25')), true);
    assert.equal(cidrsOverlap(c('10.0.0.128/25'), c('10.0.0.0/16')), true);
    assert.equal(cidrsOverlap(c('10.0.0.0/25'), c('10.0.0.128/25')), false);
    assert.equal(cidrsOverlap(c('0.0.0.0/0'), c('::/0')), false);
  });
  test('goQuote is strconv.Quote', () => {
    assert.equal(goQuote('a"b\\c'), '"a\\"b\\\\c"');
    assert.equal(goQuote('\x00\x7f\u00a0é😀'), '"\\x00\\x7f\\u00a0é😀"');
    assert.equal(goQuote('\u200b\u{e0001}'), '"\\u200b\\U000e0001"');
  });
});

describe('RangeIndex: which owner holds an address', () => {
  const r = (cidr: string, owner: string) => ({ ...cidrRange(parseCIDR(cidr)!.cidr), owner });
  test('finds the owner of each address, per family, and none outside', () => {
    const idx = RangeIndex.of([r('10.0.0.0/24', 'a'), r('10.0.2.0/24', 'b'), r('fd00::/120', 'c'), r('10.0.0.128/25', 'a')])!;
    assert.equal(idx.owner(parseIP('10.0.0.200')!), 'a');
    assert.equal(idx.owner(parseIP('10.0.2.0')!), 'b');
    assert.equal(idx.owner(parseIP('10.0.1.5')!), undefined);
    assert.equal(idx.owner(parseIP('fd00::ff')!), 'c');
    assert.equal(idx.owner(parseIP('fd00::100')!), undefined);
  });
  test('owners that overlap: no index (the caller searches in its own order)', () => {
    assert.equal(RangeIndex.of([r('10.0.0.0/24', 'a'), r('10.0.0.128/25', 'b')]), undefined);
  });
});
