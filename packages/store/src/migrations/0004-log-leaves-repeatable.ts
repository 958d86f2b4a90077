import { type Kysely, type Migration, sql } from 'kysely';
import type { StoreDialect } from '../schema.js';

/**
 * A log leaf's hash is no longer unique. The same event bytes can be logged twice (a suspension
 * lifted and set again within one millisecond is the same status event twice), and a unique
 * index made the sequencer fail on the repeat, for every tenant, on every later try: the log
 * stalled. A log records what happened, so a repeat is a second leaf, as RFC 9162 allows.
 *
 * Leaves are found by hash through an index on the hash's first 8 bytes: 2^64 prefixes keep
 * collisions to the rare repeats, and the smaller index is written in random order by every
 * sequencer batch, so it dirties fewer pages than one on the whole 32 bytes.
 *
 * SQLite cannot drop a column's UNIQUE constraint: the table is rebuilt with the same columns
 * and its insert-only triggers. PostgreSQL drops the constraint; grants stay with the table.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the evolving Database type
type AnyDb = Kysely<any>;

export function repeatableLogLeavesMigration(dialect: StoreDialect): Migration {
  return {
    async up(db: AnyDb) {
      if (dialect === 'postgres') {
        await sql`alter table log_leaves drop constraint log_leaves_hash_key`.execute(db);
      } else {
        await sql`create table log_leaves_next (idx integer primary key, leaf blob not null, hash blob not null)`.execute(
          db,
        );
        await sql`insert into log_leaves_next (idx, leaf, hash) select idx, leaf, hash from log_leaves order by idx`.execute(
          db,
        );
        await sql`drop table log_leaves`.execute(db);
        await sql`alter table log_leaves_next rename to log_leaves`.execute(db);
        for (const op of ['update', 'delete']) {
          await sql`create trigger ${sql.id(`log_leaves_no_${op}`)} before ${sql.raw(op)} on log_leaves
            begin select raise(abort, 'log_leaves are insert-only'); end`.execute(db);
        }
      }
      await sql`create index log_leaves_hash_prefix on log_leaves (substr(hash, 1, 8))`.execute(db);
    },
  };
}
