import type { AppDeps, TenantRecord } from '@tessera/app';
import { TesseraError } from '@tessera/core';
import { sha256Sync } from '@tessera/crypto-node';
import { ConfigError, loadConfig } from '@tessera/server';
import { openStore } from '@tessera/store';
import { crypto } from './deps.js';

/**
 * Admin commands work on the store directly (no server needed), configured by the same
 * environment as the server: TESSERA_DATABASE_URL, TESSERA_DATA_DIR, TESSERA_MASTER_KEY, …
 */
export async function withAdmin<T>(fn: (deps: AppDeps) => Promise<T>): Promise<T> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env);
  } catch (e) {
    if (e instanceof ConfigError) throw new TesseraError('USAGE_INVALID', `configuration: ${e.message}`);
    throw e;
  }
  const store = await openStore(config.databaseUrl);
  try {
    return await fn({
      store,
      crypto,
      sha256Sync,
      masterKey: config.masterKey,
      publicUrl: config.publicUrl,
      now: () => new Date(),
    });
  } finally {
    await store.close();
  }
}

export async function tenantBySlug(deps: AppDeps, slug: string): Promise<TenantRecord> {
  const tenant = await deps.store.tenants.bySlug(slug);
  if (!tenant) throw new TesseraError('NOT_FOUND', `no tenant with slug ${slug}`);
  return tenant;
}
