import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../src/routes/index.js';
import type { OwnedResource } from '../src/routes/route.js';
import { ACHIEVEMENT, createHarness, type Harness, sampleCredential } from './support/harness.js';

/**
 * Tenant isolation, generated from the route table: every route that addresses a tenant-owned row
 * by id is called with tenant B's all-scopes key on tenant A's ids, and must answer 404 (never
 * 403, which would confirm the id exists) and change nothing of A's.
 */
let h: Harness;
let a: Awaited<ReturnType<Harness['tenant']>>;
let b: Awaited<ReturnType<Harness['tenant']>>;
const ids = {} as Record<OwnedResource, string>;

async function snapshot(tenantId: string) {
  const s = h.store;
  return JSON.stringify({
    achievements: await s.achievements.list(tenantId),
    apiKeys: await s.apiKeys.list(tenantId),
    keys: await s.keys.list(tenantId),
    credentials: await s.credentials.count(tenantId),
    credential: await s.credentials.byId(tenantId, ids.credential),
  });
}

const BODIES: Partial<Record<string, unknown>> = { '/achievements/:id': ACHIEVEMENT };

beforeAll(async () => {
  h = await createHarness();
  a = await h.tenant('tenant-a');
  b = await h.tenant('tenant-b');
  ids.achievement = (await h.json('POST', '/achievements', { key: a.key, body: ACHIEVEMENT })).body.id;
  ids.apiKey = (
    await h.json('POST', '/api-keys', { key: a.key, body: { name: 'a-reader', scopes: ['read'] } })
  ).body.id;
  const issued = await h.json('POST', '/credentials/issue', {
    key: a.key,
    body: { credential: sampleCredential(), options: { format: 'eddsa-jcs-2022' } },
  });
  ids.credential = (issued.body.verifiableCredential.id as string).slice('urn:uuid:'.length);
});
afterAll(() => h.close());

const owned = ROUTES.filter((r) => r.owned);

describe('tenant isolation (from the route table)', () => {
  it('covers every scoped route that takes a path parameter', () => {
    const scopedWithParams = ROUTES.filter((r) => r.access.kind === 'scope' && r.path.includes(':'));
    expect(scopedWithParams.filter((r) => !r.owned).map((r) => r.path)).toEqual([]);
    expect(owned.length).toBeGreaterThanOrEqual(4);
  });

  for (const route of owned) {
    it(`${route.method.toUpperCase()} ${route.path} with another tenant's key on this tenant's ${route.owned!.resource} answers 404 and changes nothing`, async () => {
      const { param, resource } = route.owned!;
      const path = route.path.replace(`:${param}`, ids[resource]);
      const before = await snapshot(a.id);
      const body = route.body ? (BODIES[route.path] ?? {}) : undefined;
      const r = await h.json(route.method.toUpperCase(), path, {
        key: b.key,
        ...(body !== undefined ? { body } : {}),
      });
      expect(r.status).toBe(404);
      expect(r.body.code).toBe('NOT_FOUND');
      expect(await snapshot(a.id)).toBe(before);
      // The owner still reaches the same id through the same route (the 404 is isolation, not a broken route).
      if (route.method === 'get') expect((await h.call('GET', path, { key: a.key })).status).toBe(200);
    });
  }

  it("answers 404 when a tenant issues with another tenant's achievementId", async () => {
    const before = await snapshot(a.id);
    const r = await h.json('POST', '/credentials/issue', {
      key: b.key,
      body: { credential: sampleCredential(), options: { achievementId: ids.achievement } },
    });
    expect(r.status).toBe(404);
    expect(await snapshot(a.id)).toBe(before);
  });

  it("lists only the caller's own rows", async () => {
    const lists = await Promise.all(
      ['/achievements', '/api-keys', '/keys'].map((p) => h.json('GET', p, { key: b.key })),
    );
    const text = JSON.stringify(lists.map((l) => l.body));
    expect(text).not.toContain(ids.achievement);
    expect(text).not.toContain(ids.apiKey);
    expect(text).not.toContain(a.id);
  });
});
