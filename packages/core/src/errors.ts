/**
 * One error type for the whole platform. Every failure carries a stable `code` from the closed
 * union below; the edges (HTTP, CLI) map codes to statuses and exit codes from this one table,
 * and `docs/errors.md` documents every entry.
 */

interface CodeInfo {
  /** HTTP status the server answers with. */
  readonly status: number;
  /** CLI exit code: 1 = the thing checked does not verify, 2 = unusable input or usage. */
  readonly exit: 1 | 2 | 3;
  readonly title: string;
}

const code = (status: number, exit: 1 | 2 | 3, title: string): CodeInfo => ({ status, exit, title });

export const ERROR_CODES = {
  // Input
  INPUT_INVALID: code(400, 2, 'The input is not valid'),
  JSON_INVALID: code(400, 2, 'The input is not well-formed JSON'),
  INPUT_TOO_LARGE: code(413, 2, 'The input is larger than allowed'),
  INPUT_TOO_DEEP: code(400, 2, 'The input nests deeper than allowed'),
  USAGE_INVALID: code(400, 2, 'The command was called with invalid arguments'),
  FILE_UNREADABLE: code(400, 2, 'A file could not be read'),
  // Credential structure and contexts
  CREDENTIAL_INVALID: code(422, 1, 'The credential does not follow the VC 2.0 / Open Badges 3.0 data model'),
  PRESENTATION_INVALID: code(422, 1, 'The presentation does not follow the VC 2.0 data model'),
  ISSUER_INVALID: code(400, 2, 'The issuer is missing or is not a URL'),
  CONTEXT_INVALID: code(422, 1, 'The @context list is not the one the data model requires'),
  CONTEXT_UNKNOWN: code(
    422,
    1,
    'The credential names a JSON-LD context that is not in the bundled, pinned set',
  ),
  JSONLD_INVALID: code(
    422,
    1,
    'JSON-LD processing failed (undefined term, invalid IRI or conflicting definition)',
  ),
  // Proofs
  PROOF_MISSING: code(422, 1, 'The credential carries no proof'),
  PROOF_INVALID: code(422, 1, 'The proof is malformed'),
  PROOF_TYPE_UNSUPPORTED: code(422, 1, 'The proof type or cryptosuite is not supported'),
  CRYPTOSUITE_NOT_ALLOWED: code(422, 1, 'The cryptosuite is not in the allowed set'),
  PROOF_PURPOSE_MISMATCH: code(422, 1, 'The proof purpose is not the one required'),
  PROOF_VALUE_INVALID: code(422, 1, 'The proof value is not a valid encoded signature'),
  CREDENTIAL_SIGNATURE_INVALID: code(422, 1, 'The signature does not verify'),
  SIGNATURE_NON_CANONICAL: code(422, 1, 'The signature is not in canonical form (malleable)'),
  // Keys and identifiers
  KEY_INVALID: code(400, 2, 'The key is malformed, of the wrong type, or weak'),
  VERIFICATION_METHOD_INVALID: code(422, 1, 'The verification method identifier is malformed'),
  VERIFICATION_METHOD_UNRESOLVABLE: code(422, 1, 'The verification method could not be resolved'),
  VERIFICATION_METHOD_NOT_AUTHORIZED: code(
    422,
    1,
    'The verification method is not an assertion method of the issuer',
  ),
  DID_METHOD_UNSUPPORTED: code(422, 1, 'The DID method is not supported'),
  DID_RESOLUTION_FAILED: code(422, 1, 'The DID document could not be resolved'),
  // JWT
  JWT_MALFORMED: code(400, 2, 'The JWT is not a well-formed compact JWS'),
  JWT_ALG_NOT_ALLOWED: code(422, 1, 'The JWT algorithm is not allowed'),
  JWT_KEY_MISMATCH: code(422, 1, 'The JWT header does not match the key that must verify it'),
  JWT_CLAIMS_INVALID: code(422, 1, 'The JWT claims disagree with the credential'),
  // Validity and status
  VALIDITY_EXPIRED: code(422, 1, 'The credential has expired'),
  VALIDITY_NOT_YET_VALID: code(422, 1, 'The credential is not yet valid'),
  STATUS_REVOKED: code(422, 1, 'The credential has been revoked'),
  STATUS_SUSPENDED: code(422, 1, 'The credential is suspended'),
  STATUS_UNAVAILABLE: code(422, 1, 'The credential status could not be determined'),
  STATUS_LIST_INVALID: code(
    422,
    1,
    'The status list credential is malformed, unsigned, too small, or for another purpose',
  ),
  STATUS_LIST_TOO_LARGE: code(422, 1, 'The status list decompresses to more than allowed'),
  STATUS_FINAL: code(409, 2, 'A revoked credential cannot change status again'),
  // Transparency log
  LOG_PROOF_INVALID: code(422, 1, 'The Merkle proof does not verify against the tree head'),
  LOG_CHECKPOINT_INVALID: code(422, 1, 'The checkpoint is malformed or its signature does not verify'),
  LOG_INCONSISTENT: code(
    422,
    1,
    'The log is not append-only: a fork, a shrinking tree, or a failed consistency proof',
  ),
  LOG_ENTRY_MISSING: code(422, 1, 'An event that must be in the log is not there'),
  LOG_KEY_NOT_VALID: code(
    422,
    1,
    'The log shows the signing key was not valid when the credential was issued',
  ),
  // Presentations
  PRESENTATION_CHALLENGE_MISMATCH: code(422, 1, 'The presentation challenge does not match'),
  PRESENTATION_DOMAIN_MISMATCH: code(422, 1, 'The presentation domain does not match'),
  PRESENTATION_HOLDER_MISMATCH: code(422, 1, 'The presentation is not signed by its holder'),
  PRESENTATION_CREDENTIAL_INVALID: code(422, 1, 'A credential inside the presentation does not verify'),
  // Network (guarded fetcher)
  FETCH_BLOCKED: code(422, 1, 'The URL is not allowed by the fetch policy'),
  FETCH_FAILED: code(422, 1, 'The resource could not be fetched'),
  FETCH_TIMEOUT: code(422, 1, 'Fetching the resource took too long'),
  FETCH_TOO_LARGE: code(422, 1, 'The fetched resource is larger than allowed'),
  OFFLINE: code(422, 1, 'The resource is not available offline'),
  // Service
  AUTH_MISSING: code(401, 2, 'Authentication is required'),
  AUTH_FORBIDDEN: code(403, 2, 'The credentials used lack the required scope'),
  NOT_FOUND: code(404, 2, 'Not found'),
  METHOD_NOT_ALLOWED: code(405, 2, 'The resource does not support this method'),
  CONFLICT: code(409, 2, 'The request conflicts with the current state'),
  RATE_LIMITED: code(429, 3, 'Too many requests'),
  UNAVAILABLE: code(503, 3, 'The service is temporarily unavailable'),
  INTERNAL: code(500, 3, 'Internal error'),
} as const satisfies Record<string, CodeInfo>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** One bad field of an untrusted input, located by RFC 6901 JSON pointer. */
export interface FieldError {
  readonly pointer: string;
  readonly message: string;
}

export interface TesseraErrorOptions {
  cause?: unknown;
  fields?: readonly FieldError[];
}

export class TesseraError extends Error {
  override readonly name = 'TesseraError';
  readonly code: ErrorCode;
  readonly fields: readonly FieldError[];

  constructor(code: ErrorCode, message: string, options: TesseraErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.fields = options.fields ?? [];
  }

  get status(): number {
    return ERROR_CODES[this.code].status;
  }
}

export const isTesseraError = (e: unknown): e is TesseraError => e instanceof TesseraError;

export const isErrorCode = (value: unknown): value is ErrorCode =>
  typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);

/** Wraps anything thrown into a TesseraError, keeping coded errors as they are. */
export function toTesseraError(e: unknown, fallback: ErrorCode = 'INTERNAL'): TesseraError {
  if (e instanceof TesseraError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new TesseraError(fallback, message, { cause: e });
}

/** Escapes one reference token of a JSON pointer (RFC 6901 section 3). */
export const pointerToken = (token: string | number): string =>
  String(token).replaceAll('~', '~0').replaceAll('/', '~1');

export const joinPointer = (base: string, token: string | number): string => `${base}/${pointerToken(token)}`;
