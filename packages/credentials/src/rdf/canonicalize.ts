import { TesseraError } from '@tessera/core';
import type { ContextRegistry } from '../contexts/index.js';
import { compilerFor, NeedContext } from './context-compiler.js';
import { FastWalker, SafeModeViolation, Unsupported } from './fast-to-rdf.js';
import { toRdfViaJsonld } from './jsonld-fallback.js';
import type { Quad } from './quads.js';
import { canonicalizeDataset } from './rdfc.js';

export interface RdfOptions {
  /** The only contexts the document may name; nothing is ever fetched. */
  readonly registry: ContextRegistry;
}

/** Upper bound on walk restarts while compiling contexts (each restart compiles one more). */
const MAX_COMPILE_ROUNDS = 64;

/** Which path produced a dataset (exposed for tests and diagnostics). */
export type RdfPath = 'fast' | 'fallback';

/**
 * JSON-LD → RDF dataset, as jsonld.js `toRDF(document, {safe: true})` produces it (up to blank
 * node labels). The fast path handles what credentials use; everything else, and anything it
 * is unsure of, goes to jsonld.js itself.
 *
 * Errors: CONTEXT_UNKNOWN for a context URL outside the registry; JSONLD_INVALID for anything
 * safe mode rejects (with the JSON pointer of the offending member) or jsonld.js refuses.
 */
export async function toRdfQuads(document: object, options: RdfOptions): Promise<Quad[]> {
  return (await toRdfQuadsWithPath(document, options)).quads;
}

export async function toRdfQuadsWithPath(
  document: object,
  options: RdfOptions,
): Promise<{ quads: Quad[]; path: RdfPath; reason?: string }> {
  const { registry } = options;
  if (typeof document === 'object' && document !== null && !Array.isArray(document)) {
    const compiler = compilerFor(registry);
    try {
      for (let round = 0; round < MAX_COMPILE_ROUNDS; round++) {
        try {
          return { quads: new FastWalker(compiler).run(document as Record<string, unknown>), path: 'fast' };
        } catch (e) {
          if (!(e instanceof NeedContext)) throw e;
          // A context jsonld.js refuses to compile (e.g. a protected term redefined) is reported
          // by the fallback, which processes the same contexts and fails the same way.
          await e.load();
        }
      }
    } catch (e) {
      if (e instanceof TesseraError) throw e;
      if (e instanceof SafeModeViolation) {
        // Parity over our own judgement: the reference decides, we only add the pointer.
        let quads: Quad[];
        try {
          quads = await toRdfViaJsonld(document, registry);
        } catch (reference) {
          if (reference instanceof TesseraError && reference.code !== 'JSONLD_INVALID') throw reference;
          throw new TesseraError('JSONLD_INVALID', e.message, { cause: reference });
        }
        return { quads, path: 'fallback' };
      }
      // Unsupported, a failed context compilation, or a fast-path bug: the reference decides.
      const reason = e instanceof Unsupported ? e.message : `fast path error: ${String(e)}`;
      return { quads: await toRdfViaJsonld(document, registry), path: 'fallback', reason };
    }
  }
  return { quads: await toRdfViaJsonld(document, registry), path: 'fallback', reason: 'not a JSON object' };
}

/**
 * Canonical N-Quads (RDFC-1.0) of a JSON-LD document: byte-identical to jsonld.js `toRDF` (safe
 * mode) followed by rdf-canonize, which is what `eddsa-rdfc-2022` and `Ed25519Signature2020` hash.
 */
export async function canonicalizeRdfc(document: object, options: RdfOptions): Promise<string> {
  return canonicalizeDataset(await toRdfQuads(document, options));
}
