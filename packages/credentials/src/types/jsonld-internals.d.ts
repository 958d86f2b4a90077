// jsonld.js has no typed entry points for its context processor and context resolver; the fast
// canonicalization path reuses them (context processing is done once per context combination and
// cached), so it gets exactly jsonld.js's term definitions. Only what rdf/ uses is declared.

declare module 'jsonld/lib/context.js' {
  export interface JsonLdTermDefinition {
    readonly '@id': string;
    readonly reverse?: boolean;
    readonly '@type'?: string;
    readonly '@container'?: readonly string[];
    readonly '@context'?: unknown;
    readonly '@language'?: string | null;
    readonly '@direction'?: string | null;
    readonly '@index'?: string;
    readonly '@nest'?: string;
    readonly _prefix?: boolean;
  }
  export interface JsonLdActiveContext {
    readonly mappings: Map<string, JsonLdTermDefinition | null>;
    readonly previousContext?: JsonLdActiveContext;
    readonly '@vocab'?: string;
    readonly '@base'?: string | null;
    readonly '@language'?: string;
    readonly '@direction'?: string;
  }
  export interface ProcessArgs {
    activeCtx: JsonLdActiveContext;
    localCtx: unknown;
    options: object;
    propagate?: boolean;
    overrideProtected?: boolean;
  }
  // CommonJS `module.exports = api` with properties assigned later: only a default import works.
  const api: {
    process(args: ProcessArgs): Promise<JsonLdActiveContext>;
    getInitialContext(options: object): JsonLdActiveContext;
  };
  export default api;
}

declare module 'jsonld/lib/ContextResolver.js' {
  export default class ContextResolver {
    constructor(args: {
      sharedCache: { get(key: string): unknown; set(key: string, value: unknown): unknown };
    });
  }
}
