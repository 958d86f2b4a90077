/**
 * Ports of the issuer service: what the use cases need from storage, as nouns. Adapters live in
 * @tessera/store (Kysely on SQLite and PostgreSQL). Every tenant-scoped method takes the tenant
 * id: a row of another tenant is indistinguishable from a missing one (both `undefined`).
 * Times are ISO-8601 UTC strings with milliseconds; JSON is passed as parsed values.
 */

import type { CredentialStatusValue, StatusPurpose } from '@tessera/credentials';

export type Scope = 'issue' | 'status' | 'admin' | 'read';
export const SCOPES: readonly Scope[] = ['issue', 'status', 'admin', 'read'];

export type DidMethod = 'web' | 'key';

/** An issuer organisation: OB 3.0 Profile fields plus its DID. */
export interface TenantRecord {
  readonly id: string;
  /** URL-safe, unique: `did:web:<host>:tenants:<slug>`, `/tenants/<slug>/did.json`. */
  readonly slug: string;
  readonly name: string;
  readonly url?: string;
  readonly email?: string;
  readonly image?: string;
  readonly description?: string;
  readonly didMethod: DidMethod;
  /** The issuer id written into credentials (did:web or did:key). */
  readonly did: string;
  readonly createdAt: string;
}

export type KeyStatus = 'active' | 'retired';

/** An Ed25519 key of a tenant. Never deleted; retired keys stay listed for verification. */
export interface IssuerKeyRecord {
  readonly id: string;
  readonly tenantId: string;
  /** Verification method id, e.g. `did:web:…#key-<id>`. */
  readonly verificationMethod: string;
  readonly publicKeyMultibase: string;
  /** The 32-byte seed sealed with the master key (AES-256-GCM), base64url `nonce‖ciphertext‖tag`. */
  readonly sealedSecretKey: string;
  readonly status: KeyStatus;
  readonly createdAt: string;
  readonly retiredAt?: string;
}

/** One immutable version of an OB 3.0 Achievement. */
export interface AchievementRecord {
  readonly id: string;
  readonly tenantId: string;
  readonly version: number;
  /** The Achievement JSON as issued into credentials (its `id` is the achievement's URL). */
  readonly achievement: Record<string, unknown>;
  readonly createdAt: string;
}

/** An API key: only the SHA-256 of its secret is stored; the secret is shown once. */
export interface ApiKeyRecord {
  readonly id: string;
  readonly tenantId: string;
  readonly name: string;
  /** The public prefix of the token (`tsk_<prefix>_<secret>`), used to find the row. */
  readonly prefix: string;
  /** Hex SHA-256 of the whole token. */
  readonly tokenHash: string;
  readonly scopes: readonly Scope[];
  readonly createdAt: string;
  readonly revokedAt?: string;
}

/** A signed credential. Immutable; only its status (issue 5) changes. */
export interface CredentialRecord {
  /** UUIDv7; the credential's id is `urn:uuid:<id>`. */
  readonly id: string;
  readonly tenantId: string;
  readonly achievementId?: string;
  readonly achievementVersion?: number;
  readonly subjectId: string;
  readonly format: 'eddsa-rdfc-2022' | 'eddsa-jcs-2022' | 'vc-jwt';
  /** The secured credential exactly as returned: JSON text, or the compact JWT. */
  readonly document: string;
  readonly verificationMethod: string;
  readonly issuedAt: string;
  /** The status entries it holds, drawn before it was signed (absent before status lists). */
  readonly statusEntries?: readonly CredentialStatusEntry[];
  /** Its issuance leaf (found by hash once sequenced) and the salt that opens the leaf's commitment. */
  readonly issuance?: IssuanceLeaf;
}

/** One status entry of a credential: a list of its tenant and the index it holds there. */
export interface CredentialStatusEntry {
  readonly listId: string;
  readonly index: number;
}

export interface IssuanceLeaf {
  readonly leafHash: Uint8Array;
  readonly salt: Uint8Array;
}

/** A remembered issue request: a retry with the same key returns the same credential. */
export interface IdempotencyRecord {
  readonly tenantId: string;
  readonly key: string;
  /** SHA-256 hex of the canonical request body: the same key with another body is a conflict. */
  readonly requestHash: string;
  readonly credentialId: string;
  readonly createdAt: string;
}

export interface TenantRepository {
  insert(tenant: TenantRecord): Promise<void>;
  byId(id: string): Promise<TenantRecord | undefined>;
  bySlug(slug: string): Promise<TenantRecord | undefined>;
  list(): Promise<TenantRecord[]>;
}

