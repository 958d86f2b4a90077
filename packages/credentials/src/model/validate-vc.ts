/**
 * VC Data Model 2.0 (and 1.1) pieces shared by every credential class: validity dates, proofs,
 * status, schema, refresh service and terms of use. Shapes only: whether a proof verifies, a
 * status is set or a date has passed is decided by the verification checks, not here.
 */
import {
  type Ctx,
  checkTypePresent,
  expectObject,
  type ItemCheck,
  type Obj,
  optDateTimeStamp,
  optOneOrMany,
  optString,
  optUri,
  report,
  reqDateTimeStamp,
  reqString,
  reqUri,
} from './check-kit.js';
import { isUri } from './formats.js';
import { VC_V1_CONTEXT, VC_V2_CONTEXT } from './vc-types.js';

export type VcVersion = '1.1' | '2.0';

/**
 * Which VC data model a credential follows, from its first `@context` entry. Validating the
 * context list itself is the contexts module's job; this only picks the date properties, and
 * falls back to `fallback` (the enclosing credential's version, else 2.0) when it is unclear.
 */
export function vcVersion(o: Obj, fallback: VcVersion = '2.0'): VcVersion {
  const c = o['@context'];
  const first = Array.isArray(c) ? c[0] : c;
  if (first === VC_V2_CONTEXT) return '2.0';
  if (first === VC_V1_CONTEXT) return '1.1';
  return fallback;
}

/** VC 2.0: `validFrom` (OB 3.0 makes it required) and `validUntil`; VC 1.1: `issuanceDate`/`expirationDate`. */
export function checkValidityDates(ctx: Ctx, o: Obj, ptr: string, version: VcVersion): void {
  if (version === '2.0') {
    reqDateTimeStamp(ctx, o, 'validFrom', ptr);
    optDateTimeStamp(ctx, o, 'validUntil', ptr);
  } else {
    reqDateTimeStamp(ctx, o, 'issuanceDate', ptr);
    optDateTimeStamp(ctx, o, 'expirationDate', ptr);
  }
  optDateTimeStamp(ctx, o, 'awardedDate', ptr);
}

/** A Data Integrity proof (or a legacy suite's): `type` required, the rest typed when present. */
export const checkProof: ItemCheck = (ctx, v, ptr) => {
  if (!expectObject(ctx, v, ptr)) return;
  reqString(ctx, v, 'type', ptr);
  optUri(ctx, v, 'id', ptr);
  optString(ctx, v, 'cryptosuite', ptr);
  optString(ctx, v, 'proofPurpose', ptr);
  optString(ctx, v, 'proofValue', ptr);
  optString(ctx, v, 'nonce', ptr);
  optUri(ctx, v, 'verificationMethod', ptr);
  optDateTimeStamp(ctx, v, 'created', ptr);
  optDateTimeStamp(ctx, v, 'expires', ptr);
};

/** `credentialStatus`: VC 2.0 makes `id` optional; Bitstring Status List fields typed when present. */
const checkStatus: ItemCheck = (ctx, v, ptr) => {
  if (!expectObject(ctx, v, ptr)) return;
  checkTypePresent(ctx, v, ptr);
  optUri(ctx, v, 'id', ptr);
  optString(ctx, v, 'statusPurpose', ptr);
  optUri(ctx, v, 'statusListCredential', ptr);
  const index = v.statusListIndex;
  // The Bitstring Status List spec says a decimal string; upstream vectors use a JSON number.
  if (
    index !== undefined &&
    !(typeof index === 'string' && /^(0|[1-9]\d*)$/.test(index)) &&
    !(typeof index === 'number' && Number.isSafeInteger(index) && index >= 0)
  ) {
    report(ctx, `${ptr}/statusListIndex`, 'must be a non-negative integer or its decimal string');
  }
};

const checkSchema: ItemCheck = (ctx, v, ptr) => {
  if (!expectObject(ctx, v, ptr)) return;
  reqUri(ctx, v, 'id', ptr);
  checkTypePresent(ctx, v, ptr);
};

/** `refreshService` and `termsOfUse`: a typed object with an optional URI `id`. */
const checkTypedResource: ItemCheck = (ctx, v, ptr) => {
  if (!expectObject(ctx, v, ptr)) return;
  checkTypePresent(ctx, v, ptr);
  optUri(ctx, v, 'id', ptr);
};

/** The VC properties every credential class shares, besides issuer and credentialSubject. */
export function checkCredentialCommon(ctx: Ctx, o: Obj, ptr: string, version: VcVersion): void {
  checkValidityDates(ctx, o, ptr, version);
  optOneOrMany(ctx, o, 'proof', ptr, checkProof);
  optOneOrMany(ctx, o, 'credentialStatus', ptr, checkStatus);
  optOneOrMany(ctx, o, 'credentialSchema', ptr, checkSchema);
  optOneOrMany(ctx, o, 'refreshService', ptr, checkTypedResource);
  optOneOrMany(ctx, o, 'termsOfUse', ptr, checkTypedResource);
}

/** A URI string, or an object whose `id` is one (VC 2.0 `issuer` and `holder`). */
export function checkUriOrIdentified(ctx: Ctx, v: unknown, ptr: string): void {
  if (typeof v === 'string') {
    if (!isUri(v)) report(ctx, ptr, 'must be an absolute URI (scheme:…) or an object with one as id');
    return;
  }
  if (!expectObject(ctx, v, ptr)) return;
  reqUri(ctx, v, 'id', ptr);
}
