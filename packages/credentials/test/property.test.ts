import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbUnsignedOpenBadgeCredential } from '../../../test-support/ob3-arbitraries.js';
import { issueCredential, PROOF_FORMATS } from '../src/index.js';
import { crypto, newIssuerKey, verifierWith } from './support.js';

const verifier = verifierWith({
  now: () => new Date('2026-06-01T00:00:00Z'),
  clockSkewSeconds: 10 * 365 * 86400,
});

describe('property: issue → verify', () => {
  it.each(PROOF_FORMATS)('every generated OB 3.0 credential issued as %s verifies', async (format) => {
    const key = await newIssuerKey();
    await fc.assert(
      fc.asyncProperty(arbUnsignedOpenBadgeCredential(), async (unsigned) => {
        const credential = { ...unsigned, issuer: { ...(unsigned.issuer as object), id: key.controller } };
        const secured = await issueCredential({ crypto }, key, credential, { format });
        const report = await verifier.verifyCredential(secured);
        expect(report.checks.filter((c) => !c.ok && !c.skipped)).toEqual([]);
      }),
      { numRuns: format === 'eddsa-rdfc-2022' ? 40 : 100 },
    );
  });

  it.each(PROOF_FORMATS)(
    'changing any single byte of a %s credential makes it fail verification',
    async (format) => {
      const key = await newIssuerKey();
      const unsigned = fc.sample(arbUnsignedOpenBadgeCredential(), { numRuns: 1, seed: 42 })[0]!;
      const secured = await issueCredential(
        { crypto },
        key,
        { ...unsigned, issuer: { ...(unsigned.issuer as object), id: key.controller } },
        { format },
      );
      const text = typeof secured === 'string' ? secured : JSON.stringify(secured);
      await fc.assert(
        fc.asyncProperty(
          fc.nat({ max: text.length - 1 }),
          fc.integer({ min: 1, max: 255 }),
          async (index, delta) => {
            const bytes = new TextEncoder().encode(text);
            if (index >= bytes.length) return;
            bytes[index] = (bytes[index]! + delta) % 256;
            const mutated = new TextDecoder().decode(bytes);
            // Whitespace between JSON tokens is not signed data, and a byte that becomes invalid UTF-8
            // decodes to U+FFFD; both still change the text, and none may verify unless the JSON value is unchanged.
            let same = false;
            try {
              same =
                typeof secured !== 'string' &&
                JSON.stringify(JSON.parse(mutated)) === JSON.stringify(secured);
            } catch {}
            const report = await verifier.verifyCredential(mutated);
            if (!same) expect(report.verified).toBe(false);
          },
        ),
        { numRuns: format === 'eddsa-rdfc-2022' ? 150 : 400 },
      );
    },
  );
});
