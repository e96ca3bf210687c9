import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBar } from '../../src/renderers/diag.js';
import { countText } from '../../src/renderers/simulation.js';

test('countText: exact while readable, powers of two as 2^k, the rest rounded', () => {
  assert.equal(countText(0n), '0');
  assert.equal(countText(9_999_999n), '9999999');
  assert.equal(countText(2n ** 64n), '2^64');
  assert.equal(countText(2n ** 24n), '2^24');
  assert.equal(countText(2n ** 64n - 512n), '~1.8e19');
  assert.equal(countText(12_345_678n), '~1.2e7');
});

test('useBar: the fuller family, never empty when something is used, exact for IPv6', () => {
  const pool = (u4: bigint, c4: bigint, u6 = 0n, c6 = 0n) => ({ used: { ipv4: u4, ipv6: u6 }, capacity: { ipv4: c4, ipv6: c6 } });
  assert.equal(useBar(pool(0n, 10n)), '[....................]   0%');
  assert.equal(useBar(pool(10n, 10n)), '[####################] 100%');
  assert.equal(useBar(pool(5n, 10n)), '[##########..........]  50%');
  assert.equal(useBar(pool(1n, 254n)), '[#...................]  <1%');
  // one address of a /64: a sliver, not zero; the IPv4 half decides when it is fuller
  assert.equal(useBar(pool(0n, 0n, 1n, 2n ** 64n)), '[#...................]  <1%');
  assert.equal(useBar(pool(3n, 4n, 1n, 2n ** 64n)), '[###############.....]  75%');
  assert.equal(useBar(pool(0n, 0n)), '[....................]   0%');
});
