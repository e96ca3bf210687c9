// Property tests: the arithmetic of src/model/address.ts against brute-force enumeration on
// small pools (at most a few thousand addresses), in both families and at the edges of the space.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  buggyAddressesIn,
  capacity,
  cidrsOverlap,
  cidrRange,
  firstFree,
  formatCIDR,
  formatIP,
  formatsAs,
  ipFamily,
  nthAddress,
  parseIP,
  parsePoolEntry,
  rangeContains,
  rangeContainsIP,
  rangeToCIDRs,
  rangesOverlap,
  type AddressRange,
  type CIDR,
  type Family,
  type IP,
  type PoolEntry,
} from '../../src/model/address.js';

const BITS = { 4: 32, 6: 128 } as const;
const MAX = { 4: (1n << 32n) - 1n, 6: (1n << 128n) - 1n } as const;
const MAPPED_FIRST = 0xffffn << 32n; // ::ffff:0:0/96 reads back as IPv4: keep IPv6 tests out of it
const MAPPED_LAST = MAPPED_FIRST | 0xffffffffn;

// ---- generators ------------------------------------------------------------------------------

/** A start address, biased towards both ends of the space and /24 boundaries. */
function startArb(family: Family, room: number): fc.Arbitrary<bigint> {
  const max = MAX[family];
  const r = BigInt(room);
  return fc
    .oneof(
      fc.bigInt(0n, max),
      fc.bigInt(0n, r),
      fc.bigInt(max - r, max),
      fc.bigInt(0n, max).map((v) => v - (v % 256n)),
    )
    .filter((v) => family === 4 || v + r < MAPPED_FIRST || v > MAPPED_LAST);
}

function rangeArb(family: Family, maxLen: number): fc.Arbitrary<AddressRange> {
  return fc.tuple(startArb(family, maxLen), fc.integer({ min: 1, max: maxLen })).map(([first, len]) => {
    const last = first + BigInt(len) - 1n;
    return { family, first, last: last > MAX[family] ? MAX[family] : last };
  });
}

/** An entry as a user would write it, plus the addresses it means, known independently of the parser. */
interface EntrySpec {
  text: string;
  family: Family;
  first: bigint;
  last: bigint;
  isCidr: boolean;
  prefix: number;
}

function entryArb(maxLen: number): fc.Arbitrary<EntrySpec> {
  const family = fc.constantFrom<Family>(4, 4, 6);
  const spaces = fc.constantFrom('', ' ', '  ', '\t');
  const range = fc
    .tuple(family, spaces, spaces)
    .chain(([f, s1, s2]) =>
      rangeArb(f, maxLen).map(
        (r): EntrySpec => ({
          text: `${s1}${formatIP({ family: f, value: r.first })}${s2}-${s1}${formatIP({ family: f, value: r.last })}${s2}`,
          family: f,
          first: r.first,
          last: r.last,
          isCidr: false,
          prefix: -1,
        }),
      ),
    );
  const hostBitsMax = Math.floor(Math.log2(maxLen));
  const cidr = family.chain((f) =>
    fc.tuple(startArb(f, maxLen), fc.integer({ min: 0, max: hostBitsMax })).map(([addr, host]): EntrySpec => {
      const size = 1n << BigInt(host);
      const base = addr - (addr % size);
      return { text: `${formatIP({ family: f, value: addr })}/${BITS[f] - host}`, family: f, first: base, last: base + size - 1n, isCidr: true, prefix: BITS[f] - host };
    }),
  );
  return fc.oneof(range, cidr);
}

function poolArb(maxLen: number): fc.Arbitrary<{ specs: EntrySpec[]; entries: PoolEntry[] }> {
  return fc.array(entryArb(maxLen), { minLength: 1, maxLength: 3 }).map((specs) => ({
    specs,
    entries: specs.map((s) => {
      const r = parsePoolEntry(s.text);
      if (!r.ok) throw new Error(`generated entry ${JSON.stringify(s.text)} rejected: ${r.error}`);
      return r.entry;
    }),
  }));
}

