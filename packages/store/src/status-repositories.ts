import type {
  CredentialStatusRepository,
  StatusAllocation,
  StatusListRecord,
  StatusListRepository,
  StatusPurpose,
} from '@tessera/app';
import type { Exec } from './repositories.js';
import type { StatusListsTable } from './schema.js';

const listFromRow = (r: StatusListsTable): StatusListRecord => ({
  id: r.id,
  tenantId: r.tenant_id,
  purpose: r.purpose as StatusPurpose,
  seq: Number(r.seq),
  size: Number(r.size),
  allocated: Number(r.allocated),
  bits: new Uint8Array(r.bits),
  version: Number(r.version),
  document: r.document,
  updatedAt: r.updated_at,
});

const allocationFromRow = (r: {
  list_id: string;
  idx: number;
  tenant_id: string;
  credential_id: string;
}): StatusAllocation => ({
  tenantId: r.tenant_id,
  listId: r.list_id,
  index: Number(r.idx),
  credentialId: r.credential_id,
});

/** Status lists and credential status: tenant-scoped (row-level security on PostgreSQL). */
export function createStatusRepositories(
  run: Exec,
  read: Exec,
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
              bits: l.bits,
              version: l.version,
              document: l.document,
              updated_at: l.updatedAt,
            })
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
          return row && listFromRow(row);
        }),
      bySeq: (tenantId, purpose, seq) =>
        read('read status list', tenantId, async (db) => {
          const row = await db
            .selectFrom('status_lists')
            .selectAll()
            .where('tenant_id', '=', tenantId)
            .where('purpose', '=', purpose)
            .where('seq', '=', seq)
            .executeTakeFirst();
          return row && listFromRow(row);
        }),
      byId: (tenantId, id) =>
        read('read status list', tenantId, async (db) => {
          const row = await db
            .selectFrom('status_lists')
            .selectAll()
            .where('tenant_id', '=', tenantId)
            .where('id', '=', id)
            .executeTakeFirst();
          return row && listFromRow(row);
        }),
      list: (tenantId) =>
        read('list status lists', tenantId, async (db) => {
          const all = await db
            .selectFrom('status_lists')
            .selectAll()
            .where('tenant_id', '=', tenantId)
            .orderBy('purpose')
            .orderBy('seq')
            .execute();
          return all.map(listFromRow);
        }),
      allocate: (a) =>
        run('allocate status index', a.tenantId, async (db) => {
          // The primary key (list, index) makes an index impossible to hand out twice, ever.
          const inserted = await db
            .insertInto('status_allocations')
            .values({ list_id: a.listId, idx: a.index, tenant_id: a.tenantId, credential_id: a.credentialId })
            .onConflict((oc) => oc.doNothing())
            .executeTakeFirst();
          if ((inserted.numInsertedOrUpdatedRows ?? 0n) === 0n) return false;
          await db
            .updateTable('status_lists')
            .set((eb) => ({ allocated: eb('allocated', '+', 1) }))
            .where('tenant_id', '=', a.tenantId)
            .where('id', '=', a.listId)
            .execute();
          return true;
        }),
      allocationsOf: (tenantId, credentialId) =>
        read('read status allocations', tenantId, async (db) => {
          const all = await db
            .selectFrom('status_allocations')
            .selectAll()
            .where('tenant_id', '=', tenantId)
            .where('credential_id', '=', credentialId)
            .execute();
          return all.map(allocationFromRow);
        }),
      update: (tenantId, id, expectedVersion, next) =>
        run('update status list', tenantId, async (db) => {
          const r = await db
            .updateTable('status_lists')
            .set({
              bits: next.bits,
              document: next.document,
              version: next.version,
              updated_at: next.updatedAt,
            })
            .where('tenant_id', '=', tenantId)
            .where('id', '=', id)
            .where('version', '=', expectedVersion)
            .executeTakeFirst();
          return r.numUpdatedRows > 0n;
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
