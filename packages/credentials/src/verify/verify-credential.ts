import { isRecord, type JsonLimits, parseJson, TesseraError, valueDepth } from '@tessera/core';
import { bundledContextRegistry, type ContextRegistry } from '../contexts/index.js';
import { credentialClass, validateCredential, validateOpenBadgeCredential } from '../model/index.js';
import { type ProofDeps, suiteOf, verifyDataIntegritySignature } from '../proofs/data-integrity.js';
import { type DataIntegrityProof, DEFAULT_ALLOWED_SUITES, type VerifiableSuite } from '../proofs/formats.js';
import {
  decodeVcJwt,
  jwtClaimProblems,
  looksLikeJwt,
  VERIFIABLE_JWT_ALGS,
  verifyJwtSignature,
} from '../proofs/vc-jwt.js';
import { createKeyResolver } from '../resolve/resolver.js';
import type { KeyResolver, ResolvedMethod } from '../resolve/verification-method.js';
import { checkContexts, OB_CONTEXT_PREFIX } from './context-check.js';
import type { VerifierOptions } from './options.js';
import {
  type Check,
  type CheckName,
  fail,
  failFrom,
  isVerified,
  pass,
  skip,
  type VerificationReport,
} from './report.js';
import { checkValidity, issuerIdOf } from './validity.js';

/** The settled, defaulted configuration a verification runs with. */
export interface VerifierContext extends ProofDeps {
  readonly resolver: KeyResolver;
  readonly contexts: ContextRegistry;
  readonly allowedSuites: readonly VerifiableSuite[];
  readonly allowedJwtAlgs: readonly string[];
  readonly clockSkewSeconds: number;
  readonly now: () => Date;
  readonly limits: JsonLimits;
  readonly statusChecker: VerifierOptions['statusChecker'];
}

export function settle(options: VerifierOptions): VerifierContext {
  return {
    crypto: options.crypto,
    resolver: options.resolver ?? createKeyResolver(),
    contexts: options.contexts ?? bundledContextRegistry(),
    allowedSuites: options.allowedSuites ?? DEFAULT_ALLOWED_SUITES,
    allowedJwtAlgs: options.allowedJwtAlgs ?? VERIFIABLE_JWT_ALGS,
    clockSkewSeconds: options.clockSkewSeconds ?? 60,
    now: options.now ?? (() => new Date()),
    limits: options.limits ?? { maxLength: 1_000_000, maxDepth: 64 },
    statusChecker: options.statusChecker,
  };
}

const unusable = (code: TesseraError['code'], message: string): VerificationReport => ({
  verified: false,
  usable: false,
  checks: [fail('input', code, message)],
});

/** Reads the input: a compact JWT, JSON text, or an already-parsed object (depth-checked). */
export function readInput(
  input: unknown,
  ctx: VerifierContext,
): { jwt: string } | { object: Record<string, unknown> } | VerificationReport {
  if (typeof input === 'string') {
    if (looksLikeJwt(input)) return { jwt: input.trim() };
    try {
      input = parseJson(input, ctx.limits);
    } catch (e) {
      const err = e instanceof TesseraError ? e : new TesseraError('JSON_INVALID', String(e));
      return unusable(err.code, err.message);
    }
  } else if (valueDepth(input, ctx.limits.maxDepth) > ctx.limits.maxDepth) {
    return unusable('INPUT_TOO_DEEP', `input nests deeper than ${ctx.limits.maxDepth} levels`);
  }
  if (!isRecord(input))
    return unusable('INPUT_INVALID', 'input is not a JSON object, a JWT or an enveloped credential');
  if (
    input.type === 'EnvelopedVerifiableCredential' &&
    typeof input.id === 'string' &&
    input.id.startsWith('data:application/vc+jwt,')
  ) {
    return { jwt: input.id.slice('data:application/vc+jwt,'.length) };
  }
  const types = Array.isArray(input.type) ? input.type : [input.type];
  if (!types.includes('VerifiableCredential')) {
    return unusable(
      'INPUT_INVALID',
      'input is not a credential: its type does not include VerifiableCredential',
    );
  }
  return { object: input };
}

export async function verifyCredentialWith(
  ctx: VerifierContext,
  input: unknown,
): Promise<VerificationReport> {
  const read = readInput(input, ctx);
  if ('checks' in read) return read;
  return 'jwt' in read ? verifyJwtCredential(ctx, read.jwt) : verifyDataIntegrityCredential(ctx, read.object);
}

