import { TesseraError } from '@tessera/core';
import type { StatusRef } from '@tessera/credentials';
import {
  buildStatusEntry,
  buildStatusListCredential,
  encodeStatusList,
  issueCredential,
} from '@tessera/credentials';
import { type AppDeps, syncSha256, timestamp } from './deps.js';
import { newId } from './ids.js';
import type {
  CredentialStatusEntry,
  Repositories,
  StatusListHeader,
  StatusListRecord,
  StatusPurpose,
  TenantRecord,
} from './ports.js';
import { signingKey } from './signing-key.js';
import { type IndexPermutation, indexPermutation } from './status-index.js';

/** Entries per list: the spec's minimum, 16 KB raw, so a list cannot single anyone out. */
export const STATUS_LIST_SIZE = 131_072;
/** Seconds a verifier may cache a list (`ttl`, and the HTTP max-age): revocation shows within it. */
export const STATUS_LIST_TTL_SECONDS = 30;
/** A list hands out half its indexes, then the next opens: a list's fill dates nothing. */
const FILL_LIMIT = STATUS_LIST_SIZE / 2;
export const STATUS_PURPOSES: readonly StatusPurpose[] = ['revocation', 'suspension'];

export const statusListPath = (tenant: TenantRecord, purpose: StatusPurpose, seq: number) =>
  `/status/${tenant.slug}/${purpose}-${seq}`;
export const statusListUrl = (deps: AppDeps, tenant: TenantRecord, list: StatusListHeader) =>
  `${deps.publicUrl}${statusListPath(tenant, list.purpose, list.seq)}`;

/** Parses `<purpose>-<seq>` from a status list URL's last segment. */
export function parseListName(name: string): { purpose: StatusPurpose; seq: number } | undefined {
  const m = /^(revocation|suspension)-([1-9][0-9]{0,8})$/.exec(name);
  return m ? { purpose: m[1] as StatusPurpose, seq: Number(m[2]) } : undefined;
}

/** Signs the list credential for `bits` with the tenant's active key (eddsa-rdfc-2022). */
export async function signStatusList(
  deps: AppDeps,
  tx: Repositories,
  tenant: TenantRecord,
  list: Pick<StatusListHeader, 'purpose' | 'seq'>,
  bits: Uint8Array,
  at: Date,
): Promise<string> {
  const keyRecord = await tx.keys.active(tenant.id);
  if (!keyRecord) throw new TesseraError('CONFLICT', 'the tenant has no active signing key');
  const key = await signingKey(deps, tenant, keyRecord);
  const url = `${deps.publicUrl}${statusListPath(tenant, list.purpose, list.seq)}`;
  const unsigned = buildStatusListCredential({
    id: url,
    issuer: tenant.did,
    statusPurpose: list.purpose,
    encodedList: encodeStatusList(bits),
    ttl: STATUS_LIST_TTL_SECONDS * 1000,
    validFrom: `${at.toISOString().slice(0, 19)}Z`,
  });
  const signed = await issueCredential({ crypto: deps.crypto, now: () => at }, key, unsigned, {
    format: 'eddsa-rdfc-2022',
  });
  return JSON.stringify(signed);
}

async function newList(
  deps: AppDeps,
  tx: Repositories,
  tenant: TenantRecord,
  purpose: StatusPurpose,
  seq: number,
): Promise<StatusListRecord> {
  const at = deps.now();
  const bits = new Uint8Array(STATUS_LIST_SIZE / 8);
  const list: StatusListRecord = {
    id: newId(deps),
    tenantId: tenant.id,
    purpose,
    seq,
    size: STATUS_LIST_SIZE,
    // The first block of the new list goes to the process that opened it.
    allocated: STATUS_BLOCK,
    indexKey: deps.crypto.randomBytes(32),
    bits,
    version: 1,
    document: await signStatusList(deps, tx, tenant, { purpose, seq }, bits, at),
    updatedAt: timestamp(at),
  };
  await tx.statusLists.insert(list);
  return list;
}

/** Indexes a process reserves from a list at a time (one durable counter update per block). */
export const STATUS_BLOCK = 256;
/** When fewer than this many remain reserved, the next block is reserved in the background. */
const LOW_WATER = STATUS_BLOCK / 2;

/** Counter values [next, end) of one list, reserved durably by this process. */
interface Block {
  readonly header: StatusListHeader;
  readonly url: string;
  next: number;
  readonly end: number;
}

interface TenantPool {
  /** Per purpose, reserved blocks in order of use (the first is being handed out). */
  readonly blocks: Map<StatusPurpose, Block[]>;
  refilling?: Promise<void> | undefined;
}

// Reserved blocks per deps object (one per server process) and tenant.
const pools = new WeakMap<AppDeps, Map<string, TenantPool>>();

function poolOf(deps: AppDeps, tenantId: string): TenantPool {
  let byTenant = pools.get(deps);
  if (!byTenant) {
    byTenant = new Map();
    pools.set(deps, byTenant);
  }
  let pool = byTenant.get(tenantId);
  if (!pool) {
    pool = { blocks: new Map(STATUS_PURPOSES.map((p) => [p, []])) };
    byTenant.set(tenantId, pool);
  }
  return pool;
}

