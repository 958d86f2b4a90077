/** The OB 3.0 / VC 2.0 data model: types, value sets, validators and parsers. */

export { MAX_ERRORS, MAX_NESTING } from './check-kit.js';
export * from './formats.js';
export type * from './ob3-types.js';
export {
  parseAchievement,
  parseEndorsementCredential,
  parseEvidence,
  parseOpenBadgeCredential,
  parseResult,
  parseResults,
} from './parse.js';
export { parseVerifiablePresentation, validateVerifiablePresentation } from './presentation.js';
export { validateResultLinks } from './result-links.js';
export {
  credentialClass,
  validateAchievement,
  validateCredential,
  validateEndorsementCredential,
  validateEvidence,
  validateOpenBadgeCredential,
  validateResults,
} from './validate-credential.js';
export * from './value-sets.js';
// DataIntegrityProof is left out of the barrel: proofs/formats.ts exports the signing-side shape
// under the same name. The model's (a proof as found in a credential) stays in vc-types.ts.
export type {
  ContextEntry,
  CredentialSchema,
  CredentialStatus,
  IdentifiedObject,
  JsonArray,
  JsonObject,
  JsonPrimitive,
  JsonValue,
  OneOrMany,
  RefreshService,
  TermsOfUse,
  TypeValue,
  VerifiablePresentation,
} from './vc-types.js';
export { asArray, VC_V1_CONTEXT, VC_V2_CONTEXT } from './vc-types.js';
