import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { indexPermutation, permuteIndex } from './status-index.js';

const crypto = (d: Uint8Array) => new Uint8Array(createHash('sha256').update(d).digest());
const key = (b: number) => new Uint8Array(32).fill(b);

describe('permuteIndex (status list indexes from a counter)', () => {
  it('is a bijection of [0, size): every counter value gets a distinct index in range', async () => {
    for (const size of [4, 8, 1024, 4096]) {
      const seen = new Set<number>();
      for (let n = 0; n < size; n++) seen.add(permuteIndex(crypto, key(1), n, size));
      expect(seen.size).toBe(size);
      expect(Math.min(...seen)).toBe(0);
      expect(Math.max(...seen)).toBe(size - 1);
    }
  });

  it('never repeats over the first 20,000 indexes of a 131,072-entry list and looks unordered', async () => {
    const out: number[] = [];
    for (let n = 0; n < 20_000; n++) out.push(permuteIndex(crypto, key(2), n, 131_072));
    expect(new Set(out).size).toBe(out.length);
    // Issue order must not show: consecutive counters land far apart, about half go up.
    const ups = out.slice(1).filter((v, i) => v > out[i]!).length;
    expect(ups / (out.length - 1)).toBeGreaterThan(0.45);
    expect(ups / (out.length - 1)).toBeLessThan(0.55);
    expect(out.slice(0, 100).some((v) => v > 65_536)).toBe(true);
  });

  it('depends on the key: another list key gives another sequence', async () => {
    const a = [0, 1, 2, 3, 4].map((n) => permuteIndex(crypto, key(3), n, 131_072));
    const b = [0, 1, 2, 3, 4].map((n) => permuteIndex(crypto, key(4), n, 131_072));
    expect(a).not.toEqual(b);
  });

  it('refuses a size that is not a power of two and a counter outside the list', async () => {
    expect(() => permuteIndex(crypto, key(1), 0, 1000)).toThrow(RangeError);
    expect(() => permuteIndex(crypto, key(1), 131_072, 131_072)).toThrow(RangeError);
    expect(() => permuteIndex(crypto, key(1), -1, 131_072)).toThrow(RangeError);
  });
});

describe('indexPermutation (memoized round tables)', () => {
  // The Feistel network computed directly, every round hashed: what lists issued before the
  // round tables were memoized hold, so both must agree value for value.
  function direct(k: Uint8Array, n: number, size: number): number {
    const half = Math.ceil(Math.log2(size) / 2);
    const mask = 2 ** half - 1;
    let x = n;
    do {
      let left = Math.floor(x / 2 ** half);
      let right = x & mask;
      for (let round = 0; round < 4; round++) {
        const input = new Uint8Array([...k, round, 0, 0, 0, 0]);
        new DataView(input.buffer).setUint32(k.length + 1, right);
        const f = new DataView(crypto(input).buffer).getUint32(0) & mask;
        [left, right] = [right, (left ^ f) & mask];
      }
      x = left * 2 ** half + right;
    } while (x >= size);
    return x;
  }

  it('gives exactly the values of the Feistel network hashed round by round', () => {
    const p = indexPermutation(crypto, key(5), 131_072);
    for (let n = 0; n < 3000; n += 7) expect(p(n)).toBe(direct(key(5), n, 131_072));
    // Warm tables answer the same as cold ones, in any order.
    for (let n = 2999; n >= 0; n -= 11) expect(p(n)).toBe(direct(key(5), n, 131_072));
  });
});
