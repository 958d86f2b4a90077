import { isRecord, parseJson, TesseraError, utf8Decode } from '@tessera/core';
import { resolveDidKey } from './did-key.js';
import { didWebToUrl } from './did-web.js';
import type { Fetcher } from './fetcher.js';
import type { TrustStore } from './trust-store.js';
import {
  findInControllerDocument,
  type KeyResolver,
  type ResolvedMethod,
  splitMethodId,
} from './verification-method.js';

export interface ResolverOptions {
  /** Pinned keys, consulted first. */
  trustStore?: TrustStore;
  /** The guarded fetcher for did:web and https methods; absent means offline. */
  fetcher?: Fetcher;
  /** How long a resolved document is cached, in milliseconds (default 5 minutes). */
  cacheTtlMs?: number;
  now?: () => number;
}

/**
 * Resolves verification methods: trust store → did:key (no I/O) → did:web / https through the
 * injected fetcher. Results are cached so a batch of credentials from one issuer costs one fetch.
 */
export function createKeyResolver(options: ResolverOptions = {}): KeyResolver {
  const now = options.now ?? Date.now;
  const ttl = options.cacheTtlMs ?? 5 * 60_000;
  const documents = new Map<string, { expires: number; value: Promise<unknown> }>();
  const didKeys = new Map<string, ResolvedMethod>();
  // Parsed bodies by identity: a fetcher with a cache of its own (the server's, for its tenants'
  // documents, with this resolver's cache off so that a rotation shows at once) hands back the
  // same bytes until it refetches, and parsing them again would cost every verification.
  const parsed = new WeakMap<Uint8Array, unknown>();
  const parse = (body: Uint8Array): unknown => {
    if (parsed.has(body)) return parsed.get(body);
    const value = parseJson(utf8Decode(body), { maxLength: 256 * 1024, maxDepth: 32 });
    parsed.set(body, value);
    return value;
  };

  const fetchDocument = (url: string): Promise<unknown> => {
    const cached = documents.get(url);
    if (cached && cached.expires > now()) return cached.value;
    const fetcher = options.fetcher;
    if (!fetcher)
      return Promise.reject(new TesseraError('OFFLINE', `offline: ${url} is neither pinned nor a did:key`));
    const value = fetcher(url, { accept: 'application/did+json, application/json' }).then((r) =>
      parse(r.body),
    );
    if (documents.size > 1000) documents.clear();
    documents.set(url, { expires: now() + ttl, value });
    value.catch(() => documents.delete(url));
    return value;
  };

  return {
    async resolve(methodId) {
      const pinned = options.trustStore?.get(methodId);
      if (pinned) return pinned;
      if (methodId.startsWith('did:key:')) {
        let method = didKeys.get(methodId);
        if (!method) {
          method = resolveDidKey(methodId);
          if (didKeys.size > 10_000) didKeys.clear();
          didKeys.set(methodId, method);
        }
        return method;
      }
      const { document } = splitMethodId(methodId);
      if (methodId.startsWith('did:web:')) {
        const doc = await fetchDocument(didWebToUrl(document));
        if (!isRecord(doc) || doc.id !== document) {
          throw new TesseraError(
            'DID_RESOLUTION_FAILED',
            `the DID document for ${document} does not have that id`,
          );
        }
        return findInControllerDocument(doc, methodId, 'did:web');
      }
      if (methodId.startsWith('did:')) {
        const method = methodId.slice(4, methodId.indexOf(':', 4));
        throw new TesseraError(
          'DID_METHOD_UNSUPPORTED',
          `did:${method} is not supported (did:key and did:web are)`,
        );
      }
      if (methodId.startsWith('https://') || methodId.startsWith('http://')) {
        const doc = await fetchDocument(document);
        // A URL may name a key document itself, or a controller document (issuer profile) listing it.
        if (isRecord(doc) && doc.id === methodId && typeof doc.controller === 'string') {
          const controllerDoc = doc.controller === document ? doc : await fetchDocument(doc.controller);
          return findInControllerDocument(controllerDoc, methodId, 'https');
        }
        return findInControllerDocument(doc, methodId, 'https');
      }
      throw new TesseraError(
        'VERIFICATION_METHOD_INVALID',
        `verification method ${JSON.stringify(methodId)} is not a DID URL or https URL`,
      );
    },
  };
}
