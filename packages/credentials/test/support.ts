import { readFileSync } from 'node:fs';
import { createNodeCrypto } from '@tessera/crypto-node';
import {
  createKeyResolver,
  createVerifier,
  didKeySigningKey,
  type KeyResolver,
  type SigningKey,
  type VerifierOptions,
} from '../src/index.js';

/** Shared fixtures for the credentials tests: real node:crypto, real resolvers, no mocks. */
export const crypto = createNodeCrypto();

export async function newIssuerKey(): Promise<SigningKey> {
  const { publicKey, secretKey } = await crypto.ed25519Generate();
  return didKeySigningKey(publicKey, secretKey);
}

export const verifierWith = (options: Partial<VerifierOptions> & { resolver?: KeyResolver } = {}) =>
  createVerifier({ crypto, resolver: createKeyResolver(), ...options });

export const PROBE_ACHIEVEMENT = {
  id: 'https://lab.example/achievements/probe-compensation',
  type: ['Achievement'],
  name: 'Oscilloscope probe compensation',
  description: 'Compensates a 10x passive probe against the calibrator square wave.',
  criteria: { narrative: 'Adjusts the trimmer until the calibrator square wave is flat.' },
};

/** An unsigned OB 3.0 credential with one rubric result and two evidence items (the bench credential). */
export function benchCredential(issuer: string): Record<string, unknown> {
  const credential = JSON.parse(
    readFileSync(new URL('../../../test-support/bench-credential.json', import.meta.url), 'utf8'),
  );
  credential.issuer.id = issuer;
  return credential;
}
