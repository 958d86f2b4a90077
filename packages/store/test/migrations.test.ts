import { randomBytes, randomUUID } from 'node:crypto';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createMigrationProvider } from '../src/migrate.js';
import {
  aCredential,
  aTenant,
  PG_URL,
  postgresAvailable,
  postgresTarget,
  sqliteTarget,
  withOwner,
} from './support.js';

// biome-ignore lint/suspicious/noExplicitAny: rows are written below the typed schema, as 0002 knew them
type AnyDb = Kysely<any>;

/** Migrates a database only as far as `name`, as an older Tessera left it. */
async function migrateTo(db: AnyDb, dialect: 'sqlite' | 'postgres', name: string, schema?: string) {
  const migrator = new Migrator({
    db,
    provider: createMigrationProvider(dialect),
    ...(schema === undefined ? {} : { migrationTableSchema: schema }),
  });
  const { error } = await migrator.migrateTo(name);
  if (error) throw error;
}

type Upgrade = (
  db: AnyDb,
  dialect: 'sqlite' | 'postgres',
  target: { open: () => ReturnType<ReturnType<typeof sqliteTarget>['open']> },
  schema?: string,
) => Promise<void>;

/**
 * Runs an upgrade check in a fresh PostgreSQL schema (as the owner, as migrations run), then
 * `after` with that schema and its target; the schema is dropped after.
 */
async function onPostgres(
  upgrade: Upgrade,
  after?: (schema: string, target: ReturnType<typeof postgresTarget>) => Promise<void>,
): Promise<void> {
  const target = postgresTarget();
  const schema = target.location;
  const pool = new pg.Pool({ connectionString: PG_URL, max: 1, options: `-c search_path=${schema}` });
  try {
    const db: AnyDb = new Kysely({ dialect: new PostgresDialect({ pool }) });
    await sql`create schema ${sql.id(schema)}`.execute(db);
    await upgrade(db, 'postgres', target, schema);
    await after?.(schema, target);
  } finally {
    await target.cleanup();
  }
}

/** A 0002 database with one issued credential: two status allocations and an issuance row. */
async function seed0002(db: AnyDb) {
  const tenant = aTenant();
  await sql`insert into tenants (id, slug, name, did_method, did, created_at)
    values (${tenant.id}, ${tenant.slug}, ${tenant.name}, 'web', ${tenant.did}, ${tenant.createdAt})`.execute(
    db,
  );
  const c = aCredential(tenant.id);
  await sql`insert into credentials (id, tenant_id, subject_id, format, document, verification_method, issued_at)
    values (${c.id}, ${tenant.id}, ${c.subjectId}, ${c.format}, ${c.document}, ${c.verificationMethod}, ${c.issuedAt})`.execute(
    db,
  );
  const lists = [randomUUID(), randomUUID()].sort();
  for (const [n, purpose] of ['revocation', 'suspension'].entries()) {
    await sql`insert into status_lists (id, tenant_id, purpose, seq, size, allocated, index_key, version, updated_at)
      values (${lists[n]}, ${tenant.id}, ${purpose}, 1, 131072, 1, ${randomBytes(32)}, 1, ${c.issuedAt})`.execute(
      db,
    );
    await sql`insert into status_allocations (credential_id, list_id, idx, tenant_id)
      values (${c.id}, ${lists[n]}, ${100 + n}, ${tenant.id})`.execute(db);
  }
  const leafHash = new Uint8Array(randomBytes(32));
  const salt = new Uint8Array(randomBytes(32));
  await sql`insert into issuance_log (credential_id, tenant_id, leaf_hash, salt)
    values (${c.id}, ${tenant.id}, ${leafHash}, ${salt})`.execute(db);
  // A credential from before the log: it keeps no entries and no leaf.
  const old = aCredential(tenant.id);
  await sql`insert into credentials (id, tenant_id, subject_id, format, document, verification_method, issued_at)
    values (${old.id}, ${tenant.id}, ${old.subjectId}, ${old.format}, ${old.document}, ${old.verificationMethod}, ${old.issuedAt})`.execute(
    db,
  );
  return { tenant, credentialId: c.id, oldId: old.id, lists, leafHash, salt };
}

