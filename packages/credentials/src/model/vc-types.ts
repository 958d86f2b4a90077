/**
 * W3C Verifiable Credentials Data Model 2.0 (and the 1.1 date properties OB 3.0 still meets),
 * property names verbatim. Only the shapes Tessera reads are typed; JSON-LD allows any further
 * property, which parsing keeps but these interfaces do not name (intersect with `JsonObject`).
 */

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonArray | JsonObject;
export type JsonArray = JsonValue[];
export interface JsonObject {
  [key: string]: JsonValue;
}

/** A property the data model lets hold one value or an array of them. */
export type OneOrMany<T> = T | readonly T[];

/** `type` values: one IRI or an unordered set of them. */
export type TypeValue = string | readonly string[];

/** One `@context` entry: a context URL or an inline context definition. */
export type ContextEntry = string | JsonObject;

/** VC 2.0 `credentialStatus` (section 4.10): `type` required, `id` optional. */
export interface CredentialStatus {
  id?: string;
  type: TypeValue;
  /** Bitstring Status List v1.0 `BitstringStatusListEntry` properties. */
  statusPurpose?: string;
  statusListIndex?: string | number;
  statusListCredential?: string;
}

/** VC 2.0 `credentialSchema` (section 4.11). */
export interface CredentialSchema {
  id: string;
  type: TypeValue;
}

/** VC 2.0 `refreshService` (section 5.4). */
export interface RefreshService {
  id?: string;
  type: TypeValue;
}

/** VC 2.0 `termsOfUse` (section 5.5). */
export interface TermsOfUse {
  id?: string;
  type: TypeValue;
}

/** VC Data Integrity 1.0 proof (`DataIntegrityProof`; legacy suites share the shape). */
export interface DataIntegrityProof {
  id?: string;
  type: string;
  cryptosuite?: string;
  created?: string;
  expires?: string;
  verificationMethod?: string;
  proofPurpose?: string;
  proofValue?: string;
  challenge?: string;
  domain?: string | readonly string[];
  nonce?: string;
  previousProof?: string | readonly string[];
}

/** VC 2.0 `holder` / `issuer` as an object (a URL string is the other form). */
export interface IdentifiedObject {
  id: string;
  type?: TypeValue;
}

/** VC 2.0 verifiable presentation (section 4.13). */
export interface VerifiablePresentation {
  '@context': readonly ContextEntry[];
  id?: string;
  type: TypeValue;
  /** Embedded credentials (objects) or enveloped ones as compact JWS strings (VC-JOSE). */
  verifiableCredential?: OneOrMany<JsonObject | string>;
  holder?: string | IdentifiedObject;
  proof?: OneOrMany<DataIntegrityProof>;
  termsOfUse?: OneOrMany<TermsOfUse>;
}

/** The first `@context` URL of a VC 2.0 document. */
export const VC_V2_CONTEXT = 'https://www.w3.org/ns/credentials/v2';
/** The first `@context` URL of a VC 1.1 document (OB 3.0 before 3.0.3 used it). */
export const VC_V1_CONTEXT = 'https://www.w3.org/2018/credentials/v1';

/** Reads a one-or-many property as an array, for consumers of parsed values. */
export const asArray = <T>(v: OneOrMany<T> | undefined): readonly T[] =>
  v === undefined ? [] : Array.isArray(v) ? (v as readonly T[]) : [v as T];
