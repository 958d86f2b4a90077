import { isRecord, parseJson, TesseraError, valueDepth } from '@tessera/core';
import { verifyReceipt } from '../log/receipt.js';
import { suiteOf, verifyDataIntegritySignature } from '../proofs/data-integrity.js';
import type { DataIntegrityProof } from '../proofs/formats.js';
import { looksLikeJwt } from '../proofs/vc-jwt.js';
import type { PublicKey } from '../resolve/verification-method.js';
import type { CredentialCheckOptions } from './options.js';
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
import { checkKey, commonChecks, signatureCheck } from './shared-checks.js';
import { issuerIdOf } from './validity.js';
import { unusable, type VerifierContext } from './verifier-context.js';
import { verifyJwtCredential } from './verify-jwt.js';

export { settle, type VerifierContext } from './verifier-context.js';

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
  options: CredentialCheckOptions = {},
): Promise<VerificationReport> {
  const read = readInput(input, ctx);
  let report: VerificationReport;
  if ('checks' in read) report = read;
  else
    report = await ('jwt' in read
      ? verifyJwtCredential(ctx, read.jwt)
      : verifyDataIntegrityCredential(ctx, read.object));
  if (options.receipt === undefined) return report;
  const secured = 'checks' in read ? undefined : 'jwt' in read ? read.jwt : read.object;
  const log = await logCheck(ctx, report, secured, options.receipt);
  // The log check comes right after status (report order); `verified` follows from the checks.
  const at = report.checks.findIndex((c) => c.check === 'status');
  const checks =
    at < 0
      ? [...report.checks, log]
      : [...report.checks.slice(0, at + 1), log, ...report.checks.slice(at + 1)];
  return { ...report, verified: isVerified(checks), checks };
}

/** The `log` check from a receipt: against the credential as given, its issuer and signing key. */
async function logCheck(
  ctx: VerifierContext,
  report: VerificationReport,
  secured: Record<string, unknown> | string | undefined,
  receipt: unknown,
): Promise<Check> {
  if (secured === undefined || !report.credential)
    return skip('log', 'no credential to match the receipt against');
  if (report.issuer === undefined)
    return skip('log', 'the credential names no issuer to match the log against');
  if (report.verificationMethod === undefined)
    return skip('log', 'no verification method to match the log against');
  // The key the log says was added must be the one the method resolved to. Resolved again only
  // when that succeeded (so from the resolver's cache); a failure is the verificationMethod check's.
  let publicKey: PublicKey | undefined;
  if (report.checks.some((c) => c.check === 'verificationMethod' && c.ok)) {
    try {
      publicKey = (await ctx.resolver.resolve(report.verificationMethod)).key;
    } catch {
      publicKey = undefined;
    }
  }
  return verifyReceipt(ctx.crypto, receipt, {
    credential: secured,
    issuer: report.issuer,
    verificationMethod: report.verificationMethod,
    ...(publicKey ? { publicKey } : {}),
    logKeys: ctx.log.keys,
    ...(ctx.log.origin !== undefined ? { origin: ctx.log.origin } : {}),
  });
}

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
