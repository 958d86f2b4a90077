import { ed25519 } from '@noble/curves/ed25519.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex } from './bytes.js';
import { createWebCrypto } from './crypto.js';
import {
  ed25519PublicKeyProblem,
  isCanonicalEd25519Signature,
  isSmallOrderPoint,
  verifyEd25519Strict,
} from './ed25519-strict.js';

const L = 2n ** 252n + 27742317777372353535851937790883648493n;
const leToBig = (b: Uint8Array) => b.reduceRight((acc, x) => (acc << 8n) | BigInt(x), 0n);
const bigToLe = (n: bigint) =>
  Uint8Array.from({ length: 32 }, (_, i) => Number((n >> BigInt(8 * i)) & 0xffn));

describe('Ed25519 strict acceptance', () => {
  const crypto = createWebCrypto();

  it('flags exactly the points of small order that noble-curves knows (cross-check of the blocklist)', () => {
    // Every torsion point: multiples of an order-8 generator, encoded with either sign bit.
    const order8 = ed25519.Point.fromHex('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a');
    let p = ed25519.Point.ZERO;
    for (let i = 0; i < 8; i++) {
      const bytes = p.toBytes();
      expect(ed25519.Point.fromBytes(bytes).isSmallOrder()).toBe(true);
      expect(isSmallOrderPoint(bytes)).toBe(true);
      p = p.add(order8);
    }
  });

  it('does not flag ordinary public keys', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (seed) => {
        const pub = ed25519.getPublicKey(seed);
        expect(ed25519PublicKeyProblem(pub)).toBeUndefined();
      }),
      { numRuns: 50 },
    );
  });

  it('refuses a non-canonical public key encoding (y ≥ p)', () => {
    const p = fromHex('edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f');
    expect(ed25519PublicKeyProblem(p)).toBe('non-canonical');
    expect(ed25519PublicKeyProblem(new Uint8Array(31))).toBe('length');
  });

  it('refuses a malleated signature whose S was replaced by S + L, though the group equation still holds', async () => {
    const { publicKey, secretKey } = await crypto.ed25519Generate();
    const msg = new TextEncoder().encode('probe compensation');
    const sig = await crypto.ed25519Sign(secretKey, msg);
    expect(isCanonicalEd25519Signature(sig)).toBe(true);
    expect(await verifyEd25519Strict(crypto, publicKey, msg, sig)).toBe('valid');
    const s = leToBig(sig.subarray(32)) + L;
    if (s < 2n ** 256n) {
      const malleated = new Uint8Array(sig);
      malleated.set(bigToLe(s), 32);
      expect(isCanonicalEd25519Signature(malleated)).toBe(false);
      expect(await verifyEd25519Strict(crypto, publicKey, msg, malleated)).toBe('non-canonical');
    }
  });

  it('refuses signatures under a small-order key before any backend sees them', async () => {
    const identity = fromHex('0100000000000000000000000000000000000000000000000000000000000000');
    const sig = new Uint8Array(64);
    sig[0] = 1; // R = identity, S = 0: verifies for every message under A = identity in lax implementations.
    expect(await verifyEd25519Strict(crypto, identity, new Uint8Array([1, 2, 3]), sig)).toBe('weak-key');
  });
});
