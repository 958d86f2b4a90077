/**
 * Open Badges 3.0 enumerated vocabularies, spelled as in the specification. The `EnumExt` ones
 * (AchievementType, AlignmentTargetType, IdentifierTypeEnum, ResultType) are extensible: any term
 * of the form `ext:<name>` is also allowed. ResultStatusType is a closed `Enumeration`.
 */

/** An extension term of an extensible OB 3.0 vocabulary. */
export type ExtensionTerm = `ext:${string}`;

export const ACHIEVEMENT_TYPES = [
  'Achievement',
  'ApprenticeshipCertificate',
  'Assessment',
  'Assignment',
  'AssociateDegree',
  'Award',
  'Badge',
  'BachelorDegree',
  'Certificate',
  'CertificateOfCompletion',
  'Certification',
  'CommunityService',
  'Competency',
  'Course',
  'CoCurricular',
  'Degree',
  'Diploma',
  'DoctoralDegree',
  'Fieldwork',
  'GeneralEducationDevelopment',
  'JourneymanCertificate',
  'LearningProgram',
  'License',
  'Membership',
  'ProfessionalDoctorate',
  'QualityAssuranceCredential',
  'MasterCertificate',
  'MasterDegree',
  'MicroCredential',
  'ResearchDoctorate',
  'SecondarySchoolDiploma',
] as const;
export type AchievementType = (typeof ACHIEVEMENT_TYPES)[number] | ExtensionTerm;

export const ALIGNMENT_TARGET_TYPES = [
  'ceasn:Competency',
  'ceterms:Credential',
  'CFItem',
  'CFRubric',
  'CFRubricCriterion',
  'CFRubricCriterionLevel',
  'CTDL',
] as const;
export type AlignmentTargetType = (typeof ALIGNMENT_TARGET_TYPES)[number] | ExtensionTerm;

export const RESULT_TYPES = [
  'GradePointAverage',
  'LetterGrade',
  'Percent',
  'PerformanceLevel',
  'PredictedScore',
  'RawScore',
  'Result',
  'RubricCriterion',
  'RubricCriterionLevel',
  'RubricScore',
  'ScaledScore',
  'Status',
] as const;
export type ResultType = (typeof RESULT_TYPES)[number] | ExtensionTerm;

export const RESULT_STATUS_TYPES = [
  'Completed',
  'Enrolled',
  'Failed',
  'InProgress',
  'OnHold',
  'Withdrew',
] as const;
export type ResultStatusType = (typeof RESULT_STATUS_TYPES)[number];

export const IDENTIFIER_TYPES = [
  'sourcedId',
  'systemId',
  'productId',
  'userName',
  'accountId',
  'emailAddress',
  'nationalIdentityNumber',
  'isbn',
  'issn',
  'lisSourcedId',
  'oneRosterSourcedId',
  'sisSourcedId',
  'ltiContextId',
  'ltiDeploymentId',
  'ltiToolId',
  'ltiPlatformId',
  'ltiUserId',
  'identifier',
] as const;
/**
 * IdentifierTypeEnum. Typed for producers; the validator only requires a string here because
 * upstream credentials use values outside the list (the 1EdTech `complete_v1.json` vector says
 * `email`), and refusing a credential over a recipient-identifier label helps no verifier.
 */
export type IdentifierTypeEnum = (typeof IDENTIFIER_TYPES)[number] | ExtensionTerm;

// The 1EdTech JSON Schemas use `(ext:)[a-z|A-Z|0-9|.|-|_]+`; anchored here, and without the
// stray `|` the character class was never meant to contain.
const EXTENSION_TERM = /^ext:[A-Za-z0-9._-]+$/;

export const isExtensionTerm = (v: string): v is ExtensionTerm => EXTENSION_TERM.test(v);

/** A membership test for a vocabulary; Sets keep the check O(1) on the verification path. */
export interface Vocabulary<T extends string> {
  readonly name: string;
  readonly extensible: boolean;
  has(v: unknown): v is T;
}

function vocabulary<T extends string>(
  name: string,
  terms: readonly string[],
  extensible: boolean,
): Vocabulary<T> {
  const set = new Set<string>(terms);
  return {
    name,
    extensible,
    has: (v: unknown): v is T =>
      typeof v === 'string' && (set.has(v) || (extensible && EXTENSION_TERM.test(v))),
  };
}

export const AchievementTypes = vocabulary<AchievementType>('AchievementType', ACHIEVEMENT_TYPES, true);
export const AlignmentTargetTypes = vocabulary<AlignmentTargetType>(
  'AlignmentTargetType',
  ALIGNMENT_TARGET_TYPES,
  true,
);
export const ResultTypes = vocabulary<ResultType>('ResultType', RESULT_TYPES, true);
export const ResultStatusTypes = vocabulary<ResultStatusType>('ResultStatusType', RESULT_STATUS_TYPES, false);
export const IdentifierTypes = vocabulary<IdentifierTypeEnum>('IdentifierTypeEnum', IDENTIFIER_TYPES, true);
