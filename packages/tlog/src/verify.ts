import { bytesEqual, TesseraError } from '@tessera/core';
import { defaultHasher, type TreeHasher } from './hash.js';
import { shr } from './node-id.js';

const invalid = (message: string) => new TesseraError('LOG_PROOF_INVALID', message);
/** Sizes and indexes come with the proof, from outside: one that is not a count rejects the proof. */
const checkCount = (n: number, what: string) => {
  if (!Number.isSafeInteger(n) || n < 0) throw invalid(`the ${what} is not a non-negative safe integer`);
};
const odd = (n: number) => n % 2 === 1;
const half = (n: number) => shr(n, 1);

/**
 * The root an inclusion proof leads to (RFC 9162 §2.1.3.2), or LOG_PROOF_INVALID when the proof
 * cannot belong to leaf `index` of a tree of `size` (wrong length, index out of range).
 */
export function rootFromInclusionProof(
  leafHash: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
  hasher: TreeHasher = defaultHasher,
): Uint8Array {
  checkCount(index, 'leaf index');
  checkCount(size, 'tree size');
  if (index >= size) throw invalid(`leaf ${index} is outside a tree of ${size} leaves`);
  if (leafHash.length !== 32) throw invalid('the leaf hash is not 32 bytes');
  let fn = index;
  let sn = size - 1;
  let r = leafHash;
  for (const p of proof) {
    if (p.length !== 32) throw invalid('a proof hash is not 32 bytes');
    if (sn === 0) throw invalid('the proof is longer than the path to the root');
    if (odd(fn) || fn === sn) {
      r = hasher.hashChildren(p, r);
      if (!odd(fn))
        while (!odd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
    } else {
      r = hasher.hashChildren(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) throw invalid('the proof is shorter than the path to the root');
  return r;
}

/** Checks that leaf `index` with `leafHash` is in the tree of `size` whose root is `root`. */
export function verifyInclusion(
  leafHash: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
  hasher: TreeHasher = defaultHasher,
): void {
  const computed = rootFromInclusionProof(leafHash, index, size, proof, hasher);
  if (!bytesEqual(computed, root)) throw invalid('the inclusion proof leads to another root');
}

/**
 * Checks that the tree of `size1` leaves with `root1` is a prefix of the tree of `size2` with
 * `root2` (RFC 9162 §2.1.4.2): the log only appended in between. Requires 0 < size1 <= size2:
 * RFC 9162 defines no proof from the empty tree (whose root commits to nothing), and
 * transparency-dev/merkle rejects one, even between two empty trees.
 */
export function verifyConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
  hasher: TreeHasher = defaultHasher,
): void {
  checkCount(size1, 'size1');
  checkCount(size2, 'size2');
  if (size1 > size2) throw invalid(`the log shrank from ${size1} to ${size2} leaves`);
  if (size1 === 0) throw invalid('there is no consistency proof from the empty tree');
  if (size1 === size2) {
    if (proof.length > 0) throw invalid('a proof between equal sizes must be empty');
    if (!bytesEqual(root1, root2)) throw invalid('two different roots for the same size');
    return;
  }
  if (proof.length === 0) throw invalid('the consistency proof is empty');
  if (root1.length !== 32) throw invalid('the old root is not 32 bytes');
  for (const p of proof) if (p.length !== 32) throw invalid('a proof hash is not 32 bytes');
  // When size1 is a power of two the old root is itself the first node of the path.
  const path = 2 ** Math.floor(Math.log2(size1)) === size1 ? [root1, ...proof] : [...proof];
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (odd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) throw invalid('the consistency proof is too long');
    if (odd(fn) || fn === sn) {
      fr = hasher.hashChildren(c, fr);
      sr = hasher.hashChildren(c, sr);
      if (!odd(fn))
        while (!odd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
    } else {
      sr = hasher.hashChildren(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) throw invalid('the consistency proof is too short');
  if (!bytesEqual(fr, root1)) throw invalid('the consistency proof does not lead to the old root');
  if (!bytesEqual(sr, root2)) throw invalid('the consistency proof does not lead to the new root');
}
