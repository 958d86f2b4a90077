export { toStoreError } from './errors.js';
export {
  createMigrationProvider,
  DEFAULT_APP_ROLE,
  type MigrateOptions,
  migrateToLatest,
} from './migrate.js';
export {
  migrateDatabase,
  type OpenStoreOptions,
  openStore,
  parseStoreUrl,
  type StoreLocation,
} from './open-store.js';
export { openPostgresStore, type PostgresStoreOptions } from './postgres-store.js';
export type { Database, StoreDialect } from './schema.js';
export {
  openSqliteStore,
  type SqliteSettings,
  type SqliteStore,
  type SqliteStoreOptions,
} from './sqlite-store.js';
