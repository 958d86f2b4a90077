/**
 * Referential checks between an achievement's ResultDescriptions and a subject's Results. Kept
 * out of validateOpenBadgeCredential on purpose: 1EdTech's own fixtures carry dangling links
 * (simple-err-credential-subject-result-type.json names descriptions its achievement lacks), so
 * verifiers in the field accept them; an issuer should not, and runs this before signing.
 */
import type { FieldError } from '@tessera/core';
import { type Ctx, isObj, newCtx, type Obj, report } from './check-kit.js';

/**
 * Problems with the links of `credentialSubject.result[*]` in an OpenBadgeCredential whose shape
 * is already valid; empty when every link resolves. Never throws.
 */
export function validateResultLinks(credential: unknown): FieldError[] {
  const ctx = newCtx();
  if (!isObj(credential)) return ctx.errors;
  const subject = credential.credentialSubject;
  if (!isObj(subject) || !Array.isArray(subject.result) || !isObj(subject.achievement)) return ctx.errors;
  checkResultLinks(ctx, subject.result, subject.achievement, '/credentialSubject');
  return ctx.errors;
}

interface DescriptionInfo {
  readonly resultType: unknown;
}

/**
 * A Result's `resultDescription` MUST name a ResultDescription of the asserted achievement, and
 * its `achievedLevel` a RubricCriterionLevel there; a Status result description requires
 * `status`. The level is looked up across all of the achievement's descriptions rather than only
 * the linked one, because 1EdTech's own complete.json links a level of a sibling description.
 * Maps keep this linear on hostile input (10,000 results × 10,000 descriptions).
 */
function checkResultLinks(ctx: Ctx, results: readonly unknown[], achievement: Obj, ptr: string): void {
  const descriptions = new Map<unknown, DescriptionInfo>();
  const levels = new Set<unknown>();
  const rd = achievement.resultDescription;
  if (Array.isArray(rd)) {
    for (const d of rd) {
      if (!isObj(d)) continue;
      descriptions.set(d.id, { resultType: d.resultType });
      if (Array.isArray(d.rubricCriterionLevel)) {
        for (const l of d.rubricCriterionLevel) if (isObj(l)) levels.add(l.id);
      }
    }
  }
  for (let i = 0; i < results.length && !ctx.full; i++) {
    const r = results[i];
    if (!isObj(r)) continue;
    const p = `${ptr}/result/${i}`;
    if (typeof r.resultDescription === 'string') {
      const d = descriptions.get(r.resultDescription);
      if (d === undefined) {
        report(ctx, `${p}/resultDescription`, 'must be the id of a resultDescription of the achievement');
      } else if (d.resultType === 'Status' && r.status === undefined) {
        report(ctx, `${p}/status`, "is required when the linked ResultDescription's resultType is 'Status'");
      }
    }
    if (typeof r.achievedLevel === 'string' && !levels.has(r.achievedLevel)) {
      report(ctx, `${p}/achievedLevel`, 'must be the id of a rubricCriterionLevel of the achievement');
    }
  }
}
