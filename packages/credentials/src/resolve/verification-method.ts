import { base58btcDecode, isRecord, TesseraError } from '@tessera/core';
import { decodeEd25519PublicMultikey, ed25519FromJwk } from '../keys/multikey.js';

/** A public key as a verifier uses it. */
export type PublicKey =
  | { readonly kind: 'Ed25519'; readonly publicKey: Uint8Array }
  | { readonly kind: 'P-256' | 'RSA'; readonly jwk: JsonWebKey };

/** A verification method, resolved and checked against the controller document that lists it. */
export interface ResolvedMethod {
  readonly id: string;
  readonly controller: string;
  /** Verification relationships under which the controller lists this method. */
  readonly purposes: readonly string[];
  readonly key: PublicKey;
  /** Where the key came from, for the report. */
  readonly source: 'did:key' | 'did:web' | 'https' | 'trust-store';
}

export interface KeyResolver {
  resolve(verificationMethod: string): Promise<ResolvedMethod>;
}

export const RELATIONSHIPS = [
  'assertionMethod',
  'authentication',
  'capabilityInvocation',
  'capabilityDelegation',
];

/** Reads the public key of a verification method object in any of the formats issuers publish. */
export function publicKeyOf(method: Record<string, unknown>): PublicKey {
  const type = method.type;
  if (typeof method.publicKeyMultibase === 'string') {
    if (type !== 'Multikey' && type !== 'Ed25519VerificationKey2020') {
      throw new TesseraError('KEY_INVALID', `verification method type ${String(type)} is not supported`);
    }
    return { kind: 'Ed25519', publicKey: decodeEd25519PublicMultikey(method.publicKeyMultibase) };
  }
  if (typeof method.publicKeyBase58 === 'string' && type === 'Ed25519VerificationKey2018') {
    const publicKey = base58btcDecode(method.publicKeyBase58);
    return { kind: 'Ed25519', publicKey: decodeEd25519PublicMultikeyRaw(publicKey) };
  }
  if (isRecord(method.publicKeyJwk)) return publicKeyFromJwk(method.publicKeyJwk as JsonWebKey);
  throw new TesseraError('KEY_INVALID', 'verification method has no supported public key property');
}

function decodeEd25519PublicMultikeyRaw(publicKey: Uint8Array): Uint8Array {
  if (publicKey.length !== 32) throw new TesseraError('KEY_INVALID', 'Ed25519 key must be 32 bytes');
  return publicKey;
}

export function publicKeyFromJwk(jwk: JsonWebKey): PublicKey {
  if (jwk.d !== undefined)
    throw new TesseraError('KEY_INVALID', 'a public JWK must not contain private parts');
  if (jwk.kty === 'OKP') return { kind: 'Ed25519', publicKey: ed25519FromJwk(jwk) };
  if (jwk.kty === 'EC' && jwk.crv === 'P-256' && typeof jwk.x === 'string' && typeof jwk.y === 'string') {
    return { kind: 'P-256', jwk: { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y } };
  }
  if (jwk.kty === 'RSA' && typeof jwk.n === 'string' && typeof jwk.e === 'string') {
    return { kind: 'RSA', jwk: { kty: 'RSA', n: jwk.n, e: jwk.e } };
  }
  throw new TesseraError('KEY_INVALID', `JWK kty=${String(jwk.kty)} crv=${String(jwk.crv)} is not supported`);
}

/** Splits `did:x:y#frag` / `https://a/b#frag` into the document URL and the absolute method id. */
export function splitMethodId(id: string): { document: string; fragment: string | undefined } {
  const hash = id.indexOf('#');
  return hash < 0
    ? { document: id, fragment: undefined }
    : { document: id.slice(0, hash), fragment: id.slice(hash + 1) };
}

/**
 * Finds a method in a controller document (DID document or OB 3.0 issuer profile publishing keys)
 * and the relationships that authorize it. Relative ids (`#key-1`) are resolved against the document.
 */
export function findInControllerDocument(
  document: unknown,
  methodId: string,
  source: ResolvedMethod['source'],
): ResolvedMethod {
  if (!isRecord(document) || typeof document.id !== 'string') {
    throw new TesseraError('VERIFICATION_METHOD_UNRESOLVABLE', 'the controller document has no "id"');
  }
  const docId = document.id;
  const absolute = (ref: string) => (ref.startsWith('#') ? `${docId}${ref}` : ref);
  const candidates: Record<string, unknown>[] = [];
  const collect = (value: unknown) => {
    for (const entry of Array.isArray(value) ? value : value === undefined ? [] : [value]) {
      if (isRecord(entry)) candidates.push(entry);
    }
  };
  collect(document.verificationMethod);
  for (const rel of RELATIONSHIPS) collect(document[rel]);
  const method = candidates.find((m) => typeof m.id === 'string' && absolute(m.id) === methodId);
  if (!method) {
    throw new TesseraError('VERIFICATION_METHOD_UNRESOLVABLE', `${methodId} is not listed in ${docId}`);
  }
  const purposes = RELATIONSHIPS.filter((rel) => {
    const refs = document[rel];
    return (Array.isArray(refs) ? refs : refs === undefined ? [] : [refs]).some((ref) =>
      typeof ref === 'string'
        ? absolute(ref) === methodId
        : isRecord(ref) && typeof ref.id === 'string' && absolute(ref.id) === methodId,
    );
  });
  const controller = typeof method.controller === 'string' ? method.controller : docId;
  return { id: methodId, controller, purposes, key: publicKeyOf(method), source };
}
