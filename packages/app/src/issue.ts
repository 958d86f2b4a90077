import { canonicalize, isRecord, TesseraError, toHex, utf8Encode } from '@tessera/core';
import {
  credentialClass,
  isProofFormat,
  commitmentOfBytes,
  issueCredentialWithBytes,
  logTime,
  PROOF_FORMATS,
  type ProofFormat,
} from '@tessera/credentials';
import { type AppDeps, timestamp } from './deps.js';
import { newId } from './ids.js';
import { appendToLog } from './log-append.js';
import type { CredentialRecord, Repositories, TenantRecord } from './ports.js';
import { signingKey } from './signing-key.js';
import { drawStatus } from './status-lists.js';
import { issuerProfile } from './tenants.js';

export interface IssueRequest {
  credential: unknown;
  options?: { format?: unknown; achievementId?: unknown } | undefined;
}

export interface IssueOutcome {
  readonly verifiableCredential: Record<string, unknown> | string;
  readonly record: CredentialRecord;
  /** True when an Idempotency-Key replay returned the credential issued before. */
  readonly replayed: boolean;
}

const fieldError = (
  pointer: string,
  message: string,
  code: 'INPUT_INVALID' | 'ISSUER_INVALID' = 'INPUT_INVALID',
) => new TesseraError(code, `${pointer}: ${message}`, { fields: [{ pointer, message }] });

function isUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    new URL(value);
    return /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(value);
  } catch {
    return false;
  }
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
  const format = request.options?.format ?? 'eddsa-rdfc-2022';
  if (!isProofFormat(format))
    throw fieldError('/options/format', `must be one of ${PROOF_FORMATS.join(', ')}`);
  if (!isRecord(request.credential)) throw fieldError('/credential', 'must be a JSON object');
  const input = request.credential;
  // The engine also signs plain VCs (status lists); the VC-API issues Open Badges only.
  if (credentialClass(input) !== 'OpenBadgeCredential')
    throw fieldError('/credential/type', 'must include OpenBadgeCredential (or AchievementCredential)');
  if ('credentialStatus' in input)
    throw fieldError('/credential/credentialStatus', 'is assigned by the service; leave it out');
  if ('issuer' in input) {
    const issuer = input.issuer;
    if (!(isUrl(issuer) || (isRecord(issuer) && isUrl(issuer.id))))
      throw fieldError(
        '/credential/issuer',
        'must be a URL or a Profile whose id is a URL',
        'ISSUER_INVALID',
      );
  }

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

  const credential: Record<string, unknown> = { ...input };
  let achievementId: string | undefined;
  let achievementVersion: number | undefined;
  const requested = request.options?.achievementId;
  if (requested !== undefined) {
    if (typeof requested !== 'string') throw fieldError('/options/achievementId', 'must be a string');
    const stored = await deps.store.achievements.latest(tenant.id, requested);
    if (!stored) throw new TesseraError('NOT_FOUND', `no achievement ${requested}`);
    if (!isRecord(credential.credentialSubject))
      throw fieldError('/credential/credentialSubject', 'must be an object');
    credential.credentialSubject = { ...credential.credentialSubject, achievement: stored.achievement };
    achievementId = stored.id;
    achievementVersion = stored.version;
  }
  // OB 3.0 requires a credential name; the achievement's is the natural default.
  const achievement = isRecord(credential.credentialSubject)
    ? credential.credentialSubject.achievement
    : undefined;
  if (credential.name === undefined && isRecord(achievement) && typeof achievement.name === 'string')
    credential.name = achievement.name;
  const id = newId(deps);
  credential.id = `urn:uuid:${id}`;
  credential.issuer = issuerProfile(tenant);
  const now = deps.now();
  if (credential.validFrom === undefined && credential.issuanceDate === undefined)
    credential.validFrom = `${now.toISOString().slice(0, 19)}Z`;

  const subject = isRecord(credential.credentialSubject) ? credential.credentialSubject.id : undefined;
  // The credential carries its status entries, so they are drawn before signing (from indexes
  // reserved durably beforehand: if this issuance fails, its indexes are never used).
  const status = await drawStatus(deps, tenant);
  credential.credentialStatus = status.entries;
  let issued: { secured: Record<string, unknown> | string; record: CredentialRecord };
  try {
    // Everything that must agree commits together or not at all: the signature by the key
    // active at this moment, the credential row (with its status entries and the salt of its
    // leaf), its issuance leaf and the idempotency record.
    issued = await deps.store.transaction(
      async (tx) => {
        const keyRecord = await tx.keys.active(tenant.id);
        if (!keyRecord) throw new TesseraError('CONFLICT', 'the tenant has no active signing key');
        const key = await signingKey(deps, tenant, keyRecord);
        const { secured, bytes } = await issueCredentialWithBytes(
          { crypto: deps.crypto, now: deps.now },
          key,
          credential,
          { format },
        );
        const salt = deps.crypto.randomBytes(32);
        const [leafHash] = await appendToLog(deps, tx, [
          {
            v: 1,
            type: 'issue',
            tenant: tenant.did,
            time: logTime(now),
            credential: await commitmentOfBytes(deps.crypto, salt, bytes),
            key: key.id,
            status: status.refs,
          },
        ]);
        const record: CredentialRecord = {
          id,
          tenantId: tenant.id,
          ...(achievementId !== undefined ? { achievementId } : {}),
          ...(achievementVersion !== undefined ? { achievementVersion } : {}),
          subjectId: typeof subject === 'string' ? subject : '',
          format: format as ProofFormat,
          document: typeof secured === 'string' ? secured : JSON.stringify(secured),
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
        return { secured, record };
      },
      { tenantId: tenant.id },
    );
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
  return { verifiableCredential: issued.secured, record: issued.record, replayed: false };
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
  const verifiableCredential =
    record.format === 'vc-jwt' ? record.document : (JSON.parse(record.document) as Record<string, unknown>);
  return { verifiableCredential, record, replayed: true };
}
