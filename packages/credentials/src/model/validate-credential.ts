/**
 * The OpenBadgeCredential validator and the entry points that run a check kit validator over an
 * untrusted value. Every entry point reports all problems it finds (up to MAX_ERRORS), each at an
 * RFC 6901 pointer into the input, and never throws.
 */
import type { FieldError } from '@tessera/core';
import {
  checkCredentialType,
  hasType,
  type ItemCheck,
  isObj,
  newCtx,
  optOneOrMany,
  optString,
  report,
  reqString,
  reqUri,
} from './check-kit.js';
import { checkAchievement } from './validate-achievement.js';
import {
  checkEndorsementCredential,
  checkEndorsements,
  checkImage,
  checkIssuer,
} from './validate-profile.js';
import { checkAchievementSubject, checkEvidence, checkResult } from './validate-subject.js';
import { checkCredentialCommon, checkUriOrIdentified, vcVersion } from './validate-vc.js';

/**
 * OB 3.0 AchievementCredential (alias OpenBadgeCredential). The first `@context` entry picks
 * the VC 1.1 or 2.0 date properties; the context list itself is validated elsewhere.
 */
export const checkOpenBadgeCredential: ItemCheck = (ctx, v, ptr) => {
  if (!isObj(v)) {
    report(ctx, ptr, 'must be a JSON object');
    return;
  }
  checkCredentialType(ctx, v, ptr, 'OpenBadgeCredential', 'AchievementCredential');
  // OB 3.0 gives AchievementCredential.id multiplicity [1], unlike VC 2.0 where it is optional.
  reqUri(ctx, v, 'id', ptr);
  reqString(ctx, v, 'name', ptr);
  optString(ctx, v, 'description', ptr);
  if (v.image !== undefined) checkImage(ctx, v.image, `${ptr}/image`);
  checkIssuer(ctx, v.issuer, `${ptr}/issuer`);
  const subject = v.credentialSubject;
  if (Array.isArray(subject)) {
    // VC allows several subjects; OB 3.0 gives credentialSubject multiplicity [1].
    report(ctx, `${ptr}/credentialSubject`, 'must be one AchievementSubject object, not an array');
  } else {
    checkAchievementSubject(ctx, subject, `${ptr}/credentialSubject`);
  }
  optOneOrMany(ctx, v, 'evidence', ptr, checkEvidence);
  checkEndorsements(ctx, v, ptr);
  checkCredentialCommon(ctx, v, ptr, vcVersion(v));
};

/** Runs `check` over a whole value and returns what it found. */
export function run(check: ItemCheck, value: unknown): FieldError[] {
  const ctx = newCtx();
  check(ctx, value, '');
  return ctx.errors;
}

/** Every problem in an OB 3.0 OpenBadgeCredential/AchievementCredential; empty when valid. */
export const validateOpenBadgeCredential = (value: unknown): FieldError[] =>
  run(checkOpenBadgeCredential, value);

/**
 * Every problem in an OB 3.0 credential of either class a verifier meets: an EndorsementCredential
 * when its `type` says so (and not OpenBadgeCredential/AchievementCredential), else an
 * OpenBadgeCredential. This is what a general verifier should call (1EdTech's
 * endorsement-valid.json is an EndorsementCredential, and would fail the OpenBadgeCredential rules).
 */
export function validateCredential(value: unknown): FieldError[] {
  const t = isObj(value) ? value.type : undefined;
  if (hasType(t, 'OpenBadgeCredential') || hasType(t, 'AchievementCredential'))
    return validateOpenBadgeCredential(value);
  if (hasType(t, 'EndorsementCredential')) return validateEndorsementCredential(value);
  return run(checkVerifiableCredential, value);
}

/** What `validateCredential` will hold a credential to, for reports. */
export function credentialClass(
  value: unknown,
): 'OpenBadgeCredential' | 'EndorsementCredential' | 'VerifiableCredential' {
  const t = isObj(value) ? value.type : undefined;
  if (hasType(t, 'OpenBadgeCredential') || hasType(t, 'AchievementCredential')) return 'OpenBadgeCredential';
  return hasType(t, 'EndorsementCredential') ? 'EndorsementCredential' : 'VerifiableCredential';
}

/** A VC Data Model credential of any other class: the properties VC DM 2.0 section 4 requires. */
const checkVerifiableCredential: ItemCheck = (ctx, v, ptr) => {
  if (!isObj(v)) {
    report(ctx, ptr, 'must be a JSON object');
    return;
  }
  if (!hasType(v.type, 'VerifiableCredential'))
    report(ctx, `${ptr}/type`, 'must include VerifiableCredential');
  if (v.id !== undefined) reqUri(ctx, v, 'id', ptr);
  if (v.issuer === undefined) report(ctx, `${ptr}/issuer`, 'is required');
  else checkUriOrIdentified(ctx, v.issuer, `${ptr}/issuer`);
  const subjects = Array.isArray(v.credentialSubject) ? v.credentialSubject : [v.credentialSubject];
  if (v.credentialSubject === undefined || subjects.length === 0)
    report(ctx, `${ptr}/credentialSubject`, 'is required');
  subjects.forEach((s, i) => {
    if (!isObj(s))
      report(
        ctx,
        Array.isArray(v.credentialSubject) ? `${ptr}/credentialSubject/${i}` : `${ptr}/credentialSubject`,
        'must be an object',
      );
  });
  checkCredentialCommon(ctx, v, ptr, vcVersion(v));
};

/** Every problem in an OB 3.0 EndorsementCredential; empty when valid. */
export const validateEndorsementCredential = (value: unknown): FieldError[] =>
  run(checkEndorsementCredential, value);

/** Every problem in an OB 3.0 Achievement (e.g. the CLI's `--achievement` file). */
export const validateAchievement = (value: unknown): FieldError[] => run(checkAchievement, value);

/** Every problem in one Result or an array of them. */
export const validateResults = (value: unknown): FieldError[] => run(oneOrManyAtRoot(checkResult), value);

/** Every problem in one Evidence or an array of them. */
export const validateEvidence = (value: unknown): FieldError[] => run(oneOrManyAtRoot(checkEvidence), value);

/** Checks one item at the root, or each item of a root array at `/<index>`. */
function oneOrManyAtRoot(check: ItemCheck): ItemCheck {
  return (ctx, v, ptr) => {
    if (!Array.isArray(v)) {
      check(ctx, v, ptr);
      return;
    }
    if (v.length === 0) report(ctx, ptr, 'must not be an empty array');
    for (let i = 0; i < v.length && !ctx.full; i++) check(ctx, v[i], `${ptr}/${i}`);
  };
}
