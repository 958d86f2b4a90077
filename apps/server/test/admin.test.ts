import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ACHIEVEMENT,
  ADMIN_TOKEN,
  createHarness,
  type Harness,
  sampleCredential,
} from './support/harness.js';

let h: Harness;
let lab: Awaited<ReturnType<Harness['tenant']>>;

beforeAll(async () => {
  h = await createHarness();
  lab = await h.tenant('lab');
});
afterAll(() => h.close());

describe('tenants', () => {
  it('creates a tenant with a did:web, a first key and an all-scopes API key shown once (201)', async () => {
    const r = await h.json('POST', '/admin/tenants', {
      key: ADMIN_TOKEN,
      body: { slug: 'college', name: 'College', url: 'https://college.example' },
    });
    expect(r.status).toBe(201);
    expect(r.body.tenant.did).toBe('did:web:badges.lab.example:tenants:college');
    expect(r.body.keys).toHaveLength(1);
    expect(r.body.keys[0].sealedSecretKey).toBeUndefined();
    expect(r.body.apiKey.token).toMatch(/^tsk_/);
    expect(r.body.apiKey.scopes.sort()).toEqual(['admin', 'issue', 'read', 'status']);
    expect(r.body.apiKey.tokenHash).toBeUndefined();
  });

  it('answers 409 CONFLICT for a taken slug and 400 for an invalid one', async () => {
    expect(
      (await h.json('POST', '/admin/tenants', { key: ADMIN_TOKEN, body: { slug: 'lab', name: 'Again' } }))
        .body.code,
    ).toBe('CONFLICT');
    const bad = await h.json('POST', '/admin/tenants', {
      key: ADMIN_TOKEN,
      body: { slug: 'Not A Slug', name: 'X' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].pointer).toBe('/slug');
  });

  it('creates a did:key tenant whose credentials verify without any DID document', async () => {
    const r = await h.json('POST', '/admin/tenants', {
      key: ADMIN_TOKEN,
      body: { slug: 'nodomain', name: 'No Domain', didMethod: 'key' },
    });
    expect(r.body.tenant.did).toMatch(/^did:key:z6Mk/);
    const issued = await h.json('POST', '/credentials/issue', {
      key: r.body.apiKey.token,
      body: { credential: sampleCredential(), options: { format: 'eddsa-rdfc-2022' } },
    });
    const verified = await h.json('POST', '/credentials/verify', {
      body: { verifiableCredential: issued.body.verifiableCredential },
    });
    expect(verified.status).toBe(200);
    expect((await h.json('GET', '/tenants/nodomain/did.json')).status).toBe(404);
  });

  it("GET /admin/tenant answers the caller's tenant with its issuer Profile", async () => {
    const r = await h.json('GET', '/admin/tenant', { key: lab.key });
    expect(r.status).toBe(200);
    expect(r.body.slug).toBe('lab');
    expect(r.body.profile).toMatchObject({ id: lab.did, type: ['Profile'] });
  });
});

describe('achievements', () => {
  it('creates (201), updates as a new version, lists the latest and gets any version', async () => {
    const created = await h.json('POST', '/achievements', { key: lab.key, body: ACHIEVEMENT });
    expect(created.status).toBe(201);
    expect(created.body.version).toBe(1);
    expect(created.body.achievement.id).toBe(
      `https://badges.lab.example/tenants/lab/achievements/${created.body.id}`,
    );
    const updated = await h.json('PUT', `/achievements/${created.body.id}`, {
      key: lab.key,
      body: { ...ACHIEVEMENT, name: 'Probe compensation v2' },
    });
    expect(updated.status).toBe(200);
    expect(updated.body.version).toBe(2);
    const list = await h.json('GET', '/achievements', { key: lab.key });
    const mine = list.body.achievements.find((a: { id: string }) => a.id === created.body.id);
    expect(mine.version).toBe(2);
    expect(
      (await h.json('GET', `/achievements/${created.body.id}`, { key: lab.key })).body.achievement.name,
    ).toBe('Probe compensation v2');
    const v1 = await h.json('GET', `/achievements/${created.body.id}?version=1`, { key: lab.key });
    expect(v1.body.achievement.name).toBe(ACHIEVEMENT.name);
    expect((await h.json('GET', `/achievements/${created.body.id}?version=9`, { key: lab.key })).status).toBe(
      404,
    );
    expect(
      (await h.json('GET', `/achievements/${created.body.id}?version=zero`, { key: lab.key })).status,
    ).toBe(400);
  });

  it('answers 400 with field pointers for an invalid achievement and 404 for an unknown id', async () => {
    const bad = await h.json('POST', '/achievements', { key: lab.key, body: { description: 'no name' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.length).toBeGreaterThan(0);
    expect(
      (
        await h.json('PUT', '/achievements/01900000-0000-7000-8000-000000000000', {
          key: lab.key,
          body: ACHIEVEMENT,
        })
      ).status,
    ).toBe(404);
    expect((await h.json('GET', '/achievements/not-a-uuid', { key: lab.key })).status).toBe(404);
  });
});

describe('keys', () => {
  it('rotates: the new key signs, the retired key stays in did.json, and credentials of both verify', async () => {
    const before = await h.json('POST', '/credentials/issue', {
      key: lab.key,
      body: { credential: sampleCredential(), options: { format: 'eddsa-jcs-2022' } },
    });
    // Verify once so the server's local DID cache holds the pre-rotation document.
    expect(
      (
        await h.json('POST', '/credentials/verify', {
          body: { verifiableCredential: before.body.verifiableCredential },
        })
      ).status,
    ).toBe(200);
    const rotated = await h.json('POST', '/keys/rotate', { key: lab.key });
    expect(rotated.status).toBe(201);
    const keys = await h.json('GET', '/keys', { key: lab.key });
    expect(keys.body.keys.map((k: { status: string }) => k.status)).toEqual(['retired', 'active']);
    const doc = await h.json('GET', '/tenants/lab/did.json');
    expect(doc.res.headers.get('content-type')).toBe('application/did+json');
    expect(doc.body.id).toBe(lab.did);
    expect(doc.body.assertionMethod).toHaveLength(2);
    const after = await h.json('POST', '/credentials/issue', {
      key: lab.key,
      body: { credential: sampleCredential(), options: { format: 'vc-jwt' } },
    });
    for (const vc of [before.body.verifiableCredential, after.body.verifiableCredential]) {
      const v = await h.json('POST', '/credentials/verify', { body: { verifiableCredential: vc } });
      expect(v.status).toBe(200);
    }
  });

  it('answers 404 for the DID document of an unknown tenant', async () => {
    expect((await h.json('GET', '/tenants/nobody/did.json')).status).toBe(404);
  });
});

describe('API keys', () => {
  it('creates a key shown once (201), lists keys without tokens, and revokes (204) so the key gets 401', async () => {
    const created = await h.json('POST', '/api-keys', {
      key: lab.key,
      body: { name: 'bench', scopes: ['read'] },
    });
    expect(created.status).toBe(201);
    const token = created.body.token as string;
    expect((await h.call('GET', '/achievements', { key: token })).status).toBe(200);
    const list = await h.json('GET', '/api-keys', { key: lab.key });
    expect(list.body.apiKeys.some((k: { id: string }) => k.id === created.body.id)).toBe(true);
    expect(JSON.stringify(list.body)).not.toContain(token);
    expect(JSON.stringify(list.body)).not.toContain('tokenHash');
    expect((await h.call('DELETE', `/api-keys/${created.body.id}`, { key: lab.key })).status).toBe(204);
    expect((await h.call('GET', '/achievements', { key: token })).status).toBe(401);
  });

  it('answers 400 for unknown scopes', async () => {
    const r = await h.json('POST', '/api-keys', { key: lab.key, body: { name: 'x', scopes: ['root'] } });
    expect(r.status).toBe(400);
    expect(r.body.errors[0].pointer).toBe('/scopes/0');
  });
});

describe('operations', () => {
  it('/healthz and /readyz answer 200', async () => {
    expect((await h.json('GET', '/healthz')).body).toEqual({ status: 'ok' });
    expect((await h.json('GET', '/readyz')).body).toEqual({ status: 'ready', database: 'sqlite' });
  });

  it('/metrics exposes request counts and latency histograms per route template, verification outcomes and issuance by format', async () => {
    await h.call('GET', `/achievements/01900000-0000-7000-8000-000000000000`, { key: lab.key });
    const text = await (await h.call('GET', '/metrics')).text();
    expect(text).toMatch(
      /tessera_http_requests_total\{method="GET",route="\/achievements\/:id",status="404"\} \d+/,
    );
    expect(text).toMatch(
      /tessera_http_request_duration_seconds_bucket\{method="POST",route="\/credentials\/issue",status="201",le="\+Inf"\} \d+/,
    );
    expect(text).toMatch(/tessera_verifications_total\{kind="credential",outcome="verified"\} \d+/);
    expect(text).toMatch(/tessera_credentials_issued_total\{format="eddsa-jcs-2022",replayed="false"\} \d+/);
  });

  it('/openapi.json documents every route with request schemas generated from the validating zod schemas', async () => {
    const doc = (await h.json('GET', '/openapi.json')).body;
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toContain('/achievements/{id}');
    const issue = doc.paths['/credentials/issue'].post;
    expect(issue.requestBody.content['application/json'].schema.$ref).toBe(
      '#/components/schemas/IssueRequest',
    );
    expect(doc.components.schemas.IssueRequest.properties.options.properties.format.enum).toEqual([
      'eddsa-rdfc-2022',
      'eddsa-jcs-2022',
      'vc-jwt',
    ]);
    expect(issue['x-tessera-scope']).toBe('issue');
  });

  it('/docs is a server-rendered page with a strict CSP that loads nothing from elsewhere', async () => {
    const res = await h.call('GET', '/docs');
    const html = await res.text();
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.headers.get('content-security-policy')).toMatch(
      /^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'/,
    );
    expect(html).toContain('/credentials/issue');
    expect(html).toContain('id="ISSUER_INVALID"');
    expect(html).not.toMatch(/<script|src="http|href="http/);
  });
});
