import type { Repositories, Store } from '@tessera/app';
import { TesseraError } from '@tessera/core';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { toStoreError } from './errors.js';
import { assertIdentifier, DEFAULT_APP_ROLE, migrateToLatest } from './migrate.js';
import { createRepositories, type Runner, setTenant } from './repositories.js';
import type { Database } from './schema.js';
import { type GuardOptions, transactionGuard } from './transaction-guard.js';

export interface PostgresStoreOptions extends GuardOptions {
  /** Run pending migrations on open (default true), as the connecting (owner) user. */
  readonly migrate?: boolean;
  /** Schema for the tables (default: the server's search_path, normally `public`). Created if missing. */
  readonly schema?: string;
  /** Non-owner role that application queries run as (default `tessera_app`). */
  readonly appRole?: string;
  /** Pool size (default 10). */
  readonly maxConnections?: number;
  /** How long to wait for a connection before answering UNAVAILABLE, in ms (default 5000). */
  readonly connectTimeoutMs?: number;
}

function createPool(
  url: string,
  max: number,
  connectTimeoutMs: number,
  settings: Record<string, string>,
): pg.Pool {
  // Session settings travel in the startup packet (`-c name=value`), so a connection is never
  // handed out before they apply and no extra round trip is needed.
  const options = Object.entries(settings)
    .map(([name, value]) => `-c ${name}=${value}`)
    .join(' ');
  const pool = new pg.Pool({
    connectionString: url,
    max,
    connectionTimeoutMillis: connectTimeoutMs,
    ...(options === '' ? {} : { options }),
  });
  // An idle client whose backend dies (restart, pg_terminate_backend) emits 'error' on the
  // pool; unhandled it would crash the process. The pool drops that client and the next
  // query opens a new connection, which is how the service recovers without a restart.
  pool.on('error', () => {});
  // A checked-out client whose backend dies emits 'error' too; the query in flight already
  // rejects (and is mapped to UNAVAILABLE), so the event itself needs no further handling.
  pool.on('connect', (client) => {
    client.on('error', () => {});
  });
  return pool;
}

/** Opens a PostgreSQL database as a Store whose queries run under row-level security. */
export async function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<Store> {
  const guard = transactionGuard(options);
  const appRole = options.appRole ?? DEFAULT_APP_ROLE;
  assertIdentifier(appRole, 'role');
  if (options.schema !== undefined) assertIdentifier(options.schema, 'schema');
  const connectTimeoutMs = options.connectTimeoutMs ?? 5000;
  const pathSetting: Record<string, string> =
    options.schema === undefined ? {} : { search_path: options.schema };

  if (options.migrate !== false) {
    if (options.schema !== undefined) await createSchema(url, options.schema, connectTimeoutMs);
    // Migrations run as the owner on their own short-lived connection: the application pool
    // never holds owner rights.
    const owner = new Kysely<Database>({
      dialect: new PostgresDialect({ pool: createPool(url, 1, connectTimeoutMs, pathSetting) }),
    });
    try {
      await migrateToLatest(owner, {
        dialect: 'postgres',
        appRole,
        ...(options.schema === undefined ? {} : { schema: options.schema }),
      });
    } catch (e) {
      throw toStoreError(e, 'migrate PostgreSQL database');
    } finally {
      await owner.destroy();
    }
  }

  // Every pooled connection is the non-owner role from its first statement: RLS applies to all
  // it does, and owner rights are never one forgotten SET ROLE away.
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({
      pool: createPool(url, options.maxConnections ?? 10, connectTimeoutMs, {
        ...pathSetting,
        role: appRole,
      }),
    }),
  });

  let closed = false;
  const checkOpen = () => {
    if (closed) throw new TesseraError('UNAVAILABLE', 'the store is closed');
  };

  // Outside a transaction, a tenant-scoped call gets its own transaction so that the
  // transaction-local tenant setting cannot leak to the next user of the pooled connection.
  const direct: Runner = {
    dialect: 'postgres',
    run: (tenantId, fn) => {
      checkOpen();
      guard.assertOutside();
      if (tenantId === undefined) return fn(db);
      return db.transaction().execute(async (trx) => {
        await setTenant(trx, tenantId);
        return fn(trx);
      });
    },
  };

  return {
    dialect: 'postgres',
    ...createRepositories(direct),
    async transaction<T>(
      fn: (tx: Repositories) => Promise<T>,
      txOptions: { tenantId?: string } = {},
    ): Promise<T> {
      checkOpen();
      guard.assertOutside();
      let failedInside: { error: unknown } | undefined;
      try {
        return await db.transaction().execute(async (trx) => {
          let current = txOptions.tenantId;
          if (current !== undefined) await setTenant(trx, current);
          // Calls inside one transaction share one connection; chaining them keeps a tenant
          // switch from landing between another call's set_config and its query.
          let chain: Promise<unknown> = Promise.resolve();
          const runner: Runner = {
            dialect: 'postgres',
            run: (tenantId, body) => {
              const next = chain.then(async () => {
                if (tenantId !== undefined && tenantId !== current) {
                  await setTenant(trx, tenantId);
                  current = tenantId;
                }
                return body(trx);
              });
              chain = next.catch(() => {});
              return next;
            },
          };
          try {
            return await guard.run(() => fn(createRepositories(runner)));
          } catch (e) {
            failedInside = { error: e };
            throw e;
          }
        });
      } catch (e) {
        // The callback's own errors pass through untouched; BEGIN/COMMIT failures are mapped.
        if (failedInside !== undefined && failedInside.error === e) throw e;
        throw toStoreError(e, 'commit transaction');
      }
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
      await db.destroy();
    },
  };
}

/** Creates the schema if missing; two processes racing to create it both succeed. */
async function createSchema(url: string, schema: string, connectTimeoutMs: number): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: connectTimeoutMs });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query(`create schema if not exists "${schema}"`);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    // 23505/42P06: a concurrent `create schema if not exists` won the race.
    if (code !== '23505' && code !== '42P06') throw toStoreError(e, `create schema ${schema}`);
  } finally {
    await client.end().catch(() => {});
  }
}
