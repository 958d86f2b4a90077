import { createPresentation, generateDidKey } from '@tessera/credentials';
import { createNodeCrypto } from '@tessera/crypto-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness, sampleCredential } from './support/harness.js';

let h: Harness;
let lab: Awaited<ReturnType<Harness['tenant']>>;

beforeAll(async () => {
  h = await createHarness();
  lab = await h.tenant('lab');
});
afterAll(() => h.close());

const issue = (body: unknown, headers: Record<string, string> = {}) =>
  h.json('POST', '/credentials/issue', { key: lab.key, body, headers });

describe('POST /credentials/issue', () => {
  for (const format of ['eddsa-rdfc-2022', 'eddsa-jcs-2022', 'vc-jwt'] as const) {
    it(`issues in ${format} with 201, and the result verifies via POST /credentials/verify resolving the tenant did:web locally`, async () => {
      const issued = await issue({ credential: sampleCredential(), options: { format } });
      expect(issued.status).toBe(201);
      const vc = issued.body.verifiableCredential;
      if (format === 'vc-jwt') expect(typeof vc).toBe('string');
      else expect(vc.proof.cryptosuite).toBe(format);
      const verified = await h.json('POST', '/credentials/verify', { body: { verifiableCredential: vc } });
      expect(verified.status).toBe(200);
      expect(verified.body.verified).toBe(true);
      expect(verified.body.issuer).toBe(lab.did);
      expect(lab.did).toMatch(/^did:web:badges\.lab\.example:tenants:lab$/);
    });
  }

  it('commits the credential before answering 201: GET /credentials/{id} finds it at once', async () => {
    const issued = await issue({ credential: sampleCredential(), options: { format: 'eddsa-jcs-2022' } });
    const id = issued.body.verifiableCredential.id as string;
    expect(id).toMatch(/^urn:uuid:/);
    expect(issued.res.headers.get('location')).toBe(`/credentials/${id.slice(9)}`);
    const byUrn = await h.json('GET', `/credentials/${encodeURIComponent(id)}`, { key: lab.key });
    expect(byUrn.status).toBe(200);
    expect(byUrn.body.verifiableCredential).toEqual(issued.body.verifiableCredential);
    const byUuid = await h.json('GET', `/credentials/${id.slice(9)}`, { key: lab.key });
    expect(byUuid.status).toBe(200);
  });

  it("replaces the request's issuer with the tenant's Profile", async () => {
    const issued = await issue({
      credential: sampleCredential({ issuer: 'https://impostor.example/issuer' }),
      options: { format: 'eddsa-jcs-2022' },
    });
    expect(issued.status).toBe(201);
    expect(issued.body.verifiableCredential.issuer.id).toBe(lab.did);
    expect(issued.body.verifiableCredential.issuer.name).toBe('Lab lab');
  });

  it.each([
    ['null', null],
    ['not a URL', 'just a name'],
    ['a Profile without a URL id', { name: 'x' }],
  ])('answers 400 ISSUER_INVALID for an issuer that is %s', async (_label, issuer) => {
    const r = await issue({ credential: sampleCredential({ issuer }) });
    expect(r.status).toBe(400);
    expect(r.res.headers.get('content-type')).toBe('application/problem+json');
    expect(r.body.code).toBe('ISSUER_INVALID');
    expect(r.body.errors[0].pointer).toBe('/credential/issuer');
  });

  it('answers 400 INPUT_INVALID with the field pointer for an unknown format', async () => {
    const r = await issue({ credential: sampleCredential(), options: { format: 'rsa-2017' } });
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('INPUT_INVALID');
    expect(r.body.errors[0].pointer).toBe('/options/format');
  });

  it('answers 400 for a credential that breaks the OB 3.0 model, listing the fields', async () => {
    const r = await issue({ credential: sampleCredential({ credentialSubject: 'nobody' }) });
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('INPUT_INVALID');
    expect(r.body.errors.length).toBeGreaterThan(0);
  });

  it('embeds the latest version of a tenant achievement named by options.achievementId', async () => {
    const created = await h.json('POST', '/achievements', {
      key: lab.key,
      body: { name: 'Probe comp', description: 'd', criteria: { narrative: 'n' } },
    });
    const credential = sampleCredential();
    (credential.credentialSubject as Record<string, unknown>).achievement = undefined;
    const r = await issue({
      credential: JSON.parse(JSON.stringify(credential)),
      options: { format: 'eddsa-jcs-2022', achievementId: created.body.id },
    });
    expect(r.status).toBe(201);
    expect(r.body.verifiableCredential.credentialSubject.achievement.id).toBe(created.body.achievement.id);
    const missing = await issue({
      credential: sampleCredential(),
      options: { achievementId: '01900000-0000-7000-8000-000000000000' },
    });
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('NOT_FOUND');
  });
});

