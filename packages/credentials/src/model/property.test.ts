import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  arbAchievement,
  arbEvidence,
  arbResult,
  arbUnsignedOpenBadgeCredential,
  OB3_CREDENTIAL_CONTEXT,
} from '../../../../test-support/ob3-arbitraries.js';
import { validateResultLinks } from './result-links.js';
import {
  validateAchievement,
  validateEvidence,
  validateOpenBadgeCredential,
  validateResults,
} from './validate-credential.js';

describe('generated OB 3.0 data', () => {
  it('every generated credential validates, links included', () => {
    fc.assert(
      fc.property(arbUnsignedOpenBadgeCredential(), (c) => {
        expect(validateOpenBadgeCredential(c)).toEqual([]);
        expect(validateResultLinks(c)).toEqual([]);
        expect(c['@context']).toEqual(OB3_CREDENTIAL_CONTEXT);
      }),
      { numRuns: 300 },
    );
  });

  it('pins the issuer and subject ids when asked', () => {
    fc.assert(
      fc.property(
        arbUnsignedOpenBadgeCredential({ issuerId: 'did:web:lab.example', subjectId: 'urn:uuid:x' }),
        (c) => {
          expect(typeof c.issuer === 'object' && c.issuer.id).toBe('did:web:lab.example');
          expect(c.credentialSubject.id).toBe('urn:uuid:x');
        },
      ),
      { numRuns: 20 },
    );
  });

  it('every generated Achievement, Result and Evidence validates', () => {
    fc.assert(
      fc.property(arbAchievement, fc.array(arbResult, { minLength: 1 }), arbEvidence, (a, r, e) => {
        expect(validateAchievement(a)).toEqual([]);
        expect(validateResults(r)).toEqual([]);
        expect(validateEvidence(e)).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('never throws on arbitrary JSON, and reports a non-empty list for it', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(validateOpenBadgeCredential(v).length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });

  it('dropping any top-level required property of a generated credential is reported at its pointer', () => {
    const required = ['id', 'type', 'name', 'issuer', 'validFrom', 'credentialSubject'] as const;
    fc.assert(
      fc.property(arbUnsignedOpenBadgeCredential(), fc.constantFrom(...required), (c, key) => {
        const copy: Record<string, unknown> = { ...c };
        delete copy[key];
        expect(validateOpenBadgeCredential(copy).map((e) => e.pointer)).toContain(`/${key}`);
      }),
      { numRuns: 100 },
    );
  });
});
