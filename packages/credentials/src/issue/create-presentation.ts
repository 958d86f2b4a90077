import type { CryptoProvider } from '@tessera/core';
import { bundledContextRegistry, type ContextRegistry } from '../contexts/index.js';
import type { SigningKey } from '../keys/key-pair.js';
import { signDataIntegrity } from '../proofs/data-integrity.js';
import type { Cryptosuite } from '../proofs/formats.js';
import { VC_V2_CONTEXT } from '../verify/context-check.js';
import { isoSeconds } from './issue-credential.js';

export interface PresentOptions {
  /** The holder's key; the holder is its controller (a did:key for candidates). */
  key: SigningKey;
  /** Secured credentials: Data Integrity objects or compact JWTs (enveloped as data: URLs). */
  credentials: readonly (Record<string, unknown> | string)[];
  challenge: string;
  domain: string;
  cryptosuite?: Cryptosuite;
  now?: () => Date;
}

/** VC DM 2.0 section 4.13.1: a JWT credential travels in a presentation as an EnvelopedVerifiableCredential. */
export const envelopeJwt = (jwt: string): Record<string, unknown> => ({
  '@context': VC_V2_CONTEXT,
  id: `data:application/vc+jwt,${jwt}`,
  type: 'EnvelopedVerifiableCredential',
});

/** Creates a presentation signed by the holder for one verifier (challenge + domain). */
export async function createPresentation(
  deps: { crypto: CryptoProvider; contexts?: ContextRegistry },
  options: PresentOptions,
) {
  const vp: Record<string, unknown> = {
    '@context': [VC_V2_CONTEXT],
    type: ['VerifiablePresentation'],
    holder: options.key.controller,
    verifiableCredential: options.credentials.map((c) => (typeof c === 'string' ? envelopeJwt(c) : c)),
  };
  return signDataIntegrity({ crypto: deps.crypto, contexts: deps.contexts ?? bundledContextRegistry() }, vp, {
    cryptosuite: options.cryptosuite ?? 'eddsa-rdfc-2022',
    key: options.key,
    proofPurpose: 'authentication',
    created: isoSeconds((options.now ?? (() => new Date()))()),
    challenge: options.challenge,
    domain: options.domain,
  });
}
