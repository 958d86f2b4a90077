import { TesseraError } from '@tessera/core';
import { decodeVcJwt, jwtClaimProblems, verifyJwtSignature } from '../proofs/vc-jwt.js';
import { type Check, fail, failFrom, isVerified, pass, skip, type VerificationReport } from './report.js';
import { checkKey, commonChecks, signatureCheck } from './shared-checks.js';
import { issuerIdOf } from './validity.js';
import { unusable, type VerifierContext } from './verifier-context.js';

/** VC-JOSE `application/vc+jwt` (and VC-JWT 1.1): header rules, key binding, claims, shared checks. */
export async function verifyJwtCredential(ctx: VerifierContext, token: string): Promise<VerificationReport> {
  let jwt: ReturnType<typeof decodeVcJwt>;
  try {
    jwt = decodeVcJwt(token);
  } catch (e) {
    const err = e instanceof TesseraError ? e : new TesseraError('JWT_MALFORMED', String(e));
    if (err.code === 'JWT_MALFORMED' || err.code === 'INPUT_TOO_LARGE')
      return unusable(err.code, err.message);
    return {
      verified: false,
      usable: true,
      checks: [pass('input', 'a compact JWS'), fail('jwt', err.code, err.message)],
    };
  }
  const credential = jwt.credential;
  const issuer = issuerIdOf(credential);
  const algOk = ctx.allowedJwtAlgs.includes(jwt.alg);
  const jwtCheck = algOk
    ? pass('jwt', `${jwt.encoding === 'vc+jwt' ? 'application/vc+jwt' : 'VC-JWT 1.1'} signed with ${jwt.alg}`)
    : fail(
        'jwt',
        'JWT_ALG_NOT_ALLOWED',
        `${jwt.alg} is not in the allowed set (${ctx.allowedJwtAlgs.join(', ')})`,
      );
  const common = commonChecks(
    ctx,
    credential,
    jwt.encoding === 'vc-jwt-1.1' ? { nbf: jwt.payload.nbf, exp: jwt.payload.exp } : undefined,
  );
  // kid names the verification method; a relative kid ("#key-1") is relative to the issuer's DID.
  const kid = typeof jwt.header.kid === 'string' ? jwt.header.kid : undefined;
  const methodId =
    kid === undefined
      ? issuer?.startsWith('did:key:')
        ? issuer
        : undefined
      : kid.startsWith('#') && issuer
        ? `${issuer}${kid}`
        : kid;
  let verificationMethod: Check;
  let issuerCheck: Check;
  let signature: Check;
  if (methodId === undefined) {
    verificationMethod = fail(
      'verificationMethod',
      'VERIFICATION_METHOD_UNRESOLVABLE',
      'the JWT header has no kid and the issuer is not a did:key',
    );
    issuerCheck = skip('issuer', 'no verification method');
    signature = skip('signature', 'no key to check the signature with');
  } else {
    const key = await checkKey(ctx, methodId, issuer, 'assertionMethod');
    verificationMethod = key.verificationMethod;
    issuerCheck = key.issuer;
    if (kid !== undefined && key.method && key.method.controller !== issuer) {
      issuerCheck = fail(
        'issuer',
        'JWT_KEY_MISMATCH',
        `kid ${kid} is controlled by ${key.method.controller}, not by the issuer ${String(issuer)}`,
      );
    }
    if (!algOk) signature = skip('signature', 'the algorithm is not allowed');
    else if (!key.method) signature = skip('signature', 'no key to check the signature with');
    else {
      try {
        signature = signatureCheck(
          await verifyJwtSignature(ctx.crypto, jwt, key.method.key),
          `${jwt.alg} JWS`,
        );
      } catch (e) {
        signature = failFrom('signature', e, 'CREDENTIAL_SIGNATURE_INVALID');
      }
    }
  }
  const problems = jwtClaimProblems(jwt, issuer);
  const jwtClaims =
    problems.length === 0
      ? pass('jwtClaims', 'registered claims agree with the credential')
      : fail('jwtClaims', 'JWT_CLAIMS_INVALID', problems.join('; '));
  const c = await common;
  const checks = [
    pass('input', 'a compact JWS'),
    jwtCheck,
    c.contexts,
    c.structure,
    verificationMethod,
    issuerCheck,
    signature,
    jwtClaims,
    c.validity,
    c.status,
  ];
  return {
    verified: isVerified(checks),
    usable: true,
    format: jwt.encoding,
    ...(issuer ? { issuer } : {}),
    ...(methodId ? { verificationMethod: methodId } : {}),
    credential,
    checks,
  };
}
