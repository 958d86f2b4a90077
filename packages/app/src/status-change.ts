import { TesseraError } from '@tessera/core';
import { logTime, readBit, type StatusEvent } from '@tessera/credentials';
import { type AppDeps, timestamp } from './deps.js';
import { appendToLog } from './log-append.js';
import type { CredentialStatus, StatusPurpose, TenantRecord } from './ports.js';
import { signStatusList, statusListUrl } from './status-lists.js';

export interface StatusChangeOutcome {
  readonly credentialId: string;
  readonly status: CredentialStatus;
  /** False when the credential already had this status (nothing was written or logged). */
  readonly changed: boolean;
}

/** Which bit of which purpose a target status sets (true) or clears (false). */
const BITS: Record<CredentialStatus, Partial<Record<StatusPurpose, boolean>>> = {
  revoked: { revocation: true },
  suspended: { suspension: true },
  active: { suspension: false },
};

function withBit(bits: Uint8Array, i: number, on: boolean): Uint8Array {
  const next = new Uint8Array(bits);
  if (on) next[i >> 3]! |= 1 << (7 - (i & 7));
  else next[i >> 3]! &= ~(1 << (7 - (i & 7)));
  return next;
}

/**
 * Revokes (final), suspends or reinstates one of the tenant's credentials. In one transaction:
 * the bits flip, each touched list is re-signed (its version bumped with a compare-and-swap),
 * every flip is logged, and the status with its private reason is recorded. The reason never
 * leaves the tenant: it is neither in the list nor in the log.
 */
export async function changeStatus(
  deps: AppDeps,
  tenant: TenantRecord,
  credentialId: string,
  status: CredentialStatus,
  reason?: string,
): Promise<StatusChangeOutcome> {
  const outcome = await deps.store.transaction(
    async (tx) => {
      // One writer per tenant's lists at a time: the re-signing below never loses a race.
      await tx.statusLists.lockTenant(tenant.id);
      const credential = await tx.credentials.byId(tenant.id, credentialId);
      if (!credential) throw new TesseraError('NOT_FOUND', `no credential ${credentialId}`);
      const current = (await tx.credentialStatus.get(tenant.id, credentialId))?.status ?? 'active';
      if (current === 'revoked' && status !== 'revoked')
        throw new TesseraError('STATUS_FINAL', 'the credential is revoked; revocation is final');
      const at = deps.now();
      const events: StatusEvent[] = [];
      for (const allocation of credential.statusEntries ?? []) {
        const list = await tx.statusLists.byId(tenant.id, allocation.listId);
        if (!list) throw new TesseraError('INTERNAL', `status list ${allocation.listId} is missing`);
        const want = BITS[status][list.purpose];
        if (want === undefined || readBit(list.bits, allocation.index) === want) continue;
        const bits = withBit(list.bits, allocation.index, want);
        const document = await signStatusList(deps, tx, tenant, list, bits, at);
        const swapped = await tx.statusLists.update(tenant.id, list.id, list.version, {
          bits,
          document,
          version: list.version + 1,
          updatedAt: timestamp(at),
        });
        if (!swapped) throw new TesseraError('UNAVAILABLE', 'the status list changed concurrently; retry');
        events.push({
          v: 1,
          type: 'status',
          tenant: tenant.did,
          time: logTime(at),
          list: statusListUrl(deps, tenant, list),
          index: allocation.index,
          purpose: list.purpose,
          status,
        });
      }
      if (events.length === 0 && current === status) return { credentialId, status, changed: false };
      await appendToLog(deps, tx, events);
      await tx.credentialStatus.put({
        tenantId: tenant.id,
        credentialId,
        status,
        ...(reason === undefined ? {} : { reason }),
        updatedAt: timestamp(at),
      });
      return { credentialId, status, changed: true };
    },
    { tenantId: tenant.id },
  );
  if (outcome.changed) deps.onLogAppend?.();
  return outcome;
}