/** Values still reserved for a purpose, exhausted blocks dropped. */
function remaining(pool: TenantPool, purpose: StatusPurpose): number {
  const blocks = pool.blocks.get(purpose)!;
  while (blocks.length > 0 && blocks[0]!.next >= blocks[0]!.end) blocks.shift();
  let n = 0;
  for (const b of blocks) n += b.end - b.next;
  return n;
}

// Each list's index permutation, with its memoized round tables (8 KB), by list id; bounded,
// oldest dropped first (a dropped one is rebuilt on its next use). The key is compared too, so
// two stores (tests open many) can never share a permutation by accident.
const permutations = new Map<string, { key: Uint8Array; permute: IndexPermutation }>();
const MAX_PERMUTATIONS = 1024;
const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((v, i) => v === b[i]);
function permutationOf(deps: AppDeps, header: StatusListHeader): IndexPermutation {
  const known = permutations.get(header.id);
  if (known && sameBytes(known.key, header.indexKey)) return known.permute;
  if (permutations.size >= MAX_PERMUTATIONS) permutations.delete(permutations.keys().next().value!);
  const permute = indexPermutation(syncSha256(deps), header.indexKey, header.size);
  permutations.set(header.id, { key: header.indexKey, permute });
  return permute;
}

/**
 * Reserves a block of counter values for each purpose that ran out, in a transaction of its
 * own: the current list's counter advances by a block, or, when the list is half full (or there
 * is none), the next list opens with its first block taken. The blocks are used only once that
 * transaction is durable, so a crash can lose unused values but never hand one out twice; an
 * index whose issuance failed is simply never used.
 */
async function refill(
  deps: AppDeps,
  tenant: TenantRecord,
  pool: TenantPool,
  purposes: readonly StatusPurpose[],
): Promise<void> {
  const block = (header: StatusListHeader, next: number, end: number): Block => ({
    header,
    url: statusListUrl(deps, tenant, header),
    next,
    end,
  });
  const blocks = await deps.store.transaction(
    async (tx) => {
      // One writer per tenant's lists at a time: two processes never open the same list.
      await tx.statusLists.lockTenant(tenant.id);
      const fresh: [StatusPurpose, Block][] = [];
      for (const purpose of purposes) {
        const header = await tx.statusLists.current(tenant.id, purpose);
        if (header && header.allocated < FILL_LIMIT) {
          const count = Math.min(STATUS_BLOCK, FILL_LIMIT - header.allocated);
          const after = await tx.statusLists.takeIndexes(tenant.id, header.id, count);
          if (after === undefined) throw new TesseraError('INTERNAL', `status list ${header.id} vanished`);
          fresh.push([purpose, block(header, after - count, after)]);
          continue;
        }
        const list = await newList(deps, tx, tenant, purpose, (header?.seq ?? 0) + 1);
        fresh.push([purpose, block(list, 0, list.allocated)]);
      }
      return fresh;
    },
    { tenantId: tenant.id },
  );
  for (const [purpose, b] of blocks) pool.blocks.get(purpose)!.push(b);
}

/**
 * Draws a credential's entries, one in the tenant's current list of each purpose. Each list
 * hands out p(0), p(1), … of its keyed index permutation: random-looking, never reused. The
 * counter values come from blocks this process reserved durably beforehand (`refill`), so an
 * issuance writes no list row: it only carries the entries in its own credential row. A list
 * hands out half its indexes, then the next opens, so a list's fill says little about a
 * credential's age either.
 */
export async function drawStatus(
  deps: AppDeps,
  tenant: TenantRecord,
): Promise<{ refs: StatusRef[]; entries: Record<string, unknown>[]; held: CredentialStatusEntry[] }> {
  const pool = poolOf(deps, tenant.id);
  const start = (purposes: StatusPurpose[]) => {
    // One refill at a time per tenant; concurrent issuers share it.
    pool.refilling ??= refill(deps, tenant, pool, purposes).finally(() => {
      pool.refilling = undefined;
    });
    return pool.refilling;
  };
  for (;;) {
    const empty = STATUS_PURPOSES.filter((p) => remaining(pool, p) === 0);
    if (empty.length === 0) break;
    // Nothing reserved: wait for a block (then check again, another issuer may have drained it).
    await start(empty);
  }
  // From here to the return nothing awaits: the values taken are this caller's alone.
  const refs: StatusRef[] = [];
  const entries: Record<string, unknown>[] = [];
  const held: CredentialStatusEntry[] = [];
  for (const purpose of STATUS_PURPOSES) {
    const block = pool.blocks.get(purpose)![0]!;
    const index = permutationOf(deps, block.header)(block.next++);
    refs.push({ purpose, list: block.url, index });
    entries.push(buildStatusEntry({ listUrl: block.url, purpose, index }));
    held.push({ listId: block.header.id, index });
  }
  // Running low: reserve the next block now, so that no issuer waits for it. A failure here is
  // not this issuance's; the issuer that finds nothing left retries and reports it.
  const low = STATUS_PURPOSES.filter((p) => remaining(pool, p) < LOW_WATER);
  if (low.length > 0 && pool.refilling === undefined) start(low).catch(() => {});
  return { refs, entries, held };
}
