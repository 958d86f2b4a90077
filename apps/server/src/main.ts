import { bundledContextRegistry, verifyContextPins } from '@tessera/credentials';
import { createNodeCrypto } from '@tessera/crypto-node';
import { openStore } from '@tessera/store';
import { composeDeps } from './compose.js';
import { ConfigError, loadConfig, type ServerConfig } from './config.js';
import { createLogger } from './logger.js';
import { demoCurl, ensureDemo } from './seed.js';
import { startServer, storeOptions } from './server.js';

/**
 * `npm start`: reads the config (bad config → one line, exit 2), creates the data directory,
 * opens and migrates the store, seeds the demo tenant when the store is empty, listens, and
 * prints the URL, the demo API key and a curl line that issues a credential.
 */
let config: ServerConfig;
try {
  config = loadConfig();
} catch (e) {
  process.stderr.write(
    `tessera-server: ${e instanceof ConfigError ? 'configuration' : 'error'}: ${(e as Error).message}\n`,
  );
  process.exit(2);
}

const logger = createLogger({ level: config.logLevel });
// A bundled JSON-LD context that no longer matches its pinned hash (a dependency changed it) must
// stop the service before it verifies or signs anything with it.
try {
  await verifyContextPins(bundledContextRegistry(), createNodeCrypto());
} catch (e) {
  process.stderr.write(`tessera-server: ${(e as Error).message}\n`);
  process.exit(2);
}
const store = await openStore(config.databaseUrl, storeOptions(config));
// Seeding needs only the use-case deps: no verify workers for it.
const demo = await ensureDemo(
  composeDeps({ store, logger, config: { ...config, verifyWorkers: 0 } }).app,
  config.dataDir,
);
const server = await startServer(config, { logger, store });
logger.info(
  { url: config.publicUrl, port: server.port, database: store.dialect, dataDir: config.dataDir },
  'listening',
);

// Signal handlers go in before anything is printed: a supervisor may stop us as soon as it sees the URL.
const shutdown = (signal: string) => {
  logger.info({ signal }, 'shutting down: finishing in-flight requests');
  const force = setTimeout(() => process.exit(1), 10_000);
  force.unref();
  server.close().then(
    () => process.exit(0),
    (e) => {
      logger.error({ err: e }, 'shutdown failed');
      process.exit(1);
    },
  );
};
process.once('SIGINT', () => shutdown('SIGINT'));
process.once('SIGTERM', () => shutdown('SIGTERM'));

const lines = [`\nTessera is running at ${config.publicUrl}  (API reference: ${config.publicUrl}/docs)`];
if (demo) {
  lines.push(
    `Demo tenant "${demo.tenant.name}" (${demo.tenant.did})${demo.seeded ? ' was created' : ''}`,
    `Demo API key (also in ${config.dataDir}/demo-api-key): ${demo.apiKey}`,
    'Issue a credential:',
    `  ${demoCurl(config.publicUrl, demo.apiKey, demo.achievementId)}`,
  );
}
if (config.adminToken && config.dev)
  lines.push(`Operator token for POST /admin/tenants: ${config.dataDir}/admin-token`);
process.stdout.write(`${lines.join('\n')}\n\n`);
