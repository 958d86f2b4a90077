/**
 * Typed parsers over the validators: they return the input itself (no copy, so a verifier pays
 * nothing extra and signatures stay over the exact object) once it is known to be valid, and
 * otherwise throw one TesseraError carrying every bad field.
 */
import { type ErrorCode, type FieldError, TesseraError } from '@tessera/core';
import type {
  Achievement,
  EndorsementCredential,
  Evidence,
  OpenBadgeCredential,
  Result,
} from './ob3-types.js';
import {
  validateAchievement,
  validateEndorsementCredential,
  validateEvidence,
  validateOpenBadgeCredential,
  validateResults,
} from './validate-credential.js';

/** Throws `code` with `<n> invalid field(s): <first problem>` and all problems in `fields`. */
export function failWith(code: ErrorCode, errors: readonly FieldError[]): never {
  const first = errors[0];
  const detail =
    first === undefined ? '' : `: ${first.pointer === '' ? '' : `${first.pointer} `}${first.message}`;
  throw new TesseraError(code, `${errors.length} invalid field(s)${detail}`, { fields: errors });
}

/** An OB 3.0 OpenBadgeCredential/AchievementCredential; throws `CREDENTIAL_INVALID`. */
export function parseOpenBadgeCredential(value: unknown): OpenBadgeCredential {
  const errors = validateOpenBadgeCredential(value);
  if (errors.length > 0) failWith('CREDENTIAL_INVALID', errors);
  return value as OpenBadgeCredential;
}

/** An OB 3.0 EndorsementCredential; throws `CREDENTIAL_INVALID`. */
export function parseEndorsementCredential(value: unknown): EndorsementCredential {
  const errors = validateEndorsementCredential(value);
  if (errors.length > 0) failWith('CREDENTIAL_INVALID', errors);
  return value as EndorsementCredential;
}

/** An Achievement supplied as input (the CLI's `--achievement FILE`); throws `INPUT_INVALID`. */
export function parseAchievement(value: unknown): Achievement {
  const errors = validateAchievement(value);
  if (errors.length > 0) failWith('INPUT_INVALID', errors);
  return value as Achievement;
}

/** Exactly one Result; throws `INPUT_INVALID`. */
export function parseResult(value: unknown): Result {
  if (Array.isArray(value))
    failWith('INPUT_INVALID', [{ pointer: '', message: 'must be one Result object' }]);
  const errors = validateResults(value);
  if (errors.length > 0) failWith('INPUT_INVALID', errors);
  return value as Result;
}

/** One Result or an array of them, as an array; throws `INPUT_INVALID`. */
export function parseResults(value: unknown): Result[] {
  const errors = validateResults(value);
  if (errors.length > 0) failWith('INPUT_INVALID', errors);
  return Array.isArray(value) ? (value as Result[]) : [value as Result];
}

/** One Evidence or an array of them, as an array; throws `INPUT_INVALID`. */
export function parseEvidence(value: unknown): Evidence[] {
  const errors = validateEvidence(value);
  if (errors.length > 0) failWith('INPUT_INVALID', errors);
  return Array.isArray(value) ? (value as Evidence[]) : [value as Evidence];
}
