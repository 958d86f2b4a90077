import { defaultHasher, type TreeHasher } from './hash.js';
import { assertSize, peakIds, shr } from './node-id.js';

/** Told of every complete subtree an append creates (level 0: the leaf hash itself). */
export type NodeVisitor = (level: number, index: number, hash: Uint8Array) => void;

/**
 * The compact range [0, size) of an append-only tree: one hash per set bit of `size` (the
 * peaks, largest subtree first). Enough to append and to compute the root without reading the
 * tree; every hash it creates is reported so storage can keep the complete subtrees for proofs.
 */
export class CompactRange {
  #size: number;
  readonly #peaks: Uint8Array[];
  readonly #hasher: TreeHasher;

  private constructor(size: number, peaks: Uint8Array[], hasher: TreeHasher) {
    this.#size = size;
    this.#peaks = peaks;
    this.#hasher = hasher;
  }

  static empty(hasher: TreeHasher = defaultHasher): CompactRange {
    return new CompactRange(0, [], hasher);
  }

  /** Resumes from a stored head; the peak count must match `size` (one per set bit). */
  static fromPeaks(
    size: number,
    peaks: readonly Uint8Array[],
    hasher: TreeHasher = defaultHasher,
  ): CompactRange {
    assertSize(size, 'size');
    const expected = peakIds(size).length;
    if (peaks.length !== expected)
      throw new RangeError(`a tree of size ${size} has ${expected} peaks, not ${peaks.length}`);
    for (const p of peaks) if (p.length !== 32) throw new RangeError('peak hashes are 32 bytes');
    return new CompactRange(size, [...peaks], hasher);
  }

  get size(): number {
    return this.#size;
  }

  get peaks(): readonly Uint8Array[] {
    return this.#peaks;
  }

  /** Appends a leaf hash; merges equal-sized subtrees as a binary counter carries. */
  append(leafHash: Uint8Array, visit?: NodeVisitor): void {
    const index = this.#size;
    let hash = leafHash;
    visit?.(0, index, hash);
    let level = 0;
    // One merge per trailing 1-bit of the old size.
    while (shr(index, level) % 2 === 1) {
      const left = this.#peaks.pop();
      if (!left) throw new Error('compact range corrupted');
      hash = this.#hasher.hashChildren(left, hash);
      level++;
      visit?.(level, shr(index, level), hash);
    }
    this.#peaks.push(hash);
    this.#size = index + 1;
  }

  /** RFC 9162 MTH of [0, size): the peaks folded right to left. */
  root(): Uint8Array {
    const n = this.#peaks.length;
    if (n === 0) return this.#hasher.emptyRoot;
    let root = this.#peaks[n - 1]!;
    for (let i = n - 2; i >= 0; i--) root = this.#hasher.hashChildren(this.#peaks[i]!, root);
    return root;
  }
}
