import { type ErrorCode, TesseraError } from '@tessera/core';

/** Every independent check a verification runs, in report order. */
export type CheckName =
  | 'input'
  | 'jwt'
  | 'contexts'
  | 'structure'
  | 'proof'
  | 'cryptosuite'
  | 'proofPurpose'
  | 'verificationMethod'
  | 'issuer'
  | 'signature'
  | 'jwtClaims'
  | 'validity'
  | 'status'
  | 'log'
  | 'challenge'
  | 'domain'
  | 'holder'
  | 'credentials';

export interface Check {
  readonly check: CheckName;
  /** True when the check passed. A skipped check is neither passed nor failed. */
  readonly ok: boolean;
  readonly skipped?: true;
  readonly code?: ErrorCode;
  readonly message: string;
}

export type SecuringFormat =
  | 'eddsa-rdfc-2022'
  | 'eddsa-jcs-2022'
  | 'eddsa-2022'
  | 'Ed25519Signature2020'
  | 'vc+jwt'
  | 'vc-jwt-1.1';

export interface VerificationReport {
  /** Derived from the checks: every check passed or was skipped, and a signature was verified. */
  readonly verified: boolean;
  /** False when the input could not be read as a credential at all (CLI exit 2, HTTP 400). */
  readonly usable: boolean;
  readonly format?: SecuringFormat;
  readonly issuer?: string;
  readonly verificationMethod?: string;
  /** The credential as read (for JWTs, the decoded payload credential). */
  readonly credential?: Record<string, unknown>;
  readonly checks: readonly Check[];
}

export interface PresentationReport extends VerificationReport {
  readonly holder?: string;
  readonly credentials: readonly VerificationReport[];
}

export const pass = (check: CheckName, message: string): Check => ({ check, ok: true, message });
export const fail = (check: CheckName, code: ErrorCode, message: string): Check => ({
  check,
  ok: false,
  code,
  message,
});
export const skip = (check: CheckName, message: string): Check => ({
  check,
  ok: false,
  skipped: true,
  message,
});

/** A failed check from anything thrown, keeping the coded error's code. */
export function failFrom(check: CheckName, e: unknown, fallback: ErrorCode): Check {
  if (e instanceof TesseraError) return fail(check, e.code, e.message);
  return fail(check, fallback, e instanceof Error ? e.message : String(e));
}

/** `verified` is never set by hand: it follows from the checks. */
export function isVerified(checks: readonly Check[]): boolean {
  return (
    checks.every((c) => c.ok || c.skipped === true) && checks.some((c) => c.check === 'signature' && c.ok)
  );
}

/** The first failed check, for one-line summaries. */
export const firstFailure = (checks: readonly Check[]): Check | undefined =>
  checks.find((c) => !c.ok && !c.skipped);
