import { TesseraError } from '@tessera/core';
import { validateAchievement } from '@tessera/credentials';
import { type AppDeps, timestamp } from './deps.js';
import { newId } from './ids.js';
import type { AchievementRecord, TenantRecord } from './ports.js';

/** The public URL of an achievement: its OB 3.0 `id`. */
export const achievementUrl = (deps: AppDeps, tenant: TenantRecord, id: string): string =>
  `${deps.publicUrl}/tenants/${tenant.slug}/achievements/${id}`;

function prepare(
  deps: AppDeps,
  tenant: TenantRecord,
  id: string,
  version: number,
  input: Record<string, unknown>,
): Record<string, unknown> {
  // The service owns identity and versioning: id, type and version are set here, not by the client.
  const { id: _id, type: _type, version: _version, ...rest } = input;
  const achievement = {
    id: achievementUrl(deps, tenant, id),
    type: ['Achievement'],
    ...rest,
    version: String(version),
  };
  const fields = validateAchievement(achievement);
  if (fields.length > 0) {
    throw new TesseraError(
      'INPUT_INVALID',
      `the achievement has ${fields.length} invalid field${fields.length > 1 ? 's' : ''}: ${fields[0]!.pointer} ${fields[0]!.message}`,
      { fields },
    );
  }
  return achievement;
}

export async function createAchievement(
  deps: AppDeps,
  tenant: TenantRecord,
  input: Record<string, unknown>,
): Promise<AchievementRecord> {
  const id = newId(deps);
  const record: AchievementRecord = {
    id,
    tenantId: tenant.id,
    version: 1,
    achievement: prepare(deps, tenant, id, 1, input),
    createdAt: timestamp(deps.now()),
  };
  await deps.store.transaction((tx) => tx.achievements.insert(record), { tenantId: tenant.id });
  return record;
}

/** An update is a new immutable version; credentials keep pointing at the version they were issued with. */
export async function updateAchievement(
  deps: AppDeps,
  tenant: TenantRecord,
  id: string,
  input: Record<string, unknown>,
): Promise<AchievementRecord> {
  return deps.store.transaction(
    async (tx) => {
      const latest = await tx.achievements.latest(tenant.id, id);
      if (!latest) throw new TesseraError('NOT_FOUND', `no achievement ${id}`);
      const version = latest.version + 1;
      const record: AchievementRecord = {
        id,
        tenantId: tenant.id,
        version,
        achievement: prepare(deps, tenant, id, version, input),
        createdAt: timestamp(deps.now()),
      };
      await tx.achievements.insert(record);
      return record;
    },
    { tenantId: tenant.id },
  );
}
