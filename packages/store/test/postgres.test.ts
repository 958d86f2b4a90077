import type { Store } from '@tessera/app';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_APP_ROLE, openStore } from '../src/index.js';
import { TENANT_SCOPED_TABLES } from '../src/schema.js';
import {
  aCredential,
  anApiKey,
  PG_URL,
  postgresAvailable,
  postgresTarget,
  seedTenant,
  withOwner,
} from './support.js';

describe.skipIf(!postgresAvailable)('PostgreSQL store', () => {
  const target = postgresTarget();
  const schema = target.location;
  let store: Store;
  beforeAll(async () => {
    store = await target.open();
  });
  afterAll(async () => {
    await store?.close();
    await target.cleanup();
  });

  /** Runs SQL as the application role, in the test schema, on a connection outside the store. */
  const asAppRole = <T>(fn: (q: (text: string, values?: unknown[]) => Promise<T[]>) => Promise<void>) =>
    withOwner(async (c) => {
      await c.query(`set search_path to ${schema}`);
      await c.query(`set role ${DEFAULT_APP_ROLE}`);
      await fn(async (text, values) => (await c.query(text, values)).rows as T[]);
    });

  it('a query without a tenant set sees no credential rows (PostgreSQL RLS)', async () => {
    const t = await seedTenant(store);
    await store.credentials.insert(aCredential(t.id));
    await asAppRole<{ n: string }>(async (q) => {
      expect(await q('select count(*) as n from credentials')).toStrictEqual([{ n: '0' }]);
      expect(await q('select count(*) as n from api_keys')).toStrictEqual([{ n: '0' }]);
      await q('begin');
      await q(`select set_config('app.tenant_id', $1, true)`, [t.id]);
      expect(await q('select count(*) as n from credentials')).toStrictEqual([{ n: '1' }]);
      await q('commit');
      // The setting was transaction-local: after commit the connection sees nothing again.
      expect(await q('select count(*) as n from credentials')).toStrictEqual([{ n: '0' }]);
    });
  });

  it("with one tenant set, another tenant's rows stay invisible and cannot be written", async () => {
    const one = await seedTenant(store);
    const two = await seedTenant(store);
    await store.credentials.insert(aCredential(two.id));
    await asAppRole<{ n: string }>(async (q) => {
      await q('begin');
      await q(`select set_config('app.tenant_id', $1, true)`, [one.id]);
      expect(await q('select count(*) as n from credentials where tenant_id = $1', [two.id])).toStrictEqual([
        { n: '0' },
      ]);
      await expect(
        q(
          `insert into api_keys values ('x', $1, 'n', 'p-${schema}', 'h', '[]', '2026-01-01T00:00:00.000Z', null)`,
          [two.id],
        ),
      ).rejects.toThrow(/row-level security/);
      await q('rollback');
    });
  });

  it('the application role is not the owner, not a superuser and cannot bypass RLS', async () => {
    await withOwner(async (c) => {
      const role = await c.query(
        'select rolsuper, rolbypassrls, rolcanlogin from pg_roles where rolname = $1',
        [DEFAULT_APP_ROLE],
      );
      expect(role.rows).toStrictEqual([{ rolsuper: false, rolbypassrls: false, rolcanlogin: false }]);
      const owners = await c.query(`select distinct tableowner from pg_tables where schemaname = $1`, [
        schema,
      ]);
      expect(owners.rows.map((r: { tableowner: string }) => r.tableowner)).not.toContain(DEFAULT_APP_ROLE);
      const rls = await c.query(
        `select relname, relrowsecurity from pg_class join pg_namespace n on n.oid = relnamespace
         where nspname = $1 and relkind = 'r' and relname <> 'tenants' and relname not like 'kysely%' order by relname`,
        [schema],
      );
      // Every tenant table is protected; the transparency log's tables are public by design.
      const protectedTables = rls.rows
        .filter((r: { relrowsecurity: boolean }) => r.relrowsecurity)
        .map((r: { relname: string }) => r.relname);
      expect(protectedTables).toEqual([...TENANT_SCOPED_TABLES].sort());
      const open = rls.rows
        .filter((r: { relrowsecurity: boolean }) => !r.relrowsecurity)
        .map((r: { relname: string }) => r.relname);
      expect(open).toEqual([
        'key_log',
        'log_checkpoints',
        'log_keys',
        'log_leaves',
        'log_nodes',
        'log_queue',
        'log_state',
      ]);
    });
  });

  it('store queries run as the application role, not as the owner', async () => {
    const t = await seedTenant(store);
    const key = anApiKey(t.id);
    // byPrefix crosses tenants only through the SECURITY DEFINER function; a direct select sees nothing.
    await store.apiKeys.insert(key);
    expect(await store.apiKeys.byPrefix(key.prefix)).toStrictEqual(key);
    await asAppRole<{ n: string }>(async (q) => {
      expect(await q('select count(*) as n from api_keys where prefix = $1', [key.prefix])).toStrictEqual([
        { n: '0' },
      ]);
      expect(await q('select count(*) as n from tessera_api_key_by_prefix($1)', [key.prefix])).toStrictEqual([
        { n: '1' },
      ]);
    });
  });

  it('credentials are insert-only for the application role', async () => {
    const t = await seedTenant(store);
    await store.credentials.insert(aCredential(t.id));
    await asAppRole(async (q) => {
      await expect(q(`update credentials set document = 'x'`)).rejects.toThrow(/permission denied/);
      await expect(q('delete from credentials')).rejects.toThrow(/permission denied/);
    });
  });

  it('opening the same schema concurrently migrates once and both stores work', async () => {
    const other = postgresTarget();
    try {
      const [a, b] = await Promise.all([other.open(), other.open()]);
      expect(await a.tenants.list()).toStrictEqual([]);
      await b.ping();
      await Promise.all([a.close(), b.close()]);
    } finally {
      await other.cleanup();
    }
  });

  it('a connection killed mid-transaction fails that transaction as UNAVAILABLE; the store recovers', async () => {
    const appName = `tessera_kill_${schema}`;
    const victim = await openStore(`${PG_URL}?application_name=${appName}`, {
      schema,
      migrate: false,
      maxConnections: 2,
    });
    try {
      const t = await seedTenant(victim);
      const outcome = victim.transaction(
        async (tx) => {
          await tx.credentials.count(t.id);
          await withOwner((c) =>
            c.query('select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1', [
              appName,
            ]),
          );
          return tx.credentials.count(t.id);
        },
        { tenantId: t.id },
      );
      await expect(outcome).rejects.toMatchObject({ code: 'UNAVAILABLE' });
      await expect(victim.ping()).resolves.toBeUndefined();
      expect(await victim.credentials.count(t.id)).toBe(0);
    } finally {
      await victim.close();
    }
  });

  it('ping on an unreachable server is UNAVAILABLE', async () => {
    const down = await openStore('postgres://postgres@127.0.0.1:1/test', {
      migrate: false,
      connectTimeoutMs: 1000,
    });
    try {
      await expect(down.ping()).rejects.toMatchObject({ code: 'UNAVAILABLE' });
      await expect(
        openStore('postgres://postgres@127.0.0.1:1/test', { connectTimeoutMs: 1000 }),
      ).rejects.toMatchObject({
        code: 'UNAVAILABLE',
      });
    } finally {
      await down.close();
    }
  });

  it('uses the URL it was given', () => {
    expect(PG_URL.startsWith('postgres')).toBe(true);
  });
});
