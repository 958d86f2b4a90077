import { expect, it } from 'vitest';
import { anAchievement, describeContract, seedTenant } from './support.js';

describeContract('AchievementRepository', ({ store }) => {
  it('returns each version as inserted and the highest as latest', async () => {
    const t = await seedTenant(store());
    const v1 = anAchievement(t.id);
    const v2 = anAchievement(t.id, { id: v1.id, version: 2, achievement: { ...v1.achievement, name: 'v2' } });
    await store().achievements.insert(v2);
    await store().achievements.insert(v1);
    expect(await store().achievements.version(t.id, v1.id, 1)).toStrictEqual(v1);
    expect(await store().achievements.version(t.id, v1.id, 2)).toStrictEqual(v2);
    expect(await store().achievements.latest(t.id, v1.id)).toStrictEqual(v2);
    expect(await store().achievements.version(t.id, v1.id, 3)).toBeUndefined();
  });

  it('an achievement version cannot be overwritten', async () => {
    const t = await seedTenant(store());
    const v1 = anAchievement(t.id);
    await store().achievements.insert(v1);
    const rewrite = { ...v1, achievement: { ...v1.achievement, name: 'changed' } };
    await expect(store().achievements.insert(rewrite)).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await store().achievements.version(t.id, v1.id, 1)).toStrictEqual(v1);
  });

  it('lists the latest version of each achievement ordered by id', async () => {
    const t = await seedTenant(store());
    const b = anAchievement(t.id, { id: 'b-achievement' });
    const a1 = anAchievement(t.id, { id: 'a-achievement' });
    const a2 = anAchievement(t.id, { id: 'a-achievement', version: 2 });
    for (const r of [b, a2, a1]) await store().achievements.insert(r);
    expect(await store().achievements.list(t.id)).toStrictEqual([a2, b]);
  });

  it("a tenant's achievement is invisible to another tenant", async () => {
    const owner = await seedTenant(store());
    const other = await seedTenant(store());
    const a = anAchievement(owner.id);
    await store().achievements.insert(a);
    expect(await store().achievements.latest(other.id, a.id)).toBeUndefined();
    expect(await store().achievements.version(other.id, a.id, 1)).toBeUndefined();
    expect(await store().achievements.list(other.id)).toStrictEqual([]);
  });

  it('the same achievement id and version may exist in two tenants (unique per tenant)', async () => {
    const one = await seedTenant(store());
    const two = await seedTenant(store());
    await store().achievements.insert(anAchievement(one.id, { id: 'shared' }));
    await store().achievements.insert(anAchievement(two.id, { id: 'shared' }));
    expect((await store().achievements.latest(two.id, 'shared'))?.tenantId).toBe(two.id);
  });
});
