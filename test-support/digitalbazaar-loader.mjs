/**
 * A document loader for @digitalbazaar/* peers (interop tests and benchmarks): bundled contexts
 * and did:key documents only, so the peer never touches the network either.
 */
export function createPeerDocumentLoader({ registry, didKeyDocument }) {
  return async (url) => {
    const context = registry.get(url);
    if (context !== undefined) return { contextUrl: null, documentUrl: url, document: context };
    if (url.startsWith('did:key:')) {
      const [did, fragment] = url.split('#');
      const doc = didKeyDocument(did);
      const document = fragment
        ? { '@context': 'https://w3id.org/security/multikey/v1', ...doc.verificationMethod[0] }
        : doc;
      return { contextUrl: null, documentUrl: url, document };
    }
    throw new Error(`peer document loader refuses ${url}`);
  };
}
