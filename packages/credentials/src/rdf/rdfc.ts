import { TesseraError } from '@tessera/core';
import rdfCanonize, { type RdfQuad } from 'rdf-canonize';
import type { Quad } from './quads.js';

/**
 * RDFC-1.0 through rdf-canonize, the reference implementation (it hashes with node:crypto in Node
 * and Web Crypto in browsers through its package.json "browser" map, so this stays isomorphic).
 *
 * Work bound: RDFC-1.0's N-degree hashing is exponential on crafted "poison" graphs. rdf-canonize's
 * `maxWorkFactor` caps deep iterations at (non-unique blank nodes)^factor; 1 is its default and the
 * value digitalbazaar's suites use, and it canonicalizes every real credential and every W3C
 * positive test while failing the poison tests in milliseconds.
 */
export const RDFC_MAX_WORK_FACTOR = 1;

export interface RdfcOptions {
  /** Filled with input blank node label → canonical label (`c14nN`), the "issued identifiers map". */
  readonly issuedIdentifiers?: Map<string, string>;
  /** Overrides the work bound (tests only; never raise it for untrusted input). */
  readonly maxWorkFactor?: number;
  /** RDFC-1.0 allows another hash for the algorithm's internal hashing (the suites use SHA-256). */
  readonly hashAlgorithm?: 'SHA256' | 'SHA384';
}

/** Canonical N-Quads of a dataset; poison graphs fail with JSONLD_INVALID. */
export async function canonicalizeDataset(
  dataset: readonly Quad[],
  options: RdfcOptions = {},
): Promise<string> {
  return run(dataset as unknown as RdfQuad[], options);
}

/**
 * Canonical N-Quads of an N-Quads document (the W3C test-suite input format). Malformed N-Quads
 * fail with INPUT_INVALID, poison graphs with JSONLD_INVALID.
 */
export async function canonicalizeNQuads(text: string, options: RdfcOptions = {}): Promise<string> {
  let dataset: RdfQuad[];
  try {
    dataset = rdfCanonize.NQuads.parse(text);
  } catch (e) {
    throw new TesseraError('INPUT_INVALID', `the N-Quads input does not parse: ${(e as Error).message}`, {
      cause: e,
    });
  }
  return run(dataset, options);
}

async function run(dataset: RdfQuad[], options: RdfcOptions): Promise<string> {
  try {
    return await rdfCanonize.canonize(dataset, {
      algorithm: 'RDFC-1.0',
      maxWorkFactor: options.maxWorkFactor ?? RDFC_MAX_WORK_FACTOR,
      ...(options.issuedIdentifiers ? { canonicalIdMap: options.issuedIdentifiers } : {}),
      ...(options.hashAlgorithm === 'SHA384' ? { messageDigestAlgorithm: 'sha384' } : {}),
    });
  } catch (e) {
    const message = (e as Error).message ?? String(e);
    if (/deep iterations/i.test(message)) {
      throw new TesseraError(
        'JSONLD_INVALID',
        `RDF canonicalization exceeded its work bound (a blank node structure crafted to be expensive): ${message}`,
        { cause: e },
      );
    }
    throw new TesseraError('JSONLD_INVALID', `RDF canonicalization failed: ${message}`, { cause: e });
  }
}
