import { createHash } from 'node:crypto';
import { TesseraError, toHex } from '@tessera/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CompactRange,
  consistencyPlan,
  consistencyProof,
  createTreeHasher,
  EMPTY_ROOT,
  hashChildren,
  hashLeaf,
  inclusionPlan,
  inclusionProof,
  type NodeId,
  type NodeReader,
  type ProofPart,
  rootFromInclusionProof,
  verifyConsistency,
  verifyInclusion,
} from '../src/index.js';

/*
 * A naive reference of RFC 9162 §2.1, written from the text with its own SHA-256 (node:crypto),
 * cross-checked against the package: MTH over a list of leaves (§2.1.1), PATH for inclusion
 * (§2.1.3.1), PROOF/SUBPROOF for consistency (§2.1.4.1). D[a:b] is a range of leaf indexes; the
 * leaf data is derived from the index, so every run sees the same tree.
 */

const sha256 = (...parts: Uint8Array[]): Uint8Array => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};
const LEAF = Uint8Array.of(0x00);
const NODE = Uint8Array.of(0x01);
const text = (s: string) => new TextEncoder().encode(s);

/** The largest power of two smaller than n (n > 1): RFC 9162's k. */
const split = (n: number): number => {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
};

interface Reference {
  /** MTH(D[a:b]) */
  mth(a: number, b: number): Uint8Array;
  /** PATH(m, D[0:n]) */
  path(m: number, n: number): Uint8Array[];
  /** PROOF(m, D[0:n]) */
  proof(m: number, n: number): Uint8Array[];
}

/**
 * `leaf(i)` is the data of leaf i; `memoKey` names the value MTH(D[a:b]) depends on (the range,
 * or only its length when all leaves are equal); the memo only caches the recursion.
 */
function reference(leaf: (i: number) => Uint8Array, memoKey: (a: number, b: number) => string): Reference {
  const memo = new Map<string, Uint8Array>();
  const mth = (a: number, b: number): Uint8Array => {
    const key = memoKey(a, b);
    const cached = memo.get(key);
    if (cached) return cached;
    const n = b - a;
    let h: Uint8Array;
    if (n === 0) h = sha256();
    else if (n === 1) h = sha256(LEAF, leaf(a));
    else {
      const k = split(n);
      h = sha256(NODE, mth(a, a + k), mth(a + k, b));
    }
    memo.set(key, h);
    return h;
  };
  // PATH(m, D[a:b]), m relative to a.
  const path = (m: number, a: number, b: number): Uint8Array[] => {
    const n = b - a;
    if (n === 1) return [];
    const k = split(n);
    if (m < k) return [...path(m, a, a + k), mth(a + k, b)];
    return [...path(m - k, a + k, b), mth(a, a + k)];
  };
  // SUBPROOF(m, D[a:b], flag), m relative to a.
  const subproof = (m: number, a: number, b: number, flag: boolean): Uint8Array[] => {
    const n = b - a;
    if (m === n) return flag ? [] : [mth(a, b)];
    const k = split(n);
    if (m <= k) return [...subproof(m, a, a + k, flag), mth(a + k, b)];
    return [...subproof(m - k, a + k, b, false), mth(a, a + k)];
  };
  return { mth, path: (m, n) => path(m, 0, n), proof: (m, n) => subproof(m, 0, n, true) };
}

/**
 * Which side each PATH element sits on, bottom up ('L': the element is the left child). A
 * verifier hashes the proof by this shape alone, so a proof checks against another (index, size)
 * with the same shape and the same root: the size is bound only through the signed tree head.
 */
function inclusionShape(m: number, n: number): string | undefined {
  if (!(m >= 0 && m < n)) return undefined;
  if (n === 1) return '';
  const k = split(n);
  return m < k ? `${inclusionShape(m, k)}R` : `${inclusionShape(m - k, n - k)}L`;
}

/** The same for PROOF(m, n): 'r' when the old root seeds the path, 'p' when the proof does; then the sides. */
function consistencyShape(m: number, n: number): string | undefined {
  if (!(m > 0 && m <= n)) return undefined;
  const sub = (m: number, n: number, flag: boolean): string => {
    if (m === n) return flag ? 'r' : 'p';
    const k = split(n);
    return m <= k ? `${sub(m, k, flag)}R` : `${sub(m - k, n - k, false)}L`;
  };
  return sub(m, n, true);
}

