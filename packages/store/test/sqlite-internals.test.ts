import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { startCheckpointer } from '../src/checkpointer.js';
import { cachingDatabase } from '../src/statement-cache.js';

const dir = mkdtempSync(join(tmpdir(), 'tessera-sqlite-internals-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('statement cache', () => {
  it('hands out the same prepared statement for the same SQL', () => {
    const raw = new BetterSqlite3(':memory:');
    const db = cachingDatabase(raw);
    expect(db.prepare('select 1 as one')).toBe(db.prepare('select 1 as one'));
    raw.close();
  });

  it('never hands out a statement that is still being iterated', () => {
    const raw = new BetterSqlite3(':memory:');
    raw.exec('create table t (n integer); insert into t values (1), (2), (3)');
    const db = cachingDatabase(raw);
    const first = db.prepare('select n from t order by n') as unknown as BetterSqlite3.Statement;
    const iterator = first.iterate();
    iterator.next();
    const second = db.prepare('select n from t order by n') as unknown as BetterSqlite3.Statement;
    expect(second).not.toBe(first);
    expect(second.all()).toStrictEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    iterator.return?.();
    raw.close();
  });

  it('evicts the least recently used statement past its bound', () => {
    const raw = new BetterSqlite3(':memory:');
    const db = cachingDatabase(raw, 2);
    const a = db.prepare('select 1');
    db.prepare('select 2');
    db.prepare('select 1'); // touch: now 'select 2' is the oldest
    db.prepare('select 3');
    expect(db.prepare('select 1')).toBe(a);
    raw.close();
  });
});

describe('checkpointer', () => {
  it('folds the WAL into the database file from its worker, without the writer checkpointing', async () => {
    const path = join(dir, 'cp.db');
    const raw = new BetterSqlite3(path);
    raw.pragma('journal_mode = WAL');
    raw.pragma('wal_autocheckpoint = 0'); // the writer never checkpoints: only the worker can
    raw.exec('create table t (v blob)');
    const insert = raw.prepare('insert into t values (?)');
    for (let i = 0; i < 200; i++) insert.run(Buffer.alloc(4096, i));
    const before = statSync(path).size;
    const checkpointer = startCheckpointer(path, { intervalMs: 1 });
    checkpointer.poke();
    let after = before;
    // A PASSIVE checkpoint may land in steps on a busy machine: wait for the whole WAL (≤ 5 s).
    for (let i = 0; i < 500 && after <= before + 200 * 4096; i++) {
      await new Promise((r) => setTimeout(r, 10));
      after = statSync(path).size;
    }
    await checkpointer.close();
    expect(after).toBeGreaterThan(before + 200 * 4096);
    raw.close();
  });
});
