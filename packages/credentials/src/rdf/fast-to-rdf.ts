import { canonicalize } from '@tessera/core';
import type { ActiveContext, ContextCompiler } from './context-compiler.js';
import { toPointer } from './json-pointer.js';
import {
  type BlankNode,
  DEFAULT_GRAPH,
  type GraphName,
  isAbsoluteIri,
  type Literal,
  type NamedNode,
  type Quad,
  quadKey,
  RDF_FIRST,
  RDF_JSON,
  RDF_NIL,
  RDF_REST,
  RDF_TYPE,
  type RdfObject,
  type Subject,
  XSD_BOOLEAN,
  XSD_DOUBLE,
  XSD_INTEGER,
  XSD_STRING,
} from './quads.js';

/** The fast path declines this input; jsonld.js decides instead. */
export class Unsupported extends Error {}

/** What jsonld.js safe mode would reject, with the JSON pointer of the culprit. */
export class SafeModeViolation extends Error {
  constructor(
    readonly reason: string,
    readonly pointer: string,
  ) {
    super(`JSON-LD safe mode: ${reason} at ${pointer}`);
  }
}

const KEYWORDS = new Set(
  '@base @container @context @default @direction @embed @explicit @graph @id @included @index @json @language @list @nest @none @omitDefault @prefix @preserve @protected @requireAll @reverse @set @type @value @version @vocab'.split(
    ' ',
  ),
);
const KEYWORD_LIKE = /^@[a-zA-Z]+$/;
const NO_CONTAINER: readonly string[] = [];
const named = (value: string): NamedNode => ({ termType: 'NamedNode', value });
const RDF_TYPE_NODE = named(RDF_TYPE);
const RDF_FIRST_NODE = named(RDF_FIRST);
const RDF_REST_NODE = named(RDF_REST);
const RDF_NIL_NODE = named(RDF_NIL);

/** jsonld.js `_expandIri` (lib/context.js) outside context processing, step for step. */
export function expandIri(ctx: ActiveContext, value: string, vocab: boolean, base: boolean): string | null {
  if (KEYWORDS.has(value)) return value;
  if (value.charCodeAt(0) === 64 && KEYWORD_LIKE.test(value)) return null;
  if (vocab) {
    const mapping = ctx.mappings.get(value);
    if (mapping === null) return null;
    if (mapping !== undefined && '@id' in mapping) return mapping['@id'];
  }
  const colon = value.indexOf(':');
  if (colon > 0) {
    const prefix = value.slice(0, colon);
    const suffix = value.slice(colon + 1);
    if (prefix === '_' || suffix.startsWith('//')) return value;
    const mapping = ctx.mappings.get(prefix);
    if (mapping?._prefix) return mapping['@id'] + suffix;
    if (isAbsoluteIri(value)) return value;
  }
  if (vocab && '@vocab' in ctx) return ctx['@vocab'] + value;
  // With a context @base a relative IRI could become absolute: not worth replicating here.
  if (base && '@base' in ctx) throw new Unsupported('@base');
  return value;
}

const expandKeyUncached = (ctx: ActiveContext, key: string) => expandIri(ctx, key, true, false);

/** jsonld.js toRdf literal conversion (lib/toRdf.js `_objectToRDF`), verbatim in effect. */
function literal(value: string | number | boolean, datatype: string | null): Literal {
  let lexical: string;
  let dt: string;
  if (typeof value === 'boolean') {
    lexical = String(value);
    dt = datatype ?? XSD_BOOLEAN;
  } else if (
    (typeof value === 'number' && (String(value).includes('.') || Math.abs(value) >= 1e21)) ||
    datatype === XSD_DOUBLE
  ) {
    const n = typeof value === 'number' ? value : Number.parseFloat(value);
    lexical = n.toExponential(15).replace(/(\d)0*e\+?/, '$1E');
    dt = datatype ?? XSD_DOUBLE;
  } else if (typeof value === 'number') {
    lexical = value.toFixed(0);
    dt = datatype ?? XSD_INTEGER;
  } else {
    lexical = value;
    dt = datatype ?? XSD_STRING;
  }
  return { termType: 'Literal', value: lexical, datatype: named(dt) };
}

type Json = Record<string, unknown>;
const isPlainObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * One pass over a compacted JSON-LD document that emits the quads jsonld.js `toRDF` would, for the
 * subset of JSON-LD that credentials use: bundled contexts at the top, node objects, @id/@type
 * (aliased), property- and type-scoped contexts, @vocab, coercion to @id/@vocab/datatypes/@json,
 * @set, @graph and @list containers. Anything else throws Unsupported. It mirrors jsonld.js
 * expansion (lib/expand.js `expand`/`_expandObject`/`_expandValue`) without building the expanded
 * form, the node map or blank node relabelling: labels are irrelevant after canonicalization.
 */
export class FastWalker {
  private readonly quads: Quad[] = [];
  private readonly seen = new Set<string>();
  private readonly docBlanks = new Map<string, BlankNode>();
  private blanks = 0;
  private readonly path: (string | number)[] = [];

