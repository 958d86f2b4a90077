import type { Generated } from 'kysely';
/**
 * Table shapes as Kysely sees them. Portable types only, so one schema serves SQLite and
 * PostgreSQL: times are ISO-8601 UTC text (lexicographic order is time order), JSON is text,
 * ids are text (UUIDv7), absent optional fields are SQL NULL.
 */

export interface TenantsTable {
  id: string;
  slug: string;
  name: string;
  url: string | null;
  email: string | null;
  image: string | null;
  description: string | null;
  did_method: string;
  did: string;
  created_at: string;
}

export interface IssuerKeysTable {
  id: string;
  tenant_id: string;
  verification_method: string;
  public_key_multibase: string;
  sealed_secret_key: string;
  status: string;
  created_at: string;
  retired_at: string | null;
}

export interface AchievementsTable {
  tenant_id: string;
  id: string;
  version: number;
  /** The Achievement as JSON text. */
  achievement: string;
  created_at: string;
}

export interface ApiKeysTable {
  id: string;
  tenant_id: string;
  name: string;
  prefix: string;
  token_hash: string;
  /** JSON array of scopes. */
  scopes: string;
  created_at: string;
  revoked_at: string | null;
}

export interface CredentialsTable {
  id: string;
  tenant_id: string;
  achievement_id: string | null;
  achievement_version: number | null;
  subject_id: string;
  format: string;
  document: string;
  verification_method: string;
  issued_at: string;
  /** JSON `[{"list": <status list id>, "index": n}, …]`; NULL before status lists existed. */
  status_entries: string | null;
  /** The issuance leaf's hash and the salt opening its commitment; NULL before the log. */
  leaf_hash: Uint8Array | null;
  salt: Uint8Array | null;
}

export interface IdempotencyTable {
  tenant_id: string;
  key: string;
  request_hash: string;
  credential_id: string;
  created_at: string;
}

export interface StatusListsTable {
  id: string;
  tenant_id: string;
  purpose: string;
  seq: number;
  size: number;
  allocated: number;
  index_key: Uint8Array;
  version: number;
  updated_at: string;
}

export interface StatusListBodiesTable {
  list_id: string;
  tenant_id: string;
  bits: Uint8Array;
  document: string;
}

export interface CredentialStatusTable {
  credential_id: string;
  tenant_id: string;
  status: string;
  reason: string | null;
  updated_at: string;
}

export interface LogQueueTable {
  seq: Generated<number>;
  leaf: Uint8Array;
  hash: Uint8Array;
}

export interface LogLeavesTable {
  idx: number;
  leaf: Uint8Array;
  hash: Uint8Array;
}

export interface LogNodesTable {
  level: number;
  idx: number;
  hash: Uint8Array;
}

export interface LogStateTable {
  id: number;
  size: number;
  /** The compact range's peak hashes, 32 bytes each, left to right. */
  peaks: Uint8Array;
}

export interface LogCheckpointsTable {
  size: number;
  root_hash: Uint8Array;
  note: string;
  created_at: string;
}

export interface KeyLogTable {
  verification_method: string;
  event: string;
  leaf_hash: Uint8Array;
}

export interface LogKeysTable {
  id: string;
  public_key: Uint8Array;
  sealed_secret_key: string;
  created_at: string;
}

export interface Database {
  tenants: TenantsTable;
  issuer_keys: IssuerKeysTable;
  achievements: AchievementsTable;
  api_keys: ApiKeysTable;
  credentials: CredentialsTable;
  idempotency: IdempotencyTable;
  status_lists: StatusListsTable;
  status_list_bodies: StatusListBodiesTable;
  credential_status: CredentialStatusTable;
  log_leaves: LogLeavesTable;
  log_queue: LogQueueTable;
  log_nodes: LogNodesTable;
  log_state: LogStateTable;
  log_checkpoints: LogCheckpointsTable;
  log_keys: LogKeysTable;
  key_log: KeyLogTable;
}

/** Tables that carry `tenant_id` and, on PostgreSQL, row-level security. */
export const TENANT_SCOPED_TABLES = [
  'issuer_keys',
  'achievements',
  'api_keys',
  'credentials',
  'idempotency',
  'status_lists',
  'status_list_bodies',
  'credential_status',
] as const;

export type StoreDialect = 'sqlite' | 'postgres';
