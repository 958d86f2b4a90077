import type { LogLeafRecord, LogRepository } from '@tessera/app';
import { TesseraError } from '@tessera/core';
import { CompiledQuery, type Kysely, sql } from 'kysely';
import type { Exec } from './repositories.js';
import type { Database, StoreDialect } from './schema.js';

const HASH = 32;

const splitPeaks = (blob: Uint8Array): Uint8Array[] => {
  const peaks: Uint8Array[] = [];
  for (let at = 0; at < blob.length; at += HASH) peaks.push(new Uint8Array(blob.subarray(at, at + HASH)));
  return peaks;
};
const joinPeaks = (peaks: readonly Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(peaks.length * HASH);
  peaks.forEach((p, i) => {
    out.set(p, i * HASH);
  });
  return out;
};
const bytes = (b: Uint8Array) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

const BLOCK = 64;

/** `insert into <table> (<columns>) values (…), …` for `rows` rows, in the dialect's placeholders. */
const insertText = new Map<string, string>();
function insertSql(dialect: StoreDialect, table: string, columns: readonly string[], rows: number): string {
  const key = `${dialect}/${table}/${rows}`;
  let text = insertText.get(key);
  if (!text) {
    let n = 0;
    const tuple = () => `(${columns.map(() => (dialect === 'postgres' ? `$${++n}` : '?')).join(', ')})`;
    text = `insert into ${table} (${columns.join(', ')}) values ${Array.from({ length: rows }, tuple).join(', ')}`;
    insertText.set(key, text);
  }
  return text;
}

/**
 * Inserts rows in blocks of exactly BLOCK rows, then single rows: a handful of distinct
 * statements that stay prepared. The text is built once and the values passed as they are: the
 * query builder's per-row work cost as much as the inserts at 10,000 leaves a batch.
 */
async function insertRows(
  db: Kysely<Database>,
  dialect: StoreDialect,
  table: 'log_leaves' | 'log_nodes' | 'log_queue',
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
): Promise<void> {
  let at = 0;
  for (; at + BLOCK <= rows.length; at += BLOCK)
    await db.executeQuery(
      CompiledQuery.raw(insertSql(dialect, table, columns, BLOCK), rows.slice(at, at + BLOCK).flat()),
    );
  for (; at < rows.length; at++)
    await db.executeQuery(CompiledQuery.raw(insertSql(dialect, table, columns, 1), [...rows[at]!]));
}

/** A leaf on its way into `log_queue`. */
export interface QueueingLeaf {
  readonly leaf: Uint8Array;
  readonly hash: Uint8Array;
}

/**
 * The transparency log's storage: leaves with their hashes, every complete subtree's hash
 * (levels ≥ 1; level 0 is the leaf hash), the head (size and compact-range peaks) and signed
 * checkpoints. Global, not tenant-scoped: everything here is public.
 */
