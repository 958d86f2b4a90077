import { ed25519 } from '@noble/curves/ed25519.js';
import type { NoteSigner, NoteVerifier } from '../src/index.js';

/** Real Ed25519 keys for the note and checkpoint tests (noble, RFC 8032: signatures are deterministic). */
export interface TestKey {
  readonly name: string;
  readonly publicKey: Uint8Array;
  readonly signer: NoteSigner;
  readonly verifier: NoteVerifier;
}

export function keyFromSeed(name: string, seed: Uint8Array): TestKey {
  const publicKey = ed25519.getPublicKey(seed);
  return {
    name,
    publicKey,
    signer: { name, publicKey, sign: (message) => ed25519.sign(message, seed) },
    verifier: {
      name,
      publicKey,
      verify: (message, signature) => ed25519.verify(signature, message, publicKey),
    },
  };
}

/** A fresh random key. */
export const newKey = (name: string): TestKey => keyFromSeed(name, ed25519.utils.randomSecretKey());

/** A verifier for a public key alone (what a monitor is configured with). */
export const verifierFor = (name: string, publicKey: Uint8Array): NoteVerifier => ({
  name,
  publicKey,
  verify: (message, signature) => ed25519.verify(signature, message, publicKey),
});

export const b64 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'base64'));

/** Resolves to the TesseraError code a promise rejected with (undefined when it fulfilled). */
export async function rejectionCode(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (e) {
    return (e as { code?: string }).code ?? `not a TesseraError: ${String(e)}`;
  }
}
