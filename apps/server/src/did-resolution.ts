import { type AppDeps, didDocument, parseListName } from '@tessera/app';
import { TesseraError, utf8Encode } from '@tessera/core';
import {
  createGuardedFetcher,
  createKeyResolver,
  type Fetcher,
  type KeyResolver,
  urlToDidWeb,
} from '@tessera/credentials';

/** The DID document of a tenant, as served at `/tenants/<slug>/did.json`, or undefined. */
export async function tenantDidDocument(
  deps: AppDeps,
  slug: string,
): Promise<Record<string, unknown> | undefined> {
  const tenant = await deps.store.tenants.bySlug(slug);
  if (tenant?.didMethod !== 'web') return undefined;
  return didDocument(tenant, await deps.store.keys.list(tenant.id));
}

export interface LocalDids {
  readonly resolver: KeyResolver;
  /** Forgets a tenant's cached document (after a key rotation). */
  invalidate(slug: string): void;
  /** This server's own tenants' DID documents (what the resolver uses for them); for verify workers. */
  readonly fetchLocal: Fetcher;
  /** Everything else: the guarded (or injected) fetcher; for verify workers. */
  readonly fetchRemote: Fetcher;
}

const DID_PATH = /^\/tenants\/([a-z0-9-]{1,63})\/did\.json$/;
const STATUS_PATH = /^\/status\/([a-z0-9-]{1,63})\/([a-z0-9-]{1,40})$/;

/** A tenant's status list credential as served at `/status/<slug>/<purpose>-<seq>`, or undefined. */
export async function tenantStatusList(deps: AppDeps, slug: string, name: string) {
  const parsed = parseListName(name);
  const tenant = parsed && (await deps.store.tenants.bySlug(slug));
  return tenant && parsed ? deps.store.statusLists.bySeq(tenant.id, parsed.purpose, parsed.seq) : undefined;
}

/**
 * The server's own tenants' did:web documents are answered from the store, without a network
 * round trip to itself (which would fail behind NAT, in tests, and costs a request per verify).
 * Other DIDs go through the guarded fetcher. Local documents are cached briefly and invalidated
 * on rotation, so a new key verifies at once; the remote resolver keeps its longer cache.
 */
export function createServerResolver(
  deps: AppDeps,
  options: { remote?: Fetcher; localTtlMs?: number } = {},
): LocalDids {
  const own = new URL(deps.publicUrl).host;
  const ttl = options.localTtlMs ?? 2000;
  const cache = new Map<string, { expires: number; body: Promise<Uint8Array> }>();

  const localFetcher: Fetcher = async (url) => {
    const parsed = new URL(url);
    const list = parsed.host === own ? STATUS_PATH.exec(parsed.pathname) : null;
    if (list) {
      // Not cached here: the status checker caches for the list's ttl, and the server drops
      // its verifiers' caches whenever one of its lists changes.
      const record = await tenantStatusList(deps, list[1]!, list[2]!);
      if (!record) throw new TesseraError('FETCH_FAILED', `no status list ${parsed.pathname} on this server`);
      return { url, contentType: 'application/vc', body: utf8Encode(record.document) };
    }
    const slug = parsed.host === own ? DID_PATH.exec(parsed.pathname)?.[1] : undefined;
    if (!slug) throw new TesseraError('DID_RESOLUTION_FAILED', `${url} is not a DID document of this server`);
    let entry = cache.get(slug);
    if (!entry || entry.expires <= Date.now()) {
      const body = tenantDidDocument(deps, slug).then((doc) => {
        if (!doc) throw new TesseraError('DID_RESOLUTION_FAILED', `no tenant ${slug} on this server`);
        return utf8Encode(JSON.stringify(doc));
      });
      entry = { expires: Date.now() + ttl, body };
      if (cache.size > 10_000) cache.clear();
      cache.set(slug, entry);
      body.catch(() => cache.delete(slug));
    }
    return { url, contentType: 'application/did+json', body: await entry.body };
  };

  const remoteFetcher = options.remote ?? createGuardedFetcher();
  return {
    resolver: routedResolver(deps.publicUrl, localFetcher, remoteFetcher),
    invalidate: (slug) => void cache.delete(slug),
    fetchLocal: localFetcher,
    fetchRemote: remoteFetcher,
  };
}

/**
 * Methods under this server's tenants' did:web prefix go to `local`, all others to `remote`. The
 * server's resolver and each verify worker's are built by this one function, so they agree.
 */
export function routedResolver(publicUrl: string, local: Fetcher, remote: Fetcher): KeyResolver {
  const ownPrefix = `${urlToDidWeb(publicUrl, ['tenants'])}:`;
  // The local resolver must not cache beyond the fetcher's own (invalidatable) cache.
  const localResolver = createKeyResolver({ fetcher: local, cacheTtlMs: 0 });
  const remoteResolver = createKeyResolver({ fetcher: remote });
  return {
    resolve: (method) =>
      method.startsWith(ownPrefix) ? localResolver.resolve(method) : remoteResolver.resolve(method),
  };
}

/** Status lists (and anything else) under this server's public URL go to `local`, the rest to `remote`. */
export function routedFetcher(publicUrl: string, local: Fetcher, remote: Fetcher): Fetcher {
  const own = new URL(publicUrl).host;
  return (url, init) => {
    let host: string;
    try {
      host = new URL(url).host;
    } catch {
      return remote(url, init);
    }
    return host === own ? local(url, init) : remote(url, init);
  };
}
