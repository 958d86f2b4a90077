import { bytesEqual, type CryptoProvider, isRecord, TesseraError } from '@tessera/core';
import {
  decodeEd25519PublicMultikey,
  decodeEd25519SecretMultikey,
  encodeEd25519PublicMultikey,
  encodeEd25519SecretMultikey,
} from './multikey.js';

/** An Ed25519 signing key bound to its verification method id. */
export interface SigningKey {
  /** Verification method id written into proofs (e.g. `did:key:z6Mk…#z6Mk…`). */
  readonly id: string;
  /** Who controls the key; for a credential it must be the issuer. */
  readonly controller: string;
  readonly publicKey: Uint8Array;
  readonly secretKey: Uint8Array;
}

/** The key file format (Multikey, as W3C Controlled Identifiers and @digitalbazaar/ed25519-multikey use). */
export interface MultikeyDocument {
  '@context'?: string;
  id: string;
  type: 'Multikey';
  controller: string;
  publicKeyMultibase: string;
  secretKeyMultibase?: string;
}

export const didKeyFor = (publicKey: Uint8Array): string =>
  `did:key:${encodeEd25519PublicMultikey(publicKey)}`;

/** A new Ed25519 key whose controller is its own `did:key`. */
export async function generateDidKey(crypto: CryptoProvider): Promise<SigningKey> {
  const { publicKey, secretKey } = await crypto.ed25519Generate();
  return didKeySigningKey(publicKey, secretKey);
}

export function didKeySigningKey(publicKey: Uint8Array, secretKey: Uint8Array): SigningKey {
  const did = didKeyFor(publicKey);
  return { id: `${did}#${did.slice('did:key:'.length)}`, controller: did, publicKey, secretKey };
}

export function exportSigningKey(key: SigningKey, options: { includeSecret: boolean }): MultikeyDocument {
  const doc: MultikeyDocument = {
    '@context': 'https://w3id.org/security/multikey/v1',
    id: key.id,
    type: 'Multikey',
    controller: key.controller,
    publicKeyMultibase: encodeEd25519PublicMultikey(key.publicKey),
  };
  if (options.includeSecret) doc.secretKeyMultibase = encodeEd25519SecretMultikey(key.secretKey);
  return doc;
}

/** Reads a key file; checks that the secret key really belongs to the public key it claims. */
export async function importSigningKey(value: unknown, crypto: CryptoProvider): Promise<SigningKey> {
  if (!isRecord(value)) throw new TesseraError('KEY_INVALID', 'key file is not a JSON object');
  const { id, controller, publicKeyMultibase, secretKeyMultibase } = value;
  if (typeof secretKeyMultibase !== 'string') {
    throw new TesseraError('KEY_INVALID', 'key file has no "secretKeyMultibase": it cannot sign');
  }
  const secretKey = decodeEd25519SecretMultikey(secretKeyMultibase);
  const derived = await crypto.ed25519PublicKey(secretKey);
  if (
    typeof publicKeyMultibase === 'string' &&
    !bytesEqual(decodeEd25519PublicMultikey(publicKeyMultibase), derived)
  ) {
    throw new TesseraError('KEY_INVALID', 'key file "publicKeyMultibase" does not match its secret key');
  }
  const didKey = didKeySigningKey(derived, secretKey);
  return {
    id: typeof id === 'string' ? id : didKey.id,
    controller: typeof controller === 'string' ? controller : didKey.controller,
    publicKey: derived,
    secretKey,
  };
}
