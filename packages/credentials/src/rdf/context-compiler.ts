import { TesseraError } from '@tessera/core';
import ContextResolver from 'jsonld/lib/ContextResolver.js';
import jsonldContext, { type JsonLdActiveContext } from 'jsonld/lib/context.js';
import type { ContextRegistry } from '../contexts/index.js';
import { jsonldApi } from './jsonld-fallback.js';
import { registryDocumentLoader } from './jsonld-loader.js';

export type ActiveContext = JsonLdActiveContext;

/**
 * Thrown by the synchronous walker when it needs an active context that has not been compiled yet.
 * The caller awaits `load()` (jsonld.js context processing is async) and restarts the walk; after
 * the first few documents every combination is cached and walks never suspend.
 */
export class NeedContext extends Error {
  constructor(readonly load: () => Promise<void>) {
    super('active context not compiled yet');
  }
}

/**
 * Compiles and caches active contexts with jsonld.js's own context processor, so term definitions
 * (protected terms, scoped contexts, @vocab, coercions) are exactly jsonld.js's. Keys are object
 * identities: scoped contexts come from term definitions inside already-cached active contexts,
 * and only bundled documents ever reach here (inline contexts go to the fallback), so the cache is
 * bounded by the combinations the bundled contexts allow.
 */
export class ContextCompiler {
  private readonly options: object;
  private readonly byUrls = new WeakMap<ActiveContext, Map<string, ActiveContext>>();
  private readonly propertyScoped = new WeakMap<ActiveContext, Map<unknown, ActiveContext>>();
  private readonly typeScoped = new WeakMap<ActiveContext, Map<unknown, ActiveContext>>();
  private readonly terms = new WeakMap<ActiveContext, Map<string, string | null>>();
  private readonly initial: ActiveContext;

  constructor(readonly registry: ContextRegistry) {
    this.options = {
      documentLoader: registryDocumentLoader(registry),
      contextResolver: new ContextResolver({ sharedCache: new Map() }),
      base: '',
      safe: true,
      eventHandler: [jsonldApi.safeEventHandler],
    };
    this.initial = jsonldContext.getInitialContext(this.options);
  }

  /**
   * The active context after a node's own `@context` (`active` undefined: the document's), for a
   * value that lists bundled URLs only. Unknown URLs fail here, before any processing; inline
   * context objects return undefined (the caller falls back to jsonld.js).
   */
  embedded(active: ActiveContext | undefined, value: unknown): ActiveContext | undefined {
    const list = typeof value === 'string' ? [value] : value;
    if (!Array.isArray(list) || list.length === 0) return undefined;
    for (const url of list) {
      if (typeof url !== 'string') return undefined;
      if (!this.registry.has(url)) {
        throw new TesseraError('CONTEXT_UNKNOWN', `JSON-LD context ${url} is not in the bundled, pinned set`);
      }
    }
    const base = active ?? this.initial;
    let cache = this.byUrls.get(base);
    if (!cache) {
      cache = new Map();
      this.byUrls.set(base, cache);
    }
    const key = list.join('\n');
    const hit = cache.get(key);
    if (hit) return hit;
    const store = cache;
    throw new NeedContext(async () => {
      store.set(key, await this.process(base, list, true, false));
    });
  }

  /** Property-scoped (propagating, may override protected terms) or type-scoped (non-propagating). */
  scoped(active: ActiveContext, local: unknown, kind: 'property' | 'type'): ActiveContext {
    const caches = kind === 'property' ? this.propertyScoped : this.typeScoped;
    let cache = caches.get(active);
    if (!cache) {
      cache = new Map();
      caches.set(active, cache);
    }
    const hit = cache.get(local);
    if (hit) return hit;
    const store = cache;
    throw new NeedContext(async () => {
      store.set(local, await this.process(active, local, kind === 'property', kind === 'property'));
    });
  }

  /** A key's expansion in vocab mode (jsonld.js `_expandIri(ctx, key, {vocab: true})`), memoised. */
  expandKey(active: ActiveContext, key: string, expand: (ctx: ActiveContext, v: string) => string | null) {
    let memo = this.terms.get(active);
    if (!memo) {
      memo = new Map();
      this.terms.set(active, memo);
    }
    let out = memo.get(key);
    if (out === undefined) {
      out = expand(active, key);
      // Bound the memo: keys come from untrusted documents, terms from bundled contexts.
      if (memo.size < 4096) memo.set(key, out);
    }
    return out;
  }

  private process(
    activeCtx: ActiveContext,
    localCtx: unknown,
    propagate: boolean,
    overrideProtected: boolean,
  ): Promise<ActiveContext> {
    return jsonldContext.process({
      activeCtx,
      localCtx,
      options: this.options,
      propagate,
      overrideProtected,
    });
  }
}

const compilers = new WeakMap<ContextRegistry, ContextCompiler>();

/** One compiler per registry: a tampered test registry never shares compiled contexts with the real one. */
export function compilerFor(registry: ContextRegistry): ContextCompiler {
  let c = compilers.get(registry);
  if (!c) {
    c = new ContextCompiler(registry);
    compilers.set(registry, c);
  }
  return c;
}
