import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { classifyASN, isASNValue } from '../../src/model/asn.js';

test('range edges: reserved, documentation, private, public', () => {
  const table: [number, string][] = [
    [0, 'reserved'],
    [1, 'public'],
    [23455, 'public'],
    [23456, 'reserved'],
    [64495, 'public'],
    [64496, 'reserved'],
    [64511, 'reserved'],
    [64512, 'private'],
    [65534, 'private'],
    [65535, 'reserved'],
    [65536, 'reserved'],
    [65551, 'reserved'],
    [65552, 'reserved'],
    [131071, 'reserved'],
    [131072, 'public'],
    [4199999999, 'public'],
    [4200000000, 'private'],
    [4294967294, 'private'],
    [4294967295, 'reserved'],
  ];
  for (const [asn, kind] of table) assert.equal(classifyASN(asn).kind, kind, `ASN ${asn}`);
});

test('private exactly in RFC 6996 ranges, for any uint32', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 4294967295 }), (asn) => {
      const isPrivate = (asn >= 64512 && asn <= 65534) || (asn >= 4200000000 && asn <= 4294967294);
      assert.equal(classifyASN(asn).kind === 'private', isPrivate);
    }),
    { numRuns: 2000 },
  );
});

test('isASNValue accepts whole uint32 numbers only', () => {
  assert.ok(isASNValue(0) && isASNValue(4294967295));
  for (const v of [-1, 4294967296, 1.5, '64512', null, undefined, NaN]) assert.equal(isASNValue(v), false, String(v));
});
