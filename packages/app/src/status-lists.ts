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
import type { Repositories, StatusListRecord, StatusPurpose, TenantRecord } from './ports.js';
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
export const statusListUrl = (deps: AppDeps, tenant: TenantRecord, list: StatusListRecord) =>
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
  list: Pick<StatusListRecord, 'purpose' | 'seq'>,
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
    allocated: 0,
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

/**
 * Gives a credential one entry in the tenant's current list of each purpose, at a random index
 * never handed out before; opens the next list when the current one is half full. Runs in the
 * issuing transaction, so the entry exists exactly when the credential does.
 */
export async function allocateStatus(
  deps: AppDeps,
  tx: Repositories,
  tenant: TenantRecord,
  credentialId: string,
): Promise<{ refs: StatusRef[]; entries: Record<string, unknown>[] }> {
  const refs: StatusRef[] = [];
  const entries: Record<string, unknown>[] = [];
  for (const purpose of STATUS_PURPOSES) {
    let list = await tx.statusLists.current(tenant.id, purpose);
    if (!list || list.allocated >= FILL_LIMIT)
      list = await newList(deps, tx, tenant, purpose, (list?.seq ?? 0) + 1);
    let index = randomIndex(deps, list.size);
    // At most half the list is taken, so each try succeeds with probability ≥ 1/2.
    for (
      let tries = 0;
      !(await tx.statusLists.allocate({ tenantId: tenant.id, listId: list.id, index, credentialId }));
      tries++
    ) {
      if (tries > 64) throw new TesseraError('INTERNAL', 'no free status index found');
      index = randomIndex(deps, list.size);
    }
    const url = statusListUrl(deps, tenant, list);
    refs.push({ purpose, list: url, index });
    entries.push(buildStatusEntry({ listUrl: url, purpose, index }));
  }
  return { refs, entries };
}
