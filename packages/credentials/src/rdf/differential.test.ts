import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { TesseraError } from '@tessera/core';
import { describe, expect, it } from 'vitest';
import { HAVE_VECTORS, readVectorJson, vectorPath } from '../../../../test-support/vectors.js';
import { bundledContextRegistry } from '../contexts/index.js';
import { canonicalizeRdfc, toRdfQuadsWithPath } from './canonicalize.js';
import { referenceCanonicalize } from './reference.test-support.js';

const registry = bundledContextRegistry();

function listJson(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return listJson(full);
    return name.endsWith('.json') ? [full] : [];
  });
}

type Json = Record<string, unknown>;

/** The inputs a Data Integrity verifier canonicalizes: the unsecured document and each proof config. */
function inputsOf(doc: Json): [string, Json][] {
  if (!('@context' in doc)) return [];
  const { proof, ...unsecured } = doc;
  const out: [string, Json][] = [['document', unsecured]];
  const proofs = Array.isArray(proof) ? proof : proof === undefined ? [] : [proof];
  proofs.forEach((p, i) => {
    if (typeof p !== 'object' || p === null) return;
    const { proofValue: _pv, ...config } = p as Json;
    out.push([`proof ${i} config`, { ...config, '@context': doc['@context'] }]);
  });
  return out;
}

async function expectParity(input: Json): Promise<void> {
  let expected: string | undefined;
  let referenceError: unknown;
  try {
    expected = await referenceCanonicalize(input);
  } catch (e) {
    referenceError = e;
  }
  if (referenceError === undefined) {
    expect(await canonicalizeRdfc(input, { registry })).toBe(expected);
  } else {
    const ours = await canonicalizeRdfc(input, { registry }).then(
      () => 'no error',
      (e: unknown) => e,
    );
    expect(ours).toBeInstanceOf(TesseraError);
  }
}

describe.runIf(HAVE_VECTORS)('canonical N-Quads equal jsonld.js toRDF(safe) + rdf-canonize', () => {
  const files = HAVE_VECTORS
    ? [...listJson(vectorPath('ob30')), ...listJson(vectorPath('vc-di-eddsa'))].filter(
        (f) => !f.includes('/sd/'),
      )
    : [];
  const cases = files.flatMap((file) => {
    let doc: unknown;
    try {
      doc = readVectorJson(file.slice(vectorPath().length + 1));
    } catch {
      return [];
    }
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return [];
    return inputsOf(doc as Json).map(
      ([what, input]) => [`${file.slice(vectorPath().length + 1)} ${what}`, input] as const,
    );
  });

  it('finds the vector credentials', () => {
    expect(cases.length).toBeGreaterThan(40);
  });

  it.each(cases)('%s', async (_name, input) => {
    await expectParity(input);
  });

  it('takes the fast path for the OB 3.0 vector credentials', async () => {
    for (const name of ['complete.json', 'simple.json']) {
      const { proof: _p, ...doc } = readVectorJson<Json>('ob30', name);
      expect((await toRdfQuadsWithPath(doc, { registry })).path).toBe('fast');
    }
  });
});

describe('fallback to jsonld.js', () => {
  it('canonicalizes a document with an inline context object exactly as jsonld.js does', async () => {
    const doc = {
      '@context': [
        'https://www.w3.org/ns/credentials/v2',
        { ex: 'https://example.org/vocab#', score: { '@id': 'ex:score', '@type': 'ex:Score' } },
      ],
      type: ['VerifiableCredential'],
      issuer: 'did:example:issuer',
      credentialSubject: {
        id: 'did:example:subject',
        score: '42',
        'ex:note': { '@value': 'hi', '@language': 'en' },
      },
    };
    const { path } = await toRdfQuadsWithPath(doc, { registry });
    expect(path).toBe('fallback');
    expect(await canonicalizeRdfc(doc, { registry })).toBe(await referenceCanonicalize(doc));
  });

  it('never fetches: a context URL outside the bundle fails with CONTEXT_UNKNOWN on the fallback path too', async () => {
    const doc = {
      '@context': [
        'https://www.w3.org/ns/credentials/v2',
        { ex: 'https://example.org/vocab#' },
        'https://evil.example/ctx.jsonld',
      ],
      type: ['VerifiableCredential'],
      issuer: 'did:example:issuer',
      credentialSubject: { id: 'did:example:subject' },
    };
    await expect(canonicalizeRdfc(doc, { registry })).rejects.toMatchObject({ code: 'CONTEXT_UNKNOWN' });
  });
});

export { expectParity };
