/** AchievementSubject and what it carries (Result, IdentityObject), plus Evidence. */
import {
  checkType,
  expectObject,
  type ItemCheck,
  optArray,
  optDateTime,
  optNumber,
  optString,
  optStrings,
  optUri,
  optVocabulary,
  report,
  reqBoolean,
  reqString,
} from './check-kit.js';
import { checkAchievement, checkAlignment } from './validate-achievement.js';
import { checkImage, checkProfile } from './validate-profile.js';
import { ResultStatusTypes } from './value-sets.js';

/** IdentityObject: `hashed`, `identityHash` and `identityType` required (type checked as a string). */
const checkIdentityObject: ItemCheck = (ctx, v, ptr) => {
  if (!expectObject(ctx, v, ptr)) return;
  checkType(ctx, v, ptr, 'IdentityObject');
  reqBoolean(ctx, v, 'hashed', ptr);
  reqString(ctx, v, 'identityHash', ptr);
  reqString(ctx, v, 'identityType', ptr);
  optString(ctx, v, 'salt', ptr);
};

/** Result: `type` includes 'Result'; links are URIs; `status` is a ResultStatusType. */
export const checkResult: ItemCheck = (ctx, v, ptr) => {
  if (!expectObject(ctx, v, ptr)) return;
  checkType(ctx, v, ptr, 'Result');
  optUri(ctx, v, 'resultDescription', ptr);
  optUri(ctx, v, 'achievedLevel', ptr);
  optVocabulary(ctx, v, 'status', ptr, ResultStatusTypes);
  optString(ctx, v, 'value', ptr);
  optArray(ctx, v, 'alignment', ptr, checkAlignment);
};

const EVIDENCE_STRINGS = ['narrative', 'name', 'description', 'genre', 'audience'];

/** Evidence: `type` includes 'Evidence'; `id`, when present, is a URL or data URI. */
export const checkEvidence: ItemCheck = (ctx, v, ptr) => {
  if (!expectObject(ctx, v, ptr)) return;
  checkType(ctx, v, ptr, 'Evidence');
  optUri(ctx, v, 'id', ptr);
  optStrings(ctx, v, EVIDENCE_STRINGS, ptr);
};

const SUBJECT_STRINGS = ['licenseNumber', 'narrative', 'role', 'term'];

/**
 * AchievementSubject: `type` includes 'AchievementSubject', `achievement` required, and either
 * `id` or at least one `identifier` identifies the recipient.
 */
export const checkAchievementSubject: ItemCheck = (ctx, v, ptr) => {
  if (!expectObject(ctx, v, ptr)) return;
  checkType(ctx, v, ptr, 'AchievementSubject');
  optUri(ctx, v, 'id', ptr);
  const identifier = v.identifier;
  if (v.id === undefined && !(Array.isArray(identifier) && identifier.length > 0)) {
    report(ctx, ptr, 'must have an id or at least one identifier');
  }
  checkAchievement(ctx, v.achievement, `${ptr}/achievement`);
  optDateTime(ctx, v, 'activityStartDate', ptr);
  optDateTime(ctx, v, 'activityEndDate', ptr);
  optNumber(ctx, v, 'creditsEarned', ptr);
  optStrings(ctx, v, SUBJECT_STRINGS, ptr);
  optArray(ctx, v, 'identifier', ptr, checkIdentityObject);
  if (v.image !== undefined) checkImage(ctx, v.image, `${ptr}/image`);
  if (v.source !== undefined) checkProfile(ctx, v.source, `${ptr}/source`);
  optArray(ctx, v, 'result', ptr, checkResult);
};
