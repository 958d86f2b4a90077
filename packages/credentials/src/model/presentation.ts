/**
 * VC 2.0 verifiable presentation shape. Each embedded credential is verified on its own later
 * (PRESENTATION_CREDENTIAL_INVALID), so here it only has to be an object or a compact JWS.
 */
import type { FieldError } from '@tessera/core';
import { checkType, type ItemCheck, isObj, optOneOrMany, optUri, report } from './check-kit.js';
import { isCompactJws } from './formats.js';
import { failWith } from './parse.js';
import { run } from './validate-credential.js';
import { checkProof, checkUriOrIdentified } from './validate-vc.js';
import type { VerifiablePresentation } from './vc-types.js';

const checkEmbeddedCredential: ItemCheck = (ctx, v, ptr) => {
  if (!isObj(v) && !isCompactJws(v)) report(ctx, ptr, 'must be a credential object or a compact JWS string');
};

const checkTermsOfUse: ItemCheck = (ctx, v, ptr) => {
  if (!isObj(v)) report(ctx, ptr, 'must be an object');
};

const checkPresentation: ItemCheck = (ctx, v, ptr) => {
  if (!isObj(v)) {
    report(ctx, ptr, 'must be a JSON object');
    return;
  }
  checkType(ctx, v, ptr, 'VerifiablePresentation');
  optUri(ctx, v, 'id', ptr);
  if (v.holder !== undefined) checkUriOrIdentified(ctx, v.holder, `${ptr}/holder`);
  optOneOrMany(ctx, v, 'verifiableCredential', ptr, checkEmbeddedCredential);
  optOneOrMany(ctx, v, 'proof', ptr, checkProof);
  optOneOrMany(ctx, v, 'termsOfUse', ptr, checkTermsOfUse);
};

/** Every problem in a verifiable presentation's shape; empty when valid. */
export const validateVerifiablePresentation = (value: unknown): FieldError[] => run(checkPresentation, value);

/** The presentation, typed; throws `PRESENTATION_INVALID` listing every bad field. */
export function parseVerifiablePresentation(value: unknown): VerifiablePresentation {
  const errors = validateVerifiablePresentation(value);
  if (errors.length > 0) failWith('PRESENTATION_INVALID', errors);
  return value as VerifiablePresentation;
}
