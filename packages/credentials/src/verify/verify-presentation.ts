import { isRecord, parseJson, TesseraError, valueDepth } from '@tessera/core';
import { validateVerifiablePresentation } from '../model/index.js';
import { suiteOf } from '../proofs/data-integrity.js';
import type { DataIntegrityProof } from '../proofs/formats.js';
import { checkContexts } from './context-check.js';
import type { PresentationExpectations } from './options.js';
import {
  type Check,
  fail,
  isVerified,
  type PresentationReport,
  pass,
  skip,
  type VerificationReport,
} from './report.js';
import { type VerifierContext, verifyCredentialWith, verifyOneProof } from './verify-credential.js';

const unusable = (code: TesseraError['code'], message: string): PresentationReport => ({
  verified: false,
  usable: false,
  credentials: [],
  checks: [fail('input', code, message)],
});

/**
 * A presentation verifies when its holder signed it for this verifier (proofPurpose authentication,
 * the expected challenge and domain: replay protection) and every credential in it verifies.
 */
export async function verifyPresentationWith(
  ctx: VerifierContext,
  input: unknown,
  expected: PresentationExpectations,
): Promise<PresentationReport> {
  if (!expected.challenge || !expected.domain) {
    throw new TesseraError(
      'USAGE_INVALID',
      'verifying a presentation requires the expected challenge and domain',
    );
  }
  let vp: unknown = input;
  try {
    if (typeof input === 'string') vp = parseJson(input, ctx.limits);
    else if (valueDepth(input, ctx.limits.maxDepth) > ctx.limits.maxDepth) {
      throw new TesseraError('INPUT_TOO_DEEP', `input nests deeper than ${ctx.limits.maxDepth} levels`);
    }
  } catch (e) {
    const err = e as TesseraError;
    return unusable(err.code, err.message);
  }
  if (!isRecord(vp)) return unusable('INPUT_INVALID', 'input is not a JSON object');
  const types = Array.isArray(vp.type) ? vp.type : [vp.type];
  if (!types.includes('VerifiablePresentation'))
    return unusable(
      'INPUT_INVALID',
      'input is not a presentation: its type does not include VerifiablePresentation',
    );

  const contexts = checkContexts(vp['@context'], ctx.contexts, { requireOpenBadges: false });
  const fields = validateVerifiablePresentation(vp);
  const structure =
    fields.length === 0
      ? pass('structure', 'a well-formed presentation')
      : fail('structure', 'PRESENTATION_INVALID', fields.map((f) => `${f.pointer}: ${f.message}`).join('; '));
  const holder =
    typeof vp.holder === 'string'
      ? vp.holder
      : isRecord(vp.holder) && typeof vp.holder.id === 'string'
        ? vp.holder.id
        : undefined;
  const embedded =
    vp.verifiableCredential === undefined
      ? []
      : Array.isArray(vp.verifiableCredential)
        ? vp.verifiableCredential
        : [vp.verifiableCredential];
  const credentialReports = Promise.all(embedded.map((c) => verifyCredentialWith(ctx, c)));

  const proofs = (vp.proof === undefined ? [] : Array.isArray(vp.proof) ? vp.proof : [vp.proof]).filter(
    isRecord,
  );
  const proof = proofs.find((p) => suiteOf(p) !== undefined) as DataIntegrityProof | undefined;
  let proofChecks: Check[];
  if (!proof) {
    proofChecks = [
      fail(
        'proof',
        proofs.length === 0 ? 'PROOF_MISSING' : 'PROOF_TYPE_UNSUPPORTED',
        'the presentation has no supported proof',
      ),
      ...(['challenge', 'domain', 'signature'] as const).map((n) => skip(n, 'no proof')),
    ];
  } else {
    const { proof: _p, ...unsecured } = vp;
    // The holder must control the key; without a holder the key's controller stands in for it.
    const one = await verifyOneProof(ctx, unsecured, proof, holder, 'authentication');
    const domains = Array.isArray(proof.domain) ? proof.domain : [proof.domain];
    const holderCheck =
      one.issuer.code === 'VERIFICATION_METHOD_NOT_AUTHORIZED'
        ? { ...one.issuer, check: 'holder' as const, code: 'PRESENTATION_HOLDER_MISMATCH' as const }
        : { ...one.issuer, check: 'holder' as const };
    proofChecks = [
      pass('proof', `${suiteOf(proof)} proof`),
      one.cryptosuite,
      one.proofPurpose,
      one.verificationMethod,
      holder === undefined ? skip('holder', 'the presentation names no holder') : holderCheck,
      proof.challenge === expected.challenge
        ? pass('challenge', 'matches')
        : fail(
            'challenge',
            'PRESENTATION_CHALLENGE_MISMATCH',
            `challenge ${JSON.stringify(proof.challenge ?? null)} is not the one expected`,
          ),
      domains.includes(expected.domain)
        ? pass('domain', 'matches')
        : fail(
            'domain',
            'PRESENTATION_DOMAIN_MISMATCH',
            `domain ${JSON.stringify(proof.domain ?? null)} is not ${expected.domain}`,
          ),
      one.signature,
    ];
  }
  const credentials: VerificationReport[] = await credentialReports;
  const bad = credentials.findIndex((r) => !r.verified);
  const credentialsCheck =
    embedded.length === 0
      ? skip('credentials', 'the presentation carries no credentials')
      : bad < 0
        ? pass(
            'credentials',
            `all ${credentials.length} credential${credentials.length > 1 ? 's' : ''} verify`,
          )
        : fail('credentials', 'PRESENTATION_CREDENTIAL_INVALID', `credential ${bad + 1} does not verify`);
  const checks = [
    pass('input', 'a verifiable presentation'),
    contexts,
    structure,
    ...proofChecks,
    credentialsCheck,
  ];
  return { verified: isVerified(checks), usable: true, ...(holder ? { holder } : {}), credentials, checks };
}
