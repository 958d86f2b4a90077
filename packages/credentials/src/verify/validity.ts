import { isRecord } from '@tessera/core';
import { VC_V1_CONTEXT } from './context-check.js';
import { type Check, fail, pass } from './report.js';

const fmt = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

export interface ValidityOptions {
  now: Date;
  /** Tolerance for clocks that disagree, in seconds. */
  clockSkewSeconds: number;
  /** For VC-JWT 1.1 tokens: nbf/exp claims (seconds since the epoch) also bound validity. */
  jwtClaims?: { nbf?: unknown; exp?: unknown };
}

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
  // Each bound keeps the text it came from, so messages quote the credential rather than reformat it.
  const bounds: { from?: number; until?: number; fromText?: string; untilText?: string } = {};
  for (const [field, key] of [
    [fromField, 'from'],
    [untilField, 'until'],
  ] as const) {
    const v = credential[field];
    if (v === undefined) continue;
    const ms = typeof v === 'string' ? Date.parse(v) : Number.NaN;
    if (Number.isNaN(ms)) return fail('validity', 'CREDENTIAL_INVALID', `${field} is not a date-time`);
    bounds[key] = ms;
    bounds[`${key}Text`] = v as string;
  }
  const claims = options.jwtClaims;
  if (claims && typeof claims.nbf === 'number' && claims.nbf * 1000 > (bounds.from ?? -Infinity)) {
    bounds.from = claims.nbf * 1000;
    bounds.fromText = fmt(bounds.from);
  }
  if (claims && typeof claims.exp === 'number' && claims.exp * 1000 < (bounds.until ?? Infinity)) {
    bounds.until = claims.exp * 1000;
    bounds.untilText = fmt(bounds.until);
  }
  if (bounds.from !== undefined && now + skew < bounds.from) {
    return fail('validity', 'VALIDITY_NOT_YET_VALID', `not valid before ${bounds.fromText}`);
  }
  if (bounds.until !== undefined && now - skew > bounds.until) {
    return fail('validity', 'VALIDITY_EXPIRED', `expired on ${bounds.untilText}`);
  }
  const parts = [
    bounds.fromText !== undefined ? `from ${bounds.fromText}` : undefined,
    bounds.untilText !== undefined ? `until ${bounds.untilText}` : 'with no expiry',
  ];
  return pass('validity', `valid ${parts.filter(Boolean).join(' ')}`);
}

export const issuerIdOf = (credential: Record<string, unknown>): string | undefined => {
  const issuer = credential.issuer;
  if (typeof issuer === 'string') return issuer;
  return isRecord(issuer) && typeof issuer.id === 'string' ? issuer.id : undefined;
};
