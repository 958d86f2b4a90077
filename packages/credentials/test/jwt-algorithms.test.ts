import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { base64urlEncode, utf8Encode } from '@tessera/core';
import { describe, expect, it } from 'vitest';
import { createKeyResolver, parseTrustStore } from '../src/index.js';
import { benchCredential, verifierWith } from './support.js';

/**
 * OB 3.0 requires verifiers to accept RS256; VC-JOSE allows ES256. Tessera issues EdDSA only, but
 * verifies all three, each algorithm bound to its key type. Keys here are pinned JWKs.
 */
const issuer = 'https://lab.example/issuers/jose';

function jwtWith(alg: 'ES256' | 'RS256', privateKey: KeyObject, kid: string, payload: object): string {
  const input = `${base64urlEncode(utf8Encode(JSON.stringify({ alg, kid, typ: 'vc+jwt' })))}.${base64urlEncode(utf8Encode(JSON.stringify(payload)))}`;
  const signature =
    alg === 'ES256'
      ? sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' })
      : sign('sha256', Buffer.from(input), privateKey);
  return `${input}.${base64urlEncode(new Uint8Array(signature))}`;
}

describe.each([
  ['ES256', () => generateKeyPairSync('ec', { namedCurve: 'P-256' })],
  ['RS256', () => generateKeyPairSync('rsa', { modulusLength: 2048 })],
] as const)('%s credentials', (alg, generate) => {
  const { publicKey, privateKey } = generate();
  const other = generate();
  const kid = `${issuer}#${alg.toLowerCase()}`;
  const trust = (key: KeyObject) =>
    createKeyResolver({
      trustStore: parseTrustStore({
        keys: [{ id: kid, type: 'JsonWebKey', publicKeyJwk: key.export({ format: 'jwk' }) }],
      }),
    });

  it(`verifies a ${alg} vc+jwt under a pinned JWK`, async () => {
    const report = await verifierWith({ resolver: trust(publicKey) }).verifyCredential(
      jwtWith(alg, privateKey, kid, benchCredential(issuer)),
    );
    expect(report.checks.filter((c) => !c.ok && !c.skipped)).toEqual([]);
    expect(report.verified).toBe(true);
  });

  it(`refuses a ${alg} signature made by another key`, async () => {
    const report = await verifierWith({ resolver: trust(publicKey) }).verifyCredential(
      jwtWith(alg, other.privateKey, kid, benchCredential(issuer)),
    );
    expect(report.checks.find((c) => c.check === 'signature')?.code).toBe('CREDENTIAL_SIGNATURE_INVALID');
  });

  it(`refuses a ${alg} header over a key of the other type (algorithm bound to key type)`, async () => {
    const wrongType =
      alg === 'ES256'
        ? generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey
        : generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
    const report = await verifierWith({ resolver: trust(wrongType) }).verifyCredential(
      jwtWith(alg, privateKey, kid, benchCredential(issuer)),
    );
    expect(report.checks.find((c) => c.check === 'signature')?.code).toBe('JWT_KEY_MISMATCH');
  });
});