// ---- brute-force references --------------------------------------------------------------------

function isBuggyValue(family: Family, v: bigint): boolean {
  return family === 4 && (v % 256n === 0n || v % 256n === 255n);
}

function enumerate(first: bigint, last: bigint): bigint[] {
  const out: bigint[] = [];
  for (let v = first; v <= last; v++) out.push(v);
  return out;
}

/** MetalLB's candidate order: entries as written, each ascending; buggy ones dropped if asked. */
function candidates(specs: EntrySpec[], family: Family, avoid: boolean): bigint[] {
  const out: bigint[] = [];
  for (const s of specs) {
    if (s.family !== family) continue;
    for (const v of enumerate(s.first, s.last)) if (!(avoid && isBuggyValue(family, v))) out.push(v);
  }
  return out;
}

/** Minimal CIDR cover by descending the prefix tree: a node inside the range is taken whole. */
function referenceCover(r: AddressRange): string[] {
  const bits = BITS[r.family];
  const out: string[] = [];
  const walk = (base: bigint, prefix: number) => {
    const size = 1n << BigInt(bits - prefix);
    const end = base + size - 1n;
    if (end < r.first || base > r.last) return;
    if (r.first <= base && end <= r.last) {
      out.push(formatCIDR({ family: r.family, base, prefix }));
      return;
    }
    walk(base, prefix + 1);
    walk(base + size / 2n, prefix + 1);
  };
  walk(0n, 0);
  return out;
}

const fams: Family[] = [4, 6];
const bool = [false, true];

// Fixed run counts (4,650 inputs in all) keep this file at about 3-4 s.
const RUNS = { cover: 300, capacity: 300, nth: 150, firstFree: 300, overlap: 500, format: 1000, buggy: 300 };

