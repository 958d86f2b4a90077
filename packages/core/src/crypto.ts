/**
 * The crypto port. Isomorphic packages never import a crypto implementation: callers inject one.
 * `createWebCrypto()` works wherever Web Crypto has Ed25519 (browsers, Node 20+); servers and the CLI
 * inject `@tessera/crypto-node`, whose synchronous node:crypto calls avoid Web Crypto's per-call
 * thread-pool hop (about 40 µs per operation on Node 20).
 */

import { base64urlDecode } from './base64url.js';

export type JwsVerifyAlg = 'EdDSA' | 'ES256' | 'RS256';

export interface Ed25519KeyPair {
  /** 32-byte public key. */
  readonly publicKey: Uint8Array;
  /** 32-byte private seed (RFC 8032 "secret key"). */
  readonly secretKey: Uint8Array;
}

export interface CryptoProvider {
  /** SHA-256 of bytes, or of a string's UTF-8 encoding (lets Node hash strings without a copy). */
  sha256(data: Uint8Array | string): Promise<Uint8Array>;
  randomBytes(length: number): Uint8Array;
  ed25519Generate(): Promise<Ed25519KeyPair>;
  ed25519PublicKey(secretKey: Uint8Array): Promise<Uint8Array>;
  ed25519Sign(secretKey: Uint8Array, message: Uint8Array): Promise<Uint8Array>;
  /**
   * Raw verification; callers go through `verifyEd25519Strict`, which adds the malleability checks.
   * A string message is its UTF-8 encoding (JWS signing inputs are strings; Node encodes natively).
   */
  ed25519Verify(publicKey: Uint8Array, message: Uint8Array | string, signature: Uint8Array): Promise<boolean>;
  /** ES256 (P-256, raw r||s signature) and RS256 (RSASSA-PKCS1-v1_5 SHA-256) over a public JWK. */
  verifyJwk(
    alg: 'ES256' | 'RS256',
    jwk: JsonWebKey,
    data: Uint8Array,
    signature: Uint8Array,
  ): Promise<boolean>;
}

const ED25519_PKCS8_PREFIX = Uint8Array.from([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
]);

/** PKCS#8 DER wrapping of a 32-byte Ed25519 seed (RFC 8410), the only form Web Crypto imports. */
export function ed25519Pkcs8(secretKey: Uint8Array): Uint8Array {
  const out = new Uint8Array(ED25519_PKCS8_PREFIX.length + 32);
  out.set(ED25519_PKCS8_PREFIX);
  out.set(secretKey, ED25519_PKCS8_PREFIX.length);
  return out;
}

const RS256 = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;
const ES256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;

/** Web Crypto implementation (browsers, Deno, Node 20+). */
export function createWebCrypto(subtle: SubtleCrypto = globalThis.crypto.subtle): CryptoProvider {
  const verifyKeys = new Map<string, Promise<CryptoKey>>();
  const importVerifyKey = (publicKey: Uint8Array): Promise<CryptoKey> => {
    const id = String.fromCharCode(...publicKey);
    let key = verifyKeys.get(id);
    if (!key) {
      if (verifyKeys.size > 1000) verifyKeys.clear();
      key = subtle.importKey('raw', publicKey as BufferSource, { name: 'Ed25519' }, false, ['verify']);
      verifyKeys.set(id, key);
    }
    return key;
  };
  const importSignKey = (secretKey: Uint8Array, extractable: boolean) =>
    subtle.importKey('pkcs8', ed25519Pkcs8(secretKey) as BufferSource, { name: 'Ed25519' }, extractable, [
      'sign',
    ]);
  const provider: CryptoProvider = {
    async sha256(data) {
      const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
      return new Uint8Array(await subtle.digest('SHA-256', bytes as BufferSource));
    },
    randomBytes(length) {
      return globalThis.crypto.getRandomValues(new Uint8Array(length));
    },
    async ed25519Generate() {
      const secretKey = provider.randomBytes(32);
      return { secretKey, publicKey: await provider.ed25519PublicKey(secretKey) };
    },
    async ed25519PublicKey(secretKey) {
      const key = await importSignKey(secretKey, true);
      const jwk = await subtle.exportKey('jwk', key);
      return base64urlDecode(jwk.x ?? '');
    },
    async ed25519Sign(secretKey, message) {
      const key = await importSignKey(secretKey, false);
      return new Uint8Array(await subtle.sign({ name: 'Ed25519' }, key, message as BufferSource));
    },
    async ed25519Verify(publicKey, message, signature) {
      try {
        const key = await importVerifyKey(publicKey);
        return await subtle.verify(
          { name: 'Ed25519' },
          key,
          signature as BufferSource,
          message as BufferSource,
        );
      } catch {
        return false;
      }
    },
    async verifyJwk(alg, jwk, data, signature) {
      try {
        const params = alg === 'RS256' ? RS256 : ES256;
        const key = await subtle.importKey('jwk', jwk, params, false, ['verify']);
        const verifyParams = alg === 'RS256' ? RS256 : { name: 'ECDSA', hash: 'SHA-256' };
        return await subtle.verify(verifyParams, key, signature as BufferSource, data as BufferSource);
      } catch {
        return false;
      }
    },
  };
  return provider;
}
