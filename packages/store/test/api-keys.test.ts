import { expect, it } from 'vitest';
import { anApiKey, describeContract, seedTenant } from './support.js';

describeContract('ApiKeyRepository', ({ store }) => {
  it('finds a key by its prefix before any tenant is known, scopes intact', async () => {
    const t = await seedTenant(store());
    const key = anApiKey(t.id, { scopes: ['admin', 'status'] });
    await store().apiKeys.insert(key);
    expect(await store().apiKeys.byPrefix(key.prefix)).toStrictEqual(key);
    expect(await store().apiKeys.byPrefix('nosuchprefix')).toBeUndefined();
  });

  it('a prefix is unique across tenants (CONFLICT)', async () => {
    const one = await seedTenant(store());
    const two = await seedTenant(store());
    const key = anApiKey(one.id);
    await store().apiKeys.insert(key);
    await expect(store().apiKeys.insert(anApiKey(two.id, { prefix: key.prefix }))).rejects.toMatchObject({
      code: 'CONFLICT',
    });
  });

  it("lists a tenant's own keys only, oldest first", async () => {
    const one = await seedTenant(store());
    const two = await seedTenant(store());
    const a = anApiKey(one.id, { createdAt: '2025-01-01T00:00:00.000Z' });
    const b = anApiKey(one.id, { createdAt: '2025-01-02T00:00:00.000Z' });
    await store().apiKeys.insert(b);
    await store().apiKeys.insert(a);
    await store().apiKeys.insert(anApiKey(two.id));
    expect(await store().apiKeys.list(one.id)).toStrictEqual([a, b]);
  });

  it('revoking sets revokedAt once; another tenant cannot revoke it', async () => {
    const owner = await seedTenant(store());
    const other = await seedTenant(store());
    const key = anApiKey(owner.id);
    await store().apiKeys.insert(key);
    expect(await store().apiKeys.revoke(other.id, key.id, '2026-01-01T00:00:00.000Z')).toBe(false);
    expect((await store().apiKeys.byPrefix(key.prefix))?.revokedAt).toBeUndefined();
    expect(await store().apiKeys.revoke(owner.id, key.id, '2026-01-01T00:00:00.000Z')).toBe(true);
    expect(await store().apiKeys.revoke(owner.id, key.id, '2026-03-01T00:00:00.000Z')).toBe(false);
    expect(await store().apiKeys.byPrefix(key.prefix)).toStrictEqual({
      ...key,
      revokedAt: '2026-01-01T00:00:00.000Z',
    });
  });
});
