/**
 * Open Badges 3.0 classes (1EdTech ob_v3p0, context 3.0.3), names and multiplicities verbatim:
 * `[1]` properties are required, `[0..1]` optional, `[0..*]` arrays. Where OB 3.0 only restates
 * a VC property (proof, credentialStatus …) the VC 2.0 shape from vc-types.ts is used.
 */
import type {
  AchievementType,
  AlignmentTargetType,
  IdentifierTypeEnum,
  ResultStatusType,
  ResultType,
} from './value-sets.js';
import type {
  ContextEntry,
  CredentialSchema,
  CredentialStatus,
  DataIntegrityProof,
  OneOrMany,
  RefreshService,
  TermsOfUse,
  TypeValue,
} from './vc-types.js';

/** Metadata about an image (`type` MUST be 'Image'); `id` is a URL or a data URI. */
export interface Image {
  id: string;
  type: 'Image' | TypeValue;
  caption?: string;
}

export interface GeoCoordinates {
  type: 'GeoCoordinates' | TypeValue;
  latitude: number;
  longitude: number;
}

export interface Address {
  type: TypeValue;
  addressCountry?: string;
  addressCountryCode?: string;
  addressRegion?: string;
  addressLocality?: string;
  streetAddress?: string;
  postOfficeBoxNumber?: string;
  postalCode?: string;
  geo?: GeoCoordinates;
}

export interface IdentifierEntry {
  type: 'IdentifierEntry' | TypeValue;
  identifier: string;
  identifierType: IdentifierTypeEnum | string;
}

/** A recipient identifier, plain or hashed (`IdentityHash` is `sha256$<hex>` or `md5$<hex>`). */
export interface IdentityObject {
  type: 'IdentityObject' | TypeValue;
  hashed: boolean;
  identityHash: string;
  identityType: IdentifierTypeEnum | string;
  salt?: string;
}

/** An issuer, creator, source or endorser. `type` includes 'Profile'. */
export interface Profile {
  id: string;
  type: TypeValue;
  name?: string;
  url?: string;
  phone?: string;
  description?: string;
  endorsement?: readonly EndorsementCredential[];
  endorsementJwt?: readonly string[];
  image?: Image;
  email?: string;
  address?: Address;
  otherIdentifier?: readonly IdentifierEntry[];
  official?: string;
  parentOrg?: Profile;
  familyName?: string;
  givenName?: string;
  additionalName?: string;
  patronymicName?: string;
  honorificPrefix?: string;
  honorificSuffix?: string;
  familyNamePrefix?: string;
  dateOfBirth?: string;
}

/** An alignment to a node of an educational framework. `type` includes 'Alignment'. */
export interface Alignment {
  type: TypeValue;
  targetName: string;
  targetUrl: string;
  targetCode?: string;
  targetDescription?: string;
  targetFramework?: string;
  targetType?: AlignmentTargetType;
}

/** What is needed to earn the achievement; at least one of `id` and `narrative`. */
export interface Criteria {
  id?: string;
  narrative?: string;
}

export interface RubricCriterionLevel {
  id: string;
  type: TypeValue;
  name: string;
  alignment?: readonly Alignment[];
  description?: string;
  level?: string;
  points?: string;
}

/** A possible result of an achievement; results link to it by `id`. */
export interface ResultDescription {
  id: string;
  type: TypeValue;
  name: string;
  resultType: ResultType;
  alignment?: readonly Alignment[];
  allowedValue?: readonly string[];
  requiredLevel?: string;
  requiredValue?: string;
  rubricCriterionLevel?: readonly RubricCriterionLevel[];
  valueMax?: string;
  valueMin?: string;
}

export interface Related {
  id: string;
  type: TypeValue;
  inLanguage?: string;
  version?: string;
}

/** What a credential attests. `type` includes 'Achievement'. */
export interface Achievement {
  id: string;
  type: TypeValue;
  name: string;
  description: string;
  criteria: Criteria;
  alignment?: readonly Alignment[];
  achievementType?: AchievementType;
  creator?: Profile;
  creditsAvailable?: number;
  endorsement?: readonly EndorsementCredential[];
  endorsementJwt?: readonly string[];
  fieldOfStudy?: string;
  humanCode?: string;
  image?: Image;
  inLanguage?: string;
  otherIdentifier?: readonly IdentifierEntry[];
  related?: readonly Related[];
  resultDescription?: readonly ResultDescription[];
  specialization?: string;
  tag?: readonly string[];
  version?: string;
}

/** A result the recipient achieved; `resultDescription` and `achievedLevel` link by `id`. */
export interface Result {
  type: TypeValue;
  achievedLevel?: string;
  alignment?: readonly Alignment[];
  resultDescription?: string;
  status?: ResultStatusType;
  value?: string;
}

/** The recipient and what they achieved. Either `id` or at least one `identifier` is present. */
export interface AchievementSubject {
  id?: string;
  type: TypeValue;
  achievement: Achievement;
  activityEndDate?: string;
  activityStartDate?: string;
  creditsEarned?: number;
  identifier?: readonly IdentityObject[];
  image?: Image;
  licenseNumber?: string;
  narrative?: string;
  result?: readonly Result[];
  role?: string;
  source?: Profile;
  term?: string;
}

export interface Evidence {
  id?: string;
  type: TypeValue;
  narrative?: string;
  name?: string;
  description?: string;
  genre?: string;
  audience?: string;
}

/** Properties shared by OpenBadgeCredential and EndorsementCredential. */
interface CredentialBase {
  '@context': readonly ContextEntry[];
  id: string;
  type: TypeValue;
  name: string;
  description?: string;
  image?: Image;
  /** A Profile, or (VC 2.0) the issuer's URL. */
  issuer: Profile | string;
  /** VC 2.0 validity period: `validFrom` is required in VC 2.0 credentials. */
  validFrom?: string;
  validUntil?: string;
  /** VC 1.1 equivalents (first context `https://www.w3.org/2018/credentials/v1`). */
  issuanceDate?: string;
  expirationDate?: string;
  awardedDate?: string;
  proof?: OneOrMany<DataIntegrityProof>;
  credentialSchema?: OneOrMany<CredentialSchema>;
  credentialStatus?: OneOrMany<CredentialStatus>;
  refreshService?: OneOrMany<RefreshService>;
  termsOfUse?: OneOrMany<TermsOfUse>;
}

/** An awarded achievement. `type` includes 'VerifiableCredential' and 'OpenBadgeCredential'. */
export interface OpenBadgeCredential extends CredentialBase {
  credentialSubject: AchievementSubject;
  endorsement?: readonly EndorsementCredential[];
  endorsementJwt?: readonly string[];
  evidence?: OneOrMany<Evidence>;
}

/** OB 3.0 alias: `AchievementCredential` and `OpenBadgeCredential` name the same class. */
export type AchievementCredential = OpenBadgeCredential;

export interface EndorsementSubject {
  id: string;
  type: TypeValue;
  endorsementComment?: string;
}

/** A third party's claim about a profile, achievement or credential. */
export interface EndorsementCredential extends CredentialBase {
  credentialSubject: EndorsementSubject;
}
