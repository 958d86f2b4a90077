import { TesseraError } from '@tessera/core';
import jsonld from 'jsonld';
import type { ContextRegistry } from '../contexts/index.js';
import { findPointer } from './json-pointer.js';
import { findTesseraError, registryDocumentLoader } from './jsonld-loader.js';
import type { Quad } from './quads.js';

interface JsonLdApi {
  toRDF(input: object, options: object): Promise<Quad[]>;
  safeEventHandler: unknown;
}
/** jsonld.js's API; its bundled @types predate the `safe` option, hence the narrow local type. */
export const jsonldApi = jsonld as unknown as JsonLdApi;

const loaders = new WeakMap<ContextRegistry, (url: string) => Promise<unknown>>();

/**
 * The reference path: jsonld.js `toRDF` in safe mode with a loader that serves only the registry.
 * The fast path hands over to it for every construct it does not implement, which is what makes
 * the fast path a pure optimisation: whatever it declines, jsonld.js decides.
 */
export async function toRdfViaJsonld(document: object, registry: ContextRegistry): Promise<Quad[]> {
  let documentLoader = loaders.get(registry);
  if (!documentLoader) {
    documentLoader = registryDocumentLoader(registry);
    loaders.set(registry, documentLoader);
  }
  try {
    return await jsonldApi.toRDF(document, { safe: true, documentLoader });
  } catch (e) {
    throw toTesseraError(e, document);
  }
}

interface JsonLdEventError {
  name?: string;
  message?: string;
  details?: { event?: { code?: string; details?: Record<string, unknown> }; code?: string };
}

/** Maps a jsonld.js failure to a coded error, pointing at the offending member when it can. */
export function toTesseraError(e: unknown, document: object): TesseraError {
  const coded = findTesseraError(e);
  if (coded) return coded;
  const err = e as JsonLdEventError;
  const event = err.details?.event;
  if (event?.code) {
    const details = event.details ?? {};
    const culprit = [
      details.property,
      details.id,
      details.type,
      details.object,
      details.subject,
      details.predicate,
    ].find((v): v is string => typeof v === 'string');
    const pointer = culprit === undefined ? undefined : findPointer(document, culprit);
    const where = pointer ?? (culprit === undefined ? '' : ` (${JSON.stringify(culprit)})`);
    return new TesseraError(
      'JSONLD_INVALID',
      `JSON-LD safe mode: ${event.code}${pointer === undefined ? where : ` at ${where}`}`,
      { cause: e },
    );
  }
  const code = err.details?.code ? ` (${err.details.code})` : '';
  return new TesseraError('JSONLD_INVALID', `JSON-LD processing failed${code}: ${err.message ?? String(e)}`, {
    cause: e,
  });
}
