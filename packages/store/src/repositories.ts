import type { Repositories } from '@tessera/app';
import { type Kysely, sql } from 'kysely';
import { toStoreError } from './errors.js';
import { createLogRepository, type QueueingLeaf } from './log-repository.js';
import * as rows from './rows.js';
import type { ApiKeysTable, Database, IssuerKeysTable, StoreDialect, TenantsTable } from './schema.js';
import { createStatusRepositories } from './status-repositories.js';

/**
 * How a repository reaches the database. The adapters differ only here: outside a transaction
 * the PostgreSQL runner opens a short transaction that sets the row-level-security tenant;
 * inside `Store.transaction` both runners reuse the transaction's connection.
 */
export interface Runner {
  readonly dialect: StoreDialect;
  /** Runs `fn` where `tenantId`, when given, is the RLS tenant of the connection. */
  run<T>(tenantId: string | undefined, fn: (db: Kysely<Database>) => Promise<T>): Promise<T>;
  /**
   * Runs a read-only `fn`. SQLite gives reads their own connection, so they never queue behind
   * a group commit holding the writer; without it, reads run like writes.
   */
  read?<T>(tenantId: string | undefined, fn: (db: Kysely<Database>) => Promise<T>): Promise<T>;
  /**
   * Takes log leaves to be written when the transaction commits rather than now: a SQLite
   * group commit writes all its members' leaves together, just before its COMMIT (sqlite-store.ts).
   */
  deferLeaves?(leaves: readonly QueueingLeaf[]): void;
}

/** Sets the RLS tenant for the rest of the current PostgreSQL transaction. */
export async function setTenant(db: Kysely<Database>, tenantId: string): Promise<void> {
  await sql`select set_config('app.tenant_id', ${tenantId}, true)`.execute(db);
}

export type Body<T> = (db: Kysely<Database>) => Promise<T>;
/** A port method's way to the database: a label for errors, the RLS tenant, the query. */
export type Exec = <T>(what: string, tenantId: string | undefined, fn: Body<T>) => Promise<T>;