  constructor(private readonly compiler: ContextCompiler) {}

  run(document: Json): Quad[] {
    if (!('@context' in document)) throw new Unsupported('no @context');
    this.node(undefined, null, document, DEFAULT_GRAPH, true);
    return this.quads;
  }

  private violation(reason: string, ...tail: (string | number)[]): never {
    throw new SafeModeViolation(reason, toPointer([...this.path, ...tail]));
  }

  private emit(subject: Subject, predicate: NamedNode, object: RdfObject, graph: GraphName): void {
    const quad: Quad = { subject, predicate, object, graph };
    const key = quadKey(quad);
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.quads.push(quad);
  }

  private fresh(): BlankNode {
    return { termType: 'BlankNode', value: `b${this.blanks++}` };
  }

  /** An absolute IRI or `_:label` as a term; document labels get their own namespace. */
  private term(iri: string): NamedNode | BlankNode {
    if (!iri.startsWith('_:')) return named(iri);
    let b = this.docBlanks.get(iri);
    if (!b) {
      b = { termType: 'BlankNode', value: `d${this.docBlanks.size}` };
      this.docBlanks.set(iri, b);
    }
    return b;
  }

  private key(ctx: ActiveContext, key: string): string | null {
    return this.compiler.expandKey(ctx, key, expandKeyUncached);
  }

  /**
   * A node object. `parentCtx` is undefined only at the top. `dropCheck` marks the places where
   * jsonld.js drops (and safe mode rejects) empty and @id-only objects: the top and @graph values.
   */
  private node(
    parentCtx: ActiveContext | undefined,
    property: string | null,
    element: Json,
    graph: GraphName,
    dropCheck: boolean,
  ): Subject {
    const keys = Object.keys(element);
    let ctx: ActiveContext;
    if (parentCtx === undefined) {
      const top = this.compiler.embedded(undefined, element['@context']);
      if (!top) throw new Unsupported('inline context');
      ctx = top;
    } else {
      ctx = parentCtx;
      const propertyScoped = property === null ? undefined : ctx.mappings.get(property)?.['@context'];
      // A type-scoped context does not propagate into nested node objects, except into node
      // references ({id} only), which jsonld.js expands in the type-scoped context.
      if (ctx.previousContext) {
        let revert = true;
        if (keys.length <= 2 && !('@context' in element)) {
          for (const k of keys) {
            const e = this.key(ctx, k);
            if (e === '@value') throw new Unsupported('value object');
            if (e === '@id' && keys.length === 1) revert = false;
          }
        }
        if (revert) ctx = ctx.previousContext;
      }
      if (propertyScoped !== undefined) ctx = this.compiler.scoped(ctx, propertyScoped, 'property');
      if ('@context' in element) {
        const embedded = this.compiler.embedded(ctx, element['@context']);
        if (!embedded) throw new Unsupported('inline context');
        ctx = embedded;
      }
    }

    // Classify keys; apply type-scoped contexts in lexicographic order of the type terms.
    const typeScoped = ctx;
    let idKey: string | undefined;
    let typeKey: string | undefined;
    let types: readonly string[] = NO_CONTAINER;
    for (const k of keys) {
      const e = this.key(typeScoped, k);
      if (e === '@id') {
        if (idKey !== undefined) throw new Unsupported('two @id keys');
        idKey = k;
      } else if (e === '@type') {
        if (typeKey !== undefined) throw new Unsupported('two @type keys');
        typeKey = k;
        const v = element[k];
        types = typeof v === 'string' ? [v] : (v as string[]);
        if (!Array.isArray(types) || types.length === 0 || !types.every((t) => typeof t === 'string')) {
          throw new Unsupported('@type value');
        }
        const sorted = types.length > 1 ? [...types].sort() : types;
        for (const t of sorted) {
          const scoped = typeScoped.mappings.get(t)?.['@context'];
          if (scoped !== undefined) ctx = this.compiler.scoped(ctx, scoped, 'type');
        }
      }
    }

    let subject: Subject;
    if (idKey !== undefined) {
      const v = element[idKey];
      if (typeof v !== 'string') throw new Unsupported('@id value');
      const iri = expandIri(ctx, v, false, true);
      if (iri === null) throw new Unsupported('keyword-like @id');
      if (!isAbsoluteIri(iri)) this.violation('relative @id reference', idKey);
      subject = this.term(iri);
    } else {
      subject = this.fresh();
    }
    let count = idKey === undefined ? 0 : 1;
    if (typeKey !== undefined) {
      count++;
      for (let i = 0; i < types.length; i++) {
        const iri = expandIri(typeScoped, types[i]!, true, true);
        if (iri === null || KEYWORDS.has(iri)) throw new Unsupported('keyword @type');
        if (!isAbsoluteIri(iri)) this.violation('relative @type reference', typeKey, i);
        this.emit(subject, RDF_TYPE_NODE, this.term(iri), graph);
      }
    }

    for (const k of keys) {
      if (k === idKey || k === typeKey || k === '@context') continue;
      const e = this.key(ctx, k);
      if (e === null || !(isAbsoluteIri(e) || KEYWORDS.has(e))) {
        this.violation('invalid property (the term is not defined by the contexts)', k);
      }
      if (KEYWORDS.has(e) || e.startsWith('_:')) throw new Unsupported(`key ${k}`);
      const value = element[k];
      if (value === null || value === undefined) continue;
      this.path.push(k);
      if (this.property(ctx, k, e, value, subject, graph)) count++;
      this.path.pop();
    }

    if (dropCheck && (count === 0 || (count === 1 && idKey !== undefined))) {
      this.violation(count === 0 ? 'empty object' : 'object with only @id');
    }
    return subject;
  }