describe('address arithmetic against brute force', () => {
  test(`rangeToCIDRs is the exact minimal ascending cover (${RUNS.cover} x 2 families)`, () => {
    for (const family of fams) {
      fc.assert(
        fc.property(rangeArb(family, 2048), (r) => {
          const cover = rangeToCIDRs(r);
          assert.deepEqual(cover.map(formatCIDR), referenceCover(r));
          const covered = cover.flatMap((c: CIDR) => {
            const cr = cidrRange(c);
            return enumerate(cr.first, cr.last);
          });
          assert.deepEqual(covered, enumerate(r.first, r.last));
        }),
        { numRuns: RUNS.cover },
      );
    }
  });

  test(`parsePoolEntry covers exactly what the entry means (${RUNS.capacity} pools)`, () => {
    fc.assert(
      fc.property(poolArb(2048), ({ specs, entries }) => {
        specs.forEach((s, i) => {
          const e = entries[i]!;
          assert.equal(e.family, s.family);
          assert.equal(e.kind, s.isCidr ? 'cidr' : 'range');
          assert.deepEqual(e.range, { family: s.family, first: s.first, last: s.last });
          const covered = e.cidrs.flatMap((c) => enumerate(cidrRange(c).first, cidrRange(c).last));
          assert.deepEqual(covered, enumerate(s.first, s.last));
        });
        for (const family of fams) {
          for (const avoid of bool) {
            assert.equal(capacity(entries, family, avoid), BigInt(candidates(specs, family, avoid).length));
          }
        }
      }),
      { numRuns: RUNS.capacity },
    );
  });

  test(`nthAddress walks MetalLB's order (${RUNS.nth} pools, every index)`, () => {
    fc.assert(
      fc.property(poolArb(512), ({ specs, entries }) => {
        for (const family of fams) {
          for (const avoid of bool) {
            const list = candidates(specs, family, avoid);
            for (let i = 0; i < list.length; i++) {
              assert.deepEqual(nthAddress(entries, family, BigInt(i), avoid), { family, value: list[i] });
            }
            assert.equal(nthAddress(entries, family, BigInt(list.length), avoid), undefined);
            assert.equal(nthAddress(entries, family, -1n, avoid), undefined);
          }
        }
      }),
      { numRuns: RUNS.nth },
    );
  });

  test(`firstFree with a random used set (${RUNS.firstFree} pools x used sets)`, () => {
    const arb = poolArb(1024).chain((pool) => {
      const all = [4, 6].flatMap((f) => candidates(pool.specs, f as Family, false).map((value): IP => ({ family: f as Family, value })));
      return fc.record({
        pool: fc.constant(pool),
        all: fc.constant(all),
        // Mostly a used prefix of the pool (the realistic shape), with holes and strays.
        taken: fc.integer({ min: 0, max: all.length }),
        holes: fc.array(fc.integer({ min: 0, max: Math.max(0, all.length - 1) }), { maxLength: 4 }),
        strays: fc.array(
          fc.oneof(
            fc.bigInt(0n, MAX[4]).map((value): IP => ({ family: 4, value })),
            fc.bigInt(0n, MAX[6]).map((value): IP => ({ family: 6, value })),
          ),
          { maxLength: 4 },
        ),
        avoid: fc.boolean(),
      });
    });
    fc.assert(
      fc.property(arb, ({ pool, all, taken, holes, strays, avoid }) => {
        const holeSet = new Set(holes);
        const used = [...all.slice(0, taken).filter((_, i) => !holeSet.has(i)), ...strays];
        for (const family of fams) {
          const usedValues = new Set(used.filter((u) => u.family === family).map((u) => u.value));
          const want = candidates(pool.specs, family, avoid).find((v) => !usedValues.has(v));
          assert.deepEqual(firstFree(pool.entries, family, used, avoid), want === undefined ? undefined : { family, value: want });
        }
      }),
      { numRuns: RUNS.firstFree },
    );
  });

  test(`overlap and containment of ranges and CIDRs (${RUNS.overlap} x 2 families)`, () => {
    for (const family of fams) {
      const small = fc.tuple(fc.integer({ min: 0, max: 63 }), fc.integer({ min: 0, max: 63 })).map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as const);
      const arb = fc.record({
        origin: fc.oneof(fc.bigInt(0n, MAX[family] - 64n), fc.constant(0n), fc.constant(MAX[family] - 63n)).map((v) => v - (v % 64n)),
        a: small,
        b: small,
        point: fc.integer({ min: 0, max: 63 }),
        ca: fc.tuple(fc.integer({ min: 0, max: 63 }), fc.integer({ min: 0, max: 6 })),
        cb: fc.tuple(fc.integer({ min: 0, max: 63 }), fc.integer({ min: 0, max: 6 })),
      });
      fc.assert(
        fc.property(arb, ({ origin, a, b, point, ca, cb }) => {
          const ra: AddressRange = { family, first: origin + BigInt(a[0]), last: origin + BigInt(a[1]) };
          const rb: AddressRange = { family, first: origin + BigInt(b[0]), last: origin + BigInt(b[1]) };
          const sa = new Set(enumerate(ra.first, ra.last));
          const sb = enumerate(rb.first, rb.last);
          assert.equal(rangesOverlap(ra, rb), sb.some((v) => sa.has(v)));
          assert.equal(rangeContains(ra, rb), sb.every((v) => sa.has(v)));
          const p = origin + BigInt(point);
          assert.equal(rangeContainsIP(ra, { family, value: p }), sa.has(p));
          const other: Family = family === 4 ? 6 : 4;
          assert.equal(rangesOverlap(ra, { ...rb, family: other }), false);
          assert.equal(rangeContainsIP(ra, { family: other, value: p }), false);

          const mk = ([off, host]: readonly [number, number]): CIDR => {
            const size = 1n << BigInt(host);
            const v = origin + BigInt(off);
            return { family, base: v - (v % size), prefix: BITS[family] - host };
          };
          const x = mk(ca);
          const y = mk(cb);
          const sx = new Set(enumerate(cidrRange(x).first, cidrRange(x).last));
          assert.equal(cidrsOverlap(x, y), enumerate(cidrRange(y).first, cidrRange(y).last).some((v) => sx.has(v)));
        }),
        { numRuns: RUNS.overlap },
      );
    }
  });

  test(`formatIP / parseIP round trip, IPv6 text as WHATWG URL prints it (${RUNS.format} x 2)`, () => {
    const group = fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 0xffff }));
    const v6 = fc.array(group, { minLength: 8, maxLength: 8 });
    fc.assert(
      fc.property(v6, fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 8, maxLength: 8 }), fc.boolean(), (groups, pads, upper) => {
        const value = groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
        const ip = parseIP(
          groups
            .map((g, i) => {
              const h = g.toString(16);
              return h.padStart(Math.min(4, h.length + pads[i]!), '0');
            })
            .map((h) => (upper ? h.toUpperCase() : h))
            .join(':'),
        );
        const mapped = value >= MAPPED_FIRST && value <= MAPPED_LAST;
        assert.deepEqual(ip, mapped ? { family: 4, value: value & 0xffffffffn } : { family: 6, value });
        if (!mapped) {
          const text = formatIP({ family: 6, value });
          assert.equal(`[${text}]`, new URL(`http://[${text}]/`).hostname);
          assert.deepEqual(parseIP(text), { family: 6, value });
        }
      }),
      { numRuns: RUNS.format },
    );
    fc.assert(
      fc.property(fc.bigInt(0n, MAX[4]), (value) => {
        const text = formatIP({ family: 4, value });
        assert.equal(text, [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 255n)).join('.'));
        assert.deepEqual(parseIP(text), { family: 4, value });
        assert.deepEqual(parseIP(`::ffff:${text}`), { family: 4, value });
      }),
      { numRuns: RUNS.format },
    );
  });

  test(`buggyAddressesIn counts and lists like brute force (${RUNS.buggy} IPv4 pools)`, () => {
    fc.assert(
      fc.property(poolArb(2048), fc.integer({ min: 0, max: 6 }), ({ specs, entries }, limit) => {
        const set = new Set<bigint>();
        for (const s of specs) {
          if (s.family !== 4) continue;
          for (const v of enumerate(s.first, s.last)) if (isBuggyValue(4, v)) set.add(v);
          if (s.isCidr && s.prefix <= 30) {
            set.add(s.first);
            set.add(s.last);
          }
        }
        const sorted = [...set].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        const got = buggyAddressesIn(entries, limit);
        assert.equal(got.count, BigInt(set.size));
        assert.deepEqual(got.examples.map((x) => x.value), sorted.slice(0, limit));
      }),
      { numRuns: RUNS.buggy },
    );
  });
});

