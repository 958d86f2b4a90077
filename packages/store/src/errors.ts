import { TesseraError } from '@tessera/core';

/** PostgreSQL SQLSTATEs and Node socket errors that mean "the database is not reachable now". */
const PG_UNAVAILABLE = new Set(['57P01', '57P02', '57P03', '53300', '40001', '40P01']);
const NET_UNAVAILABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
const SQLITE_UNAVAILABLE = /^SQLITE_(BUSY|LOCKED|CANTOPEN|IOERR|FULL|NOMEM|PROTOCOL)/;

function codeOf(e: unknown): string | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Maps a driver error to the platform's coded error, so callers never see driver types:
 * unique violations are CONFLICT (e.g. an idempotency key a concurrent request won), lost or
 * refused connections are UNAVAILABLE (the server answers 503 and the caller retries).
 */
export function toStoreError(e: unknown, what: string): TesseraError {
  if (e instanceof TesseraError) return e;
  const code = codeOf(e);
  const message = e instanceof Error ? e.message : String(e);
  if (code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    return new TesseraError('CONFLICT', `${what}: a row with the same key exists`, { cause: e });
  }
  if (code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
    return new TesseraError('INPUT_INVALID', `${what}: it refers to a row that does not exist`, { cause: e });
  }
  if (code === '23514' || code === 'SQLITE_CONSTRAINT_CHECK' || code === 'SQLITE_CONSTRAINT_TRIGGER') {
    return new TesseraError('INPUT_INVALID', `${what}: ${message}`, { cause: e });
  }
  if (
    (code !== undefined &&
      (PG_UNAVAILABLE.has(code) || code.startsWith('08') || NET_UNAVAILABLE.has(code))) ||
    (code !== undefined && SQLITE_UNAVAILABLE.test(code)) ||
    /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|the database connection is not open|pool.*(ended|end)/i.test(
      message,
    )
  ) {
    return new TesseraError('UNAVAILABLE', `${what}: the database is unavailable (${message})`, { cause: e });
  }
  return new TesseraError('INTERNAL', `${what}: ${message}`, { cause: e });
}
