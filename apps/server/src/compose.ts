import { type AppDeps, inProcessSigner, type LogIdentity, type Store } from '@tessera/app';
import { createGuardedFetcher, createVerifier, type Fetcher, type Verifier } from '@tessera/credentials';
import { createNodeCrypto, sha256Sync } from '@tessera/crypto-node';
import type { Logger } from 'pino';
import type { ServerConfig } from './config.js';
import { createServerResolver, routedFetcher } from './did-resolution.js';
import { createLogService } from './log-service.js';
import { createMetrics } from './metrics.js';
import { createRateLimiter } from './rate-limit.js';
import type { ServerDeps } from './routes/route.js';
import { inProcessVerification, type Verification } from './verification.js';
import { createVerifyPool } from './verify-pool.js';

export interface ComposeOptions {
  readonly store: Store;
  readonly logger: Logger;
  readonly config: Pick<
    ServerConfig,
    'publicUrl' | 'masterKey' | 'adminToken' | 'bodyLimitBytes' | 'rateLimitPerMinute'
  > &
    /** Development mode lets the guarded fetcher use plain http to loopback hosts. */
    Partial<Pick<ServerConfig, 'dev'>> &
    /** Without `verifyWorkers` (tests, seeding) verification runs in-process. */
    Partial<Pick<ServerConfig, 'verifyWorkers' | 'verifyQueue'>>;
  /** The log's key (startServer loads it first): receipts verify against its verifier key. */
  readonly logIdentity?: LogIdentity;
  /** The transport for other issuers' DID documents (default: the guarded fetcher). */
  readonly remoteFetcher?: Fetcher;
  readonly now?: () => Date;
}

/**
 * The composition root's wiring, shared by `startServer` and tests: node:crypto, the store, the
 * use-case deps, and a verifier whose resolver answers this server's own did:web documents from
 * the store and everything else through the guarded fetcher. With `verifyWorkers` > 0 the VC-API
 * verifies in a worker pool (closed by `startServer`'s close); its workers resolve the same way.
 */
export function composeDeps(options: ComposeOptions): ServerDeps {
  const crypto = createNodeCrypto();
  const now = options.now ?? (() => new Date());
  // Every write that appends to the log wakes the checkpoint signer (built right after).
  let logAppended = () => {};
  let signer: Verification['signCredential'];
  const ownSigner = inProcessSigner(crypto);
  const app: AppDeps = {
    store: options.store,
    crypto,
    sha256Sync,
    masterKey: options.config.masterKey,
    publicUrl: options.config.publicUrl,
    now,
    onLogAppend: () => logAppended(),
    // The verify pool's signer once it exists (below), else this thread's.
    signCredential: (key, credential, format, at) => (signer ?? ownSigner)(key, credential, format, at),
  };
  const logVerifierKey = options.logIdentity?.verifierKey;
  const log = createLogService(app, options.logger, { identity: options.logIdentity });
  logAppended = () => log.poke();
  const remote =
    options.remoteFetcher ?? createGuardedFetcher({ allowLoopbackHttp: options.config.dev === true });
  const dids = createServerResolver(app, { remote });
  // Own DIDs and status lists come from the store; only other issuers' go over the network.
  const statusFetcher = routedFetcher(app.publicUrl, dids.fetchLocal, dids.fetchRemote);
  const makeVerifier = () =>
    createVerifier({
      crypto,
      resolver: dids.resolver,
      now,
      status: { fetcher: statusFetcher },
      ...(logVerifierKey ? { log: { keys: [logVerifierKey] } } : {}),
    });
  // Replaced (with its status-list cache) whenever one of this server's lists changes.
  let current = makeVerifier();
  const verifier: Verifier = {
    verifyCredential: (...args) => current.verifyCredential(...args),
    verifyPresentation: (...args) => current.verifyPresentation(...args),
  };
  const workers = options.config.verifyWorkers ?? 0;
  const verification: Verification =
    workers > 0
      ? createVerifyPool({
          size: workers,
          maxQueue: options.config.verifyQueue ?? 256,
          publicUrl: app.publicUrl,
          logVerifierKey,
          bodyLimitBytes: options.config.bodyLimitBytes,
          fetchLocal: dids.fetchLocal,
          fetchRemote: dids.fetchRemote,
          now,
          logger: options.logger,
        })
      : inProcessVerification(verifier, options.config.bodyLimitBytes);
  // With workers, issuance signs there too: the event loop keeps only the durable write.
  if (verification.signCredential) signer = verification.signCredential;
  return {
    app,
    verifier,
    verification,
    dids: {
      ...dids,
      // After a rotation or a status change, the verifiers' cached documents and lists go too.
      invalidate(slug) {
        dids.invalidate(slug);
        current = makeVerifier();
        verification.invalidate();
      },
    },
    log,
    logger: options.logger,
    metrics: createMetrics(),
    rateLimiter: createRateLimiter(options.config.rateLimitPerMinute),
    bodyLimitBytes: options.config.bodyLimitBytes,
    adminToken: options.config.adminToken,
  };
}
