import type {
  AchievementRecord,
  ApiKeyRecord,
  CredentialRecord,
  DidMethod,
  IdempotencyRecord,
  IssuerKeyRecord,
  KeyStatus,
  Scope,
  TenantRecord,
} from '@tessera/app';
import type {
  AchievementsTable,
  ApiKeysTable,
  CredentialsTable,
  IdempotencyTable,
  IssuerKeysTable,
  TenantsTable,
} from './schema.js';

/*
 * Records <-> rows. Optional record fields are SQL NULL in rows and absent (not `undefined`)
 * in records, as exactOptionalPropertyTypes requires.
 */

const opt = <K extends string>(key: K, value: string | null): { [P in K]?: string } =>
  (value === null ? {} : { [key]: value }) as { [P in K]?: string };

export const tenantToRow = (t: TenantRecord): TenantsTable => ({
  id: t.id,
  slug: t.slug,
  name: t.name,
  url: t.url ?? null,
  email: t.email ?? null,
  image: t.image ?? null,
  description: t.description ?? null,
  did_method: t.didMethod,
  did: t.did,
  created_at: t.createdAt,
});

export const tenantFromRow = (r: TenantsTable): TenantRecord => ({
  id: r.id,
  slug: r.slug,
  name: r.name,
  ...opt('url', r.url),
  ...opt('email', r.email),
  ...opt('image', r.image),
  ...opt('description', r.description),
  didMethod: r.did_method as DidMethod,
  did: r.did,
  createdAt: r.created_at,
});

export const keyToRow = (k: IssuerKeyRecord): IssuerKeysTable => ({
  id: k.id,
  tenant_id: k.tenantId,
  verification_method: k.verificationMethod,
  public_key_multibase: k.publicKeyMultibase,
  sealed_secret_key: k.sealedSecretKey,
  status: k.status,
  created_at: k.createdAt,
  retired_at: k.retiredAt ?? null,
});

export const keyFromRow = (r: IssuerKeysTable): IssuerKeyRecord => ({
  id: r.id,
  tenantId: r.tenant_id,
  verificationMethod: r.verification_method,
  publicKeyMultibase: r.public_key_multibase,
  sealedSecretKey: r.sealed_secret_key,
  status: r.status as KeyStatus,
  createdAt: r.created_at,
  ...opt('retiredAt', r.retired_at),
});

export const achievementToRow = (a: AchievementRecord): AchievementsTable => ({
  tenant_id: a.tenantId,
  id: a.id,
  version: a.version,
  achievement: JSON.stringify(a.achievement),
  created_at: a.createdAt,
});

export const achievementFromRow = (r: AchievementsTable): AchievementRecord => ({
  id: r.id,
  tenantId: r.tenant_id,
  // PostgreSQL returns integer columns as numbers; bigint would need care, but versions are int4.
  version: Number(r.version),
  achievement: JSON.parse(r.achievement) as Record<string, unknown>,
  createdAt: r.created_at,
});

export const apiKeyToRow = (k: ApiKeyRecord): ApiKeysTable => ({
  id: k.id,
  tenant_id: k.tenantId,
  name: k.name,
  prefix: k.prefix,
  token_hash: k.tokenHash,
  scopes: JSON.stringify(k.scopes),
  created_at: k.createdAt,
  revoked_at: k.revokedAt ?? null,
});

export const apiKeyFromRow = (r: ApiKeysTable): ApiKeyRecord => ({
  id: r.id,
  tenantId: r.tenant_id,
  name: r.name,
  prefix: r.prefix,
  tokenHash: r.token_hash,
  scopes: JSON.parse(r.scopes) as Scope[],
  createdAt: r.created_at,
  ...opt('revokedAt', r.revoked_at),
});

export const credentialToRow = (c: CredentialRecord): CredentialsTable => ({
  id: c.id,
  tenant_id: c.tenantId,
  achievement_id: c.achievementId ?? null,
  achievement_version: c.achievementVersion ?? null,
  subject_id: c.subjectId,
  format: c.format,
  document: c.document,
  verification_method: c.verificationMethod,
  issued_at: c.issuedAt,
  status_entries:
    c.statusEntries === undefined
      ? null
      : JSON.stringify(c.statusEntries.map((e) => ({ list: e.listId, index: e.index }))),
  leaf_hash: c.issuance?.leafHash ?? null,
  salt: c.issuance?.salt ?? null,
});

const bytes = (b: Uint8Array) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

export const credentialFromRow = (r: CredentialsTable): CredentialRecord => ({
  id: r.id,
  tenantId: r.tenant_id,
  ...opt('achievementId', r.achievement_id),
  ...(r.achievement_version === null ? {} : { achievementVersion: Number(r.achievement_version) }),
  subjectId: r.subject_id,
  format: r.format as CredentialRecord['format'],
  document: r.document,
  verificationMethod: r.verification_method,
  issuedAt: r.issued_at,
  ...(r.status_entries === null
    ? {}
    : {
        statusEntries: (JSON.parse(r.status_entries) as { list: string; index: number }[]).map((e) => ({
          listId: e.list,
          index: e.index,
        })),
      }),
  ...(r.leaf_hash === null || r.salt === null
    ? {}
    : { issuance: { leafHash: bytes(r.leaf_hash), salt: bytes(r.salt) } }),
});

export const idempotencyToRow = (i: IdempotencyRecord): IdempotencyTable => ({
  tenant_id: i.tenantId,
  key: i.key,
  request_hash: i.requestHash,
  credential_id: i.credentialId,
  created_at: i.createdAt,
});

export const idempotencyFromRow = (r: IdempotencyTable): IdempotencyRecord => ({
  tenantId: r.tenant_id,
  key: r.key,
  requestHash: r.request_hash,
  credentialId: r.credential_id,
  createdAt: r.created_at,
});
