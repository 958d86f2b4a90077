// Test-only: the reference pipeline (jsonld.js canonize in safe mode over the bundled registry),
// exactly what @digitalbazaar/vc and the Data Integrity suites run.
import jsonld from 'jsonld';
import { bundledContextRegistry, type ContextRegistry } from '../contexts/index.js';

export async function referenceCanonicalize(
  document: object,
  registry: ContextRegistry = bundledContextRegistry(),
): Promise<string> {
  const documentLoader = async (url: string) => {
    const document = registry.get(url);
    if (document === undefined) throw new Error(`unknown context ${url}`);
    return { contextUrl: null, documentUrl: url, document };
  };
  const api = jsonld as unknown as { canonize(input: object, options: object): Promise<string> };
  return api.canonize(document, { algorithm: 'RDFC-1.0', safe: true, documentLoader });
}
