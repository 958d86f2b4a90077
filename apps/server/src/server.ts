import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Store } from '@tessera/app';
import { type OpenStoreOptions, openStore } from '@tessera/store';
import type { Logger } from 'pino';
import { createApp } from './app.js';
import { composeDeps } from './compose.js';
import type { ServerConfig } from './config.js';
import { loadLogKey } from './log-service.js';
import { createLogger } from './logger.js';
import type { ServerDeps } from './routes/route.js';

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly deps: ServerDeps;
  readonly store: Store;
  /** Stops accepting, lets in-flight requests finish, then stops the verify workers and closes the store. */
  close(): Promise<void>;
}

export interface StartOptions {
  readonly logger?: Logger;
  /** An already-open store (the entry point seeds before listening); opened from the config otherwise. */
  readonly store?: Store;
}

/**
 * How the server opens its store: the transaction guard (an AsyncLocalStorage hooking every
 * promise of the process) only in development, where the code paths it checks are exercised.
 */
export const storeOptions = (config: ServerConfig): OpenStoreOptions => ({ guardTransactions: config.dev });

/** Opens the store (migrating it), composes the deps and listens. Port 0 picks a free port. */
export async function startServer(config: ServerConfig, options: StartOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  const store = options.store ?? (await openStore(config.databaseUrl, storeOptions(config)));
  const logIdentity = await loadLogKey(store, config);
  const deps = composeDeps({ store, logger, config, logIdentity });
  try {
    // A log whose stored history no longer extends its last checkpoint is never served.
    await deps.log.start();
  } catch (e) {
    await deps.log.close();
    await deps.verification.close();
    throw e;
  }
  const app = createApp(deps);
  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () =>
      resolve(s as Server),
    );
    s.once('error', reject);
  }).catch(async (e: unknown) => {
    await deps.verification.close();
    await deps.log.close();
    throw e;
  });
  // Idle keep-alive sockets must not hold shutdown open.
  server.keepAliveTimeout = 5000;
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    url: `http://localhost:${port}`,
    port,
    deps,
    store,
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
        await deps.verification.close();
        await deps.log.close();
        await store.close();
      })();
      return closing;
    },
  };
}