describe('texts of addresses: ipFamily and formatsAs agree with parseIP and formatIP', () => {
  // addresses as people and tools write them: Go's form, expanded, upper case, embedded IPv4,
  // leading zeros; and text that is no address at all
  const text = fc.oneof(
    fc.ipV4(),
    fc.ipV4Extended(),
    fc.ipV6(),
    fc.ipV6().map((t) => t.toUpperCase()),
    fc.ipV6().map((t) => t.replace(/(^|:)([0-9a-f]{1,3})(?=:|$)/g, (_m, sep: string, g: string) => `${sep}${g.padStart(4, '0')}`)),
    fc.string({ maxLength: 45 }),
    fc.stringMatching(/^[0-9a-fA-F:.%]{0,45}$/),
  );

  test('ipFamily(t) is the family of parseIP(t), undefined when that has none', () => {
    fc.assert(
      fc.property(text, (t) => {
        assert.equal(ipFamily(t), parseIP(t)?.family);
      }),
      { numRuns: 20000 },
    );
  });

  test('formatsAs(ip, t) holds exactly when t is formatIP(ip)', () => {
    fc.assert(
      fc.property(text, text, (t, other) => {
        const ip = parseIP(t);
        if (!ip) return;
        assert.equal(formatsAs(ip, formatIP(ip)), true);
        assert.equal(formatsAs(ip, t), t === formatIP(ip));
        assert.equal(formatsAs(ip, other), other === formatIP(ip));
        assert.equal(formatsAs(ip, `${formatIP(ip)}0`), false);
      }),
      { numRuns: 20000 },
    );
  });
});
