/** Achievement and its parts: Criteria, Alignment, ResultDescription, RubricCriterionLevel, Related. */
import {
  type Ctx,
  checkType,
  expectObject,
  type ItemCheck,
  optArray,
  optNumber,
  optString,
  optStrings,
  optUri,
  optVocabulary,
  report,
  reqString,
  reqUri,
  stringItem,
} from './check-kit.js';
import { checkEndorsements, checkIdentifierEntry, checkImage, checkProfile } from './validate-profile.js';
import { AchievementTypes, AlignmentTargetTypes, ResultTypes } from './value-sets.js';

const ALIGNMENT_STRINGS = ['targetCode', 'targetDescription', 'targetFramework'];

/** Alignment: `type` includes 'Alignment'; `targetName` and `targetUrl` (a URL) required. */
export const checkAlignment: ItemCheck = (ctx, v, ptr) => {
  if (!expectObject(ctx, v, ptr)) return;
  checkType(ctx, v, ptr, 'Alignment');
  reqString(ctx, v, 'targetName', ptr);
  reqUri(ctx, v, 'targetUrl', ptr);
  optStrings(ctx, v, ALIGNMENT_STRINGS, ptr);
  optVocabulary(ctx, v, 'targetType', ptr, AlignmentTargetTypes);
};

/** Criteria: `id` and `narrative` are each optional, but at least one MUST be present. */
function checkCriteria(ctx: Ctx, v: unknown, ptr: string): void {
  if (!expectObject(ctx, v, ptr)) return;
  optUri(ctx, v, 'id', ptr);
  optString(ctx, v, 'narrative', ptr);
  if (v.id === undefined && v.narrative === undefined) report(ctx, ptr, 'must have an id or a narrative');
}

const LEVEL_STRINGS = ['description', 'level', 'points'];

const checkRubricCriterionLevel: ItemCheck = (ctx, v, ptr) => {
  if (!expectObject(ctx, v, ptr)) return;
  reqUri(ctx, v, 'id', ptr);
  checkType(ctx, v, ptr, 'RubricCriterionLevel');
  reqString(ctx, v, 'name', ptr);
  optStrings(ctx, v, LEVEL_STRINGS, ptr);
  optArray(ctx, v, 'alignment', ptr, checkAlignment);
};

const RESULT_DESCRIPTION_STRINGS = ['requiredValue', 'valueMax', 'valueMin'];

/** ResultDescription: `id` (results link to it), `type`, `name` and `resultType` required. */
export const checkResultDescription: ItemCheck = (ctx, v, ptr) => {
  if (!expectObject(ctx, v, ptr)) return;
  reqUri(ctx, v, 'id', ptr);
  checkType(ctx, v, ptr, 'ResultDescription');
  reqString(ctx, v, 'name', ptr);
  if (v.resultType === undefined) report(ctx, `${ptr}/resultType`, 'is required');
  else optVocabulary(ctx, v, 'resultType', ptr, ResultTypes);
  optArray(ctx, v, 'alignment', ptr, checkAlignment);
  optArray(ctx, v, 'allowedValue', ptr, stringItem);
  optUri(ctx, v, 'requiredLevel', ptr);
  optStrings(ctx, v, RESULT_DESCRIPTION_STRINGS, ptr);
  optArray(ctx, v, 'rubricCriterionLevel', ptr, checkRubricCriterionLevel);
};

const RELATED_STRINGS = ['inLanguage', '@language', 'version'];

const checkRelated: ItemCheck = (ctx, v, ptr) => {
  if (!expectObject(ctx, v, ptr)) return;
  reqUri(ctx, v, 'id', ptr);
  checkType(ctx, v, ptr, 'Related');
  optStrings(ctx, v, RELATED_STRINGS, ptr);
};

// `@language` is the pre-3.0.3 spelling of `inLanguage`, still seen in the field.
const ACHIEVEMENT_STRINGS = [
  'fieldOfStudy',
  'humanCode',
  'inLanguage',
  '@language',
  'specialization',
  'version',
];

/**
 * OB 3.0 Achievement: `id` (URI), `type` including 'Achievement', `name`, `description` and
 * `criteria` required.
 */
export const checkAchievement: ItemCheck = (ctx, v, ptr) => {
  if (!expectObject(ctx, v, ptr)) return;
  reqUri(ctx, v, 'id', ptr);
  checkType(ctx, v, ptr, 'Achievement');
  reqString(ctx, v, 'name', ptr);
  reqString(ctx, v, 'description', ptr);
  checkCriteria(ctx, v.criteria, `${ptr}/criteria`);
  optVocabulary(ctx, v, 'achievementType', ptr, AchievementTypes);
  optStrings(ctx, v, ACHIEVEMENT_STRINGS, ptr);
  optNumber(ctx, v, 'creditsAvailable', ptr);
  if (v.image !== undefined) checkImage(ctx, v.image, `${ptr}/image`);
  if (v.creator !== undefined) checkProfile(ctx, v.creator, `${ptr}/creator`);
  optArray(ctx, v, 'alignment', ptr, checkAlignment);
  optArray(ctx, v, 'otherIdentifier', ptr, checkIdentifierEntry);
  optArray(ctx, v, 'related', ptr, checkRelated);
  optArray(ctx, v, 'resultDescription', ptr, checkResultDescription);
  optArray(ctx, v, 'tag', ptr, stringItem);
  checkEndorsements(ctx, v, ptr);
};
