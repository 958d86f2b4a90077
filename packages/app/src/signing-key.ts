import { decodeEd25519PublicMultikey, type SigningKey } from '@tessera/credentials';
import type { AppDeps } from './deps.js';
import type { IssuerKeyRecord, TenantRecord } from './ports.js';
import { unsealSecret } from './sealing.js';

// Unsealed signing keys, per deps object (so tests and tenants never share a cache by accident).
const keyCache = new WeakMap<AppDeps, Map<string, Promise<SigningKey>>>();

export function signingKey(deps: AppDeps, tenant: TenantRecord, key: IssuerKeyRecord): Promise<SigningKey> {
  let cache = keyCache.get(deps);
  if (!cache) {
    cache = new Map();
    keyCache.set(deps, cache);
  }
  let entry = cache.get(key.id);
  if (!entry) {
    entry = unsealSecret(deps.masterKey, key.sealedSecretKey, `${tenant.id}/${key.id}`).then((secretKey) => ({
      id: key.verificationMethod,
      controller: tenant.did,
      publicKey: decodeEd25519PublicMultikey(key.publicKeyMultibase),
      secretKey,
    }));
    cache.set(key.id, entry);
    entry.catch(() => cache.delete(key.id));
  }
  return entry;
}
