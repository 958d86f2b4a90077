import { sha256 } from '@noble/hashes/sha2.js';

/**
 * RFC 9162 §2.1.1 hashing with domain separation: a leaf is SHA-256(0x00 ‖ data), an interior
 * node SHA-256(0x01 ‖ left ‖ right), so no leaf can pose as a node (second-preimage attacks).
 */
export interface TreeHasher {
  hashLeaf(data: Uint8Array): Uint8Array;
  hashChildren(left: Uint8Array, right: Uint8Array): Uint8Array;
  readonly emptyRoot: Uint8Array;
}

export type Sha256 = (data: Uint8Array) => Uint8Array;

/** A hasher over any synchronous SHA-256 (the server injects node:crypto's; browsers use noble). */
export function createTreeHasher(hash: Sha256 = sha256): TreeHasher {
  // One buffer for every node: 0x01 ‖ left ‖ right is always 65 bytes.
  const node = new Uint8Array(65);
  node[0] = 1;
  return {
    hashLeaf(data) {
      const input = new Uint8Array(data.length + 1);
      input.set(data, 1);
      return hash(input);
    },
    hashChildren(left, right) {
      if (left.length !== 32 || right.length !== 32) throw new RangeError('node hashes are 32 bytes');
      node.set(left, 1);
      node.set(right, 33);
      return hash(node);
    },
    emptyRoot: hash(new Uint8Array(0)),
  };
}

export const defaultHasher: TreeHasher = createTreeHasher();
export const hashLeaf = (data: Uint8Array): Uint8Array => defaultHasher.hashLeaf(data);
export const hashChildren = (left: Uint8Array, right: Uint8Array): Uint8Array =>
  defaultHasher.hashChildren(left, right);
export const EMPTY_ROOT: Uint8Array = defaultHasher.emptyRoot;
