import { TesseraError } from '@tessera/core';
import type { KeyEvent } from '@tessera/credentials';
import { encodeEd25519PublicMultikey, urlToDidWeb } from '@tessera/credentials';
import { type AppDeps, timestamp } from './deps.js';
import { newId } from './ids.js';
import { appendToLog } from './log-append.js';
import type { DidMethod, IssuerKeyRecord, Repositories, TenantRecord } from './ports.js';
import { sealSecret } from './sealing.js';

export interface CreateTenantInput {
  slug: string;
  name: string;
  url?: string;
  email?: string;
  image?: string;
  description?: string;
  didMethod?: DidMethod;
}

const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** did:web of a tenant: `did:web:<host>[%3Aport]:tenants:<slug>`, served at `/tenants/<slug>/did.json`. */
export const tenantDidWeb = (publicUrl: string, slug: string): string =>
  urlToDidWeb(publicUrl, ['tenants', slug]);

/** Generates an Ed25519 key for a tenant and seals its secret; `did` is the key's controller. */
export async function newIssuerKey(
  deps: AppDeps,
  tenantId: string,
  did: string,
  didMethod: DidMethod,
): Promise<IssuerKeyRecord> {
  const { publicKey, secretKey } = await deps.crypto.ed25519Generate();
  const id = newId(deps);
  const publicKeyMultibase = encodeEd25519PublicMultikey(publicKey);
  const verificationMethod =
    didMethod === 'key' ? `${did}#${publicKeyMultibase}` : `${did}#key-${id.slice(-12)}`;
  return {
    id,
    tenantId,
    verificationMethod,
    publicKeyMultibase,
    sealedSecretKey: await sealSecret(deps.masterKey, secretKey, `${tenantId}/${id}`),
    status: 'active',
    createdAt: timestamp(deps.now()),
  };
}

/** Creates a tenant (an OB 3.0 issuer Profile with a DID) and its first signing key, atomically. */
export async function createTenant(
  deps: AppDeps,
  input: CreateTenantInput,
): Promise<{ tenant: TenantRecord; key: IssuerKeyRecord }> {
  if (!SLUG.test(input.slug)) {
    throw new TesseraError('INPUT_INVALID', 'slug must be 1-63 lowercase letters, digits or inner hyphens', {
      fields: [{ pointer: '/slug', message: 'invalid slug' }],
    });
  }
  if (!input.name.trim())
    throw new TesseraError('INPUT_INVALID', 'name is required', {
      fields: [{ pointer: '/name', message: 'is required' }],
    });
  const didMethod = input.didMethod ?? 'web';
  const id = newId(deps);
  let did = tenantDidWeb(deps.publicUrl, input.slug);
  let key = await newIssuerKey(deps, id, did, didMethod);
  if (didMethod === 'key') {
    // A did:key is its key: the tenant's DID is derived from the first key and cannot rotate.
    did = `did:key:${key.publicKeyMultibase}`;
    key = { ...key, verificationMethod: `${did}#${key.publicKeyMultibase}` };
  }
  const tenant: TenantRecord = {
    id,
    slug: input.slug,
    name: input.name.trim(),
    ...(input.url !== undefined ? { url: input.url } : {}),
    ...(input.email !== undefined ? { email: input.email } : {}),
    ...(input.image !== undefined ? { image: input.image } : {}),
    ...(input.description !== undefined ? { description: input.description } : {}),
    didMethod,
    did,
    createdAt: timestamp(deps.now()),
  };
  await deps.store.transaction(
    async (tx) => {
      if (await tx.tenants.bySlug(input.slug))
        throw new TesseraError('CONFLICT', `a tenant with slug ${input.slug} exists`);
      await tx.tenants.insert(tenant);
      await tx.keys.insert(key);
      await logKeyEvents(deps, tx, [keyEvent(tenant, key, 'added', key.createdAt)]);
    },
    { tenantId: id },
  );
  deps.onLogAppend?.();
  return { tenant, key };
}

/** Rotation: a new active key signs from now on; the old one is retired but stays listed. */
export async function rotateKey(deps: AppDeps, tenant: TenantRecord): Promise<IssuerKeyRecord> {
  if (tenant.didMethod === 'key')
    throw new TesseraError('CONFLICT', 'a did:key tenant has exactly one key and cannot rotate it');
  const key = await newIssuerKey(deps, tenant.id, tenant.did, 'web');
  await deps.store.transaction(
    async (tx) => {
      const current = await tx.keys.active(tenant.id);
      if (current) await tx.keys.retire(tenant.id, current.id, key.createdAt);
      await tx.keys.insert(key);
      // Retirement first: from the next leaf on, only the new key is valid.
      await logKeyEvents(deps, tx, [
        ...(current ? [keyEvent(tenant, current, 'retired', key.createdAt)] : []),
        keyEvent(tenant, key, 'added', key.createdAt),
      ]);
    },
    { tenantId: tenant.id },
  );
  deps.onLogAppend?.();
  return key;
}

/** Logs key events and indexes them by key, so a receipt can prove when a key was valid. */
async function logKeyEvents(deps: AppDeps, tx: Repositories, events: KeyEvent[]): Promise<void> {
  const hashes = await appendToLog(deps, tx, events);
  for (const [i, e] of events.entries())
    await tx.log.recordKeyEvent({ verificationMethod: e.key, event: e.event, leafHash: hashes[i]! });
}

const keyEvent = (
  tenant: TenantRecord,
  key: IssuerKeyRecord,
  event: 'added' | 'retired',
  at: string,
): KeyEvent => ({
  v: 1,
  type: 'key',
  tenant: tenant.did,
  time: at,
  key: key.verificationMethod,
  publicKeyMultibase: key.publicKeyMultibase,
  event,
});

/** The OB 3.0 issuer Profile written into the tenant's credentials. */
export function issuerProfile(tenant: TenantRecord): Record<string, unknown> {
  const profile: Record<string, unknown> = { id: tenant.did, type: ['Profile'], name: tenant.name };
  if (tenant.url) profile.url = tenant.url;
  if (tenant.email) profile.email = tenant.email;
  if (tenant.description) profile.description = tenant.description;
  if (tenant.image) profile.image = { id: tenant.image, type: 'Image' };
  return profile;
}

/** The tenant's DID document: every key, active or retired, is an assertion method. */
export function didDocument(tenant: TenantRecord, keys: readonly IssuerKeyRecord[]): Record<string, unknown> {
  const methods = keys.map((k) => ({
    id: k.verificationMethod,
    type: 'Multikey',
    controller: tenant.did,
    publicKeyMultibase: k.publicKeyMultibase,
  }));
  return {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
    id: tenant.did,
    verificationMethod: methods,
    assertionMethod: methods.map((m) => m.id),
    authentication: methods.map((m) => m.id),
  };
}