// ---------------------------------------------------------------------------------------------

const MAX = 2000;
const leafData = (i: number) => text(`tessera reference leaf #${i}`);
const ref = reference(leafData, (a, b) => `${a}:${b}`);
const key = (level: number, index: number) => `${level}/${index}`;

/** One tree of MAX leaves appended through CompactRange; every reported node kept, by id. */
const store = new Map<string, Uint8Array>();
const reports = new Map<string, number>();
const roots: Uint8Array[] = [];
const peaks: (readonly Uint8Array[])[] = [];
{
  const range = CompactRange.empty();
  roots.push(range.root());
  peaks.push([...range.peaks]);
  for (let i = 0; i < MAX; i++) {
    range.append(hashLeaf(leafData(i)), (level, index, hash) => {
      store.set(key(level, index), hash);
      reports.set(key(level, index), (reports.get(key(level, index)) ?? 0) + 1);
    });
    roots.push(range.root());
    peaks.push([...range.peaks]);
  }
}

/** Reads the store as it stood at `size` leaves: asking for a node not complete by then is a bug. */
const readerAt = (size: number): NodeReader => ({
  getNodes: (ids) =>
    ids.map(({ level, index }) => {
      if ((index + 1) * 2 ** level > size)
        throw new Error(`node ${key(level, index)} is incomplete at ${size}`);
      const h = store.get(key(level, index));
      if (!h) throw new Error(`node ${key(level, index)} was never reported`);
      return h;
    }),
});

const hex = (hashes: readonly Uint8Array[]) => hashes.map(toHex);

/** Whether `check` rejected with LOG_PROOF_INVALID; any other throw fails the test. */
function rejected(check: () => void): boolean {
  try {
    check();
    return false;
  } catch (e) {
    if (e instanceof TesseraError && e.code === 'LOG_PROOF_INVALID') return true;
    throw e;
  }
}

const flipBit = (h: Uint8Array, bit: number): Uint8Array => {
  const out = h.slice();
  out[bit >> 3]! ^= 1 << (bit & 7);
  return out;
};
const FRESH = sha256(text('a hash that is in no tree'));
const withAt = <T>(list: readonly T[], i: number, value: T): T[] => list.map((v, j) => (j === i ? value : v));
const without = <T>(list: readonly T[], i: number): T[] => list.filter((_, j) => j !== i);
const insertAt = <T>(list: readonly T[], i: number, value: T): T[] => [
  ...list.slice(0, i),
  value,
  ...list.slice(i),
];
const swapped = <T>(list: readonly T[], i: number, j: number): T[] =>
  list.map((v, k) => (k === i ? list[j]! : k === j ? list[i]! : v));

/** Sizes near n that a verifier could be lied to about. */
const nearSizes = (n: number): number[] =>
  [
    ...new Set([
      n - 1,
      n + 1,
      n - 2,
      n + 2,
      2 * n,
      2 * n + 1,
      n >> 1,
      2 ** Math.ceil(Math.log2(n + 1)),
      n ^ 1,
    ]),
  ].filter((s) => s >= 0 && s !== n);

/** Indexes to check in a tree of n leaves: both ends, the middle and a few derived from n. */
const sampleIndexes = (n: number): number[] =>
  [...new Set([0, 1, n - 1, n - 2, n >> 1, (n * 7919 + 13) % n, (n * 104_729 + 7) % n])].filter(
    (m) => m >= 0 && m < n,
  );

/** Old sizes to check against a tree of n leaves (0 < m <= n). */
const sampleOldSizes = (n: number): number[] =>
  [...new Set([1, 2, n, n - 1, n >> 1, 2 ** Math.floor(Math.log2(n)), ((n * 7919 + 13) % n) + 1])].filter(
    (m) => m >= 1 && m <= n,
  );

