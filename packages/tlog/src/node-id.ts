/**
 * A complete subtree of the log: `level` 0 is a leaf; node (level, index) covers the leaves
 * [index·2^level, (index+1)·2^level). Only complete subtrees are ever stored: their hashes never
 * change once the tree has grown past them.
 */
export interface NodeId {
  readonly level: number;
  readonly index: number;
}

/** Number of bits needed to write n (0 for 0). Exact for n < 2^53. */
export const bitLength = (n: number): number =>
  n < 0x1_0000_0000 ? 32 - Math.clz32(n) : 64 - Math.clz32(Math.floor(n / 0x1_0000_0000));

export const pow2 = (level: number): number => 2 ** level;
export const shr = (n: number, level: number): number => Math.floor(n / pow2(level));

/**
 * The complete subtrees that make up the leaf range [0, size), left to right (the "peaks"):
 * one per set bit of `size`, largest first.
 */
export function peakIds(size: number): NodeId[] {
  const ids: NodeId[] = [];
  let begin = 0;
  for (let level = bitLength(size) - 1; level >= 0; level--) {
    if (shr(size, level) % 2 === 1) {
      ids.push({ level, index: shr(begin, level) });
      begin += pow2(level);
    }
  }
  return ids;
}

/** Subtrees covering [begin, end) where `begin` is a multiple of the first subtree: left to right, largest first. */
export function rangeIds(begin: number, end: number): NodeId[] {
  const ids: NodeId[] = [];
  let at = begin;
  while (at < end) {
    // The largest aligned subtree starting at `at` that fits before `end`.
    let level = 0;
    while (at % pow2(level + 1) === 0 && at + pow2(level + 1) <= end) level++;
    ids.push({ level, index: shr(at, level) });
    at += pow2(level);
  }
  return ids;
}

export const assertSize = (n: number, what: string) => {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${what} must be a non-negative safe integer`);
};
