import { decodeStatusList, readBit } from '@tessera/credentials';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness, PUBLIC_URL } from './support/harness.js';

let h: Harness;
let lab: Awaited<ReturnType<Harness['tenant']>>;
let other: Awaited<ReturnType<Harness['tenant']>>;

beforeAll(async () => {
  h = await createHarness();
  lab = await h.tenant('lab');
  other = await h.tenant('other');
});
afterAll(() => h.close());

const issue = (format = 'eddsa-jcs-2022') => h.issue(lab.key, format);

const setStatus = (credentialId: string, status: string, key = lab.key, reason?: string) =>
  h.json('POST', '/credentials/status', {
    key,
    body: {
      credentialId,
      credentialStatus: [{ type: 'BitstringStatusListEntry', status }],
      ...(reason ? { reason } : {}),
    },
  });

const verify = (vc: unknown) => h.json('POST', '/credentials/verify', { body: { verifiableCredential: vc } });
const listPath = (url: string) => url.slice(PUBLIC_URL.length);

async function bitOf(entry: { statusListCredential: string; statusListIndex: string }): Promise<boolean> {
  const r = await h.json('GET', listPath(entry.statusListCredential));
  return readBit(decodeStatusList(r.body.credentialSubject.encodedList), Number(entry.statusListIndex));
}

describe('Bitstring Status List entries on issuance', () => {
  it('gives every credential a revocation and a suspension entry in the tenant’s lists', async () => {
    const vc = await issue();
    expect(vc.credentialStatus).toHaveLength(2);
    const [revocation, suspension] = vc.credentialStatus;
    expect(revocation).toMatchObject({
      type: 'BitstringStatusListEntry',
      statusPurpose: 'revocation',
      statusListCredential: `${PUBLIC_URL}/status/lab/revocation-1`,
    });
    expect(suspension).toMatchObject({
      statusPurpose: 'suspension',
      statusListCredential: `${PUBLIC_URL}/status/lab/suspension-1`,
    });
    expect(revocation.id).toBe(`${revocation.statusListCredential}#${revocation.statusListIndex}`);
    // statusListIndex is a string of a non-negative integer below the list's 131,072 entries.
    expect(Number(revocation.statusListIndex)).toBeLessThan(131_072);
    const verified = await verify(vc);
    expect(verified.status).toBe(200);
    expect(verified.body.checks.find((c: { check: string }) => c.check === 'status')).toMatchObject({
      ok: true,
    });
  });

  it('hands out random indexes, never the same one twice, from one list per purpose', async () => {
    const credentials = await Promise.all(Array.from({ length: 12 }, () => issue()));
    const indexes = new Set(credentials.map((vc) => Number(vc.credentialStatus[0].statusListIndex)));
    expect(indexes.size).toBe(credentials.length);
    // Random, not sequential: consecutive indexes would betray the order of issuance.
    expect([...indexes].some((i) => i > 1000)).toBe(true);
    const lists = await h.store.statusLists.list(lab.id);
    expect(lists.map((l) => `${l.purpose}-${l.seq}`)).toEqual(['revocation-1', 'suspension-1']);
  });
});

describe('GET /status/{tenant}/{list}', () => {
  it('serves a signed list of 131,072 entries that verifies, with ETag and Cache-Control from its ttl', async () => {
    const r = await h.call('GET', '/status/lab/revocation-1');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/vc');
    expect(r.headers.get('cache-control')).toBe('public, max-age=30');
    const list = JSON.parse(await r.text());
    expect(list.type).toEqual(['VerifiableCredential', 'BitstringStatusListCredential']);
    expect(list.credentialSubject).toMatchObject({
      type: 'BitstringStatusList',
      statusPurpose: 'revocation',
      ttl: 30_000,
    });
    expect(decodeStatusList(list.credentialSubject.encodedList).length * 8).toBe(131_072);
    expect((await verify(list)).status).toBe(200);
    const again = await h.call('GET', '/status/lab/revocation-1', {
      headers: { 'if-none-match': r.headers.get('etag')! },
    });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
  });

  it('answers 404 for an unknown tenant, list name or sequence', async () => {
    for (const path of [
      '/status/nobody/revocation-1',
      '/status/lab/revocation-9',
      '/status/lab/refresh-1',
      '/status/lab/x',
    ])
      expect((await h.json('GET', path)).status).toBe(404);
  });
});

