/**
 * The 1EdTech OB 3.0 vectors (../shared/vectors/ob30, read in place). Valid credentials must
 * validate cleanly; each `simple-err-*` about a data-model type must be reported at the pointer of
 * the bad field. The other `simple-err-*` files are about contexts, dates and proofs, which other
 * checks judge; their expected outcome here is pinned so a change in scope is noticed.
 */
import { describe, expect, it } from 'vitest';
import { HAVE_VECTORS, readVectorJson } from '../../../../test-support/vectors.js';
import {
  validateCredential,
  validateEndorsementCredential,
  validateOpenBadgeCredential,
} from './validate-credential.js';

const VALID_OPEN_BADGES = [
  'simple.json',
  'complete.json',
  'simple_v1.json',
  'complete_v1.json',
  'simple-did-key-method.json',
  'simple-did-web-method.json',
  'simple-context-alias.json',
  'simple-context-version.json',
  'simple-eddsa-2022.json',
  'simple-multiple-proofs.json',
  'credential-status-revoked.json',
  'credential-status-revoked-blank-nodes.json',
  'bit-string-list/credential-status-revoked.json',
  'bit-string-list/credential-status-revoked-blank-nodes.json',
];

/** Type errors of the data model: [file, pointer the error must be reported at]. */
const TYPE_ERRORS: Array<[string, string]> = [
  ['simple-err-type.json', '/type'],
  ['simple-err-issuer.json', '/issuer'],
  ['simple-err-issuer-type.json', '/issuer/type'],
  ['simple-err-issuer-parentorg-type.json', '/issuer/parentOrg/type'],
  ['simple-err-issuer-otheridentifier-type.json', '/issuer/otherIdentifier/1/type'],
  ['simple-err-credential-subject-type.json', '/credentialSubject/type'],
  ['simple-err-credential-subject-profile-type.json', '/credentialSubject/source/type'],
  ['simple-err-credential-subject-identifier-type.json', '/credentialSubject/identifier/0/type'],
  ['simple-err-credential-subject-result-type.json', '/credentialSubject/result/1/type'],
  [
    'simple-err-credential-subject-achievement-result-description-type.json',
    '/credentialSubject/achievement/resultDescription/2/type',
  ],
  ['simple-err-evidence-type.json', '/evidence/1/type'],
];

/**
 * Files judged by other checks, with what this validator reports about them. Several were cut
 * down from simple.json without the (OB 3.0 required) `achievement`, which is reported too.
 */
const JUDGED_ELSEWHERE: Array<[string, string[]]> = [
  ['simple-err-context.json', ['/credentialSubject/achievement', '/validFrom']], // contexts (and hence date fields)
  ['simple-err-expired.json', []], // validity period
  ['simple-err-issued.json', ['/credentialSubject/achievement']], // validFrom in the future
  ['simple-err-proof-method.json', []],
  ['simple-err-proof-method-unknown-did-method.json', []],
  ['simple-err-proof-method-unknown-scheme.json', []],
  ['simple-err-proof-value.json', []],
  // A verificationMethod must be a URI, which is shape: reported here as well.
  ['simple-err-proof-method-no-scheme.json', ['/proof/0/verificationMethod']],
  ['simple-noproof.json', ['/credentialSubject/achievement']], // proof presence; no achievement either
  // ecdsa-sd-2023 derived credential: selective disclosure dropped the required `name`.
  ['sd/derivedcredential.json', ['/name']],
];

const read = (file: string): unknown => readVectorJson('ob30', ...file.split('/'));

describe.runIf(HAVE_VECTORS)('1EdTech OB 3.0 vectors', () => {
  it.each(VALID_OPEN_BADGES)('%s validates with no field errors', (file) => {
    expect(validateOpenBadgeCredential(read(file))).toEqual([]);
  });

  it.each(TYPE_ERRORS)('%s is reported at %s', (file, pointer) => {
    const errors = validateOpenBadgeCredential(read(file));
    expect(errors.map((e) => e.pointer)).toContain(pointer);
  });

  it('reports the type vectors with no error beyond the seeded one (except missing achievements)', () => {
    for (const [file, pointer] of TYPE_ERRORS) {
      const others = validateOpenBadgeCredential(read(file)).filter(
        (e) => e.pointer !== pointer && e.pointer !== '/credentialSubject/achievement',
      );
      expect(others, file).toEqual([]);
    }
  });

  it.each(JUDGED_ELSEWHERE)('%s reports exactly %j here', (file, pointers) => {
    expect(validateOpenBadgeCredential(read(file)).map((e) => e.pointer)).toEqual(pointers);
  });

  it('endorsement-valid.json is an EndorsementCredential: valid as one, refused as an OpenBadgeCredential', () => {
    const endorsement = read('endorsement-valid.json');
    expect(validateEndorsementCredential(endorsement)).toEqual([]);
    const asBadge = validateOpenBadgeCredential(endorsement).map((e) => e.pointer);
    expect(asBadge).toContain('/type');
    expect(asBadge).toContain('/credentialSubject/type');
  });

  it('validateCredential picks the class from the type: both kinds of valid vector pass', () => {
    expect(validateCredential(read('endorsement-valid.json'))).toEqual([]);
    expect(validateCredential(read('complete.json'))).toEqual([]);
    // A type naming no OB class is a plain VC to validateCredential; the verifier still holds a
    // credential using the OB 3.0 context to an OB class (see verify-credential.ts).
    expect(validateCredential(read('simple-err-type.json'))).toEqual([]);
    expect(validateOpenBadgeCredential(read('simple-err-type.json')).map((e) => e.pointer)).toContain(
      '/type',
    );
  });

  it('endorsement-err-schema-status-refresh.json (VC 1.1) has a valid shape; its schema/status/refresh are judged elsewhere', () => {
    expect(validateEndorsementCredential(read('endorsement-err-schema-status-refresh.json'))).toEqual([]);
  });
});
