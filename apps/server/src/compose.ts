import type { AppDeps, Store } from '@tessera/app';
import { createGuardedFetcher, createVerifier, type Fetcher } from '@tessera/credentials';
import { createNodeCrypto } from '@tessera/crypto-node';
import type { Logger } from 'pino';
import type { ServerConfig } from './config.js';
import { createServerResolver } from './did-resolution.js';
import { createMetrics } from './metrics.js';
import { createRateLimiter } from './rate-limit.js';
import type { ServerDeps } from './routes/route.js';

export interface ComposeOptions {
  readonly store: Store;
  readonly logger: Logger;
  readonly config: Pick<
    ServerConfig,
    'publicUrl' | 'masterKey' | 'adminToken' | 'bodyLimitBytes' | 'rateLimitPerMinute'
  >;
  /** The transport for other issuers' DID documents (default: the guarded fetcher). */
  readonly remoteFetcher?: Fetcher;
  readonly now?: () => Date;
}

/**
 * The composition root's wiring, shared by `startServer` and tests: node:crypto, the store, the
 * use-case deps, and a verifier whose resolver answers this server's own did:web documents from
 * the store and everything else through the guarded fetcher.
 */
export function composeDeps(options: ComposeOptions): ServerDeps {
  const crypto = createNodeCrypto();
  const now = options.now ?? (() => new Date());
  const app: AppDeps = {
    store: options.store,
    crypto,
    masterKey: options.config.masterKey,
    publicUrl: options.config.publicUrl,
    now,
  };
  const dids = createServerResolver(app, { remote: options.remoteFetcher ?? createGuardedFetcher() });
  return {
    app,
    verifier: createVerifier({ crypto, resolver: dids.resolver, now }),
    dids,
    logger: options.logger,
    metrics: createMetrics(),
    rateLimiter: createRateLimiter(options.config.rateLimitPerMinute),
    bodyLimitBytes: options.config.bodyLimitBytes,
    adminToken: options.config.adminToken,
  };
}
