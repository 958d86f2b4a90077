// rdf-canonize 5 ships no types; only the surface rdf/ uses is declared.
declare module 'rdf-canonize' {
  export interface RdfTerm {
    termType: 'NamedNode' | 'BlankNode' | 'Literal' | 'DefaultGraph';
    value: string;
    datatype?: { termType: 'NamedNode'; value: string };
    language?: string;
  }
  export interface RdfQuad {
    subject: RdfTerm;
    predicate: RdfTerm;
    object: RdfTerm;
    graph: RdfTerm;
  }
  export interface CanonizeOptions {
    algorithm: 'RDFC-1.0';
    inputFormat?: 'application/n-quads';
    format?: 'application/n-quads';
    canonicalIdMap?: Map<string, string>;
    maxWorkFactor?: number;
    maxDeepIterations?: number;
    signal?: AbortSignal | null;
  }
  export function canonize(input: RdfQuad[] | string, options: CanonizeOptions): Promise<string>;
  export const NQuads: {
    parse(input: string): RdfQuad[];
    serialize(dataset: RdfQuad[]): string;
    serializeQuad(quad: RdfQuad): string;
  };
  const _default: { canonize: typeof canonize; NQuads: typeof NQuads };
  export default _default;
}
