import * as nodeCrypto from 'node:crypto';
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  type KeyObject,
  randomBytes,
  sign,
  verify,
} from 'node:crypto';
import { type CryptoProvider, ed25519Pkcs8 } from '@tessera/core';

const ED25519_SPKI_PREFIX = Uint8Array.from([
  0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
]);

/** Bounded cache of parsed keys: parsing DER costs more than a verify on hot paths. */
function keyCache<K>(make: (key: Uint8Array) => K, limit = 4096) {
  const cache = new Map<string, K>();
  return (key: Uint8Array): K => {
    const id = Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('latin1');
    let value = cache.get(id);
    if (value === undefined) {
      if (cache.size >= limit) cache.delete(cache.keys().next().value as string);
      value = make(key);
      cache.set(id, value);
    }
    return value;
  };
}

// crypto.hash (Node ≥ 20.12) hashes in one call, skipping the Hash object createHash allocates.
const oneShot = (nodeCrypto as { hash?: (alg: string, data: Uint8Array | string, enc: 'buffer') => Buffer })
  .hash;
const sha256 = (data: Uint8Array | string): Uint8Array =>
  new Uint8Array(oneShot ? oneShot('sha256', data, 'buffer') : createHash('sha256').update(data).digest());

const toBuffer = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

/** node:crypto implementation of the crypto port: synchronous OpenSSL calls behind the async port. */
const POOL_BYTES = 4096;

export function createNodeCrypto(): CryptoProvider {
  let pool = new Uint8Array(0);
  let poolAt = POOL_BYTES;
  const publicKeyObject = keyCache((pub) =>
    createPublicKey({
      key: Buffer.concat([ED25519_SPKI_PREFIX, toBuffer(pub)]),
      format: 'der',
      type: 'spki',
    }),
  );
  const privateKeyObject = keyCache(
    (seed): KeyObject =>
      createPrivateKey({ key: toBuffer(ed25519Pkcs8(seed)), format: 'der', type: 'pkcs8' }),
    256,
  );
  return {
    async sha256(data) {
      return sha256(data);
    },
    randomBytes(length) {
      // Small draws (salts, status indexes, ids) come from a pooled CSPRNG buffer: one
      // getrandom call per 4 KiB instead of one per draw. Bytes are never handed out twice.
      if (length > POOL_BYTES / 4) return new Uint8Array(randomBytes(length));
      if (poolAt + length > POOL_BYTES) {
        pool = new Uint8Array(randomBytes(POOL_BYTES));
        poolAt = 0;
      }
      const out = pool.slice(poolAt, poolAt + length);
      pool.fill(0, poolAt, poolAt + length);
      poolAt += length;
      return out;
    },
    async ed25519Generate() {
      const secretKey = new Uint8Array(randomBytes(32));
      return { secretKey, publicKey: await this.ed25519PublicKey(secretKey) };
    },
    async ed25519PublicKey(secretKey) {
      const der = createPublicKey(privateKeyObject(secretKey)).export({ format: 'der', type: 'spki' });
      return new Uint8Array(der.subarray(ED25519_SPKI_PREFIX.length));
    },
    async ed25519Sign(secretKey, message) {
      return new Uint8Array(sign(null, message, privateKeyObject(secretKey)));
    },
    async ed25519Verify(publicKey, message, signature) {
      if (publicKey.length !== 32 || signature.length !== 64) return false;
      try {
        const data = typeof message === 'string' ? Buffer.from(message, 'utf8') : message;
        return verify(null, data, publicKeyObject(publicKey), signature);
      } catch {
        return false;
      }
    },
    async verifyJwk(alg, jwk, data, signature) {
      try {
        const key = createPublicKey({ key: jwk as import('node:crypto').JsonWebKey, format: 'jwk' });
        if (alg === 'RS256') return key.asymmetricKeyType === 'rsa' && verify('sha256', data, key, signature);
        return (
          key.asymmetricKeyType === 'ec' &&
          verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, signature)
        );
      } catch {
        return false;
      }
    },
  };
}

/** Synchronous SHA-256 (OpenSSL): for hashing that must not wait, such as Merkle tree nodes. */
export const sha256Sync = (data: Uint8Array): Uint8Array =>
  oneShot ? oneShot('sha256', data, 'buffer') : createHash('sha256').update(data).digest();
