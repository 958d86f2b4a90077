import { type CryptoProvider, isRecord, TesseraError } from '@tessera/core';
import { bundledContextRegistry, type ContextRegistry } from '../contexts/index.js';
import type { SigningKey } from '../keys/key-pair.js';
import {
  credentialClass,
  validateCredential,
  validateOpenBadgeCredential,
  validateResultLinks,
} from '../model/index.js';
import { signDataIntegrity } from '../proofs/data-integrity.js';
import { DEFAULT_PROOF_FORMAT, type ProofFormat } from '../proofs/formats.js';
import { signVcJwt } from '../proofs/vc-jwt.js';
import { checkContexts, OB_CONTEXT_PREFIX } from '../verify/context-check.js';
import { issuerIdOf } from '../verify/validity.js';

export interface IssueDeps {
  crypto: CryptoProvider;
  contexts?: ContextRegistry;
  now?: () => Date;
}

export interface IssueOptions {
  format?: ProofFormat;
}

/** UTC ISO-8601 with seconds, the form every date in a Tessera credential takes. */
export const isoSeconds = (d: Date): string => `${d.toISOString().slice(0, 19)}Z`;

/**
 * Signs an unsigned OB 3.0 credential (or a plain VC 2.0 one, such as a status list credential). It is validated first (structure and contexts) so Tessera
 * never signs what its own verifier would refuse, and the key must belong to the issuer.
 * Returns the secured credential: an object (Data Integrity) or a compact JWT (vc-jwt).
 */
export async function issueCredential(
  deps: IssueDeps,
  key: SigningKey,
  credential: Record<string, unknown>,
  options: IssueOptions = {},
): Promise<Record<string, unknown> | string> {
  if (!isRecord(credential)) throw new TesseraError('INPUT_INVALID', 'the credential must be a JSON object');
  if ('proof' in credential)
    throw new TesseraError('INPUT_INVALID', 'the credential already carries a proof', {
      fields: [{ pointer: '/proof', message: 'remove it before issuing' }],
    });
  const contexts = deps.contexts ?? bundledContextRegistry();
  // The verifier's rule (shared-checks.ts): OB 3.0 vocabulary or type means an OB 3.0 credential;
  // anything else (a status list credential, say) is held to the VC data model alone.
  const obContext =
    Array.isArray(credential['@context']) &&
    credential['@context'].some((c) => typeof c === 'string' && c.startsWith(OB_CONTEXT_PREFIX));
  const openBadge = obContext || credentialClass(credential) !== 'VerifiableCredential';
  const contextCheck = checkContexts(credential['@context'], contexts, { requireOpenBadges: openBadge });
  if (!contextCheck.ok)
    throw new TesseraError(contextCheck.code ?? 'CONTEXT_INVALID', contextCheck.message, {
      fields: [{ pointer: '/@context', message: contextCheck.message }],
    });
  const fields = openBadge
    ? [...validateOpenBadgeCredential(credential), ...validateResultLinks(credential)]
    : validateCredential(credential);
  if (fields.length > 0) {
    throw new TesseraError(
      'INPUT_INVALID',
      `the credential has ${fields.length} invalid field${fields.length > 1 ? 's' : ''}: ${fields[0]!.pointer} ${fields[0]!.message}`,
      { fields },
    );
  }
  const issuer = issuerIdOf(credential);
  if (issuer !== key.controller) {
    throw new TesseraError(
      'VERIFICATION_METHOD_NOT_AUTHORIZED',
      `the signing key belongs to ${key.controller}, not to the issuer ${String(issuer)}`,
    );
  }
  const format = options.format ?? DEFAULT_PROOF_FORMAT;
  if (format === 'vc-jwt') return signVcJwt(deps.crypto, credential, key);
  return signDataIntegrity({ crypto: deps.crypto, contexts }, credential, {
    cryptosuite: format,
    key,
    proofPurpose: 'assertionMethod',
    created: isoSeconds((deps.now ?? (() => new Date()))()),
  });
}
