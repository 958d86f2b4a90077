import { type CryptoProvider, canonicalize, TesseraError, utf8Encode } from '@tessera/core';
import { loadBundledDocuments } from './bundled-documents.js';
import { CONTEXT_PINS } from './context-pins.js';

/**
 * The only source of JSON-LD context documents: canonicalization never fetches, so a context URL
 * outside the registry is an error, not a network request.
 */
export interface ContextRegistry {
  /** The parsed context document (`{"@context": …}`), or undefined when the URL is not bundled. */
  get(url: string): unknown | undefined;
  has(url: string): boolean;
  urls(): readonly string[];
}

/** A registry over the given URL → document map (tests use it to build tampered registries). */
export function createContextRegistry(documents: ReadonlyMap<string, unknown>): ContextRegistry {
  const map = new Map(documents);
  const urls = Object.freeze([...map.keys()]);
  return {
    get: (url) => map.get(url),
    has: (url) => map.has(url),
    urls: () => urls,
  };
}

let bundled: ContextRegistry | undefined;

/**
 * The bundled contexts, built on first use (importing the package costs nothing) and shared
 * afterwards, so caches keyed by registry (compiled contexts) are shared too.
 */
export function bundledContextRegistry(): ContextRegistry {
  bundled ??= createContextRegistry(loadBundledDocuments());
  return bundled;
}

const toHex = (bytes: Uint8Array): string =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/**
 * Recomputes the SHA-256 of every pinned context's canonical JSON and throws CONTEXT_INVALID naming
 * the first URL whose document is missing or differs, and for any registry URL that has no pin.
 * Run it at start-up and in CI: it turns a silent context change into a loud failure.
 */
export async function verifyContextPins(
  registry: ContextRegistry,
  crypto: CryptoProvider,
  pins: Readonly<Record<string, string>> = CONTEXT_PINS,
): Promise<void> {
  for (const url of registry.urls()) {
    if (!Object.hasOwn(pins, url)) {
      throw new TesseraError('CONTEXT_INVALID', `bundled JSON-LD context ${url} has no pinned hash`);
    }
  }
  for (const [url, expected] of Object.entries(pins)) {
    const doc = registry.get(url);
    if (doc === undefined)
      throw new TesseraError('CONTEXT_INVALID', `pinned JSON-LD context ${url} is not bundled`);
    const actual = toHex(await crypto.sha256(utf8Encode(canonicalize(doc))));
    if (actual !== expected) {
      throw new TesseraError(
        'CONTEXT_INVALID',
        `bundled JSON-LD context ${url} changed: sha256 ${actual}, pinned ${expected}`,
      );
    }
  }
}
