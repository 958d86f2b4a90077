import { TesseraError } from '@tessera/core';
import { defaultHasher, type TreeHasher } from './hash.js';
import { assertSize, bitLength, type NodeId, peakIds, pow2, rangeIds, shr } from './node-id.js';

/**
 * A proof as a plan over stored nodes: each entry is one complete subtree's hash, or a run of
 * them (left to right) that folds into an ephemeral node: the incomplete right border of the
 * tree, whose hash is never stored because it changes as the tree grows.
 */
export type ProofPart = NodeId | readonly NodeId[];

/** Reads complete-subtree hashes, in the order asked, in one batch (one query for a SQL store). */
export interface NodeReader {
  getNodes(ids: readonly NodeId[]): readonly Uint8Array[] | Promise<readonly Uint8Array[]>;
}

/** XOR of two non-negative safe integers (JS bitwise operators stop at 32 bits). */
const xor = (a: number, b: number): number => {
  const hi = (Math.floor(a / 0x1_0000_0000) ^ Math.floor(b / 0x1_0000_0000)) >>> 0;
  return hi * 0x1_0000_0000 + (((a >>> 0) ^ (b >>> 0)) >>> 0);
};

const bad = (message: string) => new TesseraError('INPUT_INVALID', message);

/** The path from node (level, index) up to the root of the tree of `size` leaves (RFC 9162 PATH, generalized). */
function nodePlan(level: number, index: number, size: number): ProofPart[] {
  // The fork is where the path to this node leaves the path to the last leaf: below it every
  // sibling is complete; above it come the ephemeral right border and the peaks on the left.
  const inner = bitLength(xor(index, shr(size, level))) - 1;
  const forkLevel = level + inner;
  const begin = shr(index, inner) * pow2(forkLevel);
  const end = begin + pow2(forkLevel);
  const parts: ProofPart[] = [];
  for (let l = level, i = index; l < forkLevel; l++, i = shr(i, 1))
    parts.push({ level: l, index: i % 2 === 0 ? i + 1 : i - 1 });
  if (end < size) parts.push(rangeIds(end, size));
  if (begin > 0) parts.push(...peakIds(begin).reverse());
  return parts;
}

/** Which stored nodes make the inclusion proof of leaf `index` in the tree of `size`. */
export function inclusionPlan(index: number, size: number): ProofPart[] {
  assertSize(index, 'leaf index');
  assertSize(size, 'tree size');
  if (index >= size) throw bad(`leaf ${index} is not in a tree of ${size} leaves`);
  return nodePlan(0, index, size);
}

/** Which stored nodes make the consistency proof from `size1` to `size2` (RFC 9162 SUBPROOF; 0 < size1 <= size2). */
export function consistencyPlan(size1: number, size2: number): ProofPart[] {
  assertSize(size1, 'size1');
  assertSize(size2, 'size2');
  if (size1 > size2) throw bad(`a tree of ${size1} leaves cannot be a prefix of one of ${size2}`);
  // RFC 9162 defines none from the empty tree, and verifyConsistency rejects every such proof.
  if (size1 === 0) throw bad('there is no consistency proof from the empty tree');
  if (size1 === size2) return [];
  // The largest complete subtree ending at size1; when it is the whole old tree (size1 a power
  // of two) the verifier already has its hash (the old root), so it is left out.
  let level = 0;
  while (shr(size1, level) % 2 === 0) level++;
  const index = shr(size1 - 1, level);
  const parts = nodePlan(level, index, size2);
  return index === 0 ? parts : [{ level, index }, ...parts];
}

/** Fetches a plan's nodes in one batch and folds the ephemeral runs. */
export async function resolvePlan(
  reader: NodeReader,
  plan: readonly ProofPart[],
  hasher: TreeHasher = defaultHasher,
): Promise<Uint8Array[]> {
  const ids: NodeId[] = [];
  for (const part of plan) {
    if (Array.isArray(part)) ids.push(...(part as readonly NodeId[]));
    else ids.push(part as NodeId);
  }
  const hashes = await reader.getNodes(ids);
  if (hashes.length !== ids.length)
    throw new TesseraError('INTERNAL', 'the node reader returned too few hashes');
  const proof: Uint8Array[] = [];
  let at = 0;
  for (const part of plan) {
    if (!Array.isArray(part)) {
      proof.push(hashes[at++]!);
      continue;
    }
    const run = hashes.slice(at, at + part.length);
    at += part.length;
    let hash = run[run.length - 1]!;
    for (let i = run.length - 2; i >= 0; i--) hash = hasher.hashChildren(run[i]!, hash);
    proof.push(hash);
  }
  return proof;
}

export const inclusionProof = (reader: NodeReader, index: number, size: number, hasher?: TreeHasher) =>
  resolvePlan(reader, inclusionPlan(index, size), hasher);

export const consistencyProof = (reader: NodeReader, size1: number, size2: number, hasher?: TreeHasher) =>
  resolvePlan(reader, consistencyPlan(size1, size2), hasher);
