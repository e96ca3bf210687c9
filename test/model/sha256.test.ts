// The unrolled one-block SHA-256 of the layer 2 election against node:crypto: digests of every
// length a block holds, and the elected node for candidate lists with names of every length,
// including those past one block and non-ASCII ones (which node:crypto hashes instead).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { sha256Block } from '../../src/model/announce/sha256.js';
import { electWinnerCrypto, electWinner } from '../../src/model/announce/l2.js';

function block(bytes: Uint8Array): Int32Array {
  const m = new Int32Array(16);
  bytes.forEach((b, i) => (m[i >> 2]! |= b << (24 - 8 * (i & 3))));
  m[bytes.length >> 2]! |= 0x80 << (24 - 8 * (bytes.length & 3));
  m[15] = bytes.length * 8;
  return m;
}

test('sha256Block gives node:crypto\'s digest for every message length from 0 to 55 bytes', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 0, maxLength: 55 }), (bytes) => {
      const out = new Int32Array(8);
      sha256Block(block(bytes), out);
      const words = Buffer.alloc(32);
      out.forEach((w, i) => words.writeInt32BE(w, i * 4));
      assert.equal(words.toString('hex'), createHash('sha256').update(bytes).digest('hex'));
    }),
    { numRuns: 3000 },
  );
  // the standard's own vector
  const out = new Int32Array(8);
  sha256Block(block(Buffer.from('abc')), out);
  assert.equal(out[0]! >>> 0, 0xba7816bf);
});

test('the election picks the node node:crypto picks, short names, long ones and non-ASCII alike', () => {
  const name = fc.oneof(
    fc.stringMatching(/^[a-z0-9][a-z0-9.-]{0,20}$/),
    // past one block with any address: node:crypto decides
    fc.stringMatching(/^[a-z][a-z0-9-]{50,70}$/),
    fc.string({ minLength: 1, maxLength: 12 }),
  );
  const ip = fc.oneof(
    fc.ipV4(),
    fc.ipV6(),
  );
  fc.assert(
    fc.property(fc.uniqueArray(name, { minLength: 1, maxLength: 40 }), ip, (nodes, addr) => {
      assert.equal(electWinner(nodes, addr), electWinnerCrypto(nodes, addr));
    }),
    { numRuns: 1500 },
  );
});
