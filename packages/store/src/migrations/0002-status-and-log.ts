import { type Kysely, type Migration, sql } from 'kysely';
import type { StoreDialect } from '../schema.js';

/**
 * Bitstring Status Lists and the transparency log.
 *
 * Tenant-scoped tables (status lists, their allocations, credential status, issuance receipts)
 * get the same row-level security as the first migration's. The log tables are global and
 * public by design (no personal data: issuances are salted commitments); the application role
 * may insert leaves and nodes and move the head, never update or delete a leaf, node or checkpoint.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the evolving Database type
type AnyDb = Kysely<any>;

export const STATUS_AND_LOG_TENANT_TABLES = [
  'status_lists',
  'status_list_bodies',
  'status_allocations',
  'credential_status',
  'issuance_log',
] as const;
const INSERT_ONLY = [
  'status_allocations',
  'issuance_log',
  'log_leaves',
  'log_nodes',
  'log_checkpoints',
  'key_log',
];

export function statusAndLogMigration(dialect: StoreDialect, appRole: string): Migration {
  const bytes = dialect === 'postgres' ? 'bytea' : 'blob';
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable('status_lists')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
        .addColumn('purpose', 'text', (c) => c.notNull())
        .addColumn('seq', 'integer', (c) => c.notNull().check(sql`seq >= 1`))
        .addColumn('size', 'integer', (c) => c.notNull().check(sql`size >= 131072`))
        // Indexes are permuteIndex(index_key, n) for n = 0, 1, …: `allocated` is the next n.
        .addColumn('allocated', 'integer', (c) => c.notNull())
        .addColumn('index_key', bytes, (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('status_lists_seq', ['tenant_id', 'purpose', 'seq'])
        .execute();
      // The 40 KB body apart from the header: issuance bumps `allocated` on a row of a few bytes.
      await db.schema
        .createTable('status_list_bodies')
        .addColumn('list_id', 'text', (c) => c.primaryKey().references('status_lists.id'))
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('bits', bytes, (c) => c.notNull())
        .addColumn('document', 'text', (c) => c.notNull())
        .execute();
      // Which entries a credential holds; keyed by the (time-ordered) credential id, so an
      // issuance appends here instead of writing at a random place of a random-keyed index.
      await db.schema
        .createTable('status_allocations')
        .addColumn('credential_id', 'text', (c) => c.notNull())
        .addColumn('list_id', 'text', (c) => c.notNull().references('status_lists.id'))
        .addColumn('idx', 'integer', (c) => c.notNull())
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('status_allocations_pk', ['credential_id', 'list_id'])
        .execute();
      await db.schema
        .createTable('credential_status')
        .addColumn('credential_id', 'text', (c) => c.primaryKey().references('credentials.id'))
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      // Leaves are referred to by hash: a write queues its leaf, the sequencer gives it an index.
      await db.schema
        .createTable('issuance_log')
        .addColumn('credential_id', 'text', (c) => c.primaryKey().references('credentials.id'))
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        // No index on the hash: a random key would dirty a random page on every issuance.
        .addColumn('leaf_hash', bytes, (c) => c.notNull())
        .addColumn('salt', bytes, (c) => c.notNull())
        .execute();
      // Leaves committed with their writes and waiting for an index (the sequencer drains it).
      await db.schema
        .createTable('log_queue')
        .addColumn('seq', dialect === 'postgres' ? 'bigserial' : 'integer', (c) =>
          dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
        )
        .addColumn('leaf', bytes, (c) => c.notNull())
        // Unindexed for the same reason; log_leaves.hash is indexed once sequenced.
        .addColumn('hash', bytes, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('log_leaves')
        .addColumn('idx', 'integer', (c) => c.primaryKey())
        .addColumn('leaf', bytes, (c) => c.notNull())
        // Unique: inclusion proofs find a leaf by its hash; written in sequencer batches.
        .addColumn('hash', bytes, (c) => c.notNull().unique())
        .execute();
      await db.schema
        .createTable('log_nodes')
        .addColumn('level', 'integer', (c) => c.notNull().check(sql`level >= 1`))
        .addColumn('idx', 'integer', (c) => c.notNull())
        .addColumn('hash', bytes, (c) => c.notNull())
        .addPrimaryKeyConstraint('log_nodes_pk', ['level', 'idx'])
        .execute();
      await db.schema
        .createTable('log_state')
        .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
        .addColumn('size', 'integer', (c) => c.notNull())
        .addColumn('peaks', bytes, (c) => c.notNull())
        .execute();
      await db
        .insertInto('log_state')
        .values({ id: 1, size: 0, peaks: new Uint8Array(0) })
        .execute();
      await db.schema
        .createTable('log_checkpoints')
        .addColumn('size', 'integer', (c) => c.primaryKey())
        .addColumn('root_hash', bytes, (c) => c.notNull())
        .addColumn('note', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      // Public like the log: which leaf added or retired each issuer key (receipts cite them).
      await db.schema
        .createTable('key_log')
        .addColumn('verification_method', 'text', (c) => c.notNull())
        .addColumn('event', 'text', (c) => c.notNull())
        .addColumn('leaf_hash', bytes, (c) => c.notNull())
        .addPrimaryKeyConstraint('key_log_pk', ['verification_method', 'event'])
        .execute();
      await db.schema
        .createTable('log_keys')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('public_key', bytes, (c) => c.notNull())
        .addColumn('sealed_secret_key', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();

      if (dialect === 'postgres') await protectPostgres(db, appRole);
      else await protectSqlite(db);
    },
    async down(db: AnyDb) {
      for (const table of [
        'key_log',
        'log_keys',
        'log_checkpoints',
        'log_state',
        'log_nodes',
        'log_leaves',
        'log_queue',
        'issuance_log',
        'credential_status',
        'status_allocations',
        'status_list_bodies',
        'status_lists',
      ]) {
        await db.schema.dropTable(table).ifExists().execute();
      }
    },
  };
}

async function protectSqlite(db: AnyDb): Promise<void> {
  for (const table of INSERT_ONLY) {
    for (const op of ['update', 'delete']) {
      await sql`create trigger ${sql.id(`${table}_no_${op}`)} before ${sql.raw(op)} on ${sql.id(table)}
        begin select raise(abort, ${sql.lit(`${table} are insert-only`)}); end`.execute(db);
    }
  }
  // A list's counter only grows: going back would hand an index out twice.
  await sql`create trigger status_lists_forward before update on status_lists
    when new.allocated < old.allocated begin select raise(abort, 'status list counters only grow'); end`.execute(
    db,
  );
  // The head moves forward only: a smaller size would let an appender overwrite history.
  await sql`create trigger log_state_forward before update on log_state
    when new.size < old.size begin select raise(abort, 'the log head only grows'); end`.execute(db);
}

async function protectPostgres(db: AnyDb, appRole: string): Promise<void> {
  const role = sql.id(appRole);
  await sql`grant select, insert, update (allocated, version, updated_at) on status_lists to ${role}`.execute(
    db,
  );
  await sql`grant select, insert, update (bits, document) on status_list_bodies to ${role}`.execute(db);
  await sql`grant select, insert, update (status, reason, updated_at) on credential_status to ${role}`.execute(
    db,
  );
  await sql`grant select, insert on ${sql.raw(INSERT_ONLY.join(', '))} to ${role}`.execute(db);
  await sql`grant select, update (size, peaks) on log_state to ${role}`.execute(db);
  await sql`grant select, insert, delete on log_queue to ${role}`.execute(db);
  await sql`grant usage on sequence log_queue_seq_seq to ${role}`.execute(db);
  await sql`grant select, insert on log_keys to ${role}`.execute(db);
  await sql`create function tessera_log_state_forward() returns trigger language plpgsql as $$
    begin
      if new.size < old.size then raise exception 'the log head only grows'; end if;
      return new;
    end $$`.execute(db);
  await sql`create trigger log_state_forward before update on log_state
    for each row execute function tessera_log_state_forward()`.execute(db);
  await sql`create function tessera_status_lists_forward() returns trigger language plpgsql as $$
    begin
      if new.allocated < old.allocated then raise exception 'status list counters only grow'; end if;
      return new;
    end $$`.execute(db);
  await sql`create trigger status_lists_forward before update on status_lists
    for each row execute function tessera_status_lists_forward()`.execute(db);
  for (const table of STATUS_AND_LOG_TENANT_TABLES) {
    await sql`alter table ${sql.id(table)} enable row level security`.execute(db);
    await sql`create policy tenant_isolation on ${sql.id(table)} to ${role}
      using (tenant_id = current_setting('app.tenant_id', true))
      with check (tenant_id = current_setting('app.tenant_id', true))`.execute(db);
  }
}