/** Every single mutation of an inclusion proof; `failures` gets each one the verifier judged wrongly. */
function checkInclusionMutations(m: number, n: number, proof: readonly Uint8Array[], failures: string[]) {
  const leaf = hashLeaf(leafData(m));
  const root = roots[n]!;
  const must = (what: string, accept: boolean, f: () => void) => {
    if (rejected(f) === accept) failures.push(`(${m}, ${n}) ${what}: ${accept ? 'rejected' : 'accepted'}`);
  };
  const v =
    (p: readonly Uint8Array[], index = m, size = n, r = root, l = leaf) =>
    () =>
      verifyInclusion(l, index, size, p, r);
  for (let i = 0; i < proof.length; i++) {
    must(
      `bit flipped in hash ${i}`,
      false,
      v(withAt(proof, i, flipBit(proof[i]!, (m * 131 + n * 17 + i * 61) % 256))),
    );
    must(`hash ${i} dropped`, false, v(without(proof, i)));
    for (let j = i + 1; j < proof.length; j++)
      must(`hashes ${i} and ${j} swapped`, false, v(swapped(proof, i, j)));
  }
  for (let i = 0; i <= proof.length; i++) must(`hash added at ${i}`, false, v(insertAt(proof, i, FRESH)));
  must('root appended', false, v([...proof, root]));
  must('leaf prepended', false, v([leaf, ...proof]));
  must('bit flipped in the leaf hash', false, v(proof, m, n, root, flipBit(leaf, (m + n) % 256)));
  must('bit flipped in the root', false, v(proof, m, n, flipBit(root, (m * n) % 256)));
  if (n > 1) must('root of another size', false, v(proof, m, n, roots[n - 1]!));
  const shape = inclusionShape(m, n);
  for (const other of new Set([m - 1, m + 1, m ^ 1, m ^ 2, 0, n - 1, n, n + 1]))
    if (other >= 0 && other !== m)
      must(`index ${other}`, inclusionShape(other, n) === shape, v(proof, other));
  for (const size of nearSizes(n)) {
    must(`size ${size}, same root`, inclusionShape(m, size) === shape, v(proof, m, size));
    if (size <= MAX && size > m)
      must(`size ${size} with its own root`, false, v(proof, m, size, roots[size]!));
  }
}

/** Every single mutation of a consistency proof from m to n. */
function checkConsistencyMutations(m: number, n: number, proof: readonly Uint8Array[], failures: string[]) {
  const root1 = roots[m]!;
  const root2 = roots[n]!;
  const must = (what: string, accept: boolean, f: () => void) => {
    if (rejected(f) === accept) failures.push(`(${m}, ${n}) ${what}: ${accept ? 'rejected' : 'accepted'}`);
  };
  const v =
    (p: readonly Uint8Array[], size1 = m, size2 = n, r1 = root1, r2 = root2) =>
    () =>
      verifyConsistency(size1, size2, p, r1, r2);
  for (let i = 0; i < proof.length; i++) {
    must(
      `bit flipped in hash ${i}`,
      false,
      v(withAt(proof, i, flipBit(proof[i]!, (m * 131 + n * 17 + i * 61) % 256))),
    );
    must(`hash ${i} dropped`, false, v(without(proof, i)));
    for (let j = i + 1; j < proof.length; j++)
      must(`hashes ${i} and ${j} swapped`, false, v(swapped(proof, i, j)));
  }
  for (let i = 0; i <= proof.length; i++) must(`hash added at ${i}`, false, v(insertAt(proof, i, FRESH)));
  must('old root prepended', false, v([root1, ...proof]));
  must('new root appended', false, v([...proof, root2]));
  must('bit flipped in the old root', false, v(proof, m, n, flipBit(root1, (m * n) % 256)));
  must('bit flipped in the new root', false, v(proof, m, n, root1, flipBit(root2, (m + n) % 256)));
  must('roots swapped', m === n, v(proof, m, n, root2, root1));
  const shape = consistencyShape(m, n);
  for (const size1 of nearSizes(m)) {
    must(`size1 ${size1}, same roots`, consistencyShape(size1, n) === shape, v(proof, size1));
    if (size1 > 0 && size1 <= n && size1 !== m)
      must(`size1 ${size1} with its own root`, false, v(proof, size1, n, roots[size1]!));
  }
  for (const size2 of nearSizes(n)) {
    must(`size2 ${size2}, same roots`, consistencyShape(m, size2) === shape, v(proof, m, size2));
    if (size2 <= MAX && size2 >= m)
      must(`size2 ${size2} with its own root`, false, v(proof, m, size2, root1, roots[size2]!));
  }
}