/** Every port method, written once against a Runner. Errors leave as TesseraErrors. */
export function createRepositories(runner: Runner): Repositories {
  const run = async <T>(what: string, tenantId: string | undefined, fn: Body<T>) => {
    try {
      return await runner.run(tenantId, fn);
    } catch (e) {
      throw toStoreError(e, what);
    }
  };
  const read = async <T>(what: string, tenantId: string | undefined, fn: Body<T>) => {
    try {
      return await (runner.read ? runner.read(tenantId, fn) : runner.run(tenantId, fn));
    } catch (e) {
      throw toStoreError(e, what);
    }
  };
  const changed = (r: { numUpdatedRows: bigint }) => r.numUpdatedRows > 0n;

  return {
    ...createStatusRepositories(run, read, runner.dialect),
    log: createLogRepository(run, read, runner.dialect, runner.deferLeaves?.bind(runner)),
    tenants: {
      insert: (t) =>
        run('insert tenant', undefined, async (db) => {
          await db.insertInto('tenants').values(rows.tenantToRow(t)).execute();
        }),
      byId: (id) =>
        read('read tenant', undefined, async (db) => {
          // Every authenticated request reads it: a plain SQL template.
          const { rows: found } = await sql<TenantsTable>`select * from tenants where id = ${id}`.execute(db);
          return found[0] && rows.tenantFromRow(found[0]);
        }),
      bySlug: (slug) =>
        read('read tenant', undefined, async (db) => {
          const row = await db.selectFrom('tenants').selectAll().where('slug', '=', slug).executeTakeFirst();
          return row && rows.tenantFromRow(row);
        }),
      list: () =>
        read('list tenants', undefined, async (db) => {
          const all = await db
            .selectFrom('tenants')
            .selectAll()
            .orderBy('created_at')
            .orderBy('id')
            .execute();
          return all.map(rows.tenantFromRow);
        }),
    },

    keys: {
      insert: (k) =>
        run('insert issuer key', k.tenantId, async (db) => {
          await db.insertInto('issuer_keys').values(rows.keyToRow(k)).execute();
        }),
      list: (tenantId) =>
        read('list issuer keys', tenantId, async (db) => {
          const all = await db
            .selectFrom('issuer_keys')
            .selectAll()
            .where('tenant_id', '=', tenantId)
            .orderBy('created_at')
            .orderBy('id')
            .execute();
          return all.map(rows.keyFromRow);
        }),
      active: (tenantId) =>
        read('read active issuer key', tenantId, async (db) => {
          // Every issuance reads it: a plain SQL template skips the query builder's work. The
          // status is a literal, not a parameter: the partial index issuer_keys_one_active is
          // chosen by its value, and SQLite re-prepares a statement on every run whose plan
          // depends on a bound value (measured: 58 µs a call instead of 7).
          const { rows: found } = await sql<IssuerKeysTable>`select * from issuer_keys
            where tenant_id = ${tenantId} and status = 'active'
            order by created_at desc, id desc limit 1`.execute(db);
          return found[0] && rows.keyFromRow(found[0]);
        }),
      retire: (tenantId, id, at) =>
        run('retire issuer key', tenantId, async (db) =>
          changed(
            await db
              .updateTable('issuer_keys')
              .set({ status: 'retired', retired_at: at })
              .where('tenant_id', '=', tenantId)
              .where('id', '=', id)
              .where('status', '=', sql.lit('active'))
              .executeTakeFirst(),
          ),
        ),
    },

    achievements: {
      insert: (a) =>
        run('insert achievement', a.tenantId, async (db) => {
          await db.insertInto('achievements').values(rows.achievementToRow(a)).execute();
        }),
      latest: (tenantId, id) =>
        read('read achievement', tenantId, async (db) => {
          const row = await db
            .selectFrom('achievements')
            .selectAll()
            .where('tenant_id', '=', tenantId)
            .where('id', '=', id)
            .orderBy('version', 'desc')
            .executeTakeFirst();
          return row && rows.achievementFromRow(row);
        }),
      version: (tenantId, id, version) =>
        read('read achievement', tenantId, async (db) => {
          const row = await db
            .selectFrom('achievements')
            .selectAll()
            .where('tenant_id', '=', tenantId)
            .where('id', '=', id)
            .where('version', '=', version)
            .executeTakeFirst();
          return row && rows.achievementFromRow(row);
        }),
      list: (tenantId) =>
        read('list achievements', tenantId, async (db) => {
          const all = await db
            .selectFrom('achievements as a')
            .selectAll('a')
            .where('a.tenant_id', '=', tenantId)
            .where(({ eb, selectFrom }) =>
              eb(
                'a.version',
                '=',
                selectFrom('achievements as b')
                  .select(({ fn }) => fn.max('b.version').as('v'))
                  .whereRef('b.tenant_id', '=', 'a.tenant_id')
                  .whereRef('b.id', '=', 'a.id'),
              ),
            )
            .orderBy('a.id')
            .execute();
          return all.map(rows.achievementFromRow);
        }),
    },

    apiKeys: {
      insert: (k) =>
        run('insert API key', k.tenantId, async (db) => {
          await db.insertInto('api_keys').values(rows.apiKeyToRow(k)).execute();
        }),
      byPrefix: (prefix) =>
        read('read API key', undefined, async (db) => {
          // No tenant is known yet: on PostgreSQL the owner's SECURITY DEFINER function is the
          // one narrow door through RLS (exact prefix, one row).
          const row =
            runner.dialect === 'postgres'
              ? (await sql<ApiKeysTable>`select * from tessera_api_key_by_prefix(${prefix})`.execute(db))
                  .rows[0]
              : (await sql<ApiKeysTable>`select * from api_keys where prefix = ${prefix}`.execute(db))
                  .rows[0];
          return row && rows.apiKeyFromRow(row);
        }),
      list: (tenantId) =>
        read('list API keys', tenantId, async (db) => {
          const all = await db
            .selectFrom('api_keys')
            .selectAll()
            .where('tenant_id', '=', tenantId)
            .orderBy('created_at')
            .orderBy('id')
            .execute();
          return all.map(rows.apiKeyFromRow);
        }),
      revoke: (tenantId, id, at) =>
        run('revoke API key', tenantId, async (db) =>
          changed(
            await db
              .updateTable('api_keys')
              .set({ revoked_at: at })
              .where('tenant_id', '=', tenantId)
              .where('id', '=', id)
              .where('revoked_at', 'is', null)
              .executeTakeFirst(),
          ),
        ),
    },

    credentials: {
      insert: (c) =>
        run('insert credential', c.tenantId, async (db) => {
          // Hot path (every issuance): a plain SQL template skips the query builder's work.
          const r = rows.credentialToRow(c);
          await sql`insert into credentials (id, tenant_id, achievement_id, achievement_version,
              subject_id, format, document, verification_method, issued_at, status_entries, leaf_hash, salt)
            values (${r.id}, ${r.tenant_id}, ${r.achievement_id}, ${r.achievement_version}, ${r.subject_id},
              ${r.format}, ${r.document}, ${r.verification_method}, ${r.issued_at}, ${r.status_entries},
              ${r.leaf_hash}, ${r.salt})`.execute(db);
        }),
      byId: (tenantId, id) =>
        read('read credential', tenantId, async (db) => {
          const row = await db
            .selectFrom('credentials')
            .selectAll()
            .where('tenant_id', '=', tenantId)
            .where('id', '=', id)
            .executeTakeFirst();
          return row && rows.credentialFromRow(row);
        }),
      count: (tenantId) =>
        read('count credentials', tenantId, async (db) => {
          const row = await db
            .selectFrom('credentials')
            .select(({ fn }) => fn.countAll().as('n'))
            .where('tenant_id', '=', tenantId)
            .executeTakeFirstOrThrow();
          // PostgreSQL returns count(*) as a bigint string.
          return Number(row.n);
        }),
    },

    idempotency: {
      get: (tenantId, key) =>
        read('read idempotency key', tenantId, async (db) => {
          const row = await db
            .selectFrom('idempotency')
            .selectAll()
            .where('tenant_id', '=', tenantId)
            .where('key', '=', key)
            .executeTakeFirst();
          return row && rows.idempotencyFromRow(row);
        }),
      insert: (i) =>
        run('insert idempotency key', i.tenantId, async (db) => {
          await db.insertInto('idempotency').values(rows.idempotencyToRow(i)).execute();
        }),
    },
  };
}