export interface IssuerKeyRepository {
  insert(key: IssuerKeyRecord): Promise<void>;
  /** All keys of the tenant, oldest first (active and retired). */
  list(tenantId: string): Promise<IssuerKeyRecord[]>;
  active(tenantId: string): Promise<IssuerKeyRecord | undefined>;
  retire(tenantId: string, id: string, at: string): Promise<boolean>;
}

export interface AchievementRepository {
  /** Inserts a version; (tenantId, id, version) is unique. */
  insert(record: AchievementRecord): Promise<void>;
  latest(tenantId: string, id: string): Promise<AchievementRecord | undefined>;
  version(tenantId: string, id: string, version: number): Promise<AchievementRecord | undefined>;
  /** Latest version of each achievement, ordered by id. */
  list(tenantId: string): Promise<AchievementRecord[]>;
}

export interface ApiKeyRepository {
  insert(key: ApiKeyRecord): Promise<void>;
  /** Looks a key up by its public prefix across tenants (authentication happens before a tenant is known). */
  byPrefix(prefix: string): Promise<ApiKeyRecord | undefined>;
  list(tenantId: string): Promise<ApiKeyRecord[]>;
  revoke(tenantId: string, id: string, at: string): Promise<boolean>;
}

export interface CredentialRepository {
  insert(record: CredentialRecord): Promise<void>;
  byId(tenantId: string, id: string): Promise<CredentialRecord | undefined>;
  count(tenantId: string): Promise<number>;
}

export interface IdempotencyRepository {
  get(tenantId: string, key: string): Promise<IdempotencyRecord | undefined>;
  /** Fails with CONFLICT if the key exists (a concurrent request won). */
  insert(record: IdempotencyRecord): Promise<void>;
}

export type { StatusPurpose };
export type CredentialStatus = CredentialStatusValue;

/**
 * A Bitstring Status List of a tenant: `seq` numbers the lists of one purpose (URL
 * `<purpose>-<seq>`). The header is what issuance touches; the body (bits and signed document)
 * is stored apart, so handing out an index never rewrites 40 KB of list.
 */
export interface StatusListHeader {
  readonly id: string;
  readonly tenantId: string;
  readonly purpose: StatusPurpose;
  readonly seq: number;
  /** Entries (bits); at least 131,072. */
  readonly size: number;
  /** Indexes handed out so far: the next one is `permuteIndex(indexKey, allocated)`. */
  readonly allocated: number;
  /** The list's secret permutation key (32 bytes): indexes look random, never repeat. */
  readonly indexKey: Uint8Array;
  /** Bumped on every change: the ETag, and the compare-and-swap of concurrent writers. */
  readonly version: number;
  readonly updatedAt: string;
}

export interface StatusListRecord extends StatusListHeader {
  /** The raw bitstring (size / 8 bytes), index 0 the most significant bit of byte 0. */
  readonly bits: Uint8Array;
  /** The signed status list credential for `version` (JSON text). */
  readonly document: string;
}

export interface StatusListRepository {
  insert(list: StatusListRecord): Promise<void>;
  /** The newest list of the purpose (new credentials draw their indexes from it): header only. */
  current(tenantId: string, purpose: StatusPurpose): Promise<StatusListHeader | undefined>;
  bySeq(tenantId: string, purpose: StatusPurpose, seq: number): Promise<StatusListRecord | undefined>;
  byId(tenantId: string, id: string): Promise<StatusListRecord | undefined>;
  list(tenantId: string): Promise<StatusListRecord[]>;
  /**
   * Inside a transaction: serializes the tenant's status-list writes (index reservations,
   * status changes) until commit. PostgreSQL takes a transaction-scoped advisory lock (one lock,
   * so no deadlock between list rows, and no two writers opening the same new list); SQLite's
   * writer lock already does.
   */
  lockTenant(tenantId: string): Promise<void>;
  /**
   * Advances the list's counter by `count` and returns its new `allocated`: the caller owns
   * the `count` values before it. Concurrent callers (in any process) never get the same.
   */
  takeIndexes(tenantId: string, listId: string, count: number): Promise<number | undefined>;
  /** Replaces bits and document if the stored version is still `expectedVersion`. */
  update(
    tenantId: string,
    id: string,
    expectedVersion: number,
    next: { bits: Uint8Array; document: string; version: number; updatedAt: string },
  ): Promise<boolean>;
}

/** A credential's current status and the private reason for it (never published). */
export interface CredentialStatusRecord {
  readonly tenantId: string;
  readonly credentialId: string;
  readonly status: CredentialStatus;
  readonly reason?: string;
  readonly updatedAt: string;
}

export interface CredentialStatusRepository {
  get(tenantId: string, credentialId: string): Promise<CredentialStatusRecord | undefined>;
  put(record: CredentialStatusRecord): Promise<void>;
}

