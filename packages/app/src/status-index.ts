import { concatBytes } from '@tessera/core';

const ROUNDS = 4;

/**
 * A keyed pseudo-random permutation of [0, size) for a power-of-two `size`: a balanced Feistel
 * network over 2·⌈bits/2⌉ bits (round function SHA-256(key ‖ round ‖ right half), a PRF for
 * fixed-length input under a secret key) with cycle-walking back into the domain.
 *
 * A list hands out `permuteIndex(key, 0)`, `permuteIndex(key, 1)`, … for its counter: never the
 * same index twice (it is a bijection), and without the list's key the sequence is
 * indistinguishable from random draws without replacement, so an index says nothing about when
 * its credential was issued. No random-keyed uniqueness index is needed to guarantee it.
 */
export function permuteIndex(
  sha256: (data: Uint8Array) => Uint8Array,
  key: Uint8Array,
  n: number,
  size: number,
): number {
  const bits = Math.log2(size);
  if (!Number.isInteger(bits) || bits < 2 || bits > 30)
    throw new RangeError('size must be a power of two from 4 to 2^30');
  if (!Number.isInteger(n) || n < 0 || n >= size)
    throw new RangeError(`n must be an integer in [0, ${size})`);
  const half = Math.ceil(bits / 2);
  const mask = 2 ** half - 1;
  let x = n;
  // Cycle-walking: the Feistel domain is at most twice `size`, so each walk ends in the
  // domain with probability ≥ 1/2.
  do {
    let left = Math.floor(x / 2 ** half);
    let right = x & mask;
    for (let round = 0; round < ROUNDS; round++) {
      const input = new Uint8Array(5);
      input[0] = round;
      new DataView(input.buffer).setUint32(1, right);
      const digest = sha256(concatBytes(key, input));
      const f = new DataView(digest.buffer, digest.byteOffset, 4).getUint32(0) & mask;
      [left, right] = [right, (left ^ f) & mask];
    }
    x = left * 2 ** half + right;
  } while (x >= size);
  return x;
}