describe('hashing (RFC 9162 §2.1.1)', () => {
  it('hashes a leaf as SHA-256(0x00 || data) and a node as SHA-256(0x01 || left || right)', () => {
    for (const data of [new Uint8Array(0), text('x'), new Uint8Array(1000).fill(7)])
      expect(toHex(hashLeaf(data))).toBe(toHex(sha256(LEAF, data)));
    const [a, b] = [sha256(text('a')), sha256(text('b'))];
    expect(toHex(hashChildren(a, b))).toBe(toHex(sha256(NODE, a, b)));
    // The shared 65-byte buffer does not leak between calls.
    expect(toHex(hashChildren(b, a))).toBe(toHex(sha256(NODE, b, a)));
    expect(toHex(hashChildren(a, b))).toBe(toHex(sha256(NODE, a, b)));
  });

  it('gives the empty tree the root SHA-256 of the empty string', () => {
    expect(toHex(EMPTY_ROOT)).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(toHex(CompactRange.empty().root())).toBe(toHex(EMPTY_ROOT));
  });

  it('refuses to hash children that are not 32 bytes', () => {
    expect(() => hashChildren(new Uint8Array(31), new Uint8Array(32))).toThrow(RangeError);
    expect(() => hashChildren(new Uint8Array(32), new Uint8Array(33))).toThrow(RangeError);
  });

  it('hashes the same with any injected SHA-256 (node:crypto here)', () => {
    const hasher = createTreeHasher((data) => sha256(data));
    const range = CompactRange.empty(hasher);
    for (let i = 0; i < 100; i++) range.append(hasher.hashLeaf(leafData(i)));
    expect(toHex(range.root())).toBe(toHex(roots[100]!));
  });
});

describe('CompactRange', () => {
  it('reproduces the RFC 6962 test tree roots of transparency-dev/merkle testonly/constants.go', () => {
    // LeafInputs() and RootHashes() of github.com/transparency-dev/merkle/testonly.
    const leaves = [
      '',
      '00',
      '10',
      '2021',
      '3031',
      '40414243',
      '5051525354555657',
      '606162636465666768696a6b6c6d6e6f',
    ];
    const want = [
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
      'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
      '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
      '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
      'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
      '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
    ];
    const range = CompactRange.empty();
    const got = [toHex(range.root())];
    for (const leaf of leaves) {
      range.append(hashLeaf(new Uint8Array(Buffer.from(leaf, 'hex'))));
      got.push(toHex(range.root()));
    }
    expect(got).toEqual(want);
  });

  it(`has the reference MTH as its root at every size 0..${MAX}`, () => {
    const bad: number[] = [];
    for (let n = 0; n <= MAX; n++) if (toHex(roots[n]!) !== toHex(ref.mth(0, n))) bad.push(n);
    expect(bad).toEqual([]);
  });

  it('keeps one peak per set bit of the size, each the MTH of its complete subtree, largest first', () => {
    for (let n = 0; n <= MAX; n++) {
      const want: string[] = [];
      let begin = 0;
      for (let level = 11; level >= 0; level--)
        if ((n >> level) & 1) {
          want.push(toHex(ref.mth(begin, begin + 2 ** level)));
          begin += 2 ** level;
        }
      expect(hex(peaks[n]!), `size ${n}`).toEqual(want);
    }
  });

  it('reports every complete subtree exactly once, with its RFC 9162 hash (level 0: the leaf hash)', () => {
    let expected = 0;
    for (let level = 0; 2 ** level <= MAX; level++) expected += Math.floor(MAX / 2 ** level);
    expect(store.size).toBe(expected);
    expect([...reports.values()].every((count) => count === 1)).toBe(true);
    for (const [id, hash] of store) {
      const [level, index] = id.split('/').map(Number) as [number, number];
      const begin = index * 2 ** level;
      expect(toHex(hash), id).toBe(toHex(ref.mth(begin, begin + 2 ** level)));
    }
  });

  it('resumes from stored peaks to the same roots as one uninterrupted append', () => {
    for (const n of [0, 1, 2, 3, 7, 8, 255, 256, 1023, 1500]) {
      const range = CompactRange.fromPeaks(n, peaks[n]!);
      for (let i = n; i < Math.min(MAX, n + 70); i++) {
        range.append(hashLeaf(leafData(i)));
        expect(toHex(range.root()), `${n} + ${i - n + 1}`).toBe(toHex(roots[i + 1]!));
      }
    }
  });

  it('refuses peaks that do not match the size (count, length, size)', () => {
    const h = new Uint8Array(32);
    expect(() => CompactRange.fromPeaks(3, [h])).toThrow(RangeError);
    expect(() => CompactRange.fromPeaks(4, [h, h])).toThrow(RangeError);
    expect(() => CompactRange.fromPeaks(0, [h])).toThrow(RangeError);
    expect(() => CompactRange.fromPeaks(1, [new Uint8Array(31)])).toThrow(RangeError);
    expect(() => CompactRange.fromPeaks(-1, [])).toThrow(RangeError);
    expect(() => CompactRange.fromPeaks(1.5, [h])).toThrow(RangeError);
  });

  it('does not alias the peaks it was given or hands out', () => {
    const given = [...peaks[3]!];
    const range = CompactRange.fromPeaks(3, given);
    range.append(hashLeaf(leafData(3)));
    expect(given.length).toBe(2);
    expect(hex(given)).toEqual(hex(peaks[3]!));
  });
});

