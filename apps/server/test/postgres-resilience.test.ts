import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDemo, loadConfig, type RunningServer, startServer } from '../src/index.js';
import { PG_URL, scratchDatabase } from './support/child-server.js';

/**
 * The service on PostgreSQL: the VC-API works behind row-level security, and when the database
 * drops every connection (pg_terminate_backend) requests answer 503 with Retry-After, never 500,
 * and the service recovers by itself.
 */
const name = `tessera_pgres_${process.pid}`;
let db: Awaited<ReturnType<typeof scratchDatabase>>;
let server: RunningServer;
let apiKey = '';
let achievementId = '';

const issueBody = (format: string) => ({
  credential: {
    '@context': [
      'https://www.w3.org/ns/credentials/v2',
      'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
    ],
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    credentialSubject: { id: 'did:example:pg-candidate', type: ['AchievementSubject'] },
  },
  options: { format, achievementId },
});
const post = (path: string, body: unknown, key = apiKey) =>
  fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  db = await scratchDatabase(name);
  if (!db) return;
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-pgres-'));
  const config = loadConfig({
    TESSERA_DATA_DIR: dataDir,
    TESSERA_DATABASE_URL: db.url,
    PORT: '0',
    HOST: '127.0.0.1',
    TESSERA_DEV: '1',
    TESSERA_LOG_LEVEL: 'silent',
    TESSERA_RATE_LIMIT: '0',
  });
  server = await startServer({ ...config, publicUrl: 'http://localhost:1' });
  const demo = (await ensureDemo(server.deps.app, dataDir))!;
  apiKey = demo.apiKey;
  achievementId = demo.achievementId;
}, 30_000);

afterAll(async () => {
  await server?.close();
  await db?.drop();
});

describe('the issuer service on PostgreSQL', () => {
  it.each(['eddsa-rdfc-2022', 'eddsa-jcs-2022', 'vc-jwt'])(
    'issues (%s), reads back and verifies',
    async (format) => {
      if (!db) return;
      const issued = await post('/credentials/issue', issueBody(format));
      expect(issued.status).toBe(201);
      const { verifiableCredential } = (await issued.json()) as { verifiableCredential: unknown };
      const id =
        typeof verifiableCredential === 'string'
          ? JSON.parse(Buffer.from(verifiableCredential.split('.')[1]!, 'base64url').toString()).id
          : (verifiableCredential as { id: string }).id;
      const got = await fetch(`${server.url}/credentials/${id}`, {
        headers: { authorization: `Bearer ${apiKey}` },
      });
      expect(got.status).toBe(200);
      expect((await post('/credentials/verify', { verifiableCredential })).status).toBe(200);
    },
  );

  it('another tenant’s key reading this tenant’s credential gets 404 (RLS behind the HTTP layer)', async () => {
    if (!db) return;
    const issued = (await (await post('/credentials/issue', issueBody('eddsa-jcs-2022'))).json()) as {
      verifiableCredential: { id: string };
    };
    const admin = await fetch(`${server.url}/admin/tenants`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.deps.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ slug: 'other-lab', name: 'Other Lab' }),
    });
    expect(admin.status).toBe(201);
    const otherKey = ((await admin.json()) as { apiKey: { token: string } }).apiKey.token;
    const r = await fetch(`${server.url}/credentials/${issued.verifiableCredential.id}`, {
      headers: { authorization: `Bearer ${otherKey}` },
    });
    expect(r.status).toBe(404);
  });

  it('answers 503 with Retry-After (never 500) while its connections are terminated, then recovers without a restart', async () => {
    if (!db) return;
    const killer = new pg.Client({ connectionString: PG_URL });
    await killer.connect();
    // Only this test's scratch database: other suites' connections are left alone.
    const terminate = () =>
      killer.query(
        'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
        [name],
      );
    const statuses: number[] = [];
    // Terminations race with the pool's reconnects: repeat until an outage has been observed.
    for (let round = 0; round < 30 && !statuses.includes(503); round++) {
      await terminate();
      const answers = await Promise.all(
        Array.from({ length: 6 }, () => post('/credentials/issue', issueBody('eddsa-jcs-2022'))),
      );
      for (const a of answers) {
        statuses.push(a.status);
        if (a.status === 503) {
          expect(a.headers.get('retry-after')).toMatch(/^\d+$/);
          expect(((await a.json()) as { code: string }).code).toBe('UNAVAILABLE');
        } else await a.arrayBuffer();
      }
    }
    await killer.end();
    expect(
      statuses.every((s) => s === 201 || s === 503),
      `statuses: ${statuses.join(',')}`,
    ).toBe(true);
    expect(statuses).toContain(503);
    let recovered = false;
    for (let i = 0; i < 50 && !recovered; i++) {
      recovered = (await post('/credentials/issue', issueBody('eddsa-jcs-2022'))).status === 201;
      if (!recovered) await new Promise((r) => setTimeout(r, 100));
    }
    expect(recovered).toBe(true);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
  }, 30_000);
});