describe('migration 0003 (issuance kept in the credential row)', () => {
  const expectMoved = async (
    store: Awaited<ReturnType<ReturnType<typeof sqliteTarget>['open']>>,
    seeded: Awaited<ReturnType<typeof seed0002>>,
  ) => {
    const moved = await store.credentials.byId(seeded.tenant.id, seeded.credentialId);
    expect(moved?.statusEntries).toStrictEqual([
      { listId: seeded.lists[0], index: 100 },
      { listId: seeded.lists[1], index: 101 },
    ]);
    expect(moved?.issuance).toStrictEqual({ leafHash: seeded.leafHash, salt: seeded.salt });
    const old = await store.credentials.byId(seeded.tenant.id, seeded.oldId);
    expect(old && ('statusEntries' in old || 'issuance' in old)).toBe(false);
  };

  /** Leaves a 0002 database with data, opens it with the store (which migrates), checks the rows. */
  const upgradeAndCheck: Upgrade = async (db, dialect, target, schema) => {
    await migrateTo(db, dialect, '0002-status-and-log', schema);
    const seeded = await seed0002(db);
    await db.destroy();
    const store = await target.open();
    try {
      await expectMoved(store, seeded);
    } finally {
      await store.close();
    }
  };

  it('[sqlite] moves every status allocation and issuance row into its credential, and the row stays insert-only', async () => {
    const target = sqliteTarget();
    try {
      const raw = new BetterSqlite3(target.location);
      const db: AnyDb = new Kysely({ dialect: new SqliteDialect({ database: raw }) });
      await upgradeAndCheck(db, 'sqlite', target);
      const check = new BetterSqlite3(target.location);
      expect(() => check.prepare(`update credentials set document = 'x'`).run()).toThrow(/insert-only/);
      expect(
        check
          .prepare(`select name from sqlite_master where name in ('status_allocations', 'issuance_log')`)
          .all(),
      ).toEqual([]);
      check.close();
    } finally {
      target.cleanup();
    }
  });

  it.skipIf(!postgresAvailable)(
    '[postgres] moves every status allocation and issuance row into its credential',
    () => onPostgres(upgradeAndCheck),
  );
});

describe('migration 0004 (a repeated log leaf is a second leaf)', () => {
  const leafA = { leaf: new Uint8Array(randomBytes(40)), hash: new Uint8Array(randomBytes(32)) };
  const leafB = { leaf: new Uint8Array(randomBytes(40)), hash: new Uint8Array(randomBytes(32)) };

  /** Leaves a 0003 database holding two leaves, opens it with the store (which migrates), checks them. */
  const upgradeAndCheck: Upgrade = async (db, dialect, target, schema) => {
    await migrateTo(db, dialect, '0003-issuance-in-credential-row', schema);
    for (const [idx, l] of [leafA, leafB].entries())
      await sql`insert into log_leaves (idx, leaf, hash) values (${idx}, ${l.leaf}, ${l.hash})`.execute(db);
    await expect(
      sql`insert into log_leaves (idx, leaf, hash) values (2, ${leafA.leaf}, ${leafA.hash})`.execute(db),
    ).rejects.toThrow(/unique/i);
    await db.destroy();
    const store = await target.open();
    try {
      expect(await store.log.leaves(0, 2)).toStrictEqual([
        { index: 0, ...leafA },
        { index: 1, ...leafB },
      ]);
      expect(await store.log.indexOfHash(leafB.hash)).toBe(1);
    } finally {
      await store.close();
    }
  };

  it('[sqlite] keeps every leaf, accepts a repeat at its own index, and leaves stay insert-only', async () => {
    const target = sqliteTarget();
    try {
      const raw = new BetterSqlite3(target.location);
      await upgradeAndCheck(new Kysely({ dialect: new SqliteDialect({ database: raw }) }), 'sqlite', target);
      const check = new BetterSqlite3(target.location);
      check.prepare('insert into log_leaves (idx, leaf, hash) values (2, ?, ?)').run(leafA.leaf, leafA.hash);
      expect(() => check.prepare("update log_leaves set leaf = x'00'").run()).toThrow(/insert-only/);
      expect(() => check.prepare('delete from log_leaves').run()).toThrow(/insert-only/);
      check.close();
      const store = await target.open();
      // The first of the repeated leaves is the one a lookup by hash names.
      expect(await store.log.indexOfHash(leafA.hash)).toBe(0);
      await store.close();
    } finally {
      target.cleanup();
    }
  });

  it.skipIf(!postgresAvailable)('[postgres] keeps every leaf and accepts a repeat at its own index', () =>
    onPostgres(upgradeAndCheck, async (schema, target) => {
      await withOwner(async (c) => {
        await c.query(`insert into ${schema}.log_leaves (idx, leaf, hash) values (2, $1, $2)`, [
          Buffer.from(leafA.leaf),
          Buffer.from(leafA.hash),
        ]);
      });
      const store = await target.open();
      expect(await store.log.indexOfHash(leafA.hash)).toBe(0);
      await store.close();
    }),
  );
});
