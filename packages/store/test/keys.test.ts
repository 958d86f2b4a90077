import { expect, it } from 'vitest';
import { aKey, describeContract, seedTenant } from './support.js';

describeContract('IssuerKeyRepository', ({ store }) => {
  it('lists all keys of a tenant oldest first, active and retired', async () => {
    const t = await seedTenant(store());
    const old = aKey(t.id, {
      status: 'retired',
      createdAt: '2024-01-01T00:00:00.000Z',
      retiredAt: '2024-06-01T00:00:00.000Z',
    });
    const current = aKey(t.id, { createdAt: '2025-01-01T00:00:00.000Z' });
    await store().keys.insert(current);
    await store().keys.insert(old);
    expect(await store().keys.list(t.id)).toStrictEqual([old, current]);
    expect(await store().keys.active(t.id)).toStrictEqual(current);
  });

  it('retiring the active key leaves no active key and keeps it listed with retiredAt', async () => {
    const t = await seedTenant(store());
    const key = aKey(t.id);
    await store().keys.insert(key);
    expect(await store().keys.retire(t.id, key.id, '2026-01-01T00:00:00.000Z')).toBe(true);
    expect(await store().keys.active(t.id)).toBeUndefined();
    expect(await store().keys.list(t.id)).toStrictEqual([
      { ...key, status: 'retired', retiredAt: '2026-01-01T00:00:00.000Z' },
    ]);
    expect(await store().keys.retire(t.id, key.id, '2026-02-01T00:00:00.000Z')).toBe(false);
  });

  it('rotation retires then inserts, and a second active key is a CONFLICT', async () => {
    const t = await seedTenant(store());
    const first = aKey(t.id);
    await store().keys.insert(first);
    await expect(store().keys.insert(aKey(t.id))).rejects.toMatchObject({ code: 'CONFLICT' });
    const next = aKey(t.id);
    await store().transaction(
      async (tx) => {
        await tx.keys.retire(t.id, first.id, next.createdAt);
        await tx.keys.insert(next);
      },
      { tenantId: t.id },
    );
    expect((await store().keys.active(t.id))?.id).toBe(next.id);
    expect(await store().keys.list(t.id)).toHaveLength(2);
  });

  it("a tenant's keys are invisible to another tenant and cannot be retired by it", async () => {
    const owner = await seedTenant(store());
    const other = await seedTenant(store());
    const key = aKey(owner.id);
    await store().keys.insert(key);
    expect(await store().keys.list(other.id)).toStrictEqual([]);
    expect(await store().keys.active(other.id)).toBeUndefined();
    expect(await store().keys.retire(other.id, key.id, '2026-01-01T00:00:00.000Z')).toBe(false);
    expect((await store().keys.active(owner.id))?.status).toBe('active');
  });

  it('a key of an unknown tenant is rejected as INPUT_INVALID', async () => {
    await expect(store().keys.insert(aKey('00000000-0000-7000-8000-00000000dead'))).rejects.toMatchObject({
      code: 'INPUT_INVALID',
    });
  });
});
