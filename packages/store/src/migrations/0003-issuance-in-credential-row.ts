import { type Kysely, type Migration, sql } from 'kysely';
import type { StoreDialect } from '../schema.js';

/**
 * An issuance writes one credential row instead of three: the row itself carries its status
 * entries (which list, which index) and its log leaf hash with the commitment's salt, which
 * migration 0002 kept in `status_allocations` and `issuance_log`. Each extra row was a statement
 * on every issuance (about a tenth of its cost); the values are written once, with the
 * credential, and never change, so they belong to the insert-only row.
 *
 * Existing rows are filled from the two tables, which are then dropped (on PostgreSQL with their
 * policies). The migration runs as the owner: the application role still may not update a
 * credential.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the evolving Database type
type AnyDb = Kysely<any>;

export function issuanceInCredentialRowMigration(dialect: StoreDialect): Migration {
  const bytes = dialect === 'postgres' ? 'bytea' : 'blob';
  return {
    async up(db: AnyDb) {
      // JSON `[{"list": <status list id>, "index": n}, …]`; NULL for credentials older than 0002.
      await db.schema.alterTable('credentials').addColumn('status_entries', 'text').execute();
      await db.schema.alterTable('credentials').addColumn('leaf_hash', bytes).execute();
      await db.schema.alterTable('credentials').addColumn('salt', bytes).execute();

      // SQLite keeps the row insert-only with a trigger: lifted for the fill, then restored.
      if (dialect === 'sqlite') await sql`drop trigger credentials_no_update`.execute(db);
      const entries =
        dialect === 'postgres'
          ? sql`(select json_agg(json_build_object('list', a.list_id, 'index', a.idx) order by a.list_id)::text
               from status_allocations a where a.credential_id = credentials.id)`
          : sql`(select json_group_array(json_object('list', a.list_id, 'index', a.idx))
               from (select * from status_allocations order by list_id) a where a.credential_id = credentials.id)`;
      await sql`update credentials set
          status_entries = ${entries},
          leaf_hash = (select i.leaf_hash from issuance_log i where i.credential_id = credentials.id),
          salt = (select i.salt from issuance_log i where i.credential_id = credentials.id)
        where id in (select credential_id from issuance_log)`.execute(db);
      if (dialect === 'sqlite')
        await sql`create trigger credentials_no_update before update on credentials
          begin select raise(abort, 'credentials are insert-only'); end`.execute(db);

      await db.schema.dropTable('status_allocations').execute();
      await db.schema.dropTable('issuance_log').execute();
    },
  };
}
