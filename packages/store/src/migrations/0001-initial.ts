import { type Kysely, type Migration, sql } from 'kysely';
import type { StoreDialect } from '../schema.js';

/** This migration's tenant tables, frozen here: later migrations protect their own. */
const TENANT_TABLES = ['issuer_keys', 'achievements', 'api_keys', 'credentials', 'idempotency'];

/**
 * The first schema. Tables use only portable column types (text, integer) so the same
 * migration runs on SQLite and PostgreSQL; the dialect-specific part is protection:
 * PostgreSQL gets the non-owner application role, grants and row-level-security policies,
 * SQLite gets triggers that keep insert-only tables insert-only.
 *
 * Room for the next issue: status-list entries and transparency-log leaves will be new tables
 * keyed by (tenant_id, credential_id) in a later migration, written in the same transaction
 * as the credential; nothing here needs to change for that (credentials stay insert-only).
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the evolving Database type
type AnyDb = Kysely<any>;

export function initialMigration(dialect: StoreDialect, appRole: string): Migration {
  return {
    async up(db: AnyDb) {
      await createTables(db);
      if (dialect === 'postgres') await protectPostgres(db, appRole);
      else await protectSqlite(db);
    },
    async down(db: AnyDb) {
      if (dialect === 'postgres')
        await sql`drop function if exists tessera_api_key_by_prefix(text)`.execute(db);
      for (const table of [
        'idempotency',
        'credentials',
        'api_keys',
        'achievements',
        'issuer_keys',
        'tenants',
      ]) {
        await db.schema.dropTable(table).ifExists().execute();
      }
    },
  };
}

async function createTables(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('tenants')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('url', 'text')
    .addColumn('email', 'text')
    .addColumn('image', 'text')
    .addColumn('description', 'text')
    .addColumn('did_method', 'text', (c) => c.notNull())
    .addColumn('did', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('issuer_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('verification_method', 'text', (c) => c.notNull())
    .addColumn('public_key_multibase', 'text', (c) => c.notNull())
    .addColumn('sealed_secret_key', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('active', 'retired')`))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('retired_at', 'text')
    .execute();
  await db.schema
    .createIndex('issuer_keys_tenant')
    .on('issuer_keys')
    .columns(['tenant_id', 'created_at'])
    .execute();
  // Rotation retires the old key before inserting the new one: at most one signing key per tenant.
  await db.schema
    .createIndex('issuer_keys_one_active')
    .on('issuer_keys')
    .column('tenant_id')
    .unique()
    .where(sql.ref('status'), '=', 'active')
    .execute();

  // The primary key leads with tenant_id, so it is also the tenant index.
  await db.schema
    .createTable('achievements')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().check(sql`version >= 1`))
    .addColumn('achievement', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('achievements_pk', ['tenant_id', 'id', 'version'])
    .execute();

  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('prefix', 'text', (c) => c.notNull().unique())
    .addColumn('token_hash', 'text', (c) => c.notNull())
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .execute();
  await db.schema
    .createIndex('api_keys_tenant')
    .on('api_keys')
    .columns(['tenant_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('credentials')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('achievement_id', 'text')
    .addColumn('achievement_version', 'integer')
    .addColumn('subject_id', 'text', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('document', 'text', (c) => c.notNull())
    .addColumn('verification_method', 'text', (c) => c.notNull())
    .addColumn('issued_at', 'text', (c) => c.notNull())
    // Composite: a credential can only name an achievement version of its own tenant.
    .addForeignKeyConstraint(
      'credentials_achievement_fk',
      ['tenant_id', 'achievement_id', 'achievement_version'],
      'achievements',
      ['tenant_id', 'id', 'version'],
    )
    .execute();
  await db.schema
    .createIndex('credentials_tenant')
    .on('credentials')
    .columns(['tenant_id', 'issued_at'])
    .execute();

  await db.schema
    .createTable('idempotency')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('credential_id', 'text', (c) => c.notNull().references('credentials.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_pk', ['tenant_id', 'key'])
    .execute();
}

async function protectSqlite(db: AnyDb): Promise<void> {
  // There are no roles in SQLite; triggers make the insert-only rule hold for every writer.
  for (const table of ['credentials', 'achievements', 'idempotency']) {
    for (const op of ['update', 'delete']) {
      await sql`create trigger ${sql.id(`${table}_no_${op}`)} before ${sql.raw(op)} on ${sql.id(table)}
        begin select raise(abort, ${sql.lit(`${table} are insert-only`)}); end`.execute(db);
    }
  }
}

async function protectPostgres(db: AnyDb, appRole: string): Promise<void> {
  const role = sql.id(appRole);
  // Roles are cluster-wide and test runs migrate concurrently: tolerate the role appearing
  // between the check and the create.
  await sql`do $$ begin
      if not exists (select 1 from pg_roles where rolname = ${sql.lit(appRole)}) then
        create role ${role} nologin;
      end if;
    exception when duplicate_object or unique_violation then null;
    end $$`.execute(db);
  // SET ROLE needs membership unless the owner is a superuser.
  await sql`do $$ begin
      if not pg_has_role(current_user, ${sql.lit(appRole)}, 'member') then
        execute format('grant %I to %I', ${sql.lit(appRole)}, current_user);
      end if;
    exception when duplicate_object or unique_violation then null;
    end $$`.execute(db);

  // `grant … on schema` takes a name, not an expression: resolve the migrated schema first.
  const { rows } = await sql<{ s: string }>`select current_schema() as s`.execute(db);
  await sql`grant usage on schema ${sql.id(rows[0]!.s)} to ${role}`.execute(db);
  await sql`grant select, insert on tenants to ${role}`.execute(db);
  await sql`grant select, insert, update (status, retired_at) on issuer_keys to ${role}`.execute(db);
  await sql`grant select, insert, update (revoked_at) on api_keys to ${role}`.execute(db);
  // Insert-only tables get no UPDATE or DELETE grant at all.
  await sql`grant select, insert on achievements, credentials, idempotency to ${role}`.execute(db);

  for (const table of TENANT_TABLES) {
    await sql`alter table ${sql.id(table)} enable row level security`.execute(db);
    // current_setting(…, true) is NULL (or '') when no tenant is set: such queries match no row.
    await sql`create policy tenant_isolation on ${sql.id(table)} to ${role}
      using (tenant_id = current_setting('app.tenant_id', true))
      with check (tenant_id = current_setting('app.tenant_id', true))`.execute(db);
  }

  // Authentication looks an API key up before the tenant is known. The function runs with the
  // owner's rights (the owner is not subject to RLS), returns at most one row by exact prefix,
  // and pins its search_path so callers cannot substitute tables.
  await sql`create function tessera_api_key_by_prefix(p text) returns setof api_keys
      language sql stable security definer set search_path from current
      as 'select * from api_keys where prefix = p'`.execute(db);
  await sql`revoke all on function tessera_api_key_by_prefix(text) from public`.execute(db);
  await sql`grant execute on function tessera_api_key_by_prefix(text) to ${role}`.execute(db);
}
