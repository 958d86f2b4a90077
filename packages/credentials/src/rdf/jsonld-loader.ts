import { TesseraError } from '@tessera/core';
import type { ContextRegistry } from '../contexts/index.js';

/** jsonld.js's RemoteDocument. */
export interface RemoteDocument {
  contextUrl: null;
  documentUrl: string;
  document: unknown;
}

/**
 * A document loader that serves only the registry: canonicalization must never touch the network,
 * and an unknown URL is a coded CONTEXT_UNKNOWN naming it (jsonld.js wraps the error; callers unwrap
 * it with `findTesseraError`).
 */
export function registryDocumentLoader(registry: ContextRegistry): (url: string) => Promise<RemoteDocument> {
  return async (url: string) => {
    const document = registry.get(url);
    if (document === undefined) {
      throw new TesseraError('CONTEXT_UNKNOWN', `JSON-LD context ${url} is not in the bundled, pinned set`);
    }
    return { contextUrl: null, documentUrl: url, document };
  };
}

/** The TesseraError somewhere in a jsonld.js error's cause/details chain, if any. */
export function findTesseraError(error: unknown, depth = 0): TesseraError | undefined {
  if (error instanceof TesseraError) return error;
  if (depth > 6 || typeof error !== 'object' || error === null) return undefined;
  const e = error as { cause?: unknown; details?: { cause?: unknown } };
  return findTesseraError(e.cause, depth + 1) ?? findTesseraError(e.details?.cause, depth + 1);
}
