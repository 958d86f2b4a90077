import { TesseraError } from '@tessera/core';
import { decodeEd25519PublicMultikey } from '../keys/multikey.js';
import { RELATIONSHIPS, type ResolvedMethod, splitMethodId } from './verification-method.js';

/**
 * did:key for Ed25519 (did:key spec v0.7): the identifier is the public Multikey; its only
 * verification method is `did:key:<mb>#<mb>`, listed under every relationship. A bare `did:key:<mb>`
 * used as a verification method is read as that single key, as most issuers of OB 3.0 do.
 */
export function resolveDidKey(methodId: string): ResolvedMethod {
  const { document, fragment } = splitMethodId(methodId);
  const multibase = document.slice('did:key:'.length);
  if (!multibase.startsWith('z6Mk')) {
    throw new TesseraError('DID_METHOD_UNSUPPORTED', `${document} is not an Ed25519 did:key`);
  }
  if (fragment !== undefined && fragment !== multibase) {
    throw new TesseraError(
      'VERIFICATION_METHOD_UNRESOLVABLE',
      `${methodId}: did:key documents list only #${multibase}`,
    );
  }
  return {
    id: `${document}#${multibase}`,
    controller: document,
    purposes: RELATIONSHIPS,
    key: { kind: 'Ed25519', publicKey: decodeEd25519PublicMultikey(multibase) },
    source: 'did:key',
  };
}

/** The DID document of an Ed25519 did:key, for publishing or for peers that want one. */
export function didKeyDocument(did: string): Record<string, unknown> {
  const mb = did.slice('did:key:'.length);
  const id = `${did}#${mb}`;
  return {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
    id: did,
    verificationMethod: [{ id, type: 'Multikey', controller: did, publicKeyMultibase: mb }],
    authentication: [id],
    assertionMethod: [id],
    capabilityInvocation: [id],
    capabilityDelegation: [id],
  };
}
