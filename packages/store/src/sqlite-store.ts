import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Repositories, Store, TransactionOptions } from '@tessera/app';
import { TesseraError } from '@tessera/core';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { type Checkpointer, startCheckpointer } from './checkpointer.js';
import { toStoreError } from './errors.js';
import type { QueueingLeaf } from './log-repository.js';
import { migrateToLatest } from './migrate.js';
import { createRepositories, type Runner } from './repositories.js';
import type { Database } from './schema.js';
import { cachingDatabase } from './statement-cache.js';
import { type GuardOptions, transactionGuard } from './transaction-guard.js';
import { createWalSync, type WalSync } from './wal-sync.js';

export interface SqliteStoreOptions extends GuardOptions {
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
  /** SQLite's own setting: 1 = NORMAL, 2 = FULL. */
  readonly synchronous: number;
  /** True when the store fdatasyncs the WAL before acknowledging a write (every file database). */
  readonly syncBeforeAck: boolean;
  readonly foreignKeys: boolean;
  readonly busyTimeoutMs: number;
}

export interface SqliteStore extends Store {
  readonly dialect: 'sqlite';
  settings(): SqliteSettings;
}

/** Page cache per connection, in KiB. */
const SQLITE_CACHE_KIB = 65_536;

interface Pending {
  readonly fn: (tx: Repositories) => Promise<unknown>;
  readonly solo: boolean;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/** Opens (creating if needed) a SQLite file, or `:memory:`, as a Store. */
export async function openSqliteStore(path: string, options: SqliteStoreOptions = {}): Promise<SqliteStore> {
  const guard = transactionGuard(options);
  let raw: BetterSqlite3.Database;
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    raw = new BetterSqlite3(path, { timeout: options.busyTimeoutMs ?? 5000 });
    // WAL lets readers proceed during writes. A file database runs synchronous=NORMAL and the
    // store itself fdatasyncs the WAL before acknowledging anything (wal-sync.ts): FULL's
    // guarantee without stalling the event loop on the disk. `:memory:` has no disk to wait for.
    raw.pragma('journal_mode = WAL');
    raw.pragma(path === ':memory:' ? 'synchronous = FULL' : 'synchronous = NORMAL');
    raw.pragma('foreign_keys = ON');
    // 64 MiB of page cache (SQLite's default is 2 MiB): the log's leaf-hash index takes random
    // inserts, and at a million leaves it no longer fits the default, so every append read pages.
    raw.pragma(`cache_size = ${-SQLITE_CACHE_KIB}`);
    raw.pragma('temp_store = MEMORY');
    raw.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 5000)}`);
  } catch (e) {
    // Whatever stops the file from opening (missing directory, permissions, corruption), the
    // database is not reachable: the server's readiness check reports that as UNAVAILABLE.
    const message = e instanceof Error ? e.message : String(e);
    throw new TesseraError('UNAVAILABLE', `cannot open SQLite database ${path}: ${message}`, { cause: e });
  }
  const walSync: WalSync | undefined = path === ':memory:' ? undefined : createWalSync(`${path}-wal`);
  const durable = () => walSync?.durable() ?? Promise.resolve();
  // Kysely's SqliteDialect has exactly one connection behind a mutex: a transaction holds it
  // from BEGIN to COMMIT, so no other caller's statement can run inside it.
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: cachingDatabase(raw) }) });
  if (options.migrate !== false) {
    try {
      await migrateToLatest(db, { dialect: 'sqlite' });
      await durable();
    } catch (e) {
      await walSync?.close();
      await db.destroy();
      throw e;
    }
  }

  // Reads get a second connection: in WAL mode it sees every committed transaction and never
  // waits for the writer, so a group commit (fsync included) does not stall lookups such as
  // API-key authentication. An in-memory database cannot be shared, so it reads on the writer.
  let reader: Kysely<Database> | undefined;
  if (path !== ':memory:') {
    try {
      const readRaw = new BetterSqlite3(path, { readonly: true, fileMustExist: true });
      readRaw.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 5000)}`);
      readRaw.pragma(`cache_size = ${-SQLITE_CACHE_KIB}`);
      reader = new Kysely<Database>({ dialect: new SqliteDialect({ database: cachingDatabase(readRaw) }) });
    } catch (e) {
      await db.destroy();
      const message = e instanceof Error ? e.message : String(e);
      throw new TesseraError('UNAVAILABLE', `cannot open SQLite database ${path}: ${message}`, { cause: e });
    }
  }

  // Checkpoints run in a worker (checkpointer.ts); the writer's own automatic checkpoint stays
  // as a backstop that bounds the WAL (~64 MB) should the worker fall behind.
  let checkpointer: Checkpointer | undefined;
  if (path !== ':memory:') {
    raw.pragma('wal_autocheckpoint = 16384');
    checkpointer = startCheckpointer(path);
  }

  let closed = false;
  const checkOpen = () => {
    if (closed) throw new TesseraError('UNAVAILABLE', 'the store is closed');
  };
  const direct: Runner = {
    dialect: 'sqlite',
    run: async (_tenantId, fn) => {
      checkOpen();
      guard.assertOutside();
      // An autocommit write outside `transaction()`: durable before the caller hears of it.
      const value = await fn(db);
      await durable();
      return value;
    },
    read: (_tenantId, fn) => {
      checkOpen();
      guard.assertOutside();
      return fn(reader ?? db);
    },
  };

  const maxBatch = Math.max(1, options.maxBatch ?? 128);
  let queueInsert: BetterSqlite3.Statement | undefined;
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
          // Log leaves queued by the members that succeeded, written just before COMMIT through
          // one prepared statement. A member rolled back to its savepoint leaves none behind; a
          // failure here fails the whole batch.
          const leaves: QueueingLeaf[] = [];
          let memberLeaves: QueueingLeaf[] = [];
          const runner: Runner = {
            dialect: 'sqlite',
            run: (_tenantId, fn) => fn(conn),
            deferLeaves: (l) => {
              for (const leaf of l) memberLeaves.push(leaf);
            },
          };
          const repos = createRepositories(runner);
          /** Runs one caller's callback; false when a solo one failed (and was rolled back). */
          const runMember = async (pending: Pending, savepoint: boolean): Promise<boolean> => {
            attempted++;
            memberLeaves = [];
            if (savepoint) await sql`savepoint member`.execute(conn);
            try {
              const value = await guard.run(() => pending.fn(repos));
              if (savepoint) await sql`release member`.execute(conn);
              for (const leaf of memberLeaves) leaves.push(leaf);
              succeeded.push({ pending, value });
              return true;
            } catch (e) {
              pending.reject(e);
              if (!savepoint) {
                if (raw.inTransaction) await sql`rollback`.execute(conn);
                return false;
              }
              // Some errors (I/O, disk full) make SQLite roll the whole transaction back: then
              // every member of the batch is lost and must not be acknowledged.
              if (!raw.inTransaction)
                throw new TesseraError('UNAVAILABLE', 'SQLite rolled the transaction back');
              await sql`rollback to member`.execute(conn);
              await sql`release member`.execute(conn);
              return true;
            }
          };
          // A solo transaction runs alone, without a savepoint: it is the whole transaction.
          if (queue[0]!.solo) {
            if (!(await runMember(queue.shift()!, false))) return;
          } else {
            for (let n = 0; n < maxBatch && queue.length > 0 && !queue[0]!.solo; n++)
              await runMember(queue.shift()!, true);
          }
          // On the writer's own handle (this batch holds it): no query-builder work per leaf.
          if (leaves.length > 0) {
            queueInsert ??= raw.prepare('insert into log_queue (leaf, hash) values (?, ?)');
            for (const l of leaves) queueInsert.run(l.leaf, l.hash);
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
    // Only after COMMIT returned and the WAL reached the disk is anything acknowledged. The sync
    // runs off the event loop, so the next batch begins meanwhile (and shares the next sync).
    checkpointer?.poke();
    void durable().then(
      () => {
        for (const { pending, value } of succeeded) pending.resolve(value);
      },
      (e: unknown) => {
        const error = new TesseraError(
          'UNAVAILABLE',
          'the write could not be made durable (fdatasync failed)',
          {
            cause: e,
          },
        );
        for (const { pending } of succeeded) pending.reject(error);
      },
    );
  }

  function startDraining(): void {
    if (draining !== undefined) return;
    draining = (async () => {
      try {
        // Wait out the current turn of the event loop: requests that arrive together share one
        // COMMIT, which writes each shared page (table and index leaves) once, not once each.
        await new Promise((resolve) => setImmediate(resolve));
        while (queue.length > 0) await runBatch();
      } finally {
        draining = undefined;
      }
    })();
  }

  return {
    dialect: 'sqlite',
    ...createRepositories(direct),
    transaction<T>(fn: (tx: Repositories) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
      checkOpen();
      guard.assertOutside();
      return new Promise<T>((resolve, reject) => {
        queue.push({ fn, solo: options.solo === true, resolve: resolve as (value: unknown) => void, reject });
        startDraining();
      });
    },
    settings() {
      checkOpen();
      return {
        journalMode: String(raw.pragma('journal_mode', { simple: true })),
        synchronous: Number(raw.pragma('synchronous', { simple: true })),
        syncBeforeAck: walSync !== undefined,
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
      await walSync?.close();
      await checkpointer?.close();
      await reader?.destroy();
      await db.destroy();
    },
  };
}
