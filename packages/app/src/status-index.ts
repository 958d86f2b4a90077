import { concatBytes } from '@tessera/core';

const ROUNDS = 4;

export type IndexPermutation = (n: number) => number;

/**
 * A keyed pseudo-random permutation of [0, size) for a power-of-two `size`: a balanced Feistel
 * network over 2·⌈bits/2⌉ bits (round function SHA-256(key ‖ round ‖ right half), a PRF for
 * fixed-length input under a secret key) with cycle-walking back into the domain.
 *
 * A list hands out `p(0)`, `p(1)`, … for its counter: never the same index twice (it is a
 * bijection), and without the list's key the sequence is indistinguishable from random draws
 * without replacement, so an index says nothing about when its credential was issued. No
 * random-keyed uniqueness index is needed to guarantee it.
 *
 * A round function of a half has only 2^⌈bits/2⌉ inputs (512 for a 131,072-entry list), so its
 * values are memoized per permutation: after warming up an index costs table lookups, not the
 * 8 to 16 SHA-256 calls it costs cold (measured: 35 µs per index before).
 */
export function indexPermutation(
  sha256: (data: Uint8Array) => Uint8Array,
  key: Uint8Array,
  size: number,
): IndexPermutation {
  const bits = Math.log2(size);
  if (!Number.isInteger(bits) || bits < 2 || bits > 30)
    throw new RangeError('size must be a power of two from 4 to 2^30');
  const half = Math.ceil(bits / 2);
  const width = 2 ** half;
  const mask = width - 1;
  // rounds[round * width + right] = F(round, right) + 1; 0 means not computed yet.
  const rounds = new Uint32Array(ROUNDS * width);
  const input = new Uint8Array(5);
  const view = new DataView(input.buffer);
  const f = (round: number, right: number): number => {
    const slot = round * width + right;
    const known = rounds[slot]!;
    if (known !== 0) return known - 1;
    input[0] = round;
    view.setUint32(1, right);
    const digest = sha256(concatBytes(key, input));
    const value = new DataView(digest.buffer, digest.byteOffset, 4).getUint32(0) & mask;
    rounds[slot] = value + 1;
    return value;
  };
  return (n) => {
    if (!Number.isInteger(n) || n < 0 || n >= size)
      throw new RangeError(`n must be an integer in [0, ${size})`);
    let x = n;
    // Cycle-walking: the Feistel domain is at most twice `size`, so each walk ends in the
    // domain with probability ≥ 1/2.
    do {
      let left = Math.floor(x / width);
      let right = x & mask;
      for (let round = 0; round < ROUNDS; round++) {
        [left, right] = [right, (left ^ f(round, right)) & mask];
      }
      x = left * width + right;
    } while (x >= size);
    return x;
  };
}

/** One value of `indexPermutation(sha256, key, size)`. */
export const permuteIndex = (
  sha256: (data: Uint8Array) => Uint8Array,
  key: Uint8Array,
  n: number,
  size: number,
): number => indexPermutation(sha256, key, size)(n);
