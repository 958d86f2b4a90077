import { canonicalize, TesseraError, toHex, utf8Encode } from '@tessera/core';
import { commitmentOfBytes, logTime, type ProofFormat } from '@tessera/credentials';
import { type AppDeps, inProcessSigner, securedOf, syncSha256, timestamp } from './deps.js';
import { checkIssueRequest, type IssueRequest, prepareCredential } from './issue-request.js';
import { appendToLog } from './log-append.js';
import type { CredentialRecord, IssuerKeyRecord, Repositories, TenantRecord } from './ports.js';
import { signingKey } from './signing-key.js';
import { drawStatus } from './status-lists.js';

export type { IssueRequest } from './issue-request.js';

export interface IssueOutcome {
  /** The secured credential (parsed from `record.document` when read). */
  readonly verifiableCredential: Record<string, unknown> | string;
  /** `document` is the secured credential as text: what the API answers, without serializing again. */
  readonly record: CredentialRecord;
  /** True when an Idempotency-Key replay returned the credential issued before. */
  readonly replayed: boolean;
}

/**
 * VC-API issue for a tenant. The service always issues as the calling tenant: the request's
 * issuer (if any) is replaced, its id assigned (`urn:uuid:<UUIDv7>`), validFrom defaulted to now.
 * The credential row and idempotency record commit together before the caller is answered.
 */
export async function issueForTenant(
  deps: AppDeps,
  tenant: TenantRecord,
  request: IssueRequest,
  idempotencyKey?: string,
): Promise<IssueOutcome> {
  const { format, input } = checkIssueRequest(request);
  // Only a request that may be retried needs its fingerprint (a canonical hash of the body).
  const requestHash =
    idempotencyKey === undefined
      ? ''
      : toHex(
          await deps.crypto.sha256(
            utf8Encode(canonicalize({ credential: request.credential, options: request.options ?? {} })),
          ),
        );
  if (idempotencyKey !== undefined) {
    const replay = await replayOf(deps.store, tenant, idempotencyKey, requestHash);
    if (replay) return replay;
  }

  const { credential, id, now, subjectId, achievementId, achievementVersion } = await prepareCredential(
    deps,
    tenant,
    input,
    request.options,
  );
  // The credential carries its status entries, so they are drawn before signing (from indexes
  // reserved durably beforehand: if this issuance fails, its indexes are never used).
  const status = await drawStatus(deps, tenant);
  credential.credentialStatus = status.entries;
  let issued: CredentialRecord | undefined;
  try {
    // Signing happens before the transaction (in the server, on a worker thread), with the key
    // active then; the transaction checks that it still is, else signs again with the new one.
    // A retirement that commits after the check is logged later than this issuance's time, so
    // the log shows the key valid when it signed (as it was before signing moved out).
    let keyRecord = activeKeyOf(deps, tenant.id) ?? (await deps.store.keys.active(tenant.id));
    for (let attempt = 0; !issued; attempt++) {
      if (!keyRecord) throw new TesseraError('CONFLICT', 'the tenant has no active signing key');
      const signedWith: IssuerKeyRecord = keyRecord;
      const key = await signingKey(deps, tenant, signedWith);
      const { document, bytes } = await (deps.signCredential ?? inProcessSigner(deps.crypto))(
        key,
        credential,
        format,
        now,
      );
      const salt = deps.crypto.randomBytes(32);
      const commitment = commitmentOfBytes(syncSha256(deps), salt, bytes);
      // Everything that must agree commits together or not at all: the credential row (with
      // its status entries and the salt of its leaf), its issuance leaf and the idempotency record.
      issued = await deps.store.transaction(
        async (tx) => {
          const active = await tx.keys.active(tenant.id);
          rememberActiveKey(deps, tenant.id, active);
          if (active?.id !== signedWith.id) {
            if (attempt >= 2) throw new TesseraError('CONFLICT', 'the signing key keeps changing; retry');
            keyRecord = active;
            return undefined;
          }
          const [leafHash] = await appendToLog(deps, tx, [
            {
              v: 1,
              type: 'issue',
              tenant: tenant.did,
              time: logTime(now),
              credential: commitment,
              key: key.id,
              status: status.refs,
            },
          ]);
          const record: CredentialRecord = {
            id,
            tenantId: tenant.id,
            ...(achievementId !== undefined ? { achievementId } : {}),
            ...(achievementVersion !== undefined ? { achievementVersion } : {}),
            subjectId,
            format: format as ProofFormat,
            document,
            verificationMethod: key.id,
            issuedAt: timestamp(now),
            statusEntries: status.held,
            issuance: { leafHash: leafHash!, salt },
          };
          await tx.credentials.insert(record);
          if (idempotencyKey !== undefined) {
            await tx.idempotency.insert({
              tenantId: tenant.id,
              key: idempotencyKey,
              requestHash,
              credentialId: id,
              createdAt: record.issuedAt,
            });
          }
          return record;
        },
        { tenantId: tenant.id },
      );
    }
  } catch (e) {
    // A concurrent request with the same Idempotency-Key committed first: answer with its credential.
    // Read in a transaction of its own: it queues behind the one that won (on SQLite the same
    // group commit may still be open), so it sees that credential once it is durable.
    if (idempotencyKey !== undefined && e instanceof TesseraError && e.code === 'CONFLICT') {
      const replay = await deps.store.transaction((tx) => replayOf(tx, tenant, idempotencyKey, requestHash), {
        tenantId: tenant.id,
      });
      if (replay) return replay;
    }
    throw e;
  }
  deps.onLogAppend?.();
  return outcomeOf(issued, false);
}

// The tenant's active key as the last issuance found it, per deps: the issuing transaction
// checks it anyway (and signs again when it changed), so the read before signing is skipped.
const activeKeys = new WeakMap<AppDeps, Map<string, IssuerKeyRecord>>();
const activeKeyOf = (deps: AppDeps, tenantId: string) => activeKeys.get(deps)?.get(tenantId);
function rememberActiveKey(deps: AppDeps, tenantId: string, key: IssuerKeyRecord | undefined): void {
  let known = activeKeys.get(deps);
  if (!known) {
    known = new Map();
    activeKeys.set(deps, known);
  }
  if (key) known.set(tenantId, key);
  else known.delete(tenantId);
}

async function replayOf(
  repos: Repositories,
  tenant: TenantRecord,
  key: string,
  requestHash: string,
): Promise<IssueOutcome | undefined> {
  const previous = await repos.idempotency.get(tenant.id, key);
  if (!previous) return undefined;
  if (previous.requestHash !== requestHash) {
    throw new TesseraError('CONFLICT', 'this Idempotency-Key was used with a different request body');
  }
  const record = await repos.credentials.byId(tenant.id, previous.credentialId);
  if (!record) throw new TesseraError('INTERNAL', 'an idempotency record points at a missing credential');
  return outcomeOf(record, true);
}

/** The outcome of a stored issuance; the credential is parsed from its text only if asked for. */
const outcomeOf = (record: CredentialRecord, replayed: boolean): IssueOutcome => ({
  record,
  replayed,
  get verifiableCredential() {
    return securedOf(record);
  },
});
