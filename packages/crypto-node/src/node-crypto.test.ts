import { createWebCrypto, toHex } from '@tessera/core';
import { describe, expect, it } from 'vitest';
import { createNodeCrypto } from './index.js';

describe('node:crypto provider agrees with Web Crypto', () => {
  const node = createNodeCrypto();
  const web = createWebCrypto();
  const msg = new TextEncoder().encode('SMD soldering, 0603 resistor');

  it('derives the same public key and deterministic signature from one seed (RFC 8032)', async () => {
    const { secretKey, publicKey } = await node.ed25519Generate();
    expect(toHex(await web.ed25519PublicKey(secretKey))).toBe(toHex(publicKey));
    const a = await node.ed25519Sign(secretKey, msg);
    const b = await web.ed25519Sign(secretKey, msg);
    expect(toHex(a)).toBe(toHex(b));
    expect(await node.ed25519Verify(publicKey, msg, b)).toBe(true);
    expect(await web.ed25519Verify(publicKey, msg, a)).toBe(true);
  });

  it('rejects a signature over another message and malformed inputs without throwing', async () => {
    const { secretKey, publicKey } = await node.ed25519Generate();
    const sig = await node.ed25519Sign(secretKey, msg);
    expect(await node.ed25519Verify(publicKey, new Uint8Array([1]), sig)).toBe(false);
    expect(await node.ed25519Verify(publicKey.subarray(1), msg, sig)).toBe(false);
    expect(await node.ed25519Verify(publicKey, msg, sig.subarray(1))).toBe(false);
  });

  it('hashes like Web Crypto (SHA-256)', async () => {
    expect(toHex(await node.sha256(msg))).toBe(toHex(await web.sha256(msg)));
  });

  it('verifies ES256 and RS256 over a JWK as Web Crypto does, and refuses a key of the other type', async () => {
    const { generateKeyPairSync, sign } = await import('node:crypto');
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const ecJwk = ec.publicKey.export({ format: 'jwk' }) as JsonWebKey;
    const rsaJwk = rsa.publicKey.export({ format: 'jwk' }) as JsonWebKey;
    const esSig = new Uint8Array(sign('sha256', msg, { key: ec.privateKey, dsaEncoding: 'ieee-p1363' }));
    const rsSig = new Uint8Array(sign('sha256', msg, rsa.privateKey));
    for (const p of [node, web]) {
      expect(await p.verifyJwk('ES256', ecJwk, msg, esSig)).toBe(true);
      expect(await p.verifyJwk('RS256', rsaJwk, msg, rsSig)).toBe(true);
      expect(await p.verifyJwk('RS256', ecJwk, msg, esSig)).toBe(false);
      expect(await p.verifyJwk('ES256', ecJwk, new Uint8Array([0]), esSig)).toBe(false);
    }
  });
});

describe('randomBytes (pooled)', () => {
  it('returns exactly the length asked, from the first call on, across pool refills and for large draws', () => {
    const crypto = createNodeCrypto();
    for (const n of [0, 1, 10, 32, 1024, 4000, 5000, 1 << 16]) expect(crypto.randomBytes(n).length).toBe(n);
  });

  it('never hands the same bytes out twice: 20,000 draws of 16 bytes are all distinct and not all zero', () => {
    const crypto = createNodeCrypto();
    const seen = new Set<string>();
    for (let i = 0; i < 20_000; i++) seen.add(toHex(crypto.randomBytes(16)));
    expect(seen.size).toBe(20_000);
    expect(seen.has('0'.repeat(32))).toBe(false);
  });
});
