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
    // The new list's first index goes to the credential that opened it.
    allocated: 1,
    indexKey: deps.crypto.randomBytes(32),
    bits,
    version: 1,
    document: await signStatusList(deps, tx, tenant, { purpose, seq }, bits, at),
    updatedAt: timestamp(at),
  };
  await tx.statusLists.insert(list);
  return list;
}

// Committed list headers, per deps object: issuance reads no list row most of the time (the
// header's id, size and key never change; its counter is advanced in the database).
const listCache = new WeakMap<AppDeps, Map<string, StatusListHeader>>();

const cacheOf = (deps: AppDeps) => {
  let cache = listCache.get(deps);
  if (!cache) {
    cache = new Map();
    listCache.set(deps, cache);
  }
  return cache;
};

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

/** Forgets the cached list headers of a tenant (after a failed allocation). */
const forgetLists = (deps: AppDeps, tenant: TenantRecord) => {
  for (const purpose of STATUS_PURPOSES) cacheOf(deps).delete(`${tenant.id}/${purpose}`);
};

/**
 * Gives a credential one entry in the tenant's current list of each purpose. Each list hands
 * out p(0), p(1), … of its keyed index permutation: random-looking, never reused. Both
 * counters advance in one statement; a list that passed half full is replaced by the next
 * (so a list's fill says little about a credential's age either). Runs in the issuing
 * transaction, so the entries exist exactly when the credential does.
 */
export async function allocateStatus(
  deps: AppDeps,
  tx: Repositories,
  tenant: TenantRecord,
  credentialId: string,
): Promise<{ refs: StatusRef[]; entries: Record<string, unknown>[] }> {
  const cache = cacheOf(deps);
  try {
    await tx.statusLists.lockTenant(tenant.id);
    const lists = new Map<StatusPurpose, StatusListHeader>();
    for (const purpose of STATUS_PURPOSES) {
      const key = `${tenant.id}/${purpose}`;
      let header = cache.get(key);
      if (!header) {
        header = await tx.statusLists.current(tenant.id, purpose);
        if (header) cache.set(key, header);
      }
      if (header) lists.set(purpose, header);
    }
    const taken = await tx.statusLists.takeIndexes(
      tenant.id,
      [...lists.values()].map((l) => l.id),
    );
    const chosen: { header: StatusListHeader; n: number }[] = [];
    for (const purpose of STATUS_PURPOSES) {
      const header = lists.get(purpose);
      const next = header && taken.get(header.id);
      if (header && next !== undefined && next <= FILL_LIMIT) {
        chosen.push({ header, n: next - 1 });
        continue;
      }
      // No list yet, or this one is half full. Another process may have opened the next one
      // already (our header was cached): use the newest if it has room, else open the next.
      // A new list is cached only once a later issuance reads it back, so a rolled-back
      // transaction leaves no header behind.
      cache.delete(`${tenant.id}/${purpose}`);
      const newest = await tx.statusLists.current(tenant.id, purpose);
      if (newest && newest.id !== header?.id) {
        const n = (await tx.statusLists.takeIndexes(tenant.id, [newest.id])).get(newest.id);
        if (n !== undefined && n <= FILL_LIMIT) {
          chosen.push({ header: newest, n: n - 1 });
          continue;
        }
      }
      const seq = Math.max(header?.seq ?? 0, newest?.seq ?? 0) + 1;
      chosen.push({ header: await newList(deps, tx, tenant, purpose, seq), n: 0 });
    }
    const refs: StatusRef[] = [];
    const entries: Record<string, unknown>[] = [];
    const allocations = [];
    for (const { header, n } of chosen) {
      const index = permutationOf(deps, header)(n);
      const url = statusListUrl(deps, tenant, header);
      refs.push({ purpose: header.purpose, list: url, index });
      entries.push(buildStatusEntry({ listUrl: url, purpose: header.purpose, index }));
      allocations.push({ tenantId: tenant.id, listId: header.id, index, credentialId });
    }
    await tx.statusLists.recordAllocations(allocations);
    return { refs, entries };
  } catch (e) {
    forgetLists(deps, tenant);
    throw e;
  }
}
