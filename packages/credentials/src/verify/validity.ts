import { isRecord } from '@tessera/core';
import { type Check, fail, pass } from './report.js';
import { VC_V1_CONTEXT } from './context-check.js';

export interface ValidityOptions {
  now: Date;
  /** Tolerance for clocks that disagree, in seconds. */
  clockSkewSeconds: number;
  /** For VC-JWT 1.1 tokens: nbf/exp claims (seconds since the epoch) also bound validity. */
  jwtClaims?: { nbf?: unknown; exp?: unknown };
}

const fmt = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/**
 * VC DM 2.0 section 4.9: valid from `validFrom` until `validUntil` (VC 1.1: issuanceDate and
 * expirationDate), widened by the clock skew on both ends.
 */
export function checkValidity(credential: Record<string, unknown>, options: ValidityOptions): Check {
  const legacy = Array.isArray(credential['@context']) && credential['@context'][0] === VC_V1_CONTEXT;
  const fromField = legacy ? 'issuanceDate' : 'validFrom';
  const untilField = legacy ? 'expirationDate' : 'validUntil';
  const now = options.now.getTime();
  const skew = options.clockSkewSeconds * 1000;
  const bounds: { from?: number; until?: number } = {};
  for (const [field, key] of [[fromField, 'from'], [untilField, 'until']] as const) {
    const v = credential[field];
    if (v === undefined) continue;
    const ms = typeof v === 'string' ? Date.parse(v) : Number.NaN;
    if (Number.isNaN(ms)) return fail('validity', 'CREDENTIAL_INVALID', `${field} is not a date-time`);
    bounds[key] = ms;
  }
  const claims = options.jwtClaims;
  if (claims && typeof claims.nbf === 'number') bounds.from = Math.max(bounds.from ?? -Infinity, claims.nbf * 1000);
  if (claims && typeof claims.exp === 'number') bounds.until = Math.min(bounds.until ?? Infinity, claims.exp * 1000);
  if (bounds.from !== undefined && now + skew < bounds.from) {
    return fail('validity', 'VALIDITY_NOT_YET_VALID', `not valid before ${fmt(bounds.from)}`);
  }
  if (bounds.until !== undefined && now - skew > bounds.until) {
    return fail('validity', 'VALIDITY_EXPIRED', `expired on ${fmt(bounds.until)}`);
  }
  const parts = [bounds.from !== undefined ? `from ${fmt(bounds.from)}` : undefined, bounds.until !== undefined ? `until ${fmt(bounds.until)}` : 'with no expiry'];
  return pass('validity', `valid ${parts.filter(Boolean).join(' ')}`);
}

export const issuerIdOf = (credential: Record<string, unknown>): string | undefined => {
  const issuer = credential.issuer;
  if (typeof issuer === 'string') return issuer;
  return isRecord(issuer) && typeof issuer.id === 'string' ? issuer.id : undefined;
};