describe('inclusion proofs against the reference PATH', () => {
  it('match PATH and verify for every (index, size) with size <= 64', async () => {
    for (let n = 1; n <= 64; n++)
      for (let m = 0; m < n; m++) {
        const proof = await inclusionProof(readerAt(n), m, n);
        expect(hex(proof), `(${m}, ${n})`).toEqual(hex(ref.path(m, n)));
        verifyInclusion(hashLeaf(leafData(m)), m, n, proof, roots[n]!);
      }
  });

  it(`match PATH and verify for sampled indexes at every size 1..${MAX}`, async () => {
    let checked = 0;
    for (let n = 1; n <= MAX; n++)
      for (const m of sampleIndexes(n)) {
        const proof = await inclusionProof(readerAt(n), m, n);
        expect(hex(proof), `(${m}, ${n})`).toEqual(hex(ref.path(m, n)));
        expect(toHex(rootFromInclusionProof(hashLeaf(leafData(m)), m, n, proof))).toBe(toHex(roots[n]!));
        checked++;
      }
    expect(checked).toBeGreaterThan(5 * MAX);
  });

  it('match PATH and verify for random (index, size) (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .integer({ min: 1, max: MAX })
          .chain((n) => fc.tuple(fc.integer({ min: 0, max: n - 1 }), fc.constant(n))),
        async ([m, n]) => {
          const proof = await inclusionProof(readerAt(n), m, n);
          expect(hex(proof)).toEqual(hex(ref.path(m, n)));
          verifyInclusion(hashLeaf(leafData(m)), m, n, proof, roots[n]!);
        },
      ),
      { seed: 0x7e55e7a, numRuns: 1000 },
    );
  });

  it('reject every single mutation, for every (index, size) with size <= 40', async () => {
    const failures: string[] = [];
    for (let n = 1; n <= 40; n++)
      for (let m = 0; m < n; m++)
        checkInclusionMutations(m, n, await inclusionProof(readerAt(n), m, n), failures);
    expect(failures).toEqual([]);
  });

  it(`reject every single mutation, for random (index, size) up to ${MAX} (fast-check)`, async () => {
    const failures: string[] = [];
    await fc.assert(
      fc.asyncProperty(
        fc
          .integer({ min: 41, max: MAX })
          .chain((n) => fc.tuple(fc.integer({ min: 0, max: n - 1 }), fc.constant(n))),
        async ([m, n]) => {
          checkInclusionMutations(m, n, await inclusionProof(readerAt(n), m, n), failures);
          expect(failures).toEqual([]);
        },
      ),
      { seed: 0x1dc1, numRuns: 150 },
    );
  });

  it('reject a flip of any one bit of any proof hash (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .integer({ min: 2, max: MAX })
          .chain((n) =>
            fc.tuple(
              fc.integer({ min: 0, max: n - 1 }),
              fc.constant(n),
              fc.nat(),
              fc.integer({ min: 0, max: 255 }),
            ),
          ),
        async ([m, n, which, bit]) => {
          const proof = await inclusionProof(readerAt(n), m, n);
          const i = which % proof.length;
          const bad = withAt(proof, i, flipBit(proof[i]!, bit));
          expect(rejected(() => verifyInclusion(hashLeaf(leafData(m)), m, n, bad, roots[n]!))).toBe(true);
        },
      ),
      { seed: 0xb17, numRuns: 1000 },
    );
  });

  it('binds the tree shape, not the size: leaf 0 of 3 also checks at size 4 against the same root', async () => {
    // Why a checkpoint signs size and root together: the proof alone cannot tell these apart.
    const proof = await inclusionProof(readerAt(3), 0, 3);
    verifyInclusion(hashLeaf(leafData(0)), 0, 4, proof, roots[3]!);
    expect(rejected(() => verifyInclusion(hashLeaf(leafData(0)), 0, 4, proof, roots[4]!))).toBe(true);
  });

  it('refuses to plan a proof for a leaf outside the tree', () => {
    for (const [m, n] of [
      [0, 0],
      [5, 5],
      [6, 5],
      [-1, 5],
      [0.5, 5],
      [0, Number.MAX_SAFE_INTEGER + 1],
    ] as const)
      expect(() => inclusionPlan(m, n), `(${m}, ${n})`).toThrow();
    expect(() => inclusionPlan(5, 5)).toThrow(expect.objectContaining({ code: 'INPUT_INVALID' }));
  });

  it('rejects, as LOG_PROOF_INVALID, an index or size that is not a count', () => {
    const leaf = hashLeaf(leafData(0));
    for (const [m, n] of [
      [-1, 4],
      [0, -1],
      [0.5, 4],
      [0, 4.5],
      [Number.NaN, 4],
      [0, Number.POSITIVE_INFINITY],
      [2 ** 64 - 1, 4],
    ] as const)
      expect(
        rejected(() => verifyInclusion(leaf, m, n, [], roots[4]!)),
        `(${m}, ${n})`,
      ).toBe(true);
  });

  it('rejects a proof hash or leaf hash that is not 32 bytes', async () => {
    const proof = await inclusionProof(readerAt(8), 3, 8);
    const leaf = hashLeaf(leafData(3));
    expect(
      rejected(() => verifyInclusion(leaf, 3, 8, withAt(proof, 1, proof[1]!.subarray(1)), roots[8]!)),
    ).toBe(true);
    expect(rejected(() => verifyInclusion(leaf.subarray(1), 3, 8, proof, roots[8]!))).toBe(true);
  });
});

