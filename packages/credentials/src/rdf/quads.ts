/**
 * RDF/JS-shaped terms and quads: the shape jsonld.js `toRDF` returns and rdf-canonize consumes, so
 * a dataset built on the fast path is handed to the canonicalizer without N-Quads re-parsing.
 */

export interface NamedNode {
  readonly termType: 'NamedNode';
  readonly value: string;
}
export interface BlankNode {
  readonly termType: 'BlankNode';
  /** Label without the `_:` prefix. */
  readonly value: string;
}
export interface Literal {
  readonly termType: 'Literal';
  readonly value: string;
  readonly datatype: NamedNode;
  readonly language?: string;
}
export interface DefaultGraph {
  readonly termType: 'DefaultGraph';
  readonly value: '';
}
export type Subject = NamedNode | BlankNode;
export type RdfObject = NamedNode | BlankNode | Literal;
export type GraphName = NamedNode | BlankNode | DefaultGraph;

export interface Quad {
  readonly subject: Subject;
  readonly predicate: NamedNode;
  readonly object: RdfObject;
  readonly graph: GraphName;
}

export const XSD = 'http://www.w3.org/2001/XMLSchema#';
export const XSD_STRING = `${XSD}string`;
export const XSD_BOOLEAN = `${XSD}boolean`;
export const XSD_INTEGER = `${XSD}integer`;
export const XSD_DOUBLE = `${XSD}double`;
export const RDF = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#';
export const RDF_TYPE = `${RDF}type`;
export const RDF_FIRST = `${RDF}first`;
export const RDF_REST = `${RDF}rest`;
export const RDF_NIL = `${RDF}nil`;
export const RDF_JSON = `${RDF}JSON`;

export const DEFAULT_GRAPH: DefaultGraph = { termType: 'DefaultGraph', value: '' };

/** jsonld.js's test for an absolute IRI or blank node identifier (lib/url.js), verbatim. */
const ABSOLUTE_IRI = /^([A-Za-z][A-Za-z0-9+-.]*|_):[^\s]*$/;
export const isAbsoluteIri = (value: string): boolean => ABSOLUTE_IRI.test(value);

/** A stable string for a quad, used to drop duplicates (an RDF dataset is a set). */
export function quadKey(q: Quad): string {
  const o = q.object;
  const obj =
    o.termType === 'Literal'
      ? `${JSON.stringify(o.value)}^^${o.datatype.value}@${o.language ?? ''}`
      : `${o.termType === 'BlankNode' ? '_:' : '<'}${o.value}`;
  const s = q.subject.termType === 'BlankNode' ? `_:${q.subject.value}` : `<${q.subject.value}`;
  const g = q.graph.termType === 'BlankNode' ? `_:${q.graph.value}` : `<${q.graph.value}`;
  return `${s} ${q.predicate.value} ${obj} ${g}`;
}