/** Structure, contexts, validity and status: the checks every securing format shares. */
async function commonChecks(
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
async function checkKey(ctx: VerifierContext, methodId: string, issuer: string | undefined, purpose: string) {
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

const signatureCheck = (result: 'valid' | 'invalid' | 'non-canonical' | 'weak-key', what: string): Check => {
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

function checkProofShape(proof: unknown, i: number): { proof: DataIntegrityProof } | { error: string } {
  if (!isRecord(proof)) return { error: `proof ${i} is not an object` };
  for (const field of ['type', 'verificationMethod', 'proofPurpose', 'proofValue'] as const) {
    if (typeof proof[field] !== 'string') return { error: `proof ${i} has no string "${field}"` };
  }
  return { proof: proof as unknown as DataIntegrityProof };
}

/** Checks from one proof, merged so the report has one line per check even for proof sets. */
function merge(name: CheckName, checks: readonly Check[], prefix: (i: number) => string): Check {
  const failed = checks.findIndex((c) => !c.ok && !c.skipped);
  if (failed >= 0) {
    const c = checks[failed]!;
    return { ...c, message: prefix(failed) + c.message };
  }
  if (checks.every((c) => c.skipped)) return checks[0] ?? skip(name, 'no proof');
  return { check: name, ok: true, message: checks.map((c, i) => prefix(i) + c.message).join('; ') };
}

export async function verifyDataIntegrityCredential(
  ctx: VerifierContext,
  credential: Record<string, unknown>,
  expectedPurpose = 'assertionMethod',
): Promise<VerificationReport> {
  const issuer = issuerIdOf(credential);
  const common = commonChecks(ctx, credential);
  const proofs =
    credential.proof === undefined
      ? []
      : Array.isArray(credential.proof)
        ? credential.proof
        : [credential.proof];
  const head: Check[] = [
    pass('input', 'a JSON-LD credential with embedded proof'),
    (await common).contexts,
    (await common).structure,
  ];
  const tail = async (perProof: Check[]) => {
    const c = await common;
    const checks = [...head, ...perProof, c.validity, c.status];
    return checks;
  };
  if (proofs.length === 0) {
    const checks = await tail([
      fail('proof', 'PROOF_MISSING', 'the credential has no proof'),
      ...['cryptosuite', 'proofPurpose', 'verificationMethod', 'issuer', 'signature'].map((n) =>
        skip(n as CheckName, 'no proof'),
      ),
    ]);
    return { verified: false, usable: true, ...(issuer ? { issuer } : {}), credential, checks };
  }
  // Proofs of a type we do not implement are ignored (reported); ours must be well-formed.
  const ours = proofs.filter((p) => isRecord(p) && suiteOf(p) !== undefined);
  const shaped = ours.map(checkProofShape);
  const malformed = shaped.find((s) => 'error' in s);
  const candidates = shaped.flatMap((s) => ('proof' in s ? [s.proof] : []));
  const ignored = proofs.length - ours.length;
  const proofCheck =
    malformed && 'error' in malformed
      ? fail('proof', 'PROOF_INVALID', malformed.error)
      : candidates.length === 0
        ? fail(
            'proof',
            'PROOF_TYPE_UNSUPPORTED',
            `no supported proof among: ${proofs.map((p) => (isRecord(p) ? `${String(p.type)}${p.cryptosuite ? `/${String(p.cryptosuite)}` : ''}` : typeof p)).join(', ')}`,
          )
        : pass(
            'proof',
            `${candidates.length} supported proof${candidates.length > 1 ? 's' : ''}${ignored > 0 ? ` (${ignored} of another type ignored)` : ''}`,
          );
  if (!proofCheck.ok) {
    const checks = await tail([
      proofCheck,
      ...(['cryptosuite', 'proofPurpose', 'verificationMethod', 'issuer', 'signature'] as const).map((n) =>
        skip(n, 'no usable proof'),
      ),
    ]);
    return { verified: false, usable: true, ...(issuer ? { issuer } : {}), credential, checks };
  }
  const { proof: _proofs, ...unsecured } = credential;
  const perProof = await Promise.all(
    candidates.map((proof) => verifyOneProof(ctx, unsecured, proof, issuer, expectedPurpose)),
  );
  const prefix = (i: number) => (candidates.length > 1 ? `proof ${i + 1}: ` : '');
  const names = ['cryptosuite', 'proofPurpose', 'verificationMethod', 'issuer', 'signature'] as const;
  const merged = names.map((n) =>
    merge(
      n,
      perProof.map((p) => p[n]),
      prefix,
    ),
  );
  const checks = await tail([proofCheck, ...merged]);
  const first = candidates[0]!;
  return {
    verified: isVerified(checks),
    usable: true,
    format: suiteOf(first)!,
    ...(issuer ? { issuer } : {}),
    verificationMethod: first.verificationMethod,
    credential,
    checks,
  };
}

/** One Data Integrity proof: suite policy, purpose, key, authorization, signature. */
export async function verifyOneProof(
  ctx: VerifierContext,
  unsecured: Record<string, unknown>,
  proof: DataIntegrityProof,
  controllerExpected: string | undefined,
  expectedPurpose: string,
) {
  const suite = suiteOf(proof)!;
  const cryptosuite = ctx.allowedSuites.includes(suite)
    ? pass('cryptosuite', `${suite} is allowed`)
    : fail(
        'cryptosuite',
        'CRYPTOSUITE_NOT_ALLOWED',
        `${suite} is not in the allowed set (${ctx.allowedSuites.join(', ')})`,
      );
  const proofPurpose =
    proof.proofPurpose === expectedPurpose
      ? pass('proofPurpose', expectedPurpose)
      : fail(
          'proofPurpose',
          'PROOF_PURPOSE_MISMATCH',
          `proofPurpose is ${proof.proofPurpose}; ${expectedPurpose} is required`,
        );
  const key = await checkKey(ctx, proof.verificationMethod, controllerExpected, expectedPurpose);
  let signature: Check;
  if (!cryptosuite.ok) signature = skip('signature', 'the cryptosuite is not allowed');
  else if (!key.method) signature = skip('signature', 'no key to check the signature with');
  else if (key.method.key.kind !== 'Ed25519')
    signature = fail('signature', 'KEY_INVALID', `${suite} needs an Ed25519 key, not ${key.method.key.kind}`);
  else {
    try {
      signature = signatureCheck(
        await verifyDataIntegritySignature(ctx, unsecured, proof, suite, key.method.key.publicKey),
        suite,
      );
    } catch (e) {
      signature = failFrom('signature', e, 'CREDENTIAL_SIGNATURE_INVALID');
    }
  }
  return {
    cryptosuite,
    proofPurpose,
    verificationMethod: key.verificationMethod,
    issuer: key.issuer,
    signature,
  };
}

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
