import {
  base64urlDecode,
  base64urlEncode,
  type CryptoProvider,
  isRecord,
  parseJson,
  TesseraError,
  utf8Decode,
  utf8Encode,
  verifyEd25519Strict,
} from '@tessera/core';
import type { SigningKey } from '../keys/key-pair.js';
import type { PublicKey } from '../resolve/verification-method.js';

/**
 * VC-JOSE-COSE `application/vc+jwt`: a compact JWS whose payload is the credential itself.
 * Verification also reads the VC-JWT 1.1 encoding (a `vc` claim) that OB 3.0.0-era issuers emit.
 */

/** Algorithms a verifier accepts, each bound to the only key type that may verify it. */
const ALG_KEY_KIND = { EdDSA: 'Ed25519', ES256: 'P-256', RS256: 'RSA' } as const;
export type JwtAlg = keyof typeof ALG_KEY_KIND;
export const VERIFIABLE_JWT_ALGS = Object.keys(ALG_KEY_KIND) as JwtAlg[];

export const JWT_MAX_LENGTH = 1_000_000;

export interface DecodedJwt {
  readonly header: Record<string, unknown>;
  readonly payload: Record<string, unknown>;
  /** The credential: the payload (VC-JOSE) or its `vc` claim (VC-JWT 1.1). */
  readonly credential: Record<string, unknown>;
  readonly encoding: 'vc+jwt' | 'vc-jwt-1.1';
  readonly alg: JwtAlg;
  /** `<header>.<payload>` as sent: ASCII, so its UTF-8 bytes are its characters. */
  readonly signingInput: string;
  readonly signature: Uint8Array;
}

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

function decodeSegment(segment: string, what: string): Record<string, unknown> {
  let text: string;
  try {
    text = utf8Decode(base64urlDecode(segment));
  } catch {
    throw new TesseraError('JWT_MALFORMED', `JWT ${what} is not base64url-encoded UTF-8`);
  }
  let value: unknown;
  try {
    value = parseJson(text, { maxLength: JWT_MAX_LENGTH, maxDepth: 64 });
  } catch (e) {
    if (e instanceof TesseraError && e.code !== 'JSON_INVALID') throw e;
    throw new TesseraError('JWT_MALFORMED', `JWT ${what} is not JSON`);
  }
  if (!isRecord(value)) throw new TesseraError('JWT_MALFORMED', `JWT ${what} is not a JSON object`);
  return value;
}

export const looksLikeJwt = (text: string): boolean => COMPACT_JWS.test(text.trim());

/** Parses a compact JWS and applies the header rules; the signature is checked separately. */
export function decodeVcJwt(token: string): DecodedJwt {
  const jwt = token.trim();
  if (jwt.length > JWT_MAX_LENGTH)
    throw new TesseraError('INPUT_TOO_LARGE', `JWT is longer than ${JWT_MAX_LENGTH} characters`);
  if (!COMPACT_JWS.test(jwt))
    throw new TesseraError('JWT_MALFORMED', 'not a compact JWS (three base64url segments)');
  const [h, p, s] = jwt.split('.') as [string, string, string];
  const header = decodeSegment(h, 'header');
  const alg = header.alg;
  if (typeof alg !== 'string' || !Object.hasOwn(ALG_KEY_KIND, alg)) {
    // 'none' and every HMAC algorithm land here: a verifier with a public key must never accept them.
    throw new TesseraError(
      'JWT_ALG_NOT_ALLOWED',
      `JWT alg ${JSON.stringify(alg)} is not allowed (EdDSA, ES256, RS256 are)`,
    );
  }
  if (header.crit !== undefined)
    throw new TesseraError('JWT_MALFORMED', 'JWT "crit" header parameters are not understood');
  if (header.typ !== undefined && !['vc+jwt', 'JWT', 'vc+ld+jwt'].includes(String(header.typ))) {
    throw new TesseraError('JWT_MALFORMED', `JWT typ ${JSON.stringify(header.typ)} is not a credential type`);
  }
  const payload = decodeSegment(p, 'payload');
  let signature: Uint8Array;
  try {
    signature = base64urlDecode(s);
  } catch {
    throw new TesseraError('JWT_MALFORMED', 'JWT signature is not base64url');
  }
  const legacy = isRecord(payload.vc) && payload['@context'] === undefined;
  const credential = legacy ? (payload.vc as Record<string, unknown>) : payload;
  return {
    header,
    payload,
    credential,
    encoding: legacy ? 'vc-jwt-1.1' : 'vc+jwt',
    alg: alg as JwtAlg,
    signingInput: `${h}.${p}`,
    signature,
  };
}

/** Checks the JWS signature with a resolved key, enforcing the alg ↔ key-type binding. */
export async function verifyJwtSignature(
  crypto: CryptoProvider,
  jwt: DecodedJwt,
  key: PublicKey,
): Promise<'valid' | 'invalid' | 'non-canonical' | 'weak-key'> {
  if (ALG_KEY_KIND[jwt.alg] !== key.kind) {
    throw new TesseraError(
      'JWT_KEY_MISMATCH',
      `JWT alg ${jwt.alg} cannot be verified with an ${key.kind} key`,
    );
  }
  if (key.kind === 'Ed25519')
    return verifyEd25519Strict(crypto, key.publicKey, jwt.signingInput, jwt.signature);
  const ok = await crypto.verifyJwk(
    jwt.alg as 'ES256' | 'RS256',
    key.jwk,
    utf8Encode(jwt.signingInput),
    jwt.signature,
  );
  return ok ? 'valid' : 'invalid';
}

/**
 * Registered claims a VC-JWT 1.1 token carries must agree with the credential (VC-JWT 1.1 section 6.3.1).
 * Returns the disagreements; an empty list means consistent.
 */
export function jwtClaimProblems(jwt: DecodedJwt, issuerId: string | undefined): string[] {
  const problems: string[] = [];
  const { payload, credential } = jwt;
  if (payload.iss !== undefined && payload.iss !== issuerId)
    problems.push(`iss ${String(payload.iss)} is not the issuer ${String(issuerId)}`);
  if (payload.jti !== undefined && credential.id !== undefined && payload.jti !== credential.id)
    problems.push('jti is not the credential id');
  const subject = isRecord(credential.credentialSubject) ? credential.credentialSubject.id : undefined;
  if (payload.sub !== undefined && subject !== undefined && payload.sub !== subject)
    problems.push('sub is not the credential subject id');
  for (const claim of ['nbf', 'exp', 'iat'] as const) {
    if (payload[claim] !== undefined && typeof payload[claim] !== 'number')
      problems.push(`${claim} is not a NumericDate`);
  }
  return problems;
}

/** Signs a credential as `application/vc+jwt` with EdDSA; the payload is the credential itself. */
export async function signVcJwt(
  crypto: CryptoProvider,
  credential: Record<string, unknown>,
  key: SigningKey,
): Promise<string> {
  if ('proof' in credential)
    throw new TesseraError('INPUT_INVALID', 'a vc+jwt payload must not carry an embedded proof');
  const header = { alg: 'EdDSA', kid: key.id, typ: 'vc+jwt', cty: 'vc' };
  const signingInput = `${base64urlEncode(utf8Encode(JSON.stringify(header)))}.${base64urlEncode(utf8Encode(JSON.stringify(credential)))}`;
  const signature = await crypto.ed25519Sign(key.secretKey, utf8Encode(signingInput));
  return `${signingInput}.${base64urlEncode(signature)}`;
}
