import { TesseraError } from '@tessera/core';
import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import { toStoreError } from './errors.js';
import { initialMigration } from './migrations/0001-initial.js';
import { statusAndLogMigration } from './migrations/0002-status-and-log.js';
import { issuanceInCredentialRowMigration } from './migrations/0003-issuance-in-credential-row.js';
import { repeatableLogLeavesMigration } from './migrations/0004-log-leaves-repeatable.js';
import type { StoreDialect } from './schema.js';

/** The PostgreSQL role application queries run as (NOLOGIN, not the owner, subject to RLS). */
export const DEFAULT_APP_ROLE = 'tessera_app';

export interface MigrateOptions {
  readonly dialect: StoreDialect;
  /** PostgreSQL: the non-owner role to create and grant (default `tessera_app`). */
  readonly appRole?: string;
  /** PostgreSQL: the schema holding the tables and Kysely's migration bookkeeping. */
  readonly schema?: string;
}

/**
 * The one ordered list of migrations. Static (no directory scan) so it survives bundling and
 * runs the same from `src` and `dist`. Names sort in application order; never rename one.
 */
export function createMigrationProvider(
  dialect: StoreDialect,
  appRole = DEFAULT_APP_ROLE,
): MigrationProvider {
  assertIdentifier(appRole, 'role');
  const migrations: Record<string, Migration> = {
    '0001-initial': initialMigration(dialect, appRole),
    '0002-status-and-log': statusAndLogMigration(dialect, appRole),
    '0003-issuance-in-credential-row': issuanceInCredentialRowMigration(dialect),
    '0004-log-leaves-repeatable': repeatableLogLeavesMigration(dialect),
  };
  return { getMigrations: async () => migrations };
}

export function assertIdentifier(name: string, what: string): void {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) {
    throw new TesseraError(
      'INPUT_INVALID',
      `the ${what} name ${JSON.stringify(name)} is not a plain lower-case identifier`,
    );
  }
}

/**
 * Applies every pending migration (on PostgreSQL in one transaction under Kysely's advisory
 * lock, so concurrent starters do not race). Returns the names it applied, oldest first.
 */
export async function migrateToLatest(
  // biome-ignore lint/suspicious/noExplicitAny: the migrator works below the typed schema
  db: Kysely<any>,
  options: MigrateOptions,
): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: createMigrationProvider(options.dialect, options.appRole),
    ...(options.schema === undefined ? {} : { migrationTableSchema: options.schema }),
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    // A refused connection stays UNAVAILABLE (retry later); anything else is INTERNAL.
    throw toStoreError(error, `migration ${failed}`);
  }
  return results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
