import { setTimeout as sleep } from 'node:timers/promises';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore, openStore, parseStoreUrl, type SqliteStore } from '../src/index.js';
import { aCredential, aTenant, sqliteTarget } from './support.js';

const targets: Array<ReturnType<typeof sqliteTarget>> = [];
const stores: SqliteStore[] = [];
function fresh(): ReturnType<typeof sqliteTarget> {
  const t = sqliteTarget();
  targets.push(t);
  return t;
}
async function open(file: string, options: Parameters<typeof openSqliteStore>[1] = {}): Promise<SqliteStore> {
  const s = await openSqliteStore(file, options);
  stores.push(s);
  return s;
}
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const t of targets.splice(0)) t.cleanup();
});

describe('SQLite store', () => {
  it('the SQLite file uses WAL, syncs it itself before acknowledging (NORMAL + fdatasync), with foreign keys and a busy timeout', async () => {
    const store = await open(fresh().location);
    expect(store.settings()).toStrictEqual({
      journalMode: 'wal',
      synchronous: 1,
      syncBeforeAck: true,
      foreignKeys: true,
      busyTimeoutMs: 5000,
    });
  });

  it('data survives close and reopen', async () => {
    const target = fresh();
    const first = await open(target.location);
    const tenant = aTenant();
    const credential = aCredential(tenant.id);
    await first.transaction(async (tx) => {
      await tx.tenants.insert(tenant);
      await tx.credentials.insert(credential);
    });
    await first.close();
    const again = await open(target.location);
    expect(await again.credentials.byId(tenant.id, credential.id)).toStrictEqual(credential);
  });

  it('a transaction resolves only after its commit is visible to another connection', async () => {
    const target = fresh();
    const store = await open(target.location);
    const tenant = aTenant();
    await store.tenants.insert(tenant);
    const observer = new BetterSqlite3(target.location, { readonly: true });
    try {
      const credentials = Array.from({ length: 50 }, () => aCredential(tenant.id));
      const seenAtResolve = await Promise.all(
        credentials.map((c) =>
          store
            .transaction(async (tx) => tx.credentials.insert(c))
            .then(() => observer.prepare('select count(*) as n from credentials where id = ?').get(c.id)),
        ),
      );
      expect(seenAtResolve).toStrictEqual(credentials.map(() => ({ n: 1 })));
    } finally {
      observer.close();
    }
  });

  it('concurrent transactions do not interleave: each runs start to end alone', async () => {
    const store = await open(fresh().location);
    const tenant = aTenant();
    await store.tenants.insert(tenant);
    const log: string[] = [];
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        store.transaction(async (tx) => {
          log.push(`start ${i}`);
          // Yield to the event loop mid-transaction: the moment another caller could sneak in.
          await sleep(Math.random() * 3);
          const before = await tx.credentials.count(tenant.id);
          await sleep(Math.random() * 3);
          await tx.credentials.insert(aCredential(tenant.id));
          expect(await tx.credentials.count(tenant.id)).toBe(before + 1);
          log.push(`end ${i}`);
        }),
      ),
    );
    expect(log).toHaveLength(60);
    for (let k = 0; k < log.length; k += 2) {
      expect(log[k + 1]).toBe(log[k]!.replace('start', 'end'));
    }
    expect(await store.credentials.count(tenant.id)).toBe(30);
  });

  it('a read outside a transaction never sees another transaction half-done', async () => {
    const store = await open(fresh().location);
    const tenant = aTenant();
    await store.tenants.insert(tenant);
    const writing = store.transaction(async (tx) => {
      await tx.credentials.insert(aCredential(tenant.id));
      await sleep(20);
      await tx.credentials.insert(aCredential(tenant.id));
    });
    await sleep(5);
    const count = await store.credentials.count(tenant.id);
    const settled = await Promise.race([writing.then(() => 'committed'), Promise.resolve('open')]);
    await writing;
    // Reads have their own WAL connection: they see the last commit, never the open transaction,
    // and do not wait for it.
    expect(count).toBe(0);
    expect(settled).toBe('open');
    expect(await store.credentials.count(tenant.id)).toBe(2);
  });

  it('group commit: a failing member is undone alone; the rest of its batch commits', async () => {
    const target = fresh();
    const store = await open(target.location, { maxBatch: 64 });
    const tenant = aTenant();
    await store.tenants.insert(tenant);
    const creds = Array.from({ length: 64 }, () => aCredential(tenant.id));
    const outcomes = await Promise.allSettled(
      creds.map((c, i) =>
        store.transaction(async (tx) => {
          await tx.credentials.insert(c);
          if (i === 10) await tx.credentials.insert(c); // duplicate: CONFLICT
        }),
      ),
    );
    expect(outcomes.filter((o) => o.status === 'rejected')).toHaveLength(1);
    expect(outcomes[10]).toMatchObject({ status: 'rejected', reason: { code: 'CONFLICT' } });
    await store.close();
    const again = await open(target.location);
    expect(await again.credentials.count(tenant.id)).toBe(63);
    expect(await again.credentials.byId(tenant.id, creds[10]!.id)).toBeUndefined();
  });

  it('with group commit off (maxBatch 1) transactions still commit one by one', async () => {
    const store = await open(fresh().location, { maxBatch: 1 });
    const tenant = aTenant();
    await store.tenants.insert(tenant);
    await Promise.all(
      Array.from({ length: 10 }, () =>
        store.transaction((tx) => tx.credentials.insert(aCredential(tenant.id))),
      ),
    );
    expect(await store.credentials.count(tenant.id)).toBe(10);
  });

  it('credentials and achievements are insert-only in the file itself (triggers)', async () => {
    const target = fresh();
    const store = await open(target.location);
    const tenant = aTenant();
    await store.tenants.insert(tenant);
    await store.credentials.insert(aCredential(tenant.id));
    await store.close();
    const raw = new BetterSqlite3(target.location);
    try {
      expect(() => raw.prepare("update credentials set document = 'x'").run()).toThrow(/insert-only/);
      expect(() => raw.prepare('delete from credentials').run()).toThrow(/insert-only/);
    } finally {
      raw.close();
    }
  });

  it('a closed store answers UNAVAILABLE', async () => {
    const store = await open(fresh().location);
    await store.close();
    await expect(store.ping()).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    await expect(store.tenants.list()).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });

  it('opens sqlite::memory: and migrates it', async () => {
    const store = await openStore('sqlite::memory:');
    try {
      expect(store.dialect).toBe('sqlite');
      expect(await store.tenants.list()).toStrictEqual([]);
    } finally {
      await store.close();
    }
  });

  it('a path that cannot be opened is UNAVAILABLE', async () => {
    const target = fresh();
    await open(target.location);
    // The database file is a file, so nothing can be created beneath it.
    await expect(openStore(`sqlite:${target.location}/nested/tessera.db`)).rejects.toMatchObject({
      code: 'UNAVAILABLE',
    });
  });
});

describe('parseStoreUrl', () => {
  it('reads sqlite and postgres URLs and rejects anything else', () => {
    expect(parseStoreUrl('sqlite:./data/tessera.db')).toStrictEqual({
      dialect: 'sqlite',
      path: './data/tessera.db',
    });
    expect(parseStoreUrl('sqlite::memory:')).toStrictEqual({ dialect: 'sqlite', path: ':memory:' });
    expect(parseStoreUrl('sqlite:///var/lib/t.db')).toStrictEqual({
      dialect: 'sqlite',
      path: '/var/lib/t.db',
    });
    expect(parseStoreUrl('postgresql://u@h/db')).toStrictEqual({
      dialect: 'postgres',
      url: 'postgresql://u@h/db',
    });
    expect(() => parseStoreUrl('mysql://h/db')).toThrow(expect.objectContaining({ code: 'INPUT_INVALID' }));
    expect(() => parseStoreUrl('sqlite:')).toThrow(expect.objectContaining({ code: 'INPUT_INVALID' }));
  });
});
