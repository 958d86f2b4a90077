import { expect, it } from 'vitest';
import { aCredential, describeContract, seedTenant } from './support.js';

describeContract('IdempotencyRepository', ({ store }) => {
  it('remembers a key with its request hash and credential', async () => {
    const t = await seedTenant(store());
    const c = aCredential(t.id);
    await store().credentials.insert(c);
    const record = {
      tenantId: t.id,
      key: 'k-1',
      requestHash: 'ab'.repeat(32),
      credentialId: c.id,
      createdAt: c.issuedAt,
    };
    await store().idempotency.insert(record);
    expect(await store().idempotency.get(t.id, 'k-1')).toStrictEqual(record);
    expect(await store().idempotency.get(t.id, 'k-2')).toBeUndefined();
  });

  it('a second insert of the same key is a CONFLICT (the concurrent request that lost)', async () => {
    const t = await seedTenant(store());
    const c1 = aCredential(t.id);
    const c2 = aCredential(t.id);
    await store().credentials.insert(c1);
    await store().credentials.insert(c2);
    const base = { tenantId: t.id, key: 'same', requestHash: '00', createdAt: c1.issuedAt };
    await store().idempotency.insert({ ...base, credentialId: c1.id });
    await expect(store().idempotency.insert({ ...base, credentialId: c2.id })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    expect((await store().idempotency.get(t.id, 'same'))?.credentialId).toBe(c1.id);
  });

  it('the same key in two tenants is two records; each is invisible to the other tenant', async () => {
    const one = await seedTenant(store());
    const two = await seedTenant(store());
    const c1 = aCredential(one.id);
    await store().credentials.insert(c1);
    await store().idempotency.insert({
      tenantId: one.id,
      key: 'k',
      requestHash: '01',
      credentialId: c1.id,
      createdAt: c1.issuedAt,
    });
    expect(await store().idempotency.get(two.id, 'k')).toBeUndefined();
    const c2 = aCredential(two.id);
    await store().credentials.insert(c2);
    await store().idempotency.insert({
      tenantId: two.id,
      key: 'k',
      requestHash: '02',
      credentialId: c2.id,
      createdAt: c2.issuedAt,
    });
    expect((await store().idempotency.get(two.id, 'k'))?.requestHash).toBe('02');
  });

  it('a record pointing at a missing credential is rejected as INPUT_INVALID', async () => {
    const t = await seedTenant(store());
    await expect(
      store().idempotency.insert({
        tenantId: t.id,
        key: 'x',
        requestHash: '00',
        credentialId: 'missing',
        createdAt: '2026-01-01T00:00:00.000Z',
      }),
    ).rejects.toMatchObject({ code: 'INPUT_INVALID' });
  });
});
