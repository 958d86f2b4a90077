import type {
  CredentialStatusRepository,
  StatusListHeader,
  StatusListRecord,
  StatusListRepository,
  StatusPurpose,
} from '@tessera/app';
import { type Kysely, sql } from 'kysely';
import type { Exec } from './repositories.js';
import type { Database, StatusListsTable, StoreDialect } from './schema.js';

/** The first key of Tessera's status-list advisory locks on PostgreSQL (an arbitrary constant). */
const STATUS_LOCK_SPACE = 0x7e55;

/** Header joined with its body: what serving and changing a list need. */
const fullList = (db: Kysely<Database>) =>
  db
    .selectFrom('status_lists')
    .innerJoin('status_list_bodies', 'status_list_bodies.list_id', 'status_lists.id')
    .selectAll('status_lists')
    .select(['status_list_bodies.bits', 'status_list_bodies.document']);

const headerFromRow = (r: StatusListsTable): StatusListHeader => ({
  id: r.id,
  tenantId: r.tenant_id,
  purpose: r.purpose as StatusPurpose,
  seq: Number(r.seq),
  size: Number(r.size),
  allocated: Number(r.allocated),
  indexKey: new Uint8Array(r.index_key),
  version: Number(r.version),
  updatedAt: r.updated_at,
});

const listFromRow = (r: StatusListsTable & { bits: Uint8Array; document: string }): StatusListRecord => ({
  ...headerFromRow(r),
  bits: new Uint8Array(r.bits),
  document: r.document,
});

/** Status lists and credential status: tenant-scoped (row-level security on PostgreSQL). */
export function createStatusRepositories(
  run: Exec,
  read: Exec,
  dialect: StoreDialect,
): { statusLists: StatusListRepository; credentialStatus: CredentialStatusRepository } {
  return {
    statusLists: {
      insert: (l) =>
        run('insert status list', l.tenantId, async (db) => {
          await db
            .insertInto('status_lists')
            .values({
              id: l.id,
              tenant_id: l.tenantId,
              purpose: l.purpose,
              seq: l.seq,
              size: l.size,
              allocated: l.allocated,
              index_key: l.indexKey,
              version: l.version,
              updated_at: l.updatedAt,
            })
            .execute();
          await db
            .insertInto('status_list_bodies')
            .values({ list_id: l.id, tenant_id: l.tenantId, bits: l.bits, document: l.document })
            .execute();
        }),
      current: (tenantId, purpose) =>
        read('read status list', tenantId, async (db) => {
          const row = await db
            .selectFrom('status_lists')
            .selectAll()
            .where('tenant_id', '=', tenantId)
            .where('purpose', '=', purpose)
            .orderBy('seq', 'desc')
            .limit(1)
            .executeTakeFirst();
          return row && headerFromRow(row);
        }),
      bySeq: (tenantId, purpose, seq) =>
        read('read status list', tenantId, async (db) => {
          const row = await fullList(db)
            .where('status_lists.tenant_id', '=', tenantId)
            .where('purpose', '=', purpose)
            .where('seq', '=', seq)
            .executeTakeFirst();
          return row && listFromRow(row);
        }),
      byId: (tenantId, id) =>
        read('read status list', tenantId, async (db) => {
          const row = await fullList(db)
            .where('status_lists.tenant_id', '=', tenantId)
            .where('status_lists.id', '=', id)
            .executeTakeFirst();
          return row && listFromRow(row);
        }),
      list: (tenantId) =>
        read('list status lists', tenantId, async (db) => {
          const all = await fullList(db)
            .where('status_lists.tenant_id', '=', tenantId)
            .orderBy('purpose')
            .orderBy('seq')
            .execute();
          return all.map(listFromRow);
        }),
      lockTenant: (tenantId) =>
        run('lock tenant status lists', tenantId, async (db) => {
          if (dialect !== 'postgres') return;
          // Two keys: a namespace for Tessera's status locks, and the tenant.
          await sql`select pg_advisory_xact_lock(${STATUS_LOCK_SPACE}, hashtext(${tenantId}))`.execute(db);
        }),
      takeIndexes: (tenantId, listId, count) =>
        run('take status indexes', tenantId, async (db) => {
          const { rows } = await sql<{ allocated: number }>`update status_lists
            set allocated = allocated + ${count}
            where tenant_id = ${tenantId} and id = ${listId}
            returning allocated`.execute(db);
          return rows[0] === undefined ? undefined : Number(rows[0].allocated);
        }),
      update: (tenantId, id, expectedVersion, next) =>
        run('update status list', tenantId, async (db) => {
          const r = await db
            .updateTable('status_lists')
            .set({ version: next.version, updated_at: next.updatedAt })
            .where('tenant_id', '=', tenantId)
            .where('id', '=', id)
            .where('version', '=', expectedVersion)
            .executeTakeFirst();
          if (r.numUpdatedRows === 0n) return false;
          await db
            .updateTable('status_list_bodies')
            .set({ bits: next.bits, document: next.document })
            .where('tenant_id', '=', tenantId)
            .where('list_id', '=', id)
            .execute();
          return true;
        }),
    },
    credentialStatus: {
      get: (tenantId, credentialId) =>
        read('read credential status', tenantId, async (db) => {
          const row = await db
            .selectFrom('credential_status')
            .selectAll()
            .where('tenant_id', '=', tenantId)
            .where('credential_id', '=', credentialId)
            .executeTakeFirst();
          return (
            row && {
              tenantId: row.tenant_id,
              credentialId: row.credential_id,
              status: row.status as 'active' | 'suspended' | 'revoked',
              ...(row.reason === null ? {} : { reason: row.reason }),
              updatedAt: row.updated_at,
            }
          );
        }),
      put: (r) =>
        run('write credential status', r.tenantId, async (db) => {
          const values = {
            credential_id: r.credentialId,
            tenant_id: r.tenantId,
            status: r.status,
            reason: r.reason ?? null,
            updated_at: r.updatedAt,
          };
          await db
            .insertInto('credential_status')
            .values(values)
            .onConflict((oc) =>
              oc.column('credential_id').doUpdateSet({
                status: values.status,
                reason: values.reason,
                updated_at: values.updated_at,
              }),
            )
            .execute();
        }),
    },
  };
}
