import { credentialClass, validateCredential, validateOpenBadgeCredential } from '../model/index.js';
import type { ResolvedMethod } from '../resolve/verification-method.js';
import { checkContexts, OB_CONTEXT_PREFIX } from './context-check.js';
import { type Check, fail, failFrom, pass, skip } from './report.js';
import { checkValidity } from './validity.js';
import type { VerifierContext } from './verifier-context.js';

/** Structure, contexts, validity and status: the checks every securing format shares. */
export async function commonChecks(
  ctx: VerifierContext,
  credential: Record<string, unknown>,
  jwtClaims?: { nbf?: unknown; exp?: unknown },
) {
  // A credential that speaks the OB 3.0 vocabulary is held to an OB 3.0 class, whatever its type says.
  const obContext =
    Array.isArray(credential['@context']) &&
    credential['@context'].some((c) => typeof c === 'string' && c.startsWith(OB_CONTEXT_PREFIX));
  const named = credentialClass(credential);
  const kind = named === 'VerifiableCredential' && obContext ? 'OpenBadgeCredential' : named;
  const contexts = checkContexts(credential['@context'], ctx.contexts, {
    requireOpenBadges: kind !== 'VerifiableCredential',
  });
  const fields =
    kind === 'OpenBadgeCredential' ? validateOpenBadgeCredential(credential) : validateCredential(credential);
  const structure =
    fields.length === 0
      ? pass(
          'structure',
          kind === 'VerifiableCredential'
            ? 'a well-formed VC credential (not an Open Badge)'
            : `a well-formed Open Badges 3.0 ${kind}`,
        )
      : fail(
          'structure',
          'CREDENTIAL_INVALID',
          fields.map((f) => `${f.pointer || '/'}: ${f.message}`).join('; '),
        );
  const validity = checkValidity(credential, {
    now: ctx.now(),
    clockSkewSeconds: ctx.clockSkewSeconds,
    ...(jwtClaims ? { jwtClaims } : {}),
  });
  let status: Check;
  if (credential.credentialStatus === undefined)
    status = skip('status', 'the credential has no credentialStatus');
  else if (!ctx.statusChecker) status = skip('status', 'no status checker is configured');
  else {
    try {
      status = await ctx.statusChecker(credential);
    } catch (e) {
      status = failFrom('status', e, 'STATUS_UNAVAILABLE');
    }
  }
  return { contexts, structure, validity, status };
}

/** Resolution and authorization of the key: the method must be the issuer's, listed for the purpose. */
export async function checkKey(
  ctx: VerifierContext,
  methodId: string,
  issuer: string | undefined,
  purpose: string,
) {
  let method: ResolvedMethod | undefined;
  let verificationMethod: Check;
  try {
    method = await ctx.resolver.resolve(methodId);
    verificationMethod = pass('verificationMethod', `${method.id} resolved (${method.source})`);
  } catch (e) {
    verificationMethod = failFrom('verificationMethod', e, 'VERIFICATION_METHOD_UNRESOLVABLE');
  }
  let issuerCheck: Check;
  if (issuer === undefined)
    issuerCheck = fail('issuer', 'ISSUER_INVALID', 'the credential names no issuer id');
  else if (!method) issuerCheck = skip('issuer', 'the verification method could not be resolved');
  else if (method.controller !== issuer) {
    issuerCheck = fail(
      'issuer',
      'VERIFICATION_METHOD_NOT_AUTHORIZED',
      `${method.id} is controlled by ${method.controller}, not by the issuer ${issuer}`,
    );
  } else if (!method.purposes.includes(purpose)) {
    issuerCheck = fail(
      'issuer',
      'VERIFICATION_METHOD_NOT_AUTHORIZED',
      `${issuer} does not list ${method.id} under ${purpose}`,
    );
  } else issuerCheck = pass('issuer', `${method.id} is an ${purpose} of the issuer ${issuer}`);
  return { method, verificationMethod, issuer: issuerCheck };
}

export const signatureCheck = (
  result: 'valid' | 'invalid' | 'non-canonical' | 'weak-key',
  what: string,
): Check => {
  switch (result) {
    case 'valid':
      return pass('signature', `${what} signature is valid`);
    case 'non-canonical':
      return fail(
        'signature',
        'SIGNATURE_NON_CANONICAL',
        `${what} signature is not canonical (S ≥ L or non-canonical R)`,
      );
    case 'weak-key':
      return fail('signature', 'KEY_INVALID', 'the public key is weak (small order) or non-canonical');
    default:
      return fail(
        'signature',
        'CREDENTIAL_SIGNATURE_INVALID',
        `${what} signature does not match the credential`,
      );
  }
};
