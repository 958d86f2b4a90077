import { ERROR_CODES, type ErrorCode, type FieldError, TesseraError, toTesseraError } from '@tessera/core';

/** RFC 9457 problem details with Tessera's stable `code` (and the failing fields or report). */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code: ErrorCode;
  readonly errors?: readonly FieldError[];
  readonly [extension: string]: unknown;
}

/** Seconds a client should wait before retrying, for the statuses that invite a retry. */
const RETRY_AFTER: Partial<Record<ErrorCode, number>> = { UNAVAILABLE: 5 };

/** `type` points at the code's entry on the API reference page, so every problem is documented. */
export const problemType = (publicUrl: string, code: ErrorCode): string => `${publicUrl}/docs#${code}`;

export function problemOf(
  publicUrl: string,
  error: TesseraError,
  extra: Record<string, unknown> = {},
  status?: number,
): Problem {
  const info = ERROR_CODES[error.code];
  return {
    type: problemType(publicUrl, error.code),
    title: info.title,
    status: status ?? info.status,
    detail: error.message,
    code: error.code,
    ...(error.fields.length > 0 ? { errors: error.fields } : {}),
    ...extra,
  };
}

export function problemResponse(
  publicUrl: string,
  thrown: unknown,
  options: { extra?: Record<string, unknown>; status?: number; headers?: Record<string, string> } = {},
): Response {
  const error = toTesseraError(thrown);
  // Internal errors say nothing about internals to the caller; the log has the cause.
  const safe = error.code === 'INTERNAL' ? new TesseraError('INTERNAL', 'internal error') : error;
  const problem = problemOf(publicUrl, safe, options.extra, options.status);
  const headers: Record<string, string> = { 'content-type': 'application/problem+json', ...options.headers };
  const retry = (error as { retryAfterSeconds?: number }).retryAfterSeconds ?? RETRY_AFTER[error.code];
  if (retry !== undefined && headers['retry-after'] === undefined) headers['retry-after'] = String(retry);
  return new Response(JSON.stringify(problem), { status: problem.status, headers });
}