/** A leaf committed with its write, waiting for the sequencer to give it an index. */
export interface QueuedLeaf {
  readonly seq: number;
  readonly leaf: Uint8Array;
  readonly hash: Uint8Array;
}

export interface LogLeafRecord {
  readonly index: number;
  /** The leaf's exact bytes (JCS of a log event). */
  readonly leaf: Uint8Array;
  /** RFC 9162 leaf hash: SHA-256(0x00 ‖ leaf). */
  readonly hash: Uint8Array;
}

export interface LogNodeRecord {
  readonly level: number;
  readonly index: number;
  readonly hash: Uint8Array;
}

/** The tree head the appender continues from: size and the compact range's peaks. */
export interface LogState {
  readonly size: number;
  readonly peaks: readonly Uint8Array[];
}

export interface CheckpointRecord {
  readonly size: number;
  readonly rootHash: Uint8Array;
  /** The C2SP signed note, as served. */
  readonly note: string;
  readonly createdAt: string;
}

/** The log's own Ed25519 key (one per deployment), sealed like tenant keys. */
export interface LogKeyRecord {
  readonly id: string;
  readonly publicKey: Uint8Array;
  readonly sealedSecretKey: string;
  readonly createdAt: string;
}

/** Where a key's `added` or `retired` event sits in the log. */
export interface KeyLogRecord {
  readonly verificationMethod: string;
  readonly event: 'added' | 'retired';
  readonly leafHash: Uint8Array;
}

export interface LogRepository {
  /** Queues leaves inside the writer's transaction: they commit with what they describe. */
  enqueue(leaves: readonly { leaf: Uint8Array; hash: Uint8Array }[]): Promise<void>;
  /** The oldest queued leaves, in queue order, at most `limit`. */
  queued(limit: number): Promise<QueuedLeaf[]>;
  /** Removes sequenced leaves from the queue (in the sequencer's transaction). */
  dequeue(seqs: readonly number[]): Promise<void>;
  /** Inside a transaction on PostgreSQL this locks the head: sequencers take turns, never fork. */
  state(): Promise<LogState>;
  /** Writes leaves, new complete-subtree nodes (levels ≥ 1) and the new head, all or nothing with the transaction. */
  append(leaves: readonly LogLeafRecord[], nodes: readonly LogNodeRecord[], next: LogState): Promise<void>;
  /** Complete-subtree hashes by (level, index); level 0 are leaf hashes. Missing ids throw. */
  nodes(ids: readonly { level: number; index: number }[]): Promise<Uint8Array[]>;
  /** Leaves [start, end), at most `end - start`. */
  leaves(start: number, end: number): Promise<LogLeafRecord[]>;
  indexOfHash(hash: Uint8Array): Promise<number | undefined>;
  latestCheckpoint(): Promise<CheckpointRecord | undefined>;
  /** Stores a checkpoint only if it is larger than every stored one (compare-and-swap). */
  saveCheckpoint(checkpoint: CheckpointRecord): Promise<boolean>;
  recordKeyEvent(record: KeyLogRecord): Promise<void>;
  keyEvents(verificationMethod: string): Promise<KeyLogRecord[]>;
  signingKey(): Promise<LogKeyRecord | undefined>;
  /** Fails with CONFLICT when another process created the key first. */
  insertSigningKey(key: LogKeyRecord): Promise<void>;
}

export interface Repositories {
  readonly tenants: TenantRepository;
  readonly keys: IssuerKeyRepository;
  readonly achievements: AchievementRepository;
  readonly apiKeys: ApiKeyRepository;
  readonly credentials: CredentialRepository;
  readonly idempotency: IdempotencyRepository;
  readonly statusLists: StatusListRepository;
  readonly credentialStatus: CredentialStatusRepository;
  readonly log: LogRepository;
}

/**
 * The store. `transaction` commits durably before it resolves (SQLite: COMMIT, then the WAL
 * fdatasync'ed; PostgreSQL: COMMIT): a use case acknowledges a write only after its transaction resolved.
 * On PostgreSQL, `tenantId` sets the row-level-security tenant for the transaction.
 */
export interface TransactionOptions {
  /** The tenant whose rows the transaction touches (PostgreSQL row-level security). */
  readonly tenantId?: string;
  /**
   * A large write (the log sequencer's batches) that should not share a group commit: on
   * SQLite it commits on its own, without the savepoint a shared commit gives each member
   * (which copies every page it first touches: 5× the cost of a 10,000-leaf batch).
   */
  readonly solo?: boolean;
}

export interface Store extends Repositories {
  readonly dialect: 'sqlite' | 'postgres';
  transaction<T>(fn: (tx: Repositories) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /** Throws UNAVAILABLE when the database cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