describe('POST /credentials/status', () => {
  it('revokes: the bit flips, the list is re-signed with a new ETag, and verification says STATUS_REVOKED', async () => {
    const vc = await issue('eddsa-rdfc-2022');
    const before = (await h.call('GET', '/status/lab/revocation-1')).headers.get('etag');
    const r = await setStatus(vc.id, 'revoked', lab.key, 'assessor misconduct');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ credentialId: vc.id, status: 'revoked', changed: true });
    expect(await bitOf(vc.credentialStatus[0])).toBe(true);
    expect((await h.call('GET', '/status/lab/revocation-1')).headers.get('etag')).not.toBe(before);
    const verified = await verify(vc);
    expect(verified.status).toBe(422);
    expect(verified.body.code).toBe('STATUS_REVOKED');
  });

  it('revocation is final: reinstating or suspending a revoked credential is 409 STATUS_FINAL; revoking again changes nothing', async () => {
    const vc = await issue();
    expect((await setStatus(vc.id, 'revoked')).status).toBe(200);
    for (const status of ['active', 'suspended']) {
      const r = await setStatus(vc.id, status);
      expect(r.status).toBe(409);
      expect(r.body.code).toBe('STATUS_FINAL');
    }
    expect((await setStatus(vc.id, 'revoked')).body.changed).toBe(false);
  });

  it('suspends (STATUS_SUSPENDED) and reinstates (verifies again)', async () => {
    const vc = (await issue('vc-jwt')) as string;
    // A VC-JOSE payload is the credential itself.
    const credentialId = JSON.parse(Buffer.from(vc.split('.')[1]!, 'base64url').toString()).id;
    expect((await setStatus(credentialId, 'suspended')).body.changed).toBe(true);
    const suspended = await verify(vc);
    expect(suspended.status).toBe(422);
    expect(suspended.body.code).toBe('STATUS_SUSPENDED');
    expect((await setStatus(credentialId, 'active')).body).toMatchObject({ status: 'active', changed: true });
    expect((await verify(vc)).status).toBe(200);
  });

  it("answers 404 for another tenant's credential and changes nothing", async () => {
    const vc = await issue();
    const r = await setStatus(vc.id, 'revoked', other.key);
    expect(r.status).toBe(404);
    expect(r.body.code).toBe('NOT_FOUND');
    expect(await bitOf(vc.credentialStatus[0])).toBe(false);
    expect((await verify(vc)).status).toBe(200);
  });

  it('needs the status scope (403), a key (401) and a valid body (400)', async () => {
    const vc = await issue();
    const reader = await h.keyWith(lab.key, ['read', 'issue']);
    expect((await setStatus(vc.id, 'revoked', reader)).status).toBe(403);
    expect((await h.json('POST', '/credentials/status', { body: {} })).status).toBe(401);
    for (const body of [
      {},
      { credentialId: vc.id, credentialStatus: [{ type: 'BitstringStatusListEntry', status: 'deleted' }] },
      { credentialId: vc.id, credentialStatus: [{ type: 'StatusList2021Entry', status: 'revoked' }] },
      { credentialId: vc.id, credentialStatus: [] },
    ]) {
      const r = await h.json('POST', '/credentials/status', { key: lab.key, body });
      expect(r.status).toBe(400);
      expect(r.body.code).toBe('INPUT_INVALID');
    }
    expect((await verify(vc)).status).toBe(200);
  });

  it('keeps the reason private: it is neither in the list nor in the log, but stored for the tenant', async () => {
    const vc = await issue();
    const reason = 'candidate-asked-for-removal-7f3a';
    await setStatus(vc.id, 'suspended', lab.key, reason);
    const list = await h.call('GET', '/status/lab/suspension-1');
    expect(await list.text()).not.toContain(reason);
    const cp = await h.call('GET', '/log/checkpoint');
    const size = Number((await cp.text()).split('\n')[1]);
    for (let start = 0; start < size; start += 1000) {
      const page = await h.json('GET', `/log/entries?start=${start}&end=${Math.min(size, start + 1000)}`);
      for (const e of page.body.entries)
        expect(Buffer.from(e.leaf, 'base64').toString()).not.toContain(reason);
    }
    const stored = await h.store.credentialStatus.get(lab.id, vc.id.slice('urn:uuid:'.length));
    expect(stored).toMatchObject({ status: 'suspended', reason });
  });
});
