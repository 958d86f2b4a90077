import { expect, it } from 'vitest';
import { aCredential, anAchievement, describeContract, seedTenant } from './support.js';

describeContract('CredentialRepository', ({ store }) => {
  it('returns a credential exactly as inserted, with and without an achievement', async () => {
    const t = await seedTenant(store());
    const a = anAchievement(t.id);
    await store().achievements.insert(a);
    const plain = aCredential(t.id, { format: 'vc-jwt', document: 'eyJhbGciOiJFZERTQSJ9.e30.sig' });
    const linked = aCredential(t.id, { achievementId: a.id, achievementVersion: 1 });
    await store().credentials.insert(plain);
    await store().credentials.insert(linked);
    expect(await store().credentials.byId(t.id, plain.id)).toStrictEqual(plain);
    expect(await store().credentials.byId(t.id, linked.id)).toStrictEqual(linked);
  });

  it("a tenant's credential is invisible to another tenant", async () => {
    const owner = await seedTenant(store());
    const other = await seedTenant(store());
    const c = aCredential(owner.id);
    await store().credentials.insert(c);
    expect(await store().credentials.byId(other.id, c.id)).toBeUndefined();
    expect(await store().credentials.count(other.id)).toBe(0);
  });

  it("counts a tenant's own credentials only", async () => {
    const one = await seedTenant(store());
    const two = await seedTenant(store());
    for (let i = 0; i < 3; i++) await store().credentials.insert(aCredential(one.id));
    await store().credentials.insert(aCredential(two.id));
    expect(await store().credentials.count(one.id)).toBe(3);
    expect(await store().credentials.count(two.id)).toBe(1);
  });

  it('a credential id is issued once (CONFLICT on reuse)', async () => {
    const t = await seedTenant(store());
    const c = aCredential(t.id);
    await store().credentials.insert(c);
    await expect(store().credentials.insert({ ...c, document: '{}' })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    expect((await store().credentials.byId(t.id, c.id))?.document).toBe(c.document);
  });

  it("a credential cannot name another tenant's achievement version", async () => {
    const owner = await seedTenant(store());
    const thief = await seedTenant(store());
    const a = anAchievement(owner.id);
    await store().achievements.insert(a);
    const c = aCredential(thief.id, { achievementId: a.id, achievementVersion: 1 });
    await expect(store().credentials.insert(c)).rejects.toMatchObject({ code: 'INPUT_INVALID' });
    expect(await store().credentials.byId(thief.id, c.id)).toBeUndefined();
  });
});
