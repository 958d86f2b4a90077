/**
 * Profile and the classes hanging off it (Image, Address, GeoCoordinates, IdentifierEntry), and
 * EndorsementCredential, which a Profile can carry and which in turn has a Profile as issuer.
 * These are the model's only recursive edges, so nesting is counted against MAX_NESTING.
 */
import {
  type Ctx,
  checkCredentialType,
  checkType,
  expectObject,
  type ItemCheck,
  MAX_NESTING,
  optArray,
  optDate,
  optString,
  optStrings,
  optUri,
  report,
  reqNumber,
  reqString,
  reqUri,
} from './check-kit.js';
import { isCompactJws, isUri } from './formats.js';
import { checkCredentialCommon, vcVersion } from './validate-vc.js';

/** OB 3.0 Image: `id` (URL or data URI) and `type` 'Image' required. */
export const checkImage: ItemCheck = (ctx, v, ptr) => {
  if (!expectObject(ctx, v, ptr)) return;
  reqUri(ctx, v, 'id', ptr);
  checkType(ctx, v, ptr, 'Image');
  optString(ctx, v, 'caption', ptr);
};

const checkGeo: ItemCheck = (ctx, v, ptr) => {
  if (!expectObject(ctx, v, ptr)) return;
  checkType(ctx, v, ptr, 'GeoCoordinates');
  reqNumber(ctx, v, 'latitude', ptr);
  reqNumber(ctx, v, 'longitude', ptr);
};

const ADDRESS_STRINGS = [
  'addressCountry',
  'addressCountryCode',
  'addressRegion',
  'addressLocality',
  'streetAddress',
  'postOfficeBoxNumber',
  'postalCode',
];

const checkAddress: ItemCheck = (ctx, v, ptr) => {
  if (!expectObject(ctx, v, ptr)) return;
  checkType(ctx, v, ptr, 'Address');
  optStrings(ctx, v, ADDRESS_STRINGS, ptr);
  if (v.geo !== undefined) checkGeo(ctx, v.geo, `${ptr}/geo`);
};

/** IdentifierEntry: `identifierType` is IdentifierTypeEnum, checked as a string (see value-sets.ts). */
export const checkIdentifierEntry: ItemCheck = (ctx, v, ptr) => {
  if (!expectObject(ctx, v, ptr)) return;
  checkType(ctx, v, ptr, 'IdentifierEntry');
  reqString(ctx, v, 'identifier', ptr);
  reqString(ctx, v, 'identifierType', ptr);
};

export const checkCompactJwsItem: ItemCheck = (ctx, v, ptr) => {
  if (!isCompactJws(v)) report(ctx, ptr, 'must be a compact JWS (header.payload.signature)');
};

const PROFILE_STRINGS = [
  'name',
  'phone',
  'description',
  'email',
  'official',
  'familyName',
  'givenName',
  'additionalName',
  'patronymicName',
  'honorificPrefix',
  'honorificSuffix',
  'familyNamePrefix',
];

/** Runs `check` one Profile/EndorsementCredential level deeper, refusing past MAX_NESTING. */
function nested(ctx: Ctx, v: unknown, ptr: string, check: ItemCheck): void {
  if (ctx.depth >= MAX_NESTING) {
    report(ctx, ptr, `nests more than ${MAX_NESTING} profiles or endorsements deep`);
    return;
  }
  ctx.depth++;
  check(ctx, v, ptr);
  ctx.depth--;
}

/** OB 3.0 Profile: `id` URI and `type` including 'Profile' required. */
export const checkProfile: ItemCheck = (ctx, v, ptr) => nested(ctx, v, ptr, checkProfileAt);

function checkProfileAt(ctx: Ctx, v: unknown, ptr: string): void {
  if (!expectObject(ctx, v, ptr)) return;
  reqUri(ctx, v, 'id', ptr);
  checkType(ctx, v, ptr, 'Profile');
  optStrings(ctx, v, PROFILE_STRINGS, ptr);
  optUri(ctx, v, 'url', ptr);
  optDate(ctx, v, 'dateOfBirth', ptr);
  if (v.image !== undefined) checkImage(ctx, v.image, `${ptr}/image`);
  if (v.address !== undefined) checkAddress(ctx, v.address, `${ptr}/address`);
  optArray(ctx, v, 'otherIdentifier', ptr, checkIdentifierEntry);
  if (v.parentOrg !== undefined) checkProfile(ctx, v.parentOrg, `${ptr}/parentOrg`);
  checkEndorsements(ctx, v, ptr);
}

/** VC issuer: a URI, or (OB 3.0) a Profile. */
export function checkIssuer(ctx: Ctx, v: unknown, ptr: string): void {
  if (typeof v === 'string') {
    if (!isUri(v)) report(ctx, ptr, 'must be an absolute URI (scheme:…) or a Profile');
  } else if (v === undefined) report(ctx, ptr, 'is required');
  else checkProfile(ctx, v, ptr);
}

/** `endorsement` (embedded EndorsementCredentials) and `endorsementJwt` (compact JWS strings). */
export function checkEndorsements(ctx: Ctx, o: Record<string, unknown>, ptr: string): void {
  optArray(ctx, o, 'endorsement', ptr, checkEmbeddedEndorsement);
  optArray(ctx, o, 'endorsementJwt', ptr, checkCompactJwsItem);
}

/**
 * EndorsementCredential: `type` includes 'VerifiableCredential' and 'EndorsementCredential';
 * its subject is an EndorsementSubject (`id` and `type` required). Embedded endorsements carry
 * their own `@context`, so their date properties follow their own first context.
 */
export const checkEndorsementCredential: ItemCheck = (ctx, v, ptr) => nested(ctx, v, ptr, checkStandalone);

/**
 * An endorsement embedded in a profile, achievement or credential is a credential of its own,
 * verified on its own when a verifier wants it, so its `id` and `name` (OB 3.0 [1]) are not
 * demanded here: 1EdTech's valid complete_v1.json embeds endorsements without them.
 */
const checkEmbeddedEndorsement: ItemCheck = (ctx, v, ptr) => nested(ctx, v, ptr, checkEmbedded);

const checkStandalone: ItemCheck = (ctx, v, ptr) => checkEndorsementCredentialAt(ctx, v, ptr, true);
const checkEmbedded: ItemCheck = (ctx, v, ptr) => checkEndorsementCredentialAt(ctx, v, ptr, false);

function checkEndorsementCredentialAt(ctx: Ctx, v: unknown, ptr: string, standalone: boolean): void {
  if (!expectObject(ctx, v, ptr)) return;
  checkCredentialType(ctx, v, ptr, 'EndorsementCredential');
  if (standalone) {
    reqUri(ctx, v, 'id', ptr);
    reqString(ctx, v, 'name', ptr);
  } else {
    optUri(ctx, v, 'id', ptr);
    optString(ctx, v, 'name', ptr);
  }
  optString(ctx, v, 'description', ptr);
  checkIssuer(ctx, v.issuer, `${ptr}/issuer`);
  const subject = v.credentialSubject;
  const sp = `${ptr}/credentialSubject`;
  if (expectObject(ctx, subject, sp)) {
    reqUri(ctx, subject, 'id', sp);
    checkType(ctx, subject, sp, 'EndorsementSubject');
    optString(ctx, subject, 'endorsementComment', sp);
  }
  checkCredentialCommon(ctx, v, ptr, vcVersion(v));
}
