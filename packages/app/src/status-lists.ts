import { TesseraError } from '@tessera/core';
import type { StatusRef } from '@tessera/credentials';
import {
  buildStatusEntry,
  buildStatusListCredential,
  encodeStatusList,
  issueCredential,
} from '@tessera/credentials';
import { type AppDeps, timestamp } from './deps.js';
import { newId } from './ids.js';
import type {
  Repositories,
  StatusListHeader,
  StatusListRecord,
  StatusPurpose,
  TenantRecord,
} from './ports.js';
import { signingKey } from './signing-key.js';

/** Entries per list: the spec's minimum, 16 KB raw, so a list cannot single anyone out. */
export const STATUS_LIST_SIZE = 131_072;
/** Seconds a verifier may cache a list (`ttl`, and the HTTP max-age): revocation shows within it. */
export const STATUS_LIST_TTL_SECONDS = 30;
/** A list stops handing out indexes when half full, so a random pick rarely collides. */
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
    bits,
    version: 1,
    document: await signStatusList(deps, tx, tenant, { purpose, seq }, bits, at),
    updatedAt: timestamp(at),
  };
  await tx.statusLists.insert(list);
  return list;
}

/** A uniformly random index below `size` from the injected randomness. */
function randomIndex(deps: AppDeps, size: number): number {
  const b = deps.crypto.randomBytes(4);
  const n = ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
  return n % size; // size is a power of two: no modulo bias
}

/** Taken indexes are recounted after this many allocations from a cached list header. */
const RECOUNT_EVERY = 1024;

interface CachedList {
  readonly header: StatusListHeader;
  /** Indexes taken when last counted, plus those this process took since. */
  taken: number;
  sinceCount: number;
}

// Committed list headers, per deps object: issuance reads no list row most of the time.
const listCache = new WeakMap<AppDeps, Map<string, CachedList>>();

async function currentList(
  deps: AppDeps,
  tx: Repositories,
  tenant: TenantRecord,
  purpose: StatusPurpose,
): Promise<{ cached?: CachedList; header: StatusListHeader }> {
  let cache = listCache.get(deps);
  if (!cache) {
    cache = new Map();
    listCache.set(deps, cache);
  }
  const key = `${tenant.id}/${purpose}`;
  let entry = cache.get(key);
  if (!entry || entry.sinceCount >= RECOUNT_EVERY) {
    const header = await tx.statusLists.current(tenant.id, purpose);
    entry = header && {
      header,
      taken: await tx.statusLists.countAllocations(tenant.id, header.id),
      sinceCount: 0,
    };
    if (entry) cache.set(key, entry);
    else cache.delete(key);
  }
  if (entry && entry.taken < FILL_LIMIT) return { cached: entry, header: entry.header };
  // A new list is not cached until a later issuance reads it back committed: if this
  // transaction rolls back, no cached header may name a list that does not exist.
  cache.delete(key);
  return { header: await newList(deps, tx, tenant, purpose, (entry?.header.seq ?? 0) + 1) };
}

/** Forgets the cached list headers of a tenant (after a failed allocation). */
const forgetLists = (deps: AppDeps, tenant: TenantRecord) => {
  const cache = listCache.get(deps);
  for (const purpose of STATUS_PURPOSES) cache?.delete(`${tenant.id}/${purpose}`);
};

/**
 * Gives a credential one entry in the tenant's current list of each purpose, at a random index
 * never handed out before; opens the next list when the current one is half full. Runs in the
 * issuing transaction, so the entries exist exactly when the credential does; both purposes'
 * indexes are taken in one statement.
 */
export async function allocateStatus(
  deps: AppDeps,
  tx: Repositories,
  tenant: TenantRecord,
  credentialId: string,
): Promise<{ refs: StatusRef[]; entries: Record<string, unknown>[] }> {
  try {
    const lists: { cached?: CachedList; header: StatusListHeader }[] = [];
    for (const purpose of STATUS_PURPOSES) lists.push(await currentList(deps, tx, tenant, purpose));
    const indexes = lists.map((l) => randomIndex(deps, l.header.size));
    let pending = lists.map((_, i) => i);
    // At most half a list is taken, so each draw succeeds with probability ≥ 1/2.
    for (let tries = 0; pending.length > 0; tries++) {
      if (tries > 64) throw new TesseraError('INTERNAL', 'no free status index found');
      const ok = await tx.statusLists.allocate(
        pending.map((i) => ({
          tenantId: tenant.id,
          listId: lists[i]!.header.id,
          index: indexes[i]!,
          credentialId,
        })),
      );
      pending = pending.filter((i, k) => {
        if (ok[k]) return false;
        indexes[i] = randomIndex(deps, lists[i]!.header.size);
        return true;
      });
    }
    for (const l of lists) {
      if (!l.cached) continue;
      l.cached.taken++;
      l.cached.sinceCount++;
    }
    const refs: StatusRef[] = [];
    const entries: Record<string, unknown>[] = [];
    for (const [i, l] of lists.entries()) {
      const url = statusListUrl(deps, tenant, l.header);
      refs.push({ purpose: l.header.purpose, list: url, index: indexes[i]! });
      entries.push(buildStatusEntry({ listUrl: url, purpose: l.header.purpose, index: indexes[i]! }));
    }
    return { refs, entries };
  } catch (e) {
    forgetLists(deps, tenant);
    throw e;
  }
}