describe('consistency proofs against the reference PROOF', () => {
  it('match PROOF and verify for every 0 < m <= n <= 64', async () => {
    for (let n = 1; n <= 64; n++)
      for (let m = 1; m <= n; m++) {
        const proof = await consistencyProof(readerAt(n), m, n);
        expect(hex(proof), `(${m}, ${n})`).toEqual(hex(ref.proof(m, n)));
        verifyConsistency(m, n, proof, roots[m]!, roots[n]!);
      }
  });

  it(`match PROOF and verify for sampled old sizes at every size 1..${MAX}`, async () => {
    let checked = 0;
    for (let n = 1; n <= MAX; n++)
      for (const m of sampleOldSizes(n)) {
        const proof = await consistencyProof(readerAt(n), m, n);
        expect(hex(proof), `(${m}, ${n})`).toEqual(hex(ref.proof(m, n)));
        verifyConsistency(m, n, proof, roots[m]!, roots[n]!);
        checked++;
      }
    expect(checked).toBeGreaterThan(5 * MAX);
  });

  it('match PROOF and verify for random 0 < m <= n (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .integer({ min: 1, max: MAX })
          .chain((n) => fc.tuple(fc.integer({ min: 1, max: n }), fc.constant(n))),
        async ([m, n]) => {
          const proof = await consistencyProof(readerAt(n), m, n);
          expect(hex(proof)).toEqual(hex(ref.proof(m, n)));
          verifyConsistency(m, n, proof, roots[m]!, roots[n]!);
        },
      ),
      { seed: 0xc0415, numRuns: 1000 },
    );
  });

  it('reject every single mutation, for every 0 < m <= n <= 40', async () => {
    const failures: string[] = [];
    for (let n = 1; n <= 40; n++)
      for (let m = 1; m <= n; m++)
        checkConsistencyMutations(m, n, await consistencyProof(readerAt(n), m, n), failures);
    expect(failures).toEqual([]);
  });

  it(`reject every single mutation, for random 0 < m <= n up to ${MAX} (fast-check)`, async () => {
    const failures: string[] = [];
    await fc.assert(
      fc.asyncProperty(
        fc
          .integer({ min: 41, max: MAX })
          .chain((n) => fc.tuple(fc.integer({ min: 1, max: n }), fc.constant(n))),
        async ([m, n]) => {
          checkConsistencyMutations(m, n, await consistencyProof(readerAt(n), m, n), failures);
          expect(failures).toEqual([]);
        },
      ),
      { seed: 0xc0de, numRuns: 150 },
    );
  });

  it('reject a flip of any one bit of any proof hash (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .integer({ min: 2, max: MAX })
          .chain((n) =>
            fc.tuple(
              fc.integer({ min: 1, max: n - 1 }),
              fc.constant(n),
              fc.nat(),
              fc.integer({ min: 0, max: 255 }),
            ),
          ),
        async ([m, n, which, bit]) => {
          const proof = await consistencyProof(readerAt(n), m, n);
          const i = which % proof.length;
          const bad = withAt(proof, i, flipBit(proof[i]!, bit));
          expect(rejected(() => verifyConsistency(m, n, bad, roots[m]!, roots[n]!))).toBe(true);
        },
      ),
      { seed: 0xf1, numRuns: 1000 },
    );
  });

  it('has no proof from the empty tree: the plan refuses it and the verifier rejects it', () => {
    expect(() => consistencyPlan(0, 5)).toThrow(expect.objectContaining({ code: 'INPUT_INVALID' }));
    expect(() => consistencyPlan(0, 0)).toThrow(expect.objectContaining({ code: 'INPUT_INVALID' }));
    expect(rejected(() => verifyConsistency(0, 5, [], EMPTY_ROOT, roots[5]!))).toBe(true);
    expect(rejected(() => verifyConsistency(0, 0, [], EMPTY_ROOT, EMPTY_ROOT))).toBe(true);
  });

  it('accepts equal sizes only with an empty proof and equal roots', () => {
    verifyConsistency(7, 7, [], roots[7]!, roots[7]!);
    expect(consistencyPlan(7, 7)).toEqual([]);
    expect(rejected(() => verifyConsistency(7, 7, [roots[7]!], roots[7]!, roots[7]!))).toBe(true);
    expect(rejected(() => verifyConsistency(7, 7, [], roots[7]!, roots[6]!))).toBe(true);
  });

  it('refuses a shrinking log, in the plan and in the verifier', () => {
    expect(() => consistencyPlan(6, 5)).toThrow(expect.objectContaining({ code: 'INPUT_INVALID' }));
    expect(rejected(() => verifyConsistency(6, 5, [], roots[6]!, roots[5]!))).toBe(true);
  });

  it('rejects, as LOG_PROOF_INVALID, sizes that are not counts and an old root that is not 32 bytes', async () => {
    for (const [m, n] of [
      [-1, 4],
      [1, -1],
      [0.5, 4],
      [1, 4.5],
      [1, 2 ** 64],
    ] as const)
      expect(
        rejected(() => verifyConsistency(m, n, [], roots[1]!, roots[4]!)),
        `(${m}, ${n})`,
      ).toBe(true);
    const proof = await consistencyProof(readerAt(8), 4, 8);
    expect(rejected(() => verifyConsistency(4, 8, proof, roots[4]!.subarray(2), roots[8]!))).toBe(true);
    expect(
      rejected(() => verifyConsistency(4, 8, withAt(proof, 0, new Uint8Array(33)), roots[4]!, roots[8]!)),
    ).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------

/*
 * Sizes up to 2^53 - 1 (the largest the package accepts), where the 32-bit arithmetic of JS
 * bitwise operators would break: a tree whose leaves are all equal, so every complete subtree of
 * one level has the same hash and the reference memoizes MTH by length.
 */
describe('large trees (sizes up to 2^53 - 1, all leaves equal)', () => {
  const SAME = text('the same leaf');
  const big = reference(
    () => SAME,
    (a, b) => `${b - a}`,
  );
  const perfect: Uint8Array[] = [hashLeaf(SAME)];
  for (let l = 1; l <= 53; l++) perfect.push(hashChildren(perfect[l - 1]!, perfect[l - 1]!));
  const bigReader = (size: number): NodeReader => ({
    getNodes: (ids) =>
      ids.map(({ level, index }) => {
        if (!Number.isSafeInteger(index) || (index + 1) * 2 ** level > size)
          throw new Error(`node ${key(level, index)} is incomplete at ${size}`);
        return perfect[level]!;
      }),
  });
  /** The peaks of a size by its binary digits (not the package's peakIds). */
  const bigPeaks = (n: number): Uint8Array[] =>
    [...n.toString(2)].flatMap((digit, i, all) => (digit === '1' ? [perfect[all.length - 1 - i]!] : []));

  const edgeSizes = [1, 2, 3]
    .concat(Array.from({ length: 22 }, (_, i) => 31 + i).flatMap((k) => [2 ** k - 1, 2 ** k, 2 ** k + 1]))
    .concat([2 ** 53 - 1, 2 ** 53 - 2, 2 ** 52 + 2 ** 32 + 1, 0x1_0000_0001 * 3]);
  const size = fc.oneof(
    fc.constantFrom(...edgeSizes),
    fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
    fc.integer({ min: 31, max: 53 }).chain((k) => fc.integer({ min: 1, max: 2 ** k - 1 })),
  );
  /** An index or old size with its low bits set, unset, or random. */
  const below = (n: number) =>
    fc.oneof(
      fc.integer({ min: 0, max: n - 1 }),
      fc.constantFrom(0, n - 1, Math.floor(n / 2), n - (n % 2 ** 32) - 1).filter((m) => m >= 0 && m < n),
    );

  /** Node ids as leaf intervals, sorted; checks they are disjoint and tile exactly [0, n) minus `gap`. */
  const tiles = (ids: readonly NodeId[], n: number, gap: readonly [number, number] | undefined) => {
    const spans = ids.map(({ level, index }) => [index * 2 ** level, (index + 1) * 2 ** level] as const);
    if (gap) spans.push(gap);
    spans.sort((x, y) => x[0] - y[0]);
    let at = 0;
    for (const [b, e] of spans) {
      expect(b).toBe(at);
      at = e;
    }
    expect(at).toBe(n);
  };
  const flat = (plan: readonly ProofPart[]): NodeId[] =>
    plan.flatMap((p) => (Array.isArray(p) ? p : [p as NodeId]));

  it('has the reference MTH as the root of the resumed compact range', () => {
    fc.assert(
      fc.property(size, (n) => {
        expect(toHex(CompactRange.fromPeaks(n, bigPeaks(n)).root())).toBe(toHex(big.mth(0, n)));
      }),
      { seed: 0xb16, numRuns: 300 },
    );
  });

  it('plans inclusion proofs whose nodes tile the tree around the leaf, match PATH and verify', async () => {
    await fc.assert(
      fc.asyncProperty(
        size.chain((n) => fc.tuple(below(n), fc.constant(n))),
        async ([m, n]) => {
          tiles(flat(inclusionPlan(m, n)), n, [m, m + 1]);
          const proof = await inclusionProof(bigReader(n), m, n);
          expect(hex(proof)).toEqual(hex(big.path(m, n)));
          verifyInclusion(perfect[0]!, m, n, proof, big.mth(0, n));
        },
      ),
      { seed: 0xb17, numRuns: 300 },
    );
  });

  it('plans consistency proofs whose nodes tile the new tree, match PROOF and verify', async () => {
    await fc.assert(
      fc.asyncProperty(
        size.chain((n) =>
          fc.tuple(
            below(n).map((m) => m + 1),
            fc.constant(n),
          ),
        ),
        async ([m, n]) => {
          // When m is a power of two, the old tree [0, m) itself is the seed, left out of the proof.
          const powerOfTwo = 2 ** Math.round(Math.log2(m)) === m;
          tiles(flat(consistencyPlan(m, n)), n, m < n && powerOfTwo ? [0, m] : m === n ? [0, n] : undefined);
          const proof = await consistencyProof(bigReader(n), m, n);
          expect(hex(proof)).toEqual(hex(big.proof(m, n)));
          verifyConsistency(m, n, proof, big.mth(0, m), big.mth(0, n));
        },
      ),
      { seed: 0xb18, numRuns: 300 },
    );
  });
});
