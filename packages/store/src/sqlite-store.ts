import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Repositories, Store } from '@tessera/app';
import { TesseraError } from '@tessera/core';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { toStoreError } from './errors.js';
import { migrateToLatest } from './migrate.js';
import { createRepositories, type Runner } from './repositories.js';
import type { Database } from './schema.js';
import { assertOutsideTransaction, runInTransactionContext } from './transaction-guard.js';

export interface SqliteStoreOptions {
  /** Run pending migrations on open (default true). */
  readonly migrate?: boolean;
  /** How long a writer waits for another process's lock, in ms (default 5000). */
  readonly busyTimeoutMs?: number;
  /**
   * Group commit: concurrent `transaction()` calls share one COMMIT (one WAL fsync), each in
   * its own SAVEPOINT. `maxBatch` bounds how many share one commit (default 128; 1 disables).
   */
  readonly maxBatch?: number;
}

/** The settings the connection actually runs with, read back from SQLite (for tests and /readyz). */
export interface SqliteSettings {
  readonly journalMode: string;
  /** 2 = FULL. */
  readonly synchronous: number;
  readonly foreignKeys: boolean;
  readonly busyTimeoutMs: number;
}

export interface SqliteStore extends Store {
  readonly dialect: 'sqlite';
  settings(): SqliteSettings;
}

interface Pending {
  readonly fn: (tx: Repositories) => Promise<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/** Opens (creating if needed) a SQLite file, or `:memory:`, as a Store. */
export async function openSqliteStore(path: string, options: SqliteStoreOptions = {}): Promise<SqliteStore> {
  let raw: BetterSqlite3.Database;
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    raw = new BetterSqlite3(path, { timeout: options.busyTimeoutMs ?? 5000 });
    // WAL lets readers in other processes proceed during writes; FULL fsyncs the WAL on every
    // commit, so an acknowledged write survives power loss (NORMAL would only survive a crash).
    raw.pragma('journal_mode = WAL');
    raw.pragma('synchronous = FULL');
    raw.pragma('foreign_keys = ON');
    raw.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 5000)}`);
  } catch (e) {
    // Whatever stops the file from opening (missing directory, permissions, corruption), the
    // database is not reachable: the server's readiness check reports that as UNAVAILABLE.
    const message = e instanceof Error ? e.message : String(e);
    throw new TesseraError('UNAVAILABLE', `cannot open SQLite database ${path}: ${message}`, { cause: e });
  }
  // Kysely's SqliteDialect has exactly one connection behind a mutex: a transaction holds it
  // from BEGIN to COMMIT, so no other caller's statement can run inside it.
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: raw }) });
  if (options.migrate !== false) {
    try {
      await migrateToLatest(db, { dialect: 'sqlite' });
    } catch (e) {
      await db.destroy();
      throw e;
    }
  }

  let closed = false;
  const checkOpen = () => {
    if (closed) throw new TesseraError('UNAVAILABLE', 'the store is closed');
  };
  const direct: Runner = {
    dialect: 'sqlite',
    run: (_tenantId, fn) => {
      checkOpen();
      assertOutsideTransaction();
      return fn(db);
    },
  };

  const maxBatch = Math.max(1, options.maxBatch ?? 128);
  const queue: Pending[] = [];
  let draining: Promise<void> | undefined;

  /** One real transaction running queued callbacks until the queue is empty or the batch full. */
  async function runBatch(): Promise<void> {
    const succeeded: Array<{ pending: Pending; value: unknown }> = [];
    let attempted = 0;
    try {
      await db.connection().execute(async (conn) => {
        // IMMEDIATE takes the write lock up front, so another process cannot make this
        // transaction fail half-way with SQLITE_BUSY when it upgrades from read to write.
        await sql`begin immediate`.execute(conn);
        try {
          const runner: Runner = { dialect: 'sqlite', run: (_tenantId, fn) => fn(conn) };
          const repos = createRepositories(runner);
          for (let n = 0; n < maxBatch && queue.length > 0; n++) {
            const pending = queue.shift()!;
            attempted++;
            await sql`savepoint member`.execute(conn);
            try {
              const value = await runInTransactionContext(() => pending.fn(repos));
              await sql`release member`.execute(conn);
              succeeded.push({ pending, value });
            } catch (e) {
              pending.reject(e);
              // Some errors (I/O, disk full) make SQLite roll the whole transaction back: then
              // every member of the batch is lost and must not be acknowledged.
              if (!raw.inTransaction)
                throw new TesseraError('UNAVAILABLE', 'SQLite rolled the transaction back');
              await sql`rollback to member`.execute(conn);
              await sql`release member`.execute(conn);
            }
          }
          await sql`commit`.execute(conn);
        } catch (e) {
          if (raw.inTransaction) await sql`rollback`.execute(conn);
          throw e;
        }
      });
    } catch (e) {
      const error = toStoreError(e, 'commit transaction');
      for (const { pending } of succeeded) pending.reject(error);
      // BEGIN itself failed (e.g. another process held the lock past busy_timeout): fail the
      // callers at the head of the queue rather than retrying forever.
      if (attempted === 0) for (const pending of queue.splice(0, maxBatch)) pending.reject(error);
      return;
    }
    // Only now, after COMMIT returned (the WAL is fsynced), is anything acknowledged.
    for (const { pending, value } of succeeded) pending.resolve(value);
  }

  function startDraining(): void {
    if (draining !== undefined) return;
    draining = (async () => {
      try {
        while (queue.length > 0) await runBatch();
      } finally {
        draining = undefined;
      }
    })();
  }

  return {
    dialect: 'sqlite',
    ...createRepositories(direct),
    transaction<T>(fn: (tx: Repositories) => Promise<T>): Promise<T> {
      checkOpen();
      assertOutsideTransaction();
      return new Promise<T>((resolve, reject) => {
        queue.push({ fn, resolve: resolve as (value: unknown) => void, reject });
        startDraining();
      });
    },
    settings() {
      checkOpen();
      return {
        journalMode: String(raw.pragma('journal_mode', { simple: true })),
        synchronous: Number(raw.pragma('synchronous', { simple: true })),
        foreignKeys: Number(raw.pragma('foreign_keys', { simple: true })) === 1,
        busyTimeoutMs: Number(raw.pragma('busy_timeout', { simple: true })),
      };
    },
    async ping() {
      checkOpen();
      try {
        await sql`select 1`.execute(db);
      } catch (e) {
        throw toStoreError(e, 'ping');
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      // Let queued transactions finish: they may already be promised to callers.
      while (draining !== undefined) await draining;
      await db.destroy();
    },
  };
}