describe('Idempotency-Key', () => {
  it('returns the same credential for a retried request and stores one row', async () => {
    const body = { credential: sampleCredential(), options: { format: 'eddsa-jcs-2022' } };
    const before = await h.store.credentials.count(lab.id);
    const first = await issue(body, { 'idempotency-key': 'retry-1' });
    const second = await issue(body, { 'idempotency-key': 'retry-1' });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.res.headers.get('idempotent-replayed')).toBe('true');
    expect(second.body.verifiableCredential.id).toBe(first.body.verifiableCredential.id);
    expect(second.body).toEqual(first.body);
    expect(await h.store.credentials.count(lab.id)).toBe(before + 1);
  });

  it('answers 409 CONFLICT when the same key comes with a different body, issuing nothing', async () => {
    await issue(
      { credential: sampleCredential(), options: { format: 'vc-jwt' } },
      { 'idempotency-key': 'retry-2' },
    );
    const before = await h.store.credentials.count(lab.id);
    const r = await issue(
      { credential: sampleCredential({ name: 'Other' }), options: { format: 'vc-jwt' } },
      { 'idempotency-key': 'retry-2' },
    );
    expect(r.status).toBe(409);
    expect(r.body.code).toBe('CONFLICT');
    expect(await h.store.credentials.count(lab.id)).toBe(before);
  });

  it('issues once when two identical requests race', async () => {
    const body = { credential: sampleCredential(), options: { format: 'eddsa-jcs-2022' } };
    const before = await h.store.credentials.count(lab.id);
    const [a, b] = await Promise.all([
      issue(body, { 'idempotency-key': 'race' }),
      issue(body, { 'idempotency-key': 'race' }),
    ]);
    expect(a.body.verifiableCredential.id).toBe(b.body.verifiableCredential.id);
    expect(await h.store.credentials.count(lab.id)).toBe(before + 1);
  });

  it('answers 400 for an Idempotency-Key that is not visible ASCII', async () => {
    const r = await issue({ credential: sampleCredential() }, { 'idempotency-key': 'x'.repeat(201) });
    expect(r.status).toBe(400);
  });
});

describe('POST /credentials/verify', () => {
  it('answers 422 with the report inside a problem document for a tampered credential', async () => {
    const issued = await issue({ credential: sampleCredential(), options: { format: 'eddsa-jcs-2022' } });
    const vc = issued.body.verifiableCredential;
    vc.name = 'Tampered';
    const r = await h.json('POST', '/credentials/verify', { body: { verifiableCredential: vc } });
    expect(r.status).toBe(422);
    expect(r.res.headers.get('content-type')).toBe('application/problem+json');
    expect(r.body.code).toBe('CREDENTIAL_SIGNATURE_INVALID');
    expect(r.body.report.verified).toBe(false);
    expect(r.body.report.checks.find((c: { check: string }) => c.check === 'signature').ok).toBe(false);
  });

  it('answers 400 with the report for input that is not a credential at all', async () => {
    const r = await h.json('POST', '/credentials/verify', { body: { verifiableCredential: 'not-a-jwt' } });
    expect(r.status).toBe(400);
    expect(r.body.report.usable).toBe(false);
  });

  it('answers 400 INPUT_INVALID when verifiableCredential is missing', async () => {
    const r = await h.json('POST', '/credentials/verify', { body: { credential: {} } });
    expect(r.status).toBe(400);
    expect(r.body.errors[0].pointer).toBe('/verifiableCredential');
  });

  it('needs no API key (verification is public)', async () => {
    const issued = await issue({ credential: sampleCredential(), options: { format: 'vc-jwt' } });
    const r = await h.call('POST', '/credentials/verify', {
      body: { verifiableCredential: issued.body.verifiableCredential },
    });
    expect(r.status).toBe(200);
  });
});

describe('POST /presentations/verify', () => {
  it('answers 200 for a holder-signed presentation with the expected challenge and domain, 422 for another challenge', async () => {
    const crypto = createNodeCrypto();
    const holder = await generateDidKey(crypto);
    const issued = await issue({
      credential: sampleCredential({
        credentialSubject: {
          id: holder.controller,
          type: ['AchievementSubject'],
          achievement: (sampleCredential().credentialSubject as Record<string, unknown>).achievement,
        },
      }),
      options: { format: 'eddsa-jcs-2022' },
    });
    const vp = await createPresentation(
      { crypto },
      {
        key: holder,
        credentials: [issued.body.verifiableCredential],
        challenge: 'c-123',
        domain: 'employer.example',
        cryptosuite: 'eddsa-jcs-2022',
      },
    );
    const ok = await h.json('POST', '/presentations/verify', {
      body: { verifiablePresentation: vp, options: { challenge: 'c-123', domain: 'employer.example' } },
    });
    expect(ok.status).toBe(200);
    expect(ok.body.verified).toBe(true);
    const bad = await h.json('POST', '/presentations/verify', {
      body: { verifiablePresentation: vp, options: { challenge: 'other', domain: 'employer.example' } },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.code).toBe('PRESENTATION_CHALLENGE_MISMATCH');
  });

  it('answers 400 when options.challenge is missing', async () => {
    const r = await h.json('POST', '/presentations/verify', {
      body: { verifiablePresentation: {}, options: { domain: 'x' } },
    });
    expect(r.status).toBe(400);
    expect(r.body.errors[0].pointer).toBe('/options/challenge');
  });
});
