export {
  canonicalizeRdfc,
  type RdfOptions,
  type RdfPath,
  toRdfQuads,
  toRdfQuadsWithPath,
} from './canonicalize.js';
export type {
  BlankNode,
  DefaultGraph,
  GraphName,
  Literal,
  NamedNode,
  Quad,
  RdfObject,
  Subject,
} from './quads.js';
export { canonicalizeDataset, canonicalizeNQuads, RDFC_MAX_WORK_FACTOR, type RdfcOptions } from './rdfc.js';
