import { describe, expect, it } from 'vitest';
import { aTenant, describeContract } from './support.js';

describeContract('TenantRepository', ({ store }) => {
  it('returns a tenant as inserted, by id and by slug, with every optional field', async () => {
    const tenant = aTenant({
      url: 'https://lab.example',
      email: 'lab@example.org',
      image: 'https://lab.example/logo.png',
      description: 'Électronique',
      didMethod: 'key',
    });
    await store().tenants.insert(tenant);
    expect(await store().tenants.byId(tenant.id)).toStrictEqual(tenant);
    expect(await store().tenants.bySlug(tenant.slug)).toStrictEqual(tenant);
  });

  it('leaves absent optional fields absent (not null, not undefined)', async () => {
    const tenant = aTenant();
    await store().tenants.insert(tenant);
    const read = await store().tenants.byId(tenant.id);
    expect(read).toStrictEqual(tenant);
    expect(Object.keys(read ?? {})).not.toContain('url');
  });

  it('answers undefined for an unknown id or slug', async () => {
    expect(await store().tenants.byId('00000000-0000-7000-8000-000000000000')).toBeUndefined();
    expect(await store().tenants.bySlug('no-such-tenant')).toBeUndefined();
  });

  it('rejects a second tenant with the same slug as CONFLICT', async () => {
    const first = aTenant();
    await store().tenants.insert(first);
    const clash = aTenant({ slug: first.slug });
    await expect(store().tenants.insert(clash)).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await store().tenants.byId(clash.id)).toBeUndefined();
  });

  it('rejects a second tenant with the same id as CONFLICT', async () => {
    const first = aTenant();
    await store().tenants.insert(first);
    await expect(store().tenants.insert(aTenant({ id: first.id }))).rejects.toMatchObject({
      code: 'CONFLICT',
    });
  });

  it('lists every tenant, oldest first', async () => {
    const a = aTenant({ createdAt: '2020-01-01T00:00:00.000Z' });
    const b = aTenant({ createdAt: '2020-01-02T00:00:00.000Z' });
    await store().tenants.insert(b);
    await store().tenants.insert(a);
    const ids = (await store().tenants.list()).map((t) => t.id);
    expect(ids).toContain(a.id);
    expect(ids.indexOf(a.id)).toBeLessThan(ids.indexOf(b.id));
  });
});

describe('tenant fixtures', () => {
  it('make distinct slugs', () => {
    expect(aTenant().slug).not.toBe(aTenant().slug);
  });
});
