import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbUnsignedOpenBadgeCredential } from '../../../../test-support/ob3-arbitraries.js';
import { bundledContextRegistry } from '../contexts/index.js';
import { canonicalizeRdfc, toRdfQuadsWithPath } from './canonicalize.js';
import { referenceCanonicalize } from './reference.test-support.js';

/**
 * The fast JSON-LD → RDF path is a specialisation, not a shortcut: for generated OB 3.0
 * credentials (unicode text, optional results, evidence, alignments, rubric levels, images) its
 * canonical N-Quads equal those of jsonld.js (safe mode) + rdf-canonize, and it is the path taken.
 */
const registry = bundledContextRegistry();

describe('differential property: fast path = jsonld.js + rdf-canonize', () => {
  it('generated OB 3.0 credentials canonicalize identically, on the fast path', async () => {
    await fc.assert(
      fc.asyncProperty(arbUnsignedOpenBadgeCredential(), async (credential) => {
        const { path } = await toRdfQuadsWithPath(credential, { registry });
        expect(path).toBe('fast');
        expect(await canonicalizeRdfc(credential, { registry })).toBe(
          await referenceCanonicalize(credential),
        );
      }),
      { numRuns: 60 },
    );
  });

  it('generated proof configurations canonicalize identically', async () => {
    const arbConfig = fc.record({
      type: fc.constant('DataIntegrityProof'),
      cryptosuite: fc.constantFrom('eddsa-rdfc-2022', 'eddsa-jcs-2022'),
      created: fc
        .date({ min: new Date('2000-01-01'), max: new Date('2099-01-01'), noInvalidDate: true })
        .map((d) => `${d.toISOString().slice(0, 19)}Z`),
      verificationMethod: fc.constantFrom(
        'did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2',
        'https://lab.example/issuers/1#key-1',
      ),
      proofPurpose: fc.constantFrom('assertionMethod', 'authentication'),
      challenge: fc.string({ minLength: 1, maxLength: 20 }),
      domain: fc.webUrl(),
    });
    await fc.assert(
      fc.asyncProperty(arbConfig, async (config) => {
        const doc = {
          ...config,
          '@context': [
            'https://www.w3.org/ns/credentials/v2',
            'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
          ],
        };
        expect(await canonicalizeRdfc(doc, { registry })).toBe(await referenceCanonicalize(doc));
      }),
      { numRuns: 60 },
    );
  });
});
