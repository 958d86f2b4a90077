import type { CryptoProvider } from './crypto.js';

/**
 * Strict Ed25519 acceptance rules applied before any backend verifies, so every backend behaves
 * the same: S must be reduced mod L (RFC 8032 section 5.1.7, no malleable signatures), R and A must
 * be canonical point encodings (y < p), and A must not be a point of small order (such keys let a
 * single signature verify for many messages).
 */

// L = 2^252 + 27742317777372353535851937790883648493, little-endian.
const L = Uint8Array.from([
  0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14, 0x00, 0x00,
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
]);

/** Little-endian comparison of two 32-byte integers: true when a < b. */
function lessThan(a: Uint8Array, aOffset: number, b: Uint8Array): boolean {
  for (let i = 31; i >= 0; i--) {
    const x = a[aOffset + i] as number;
    const y = b[i] as number;
    if (x !== y) return x < y;
  }
  return false;
}

/** A point encoding is canonical when its y coordinate (sign bit cleared) is below p = 2^255 - 19. */
function isCanonicalPoint(bytes: Uint8Array, offset: number): boolean {
  if (((bytes[offset + 31] as number) & 0x7f) !== 0x7f) return true;
  for (let i = 30; i >= 1; i--) if (bytes[offset + i] !== 0xff) return true;
  return (bytes[offset] as number) < 0xed;
}

// Encodings (sign bit cleared) of the points of order 1, 2, 4 and 8, after libsodium's blocklist:
// 0 and 1, the two order-8 y values, and p-1 (order 2). Non-canonical aliases (p, p+1) are already
// refused by isCanonicalPoint.
const hex = (h: string) => Uint8Array.from(h.match(/../g)!.map((b) => Number.parseInt(b, 16)));
const SMALL_ORDER = [
  hex('0000000000000000000000000000000000000000000000000000000000000000'),
  hex('0100000000000000000000000000000000000000000000000000000000000000'),
  hex('26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05'),
  hex('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a'),
  hex('ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f'),
];

export function isSmallOrderPoint(bytes: Uint8Array): boolean {
  for (const s of SMALL_ORDER) {
    let diff = ((bytes[31] as number) & 0x7f) ^ (s[31] as number);
    for (let i = 0; i < 31; i++) diff |= (bytes[i] as number) ^ (s[i] as number);
    if (diff === 0) return true;
  }
  return false;
}

export type Ed25519KeyProblem = 'length' | 'non-canonical' | 'small-order';

/** Why a public key is unacceptable, or undefined when it is fine. */
export function ed25519PublicKeyProblem(publicKey: Uint8Array): Ed25519KeyProblem | undefined {
  if (publicKey.length !== 32) return 'length';
  if (!isCanonicalPoint(publicKey, 0)) return 'non-canonical';
  if (isSmallOrderPoint(publicKey)) return 'small-order';
  return undefined;
}

/** True when the signature has the canonical form RFC 8032 requires (64 bytes, R canonical, S < L). */
export function isCanonicalEd25519Signature(signature: Uint8Array): boolean {
  return signature.length === 64 && isCanonicalPoint(signature, 0) && lessThan(signature, 32, L);
}

export type StrictVerifyResult = 'valid' | 'invalid' | 'non-canonical' | 'weak-key';

export async function verifyEd25519Strict(
  crypto: CryptoProvider,
  publicKey: Uint8Array,
  message: Uint8Array | string,
  signature: Uint8Array,
): Promise<StrictVerifyResult> {
  if (ed25519PublicKeyProblem(publicKey) !== undefined) return 'weak-key';
  if (!isCanonicalEd25519Signature(signature)) return 'non-canonical';
  return (await crypto.ed25519Verify(publicKey, message, signature)) ? 'valid' : 'invalid';
}