  /** One property's values; returns whether jsonld.js would keep the property (for drop checks). */
  private property(
    ctx: ActiveContext,
    key: string,
    iri: string,
    value: unknown,
    subject: Subject,
    graph: GraphName,
  ): boolean {
    const def = ctx.mappings.get(key) ?? undefined;
    if (def?.reverse) throw new Unsupported('reverse property');
    const container = def?.['@container'] ?? NO_CONTAINER;
    let isList = false;
    let isGraph = false;
    for (const c of container) {
      if (c === '@list') isList = true;
      else if (c === '@graph') isGraph = true;
      else if (c !== '@set') throw new Unsupported(`container ${c}`);
    }
    if (isList && isGraph) throw new Unsupported('list of graphs');
    const predicate = named(iri);
    if (def?.['@type'] === '@json') {
      if (container.length > 0) throw new Unsupported('@json in container');
      let text: string;
      try {
        text = canonicalize(value);
      } catch {
        throw new Unsupported('@json value JCS cannot encode');
      }
      this.emit(subject, predicate, { termType: 'Literal', value: text, datatype: named(RDF_JSON) }, graph);
      return true;
    }
    const termCtx =
      def?.['@context'] === undefined ? ctx : this.compiler.scoped(ctx, def['@context'], 'property');
    const items = Array.isArray(value) ? value : [value];

    if (isList) {
      const members: RdfObject[] = [];
      for (let i = 0; i < items.length; i++) {
        const item = items[i];
        if (item === null) continue;
        if (Array.isArray(item)) throw new Unsupported('list of lists');
        this.path.push(i);
        members.push(this.value(termCtx, key, item, graph));
        this.path.pop();
      }
      let head: RdfObject = RDF_NIL_NODE;
      for (let i = members.length - 1; i >= 0; i--) {
        const cell = this.fresh();
        this.emit(cell, RDF_FIRST_NODE, members[i]!, graph);
        this.emit(cell, RDF_REST_NODE, head, graph);
        head = cell;
      }
      this.emit(subject, predicate, head, graph);
      return true;
    }

    let kept = Array.isArray(value) && !isGraph;
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (item === null) continue;
      if (Array.isArray(item)) throw new Unsupported('nested array');
      if (Array.isArray(value)) this.path.push(i);
      if (isGraph) {
        if (!isPlainObject(item)) throw new Unsupported('scalar in @graph container');
        const name = this.fresh();
        this.node(termCtx, key, item, name, true);
        this.emit(subject, predicate, name, graph);
      } else {
        this.emit(subject, predicate, this.value(termCtx, key, item, graph), graph);
      }
      if (Array.isArray(value)) this.path.pop();
      kept = true;
    }
    return kept;
  }

  /** jsonld.js `_expandValue` + `_objectToRDF` for one non-null, non-array value. */
  private value(termCtx: ActiveContext, key: string, item: unknown, graph: GraphName): RdfObject {
    if (isPlainObject(item)) return this.node(termCtx, key, item, graph, false);
    if (typeof item !== 'string' && typeof item !== 'number' && typeof item !== 'boolean') {
      throw new Unsupported('non-JSON value');
    }
    const def = termCtx.mappings.get(key) ?? undefined;
    const type = def?.['@type'];
    if ((type === '@id' || type === '@vocab') && typeof item === 'string') {
      const iri = expandIri(termCtx, item, type === '@vocab', true);
      if (iri === null) throw new Unsupported('keyword-like IRI value');
      if (!isAbsoluteIri(iri)) this.violation('relative object reference');
      return this.term(iri);
    }
    if (type === '@json') throw new Unsupported('@json via scoped context');
    const datatype =
      type !== undefined && type !== '@id' && type !== '@vocab' && type !== '@none' ? type : null;
    if (datatype === null && typeof item === 'string') {
      // Language-tagged and directional strings are left to jsonld.js.
      const language = def && '@language' in def ? def['@language'] : termCtx['@language'];
      const direction = def && '@direction' in def ? def['@direction'] : termCtx['@direction'];
      if ((language !== undefined && language !== null) || (direction !== undefined && direction !== null)) {
        throw new Unsupported('language or direction');
      }
    }
    return literal(item, datatype);
  }
}