export function createLogRepository(
  run: Exec,
  read: Exec,
  dialect: StoreDialect,
  deferLeaves?: (leaves: readonly QueueingLeaf[]) => void,
): LogRepository {
  return {
    enqueue: async (leaves) => {
      if (leaves.length === 0) return;
      // In a SQLite group commit the batch writes its members' leaves together, at its commit.
      if (deferLeaves) return deferLeaves(leaves);
      await run('queue log leaves', undefined, (db) =>
        insertRows(
          db,
          dialect,
          'log_queue',
          ['leaf', 'hash'],
          leaves.map((l) => [l.leaf, l.hash]),
        ),
      );
    },
    queued: (limit) =>
      read('read log queue', undefined, async (db) => {
        const { rows } = await sql<{ seq: number; leaf: Uint8Array; hash: Uint8Array }>`select seq, leaf, hash
          from log_queue order by seq limit ${limit}`.execute(db);
        return rows.map((r) => ({ seq: Number(r.seq), leaf: bytes(r.leaf), hash: bytes(r.hash) }));
      }),
    dequeue: (seqs) =>
      run('dequeue log leaves', undefined, async (db) => {
        if (seqs.length === 0) return;
        if (dialect === 'sqlite') {
          // One writer: every queued row up to the largest one taken was taken (they were read
          // in order, in this transaction), so a range says it in one statement.
          await db
            .deleteFrom('log_queue')
            .where('seq', '<=', Math.max(...seqs))
            .execute();
          return;
        }
        // PostgreSQL: a row with a lower seq may commit later; only the rows read are removed.
        for (let at = 0; at < seqs.length; at += 1000)
          await db
            .deleteFrom('log_queue')
            .where('seq', 'in', seqs.slice(at, at + 1000))
            .execute();
      }),
    // A read: outside a transaction it needs no durability wait (SQLite's reader connection);
    // inside one every runner uses the transaction's own connection, where the lock applies.
    state: () =>
      read('read log head', undefined, async (db) => {
        let q = db.selectFrom('log_state').select(['size', 'peaks']).where('id', '=', 1);
        // On PostgreSQL concurrent appenders (several servers) queue on this row lock; SQLite's
        // writer lock already serializes them.
        if (dialect === 'postgres') q = q.forUpdate();
        const row = await q.executeTakeFirstOrThrow();
        return { size: Number(row.size), peaks: splitPeaks(bytes(row.peaks)) };
      }),
    append: (leaves, nodes, next) =>
      run('append to the log', undefined, async (db) => {
        if (leaves.length === 0) return;
        // Blocks of exactly BLOCK rows, then single rows: a handful of distinct statements that
        // stay prepared, where chunks of any size would be parsed and planned anew each time.
        await insertRows(
          db,
          dialect,
          'log_leaves',
          ['idx', 'leaf', 'hash'],
          leaves.map((l) => [l.index, l.leaf, l.hash]),
        );
        await insertRows(
          db,
          dialect,
          'log_nodes',
          ['level', 'idx', 'hash'],
          nodes.map((n) => [n.level, n.index, n.hash]),
        );
        const moved = await db
          .updateTable('log_state')
          .set({ size: next.size, peaks: joinPeaks(next.peaks) })
          .where('id', '=', 1)
          .where('size', '=', leaves[0]!.index)
          .executeTakeFirst();
        if (moved.numUpdatedRows !== 1n)
          throw new TesseraError('CONFLICT', 'the log head moved during the append');
      }),
    nodes: (ids) =>
      read('read log nodes', undefined, async (db) => {
        if (ids.length === 0) return [];
        // One statement for a whole proof (level 0 is the leaf hash, kept with the leaf); a plain
        // SQL template, since the query builder's work for twenty OR terms cost more than the reads.
        const leafIds = ids.filter((i) => i.level === 0).map((i) => i.index);
        const inner = ids.filter((i) => i.level > 0);
        const parts = [];
        if (leafIds.length > 0)
          parts.push(sql`select 0 as level, idx, hash from log_leaves where idx in (${sql.join(leafIds)})`);
        if (inner.length > 0)
          parts.push(
            sql`select level, idx, hash from log_nodes where ${sql.join(
              inner.map((i) => sql`(level = ${i.level} and idx = ${i.index})`),
              sql` or `,
            )}`,
          );
        const { rows } = await sql<{ level: number; idx: number; hash: Uint8Array }>`${sql.join(
          parts,
          sql` union all `,
        )}`.execute(db);
        const found = new Map<string, Uint8Array>();
        for (const r of rows) found.set(`${Number(r.level)}/${Number(r.idx)}`, bytes(r.hash));
        return ids.map((i) => {
          const hash = found.get(`${i.level}/${i.index}`);
          if (!hash) throw new TesseraError('INTERNAL', `the log has no node ${i.level}/${i.index}`);
          return hash;
        });
      }),
    leaves: (start, end) =>
      read('read log leaves', undefined, async (db) => {
        const rows = await db
          .selectFrom('log_leaves')
          .selectAll()
          .where('idx', '>=', start)
          .where('idx', '<', end)
          .orderBy('idx')
          .execute();
        return rows.map(
          (r): LogLeafRecord => ({ index: Number(r.idx), leaf: bytes(r.leaf), hash: bytes(r.hash) }),
        );
      }),
    indexOfHash: (hash) =>
      read('find log leaf', undefined, async (db) => {
        // Through the index on the hash's first 8 bytes (migration 0004); a repeated event's
        // first leaf is the one named.
        const { rows } = await sql<{ idx: number }>`select idx from log_leaves
          where substr(hash, 1, 8) = ${hash.subarray(0, 8)} and hash = ${hash} order by idx limit 1`.execute(
          db,
        );
        return rows[0] && Number(rows[0].idx);
      }),
    latestCheckpoint: () =>
      read('read checkpoint', undefined, async (db) => {
        const row = await db
          .selectFrom('log_checkpoints')
          .selectAll()
          .orderBy('size', 'desc')
          .limit(1)
          .executeTakeFirst();
        return (
          row && {
            size: Number(row.size),
            rootHash: bytes(row.root_hash),
            note: row.note,
            createdAt: row.created_at,
          }
        );
      }),
    saveCheckpoint: (cp) =>
      run('save checkpoint', undefined, async (db) => {
        // One statement: insert only if nothing as large exists (compare-and-swap on the size).
        const r = await sql`insert into log_checkpoints (size, root_hash, note, created_at)
          select ${cp.size}, ${cp.rootHash}, ${cp.note}, ${cp.createdAt}
          where not exists (select 1 from log_checkpoints where size >= ${cp.size})`.execute(db);
        return (r.numAffectedRows ?? 0n) > 0n;
      }),
    recordKeyEvent: (r) =>
      run('record key event', undefined, async (db) => {
        await db
          .insertInto('key_log')
          .values({ verification_method: r.verificationMethod, event: r.event, leaf_hash: r.leafHash })
          .execute();
      }),
    keyEvents: (verificationMethod) =>
      read('read key events', undefined, async (db) => {
        const rows = await db
          .selectFrom('key_log')
          .selectAll()
          .where('verification_method', '=', verificationMethod)
          .execute();
        return rows.map((r) => ({
          verificationMethod: r.verification_method,
          event: r.event as 'added' | 'retired',
          leafHash: bytes(r.leaf_hash),
        }));
      }),
    signingKey: () =>
      read('read log key', undefined, async (db) => {
        const row = await db
          .selectFrom('log_keys')
          .selectAll()
          .orderBy('created_at')
          .limit(1)
          .executeTakeFirst();
        return (
          row && {
            id: row.id,
            publicKey: bytes(row.public_key),
            sealedSecretKey: row.sealed_secret_key,
            createdAt: row.created_at,
          }
        );
      }),
    insertSigningKey: (k) =>
      run('insert log key', undefined, async (db) => {
        await db
          .insertInto('log_keys')
          .values({
            id: k.id,
            public_key: k.publicKey,
            sealed_secret_key: k.sealedSecretKey,
            created_at: k.createdAt,
          })
          .execute();
      }),
  };
}
