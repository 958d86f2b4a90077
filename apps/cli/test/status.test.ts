import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createGuardedFetcher,
  createKeyResolver,
  createVerifier,
  decodeStatusList,
  type Fetcher,
  readBit,
} from '@tessera/credentials';
import { createNodeCrypto } from '@tessera/crypto-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChildServer, freePort } from '../../server/test/support/child-server.js';
import { cli } from './run-cli.js';

/**
 * revoke / suspend / reinstate against the real server (the built apps/server in a child
 * process on loopback), and on the local store of a SQLite data directory that a running
 * server shares.
 */
const saved = { ...process.env };
afterAll(() => {
  process.env = saved;
});

// biome-ignore lint/suspicious/noExplicitAny: credentials are inspected loosely in tests
type Vc = any;

const body = (achievementId?: string) => ({
  credential: {
    '@context': [
      'https://www.w3.org/ns/credentials/v2',
      'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
    ],
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    name: 'SMD soldering',
    credentialSubject: {
      id: 'did:example:learner',
      type: ['AchievementSubject'],
      ...(achievementId
        ? {}
        : {
            achievement: {
              id: 'https://lab.example/achievements/smd',
              type: ['Achievement'],
              name: 'SMD soldering',
              description: 'Solders 0603 passives.',
              criteria: { narrative: 'Passes inspection.' },
            },
          }),
    },
  },
  options: { format: 'eddsa-jcs-2022', ...(achievementId ? { achievementId } : {}) },
});

async function issueOn(server: ChildServer, apiKey: string, achievementId?: string): Promise<Vc> {
  const r = await fetch(`${server.url}/credentials/issue`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body(achievementId)),
  });
  expect(r.status).toBe(201);
  return ((await r.json()) as { verifiableCredential: Vc }).verifiableCredential;
}

/** The server's own verdict (POST /credentials/verify checks status): 'ok' or the problem code. */
async function verdict(server: ChildServer, vc: Vc): Promise<string> {
  const r = await fetch(`${server.url}/credentials/verify`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ verifiableCredential: vc }),
  });
  return r.status === 200 ? 'ok' : ((await r.json()) as { code: string }).code;
}

/**
 * A verifier of our own, new for every call (no cached lists), that fetches the status lists and
 * the tenant's did:web from the loopback server over http (did:web says https).
 */
async function freshVerdict(server: ChildServer, vc: Vc): Promise<string> {
  const guarded = createGuardedFetcher({ allowLoopbackHttp: true });
  const own = server.url.replace('http://', 'https://');
  const fetcher: Fetcher = (url, init) =>
    guarded(url.startsWith(own) ? url.replace('https://', 'http://') : url, init);
  const verifier = createVerifier({
    crypto: createNodeCrypto(),
    resolver: createKeyResolver({ fetcher }),
    status: { fetcher },
  });
  const report = await verifier.verifyCredential(vc);
  return report.verified ? 'ok' : (report.checks.find((c) => !c.ok && !c.skipped)?.code ?? 'NOT_VERIFIED');
}

describe('tessera revoke|suspend|reinstate --server', () => {
  let server: ChildServer;
  let apiKey: string;
  let achievementId: string;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-status-'));
    server = new ChildServer(dir, await freePort(), `sqlite:${join(dir, 'tessera.db')}`);
    await server.start();
    apiKey = server.apiKey();
    process.env.TESSERA_API_KEY = apiKey;
    const list = (await (
      await fetch(`${server.url}/achievements`, { headers: { authorization: `Bearer ${apiKey}` } })
    ).json()) as { achievements: { id: string }[] };
    achievementId = list.achievements[0]!.id;
  });
  afterAll(async () => {
    await server.kill();
  });

  it('a revoked credential no longer verifies (STATUS_REVOKED); revoking again says already revoked', async () => {
    const vc = await issueOn(server, apiKey, achievementId);
    expect(await verdict(server, vc)).toBe('ok');
    const r = await cli('revoke', vc.id, '--server', server.url, '--reason', 'issued in error');
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toBe(`revoked ${vc.id} (changed)\n`);
    expect(await verdict(server, vc)).toBe('STATUS_REVOKED');
    const again = await cli('revoke', vc.id.replace('urn:uuid:', ''), '--server', server.url);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(`revoked ${vc.id} (already revoked)\n`);
  });

  it('tessera verify checks status and the receipt: verified with a log check, then STATUS_REVOKED once revoked', async () => {
    const vc = await issueOn(server, apiKey, achievementId);
    const dir = mkdtempSync(join(tmpdir(), 'tessera-verify-'));
    const vcFile = join(dir, 'badge.json');
    const receiptFile = join(dir, 'receipt.json');
    writeFileSync(vcFile, JSON.stringify(vc));
    const receipt = await fetch(`${server.url}/credentials/${vc.id.replace('urn:uuid:', '')}/receipt`, {
      headers: { authorization: `Bearer ${apiKey}` },
    });
    writeFileSync(receiptFile, await receipt.text());
    const logKey = (await (await fetch(`${server.url}/log/key`)).text()).trim();
    process.env.TESSERA_DEV = '1';
    try {
      const ok = await cli('verify', vcFile, '--receipt', receiptFile, '--log-key', logKey, '--json');
      expect(ok.code, ok.stderr).toBe(0);
      const report = JSON.parse(ok.stdout);
      expect(report.checks.find((c: { check: string }) => c.check === 'status')).toMatchObject({ ok: true });
      expect(report.checks.find((c: { check: string }) => c.check === 'log')).toMatchObject({ ok: true });
      expect((await cli('verify', vcFile, '--receipt', receiptFile)).code).toBe(2);
      const badKey = await cli('verify', vcFile, '--receipt', receiptFile, '--log-key', 'not-a-key');
      expect(badKey.code).toBe(2);
      expect(badKey.stderr).toMatch(/^tessera: USAGE_INVALID: --log-key: /);
      expect((await cli('revoke', vc.id, '--server', server.url)).code).toBe(0);
      const revoked = await cli('verify', vcFile);
      expect(revoked.code).toBe(1);
      expect(revoked.stdout).toMatch(/STATUS_REVOKED|revoked/);
      // Offline, neither the tenant's did:web document nor its status list can be read.
      const offline = await cli('verify', vcFile, '--offline', '--json');
      expect(offline.code).toBe(1);
    } finally {
      delete process.env.TESSERA_DEV;
    }
  });

  it('revocation is final: reinstating a revoked credential exits 1 with STATUS_FINAL in one line', async () => {
    const vc = await issueOn(server, apiKey, achievementId);
    expect((await cli('revoke', vc.id, '--server', server.url)).code).toBe(0);
    const r = await cli('reinstate', vc.id, '--server', server.url);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^tessera: STATUS_FINAL: .*revo/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(await verdict(server, vc)).toBe('STATUS_REVOKED');
  });

  it('a suspended credential fails with STATUS_SUSPENDED and verifies again once reinstated', async () => {
    const vc = await issueOn(server, apiKey, achievementId);
    expect((await cli('suspend', vc.id, '--server', server.url)).stdout).toBe(
      `suspended ${vc.id} (changed)\n`,
    );
    expect(await verdict(server, vc)).toBe('STATUS_SUSPENDED');
    expect((await cli('suspend', vc.id, '--server', server.url)).stdout).toMatch(/\(already suspended\)/);
    const r = await cli('reinstate', vc.id, '--server', server.url);
    expect(r).toMatchObject({ code: 0, stdout: `reinstated ${vc.id} (changed)\n` });
    expect(await verdict(server, vc)).toBe('ok');
    expect((await cli('reinstate', vc.id, '--server', server.url)).stdout).toMatch(/\(already active\)/);
  });

  it('an unknown credential is NOT_FOUND, exit 1', async () => {
    const r = await cli('revoke', 'urn:uuid:00000000-0000-4000-8000-000000000000', '--server', server.url);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^tessera: NOT_FOUND: /);
  });

  it('a wrong API key is AUTH_MISSING and a key without the status scope AUTH_FORBIDDEN, exit 1', async () => {
    const vc = await issueOn(server, apiKey, achievementId);
    process.env.TESSERA_API_KEY = 'tsk_0000000000000000_nope';
    const wrong = await cli('revoke', vc.id, '--server', server.url);
    const created = await fetch(`${server.url}/api-keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'read-only', scopes: ['read'] }),
    });
    process.env.TESSERA_API_KEY = ((await created.json()) as { token: string }).token;
    const forbidden = await cli('revoke', vc.id, '--server', server.url);
    process.env.TESSERA_API_KEY = apiKey;
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^tessera: AUTH_MISSING: /);
    expect(forbidden.code).toBe(1);
    expect(forbidden.stderr).toMatch(/^tessera: AUTH_FORBIDDEN: /);
    expect(await verdict(server, vc)).toBe('ok');
  });

  it('without TESSERA_API_KEY it is a usage error (exit 2)', async () => {
    delete process.env.TESSERA_API_KEY;
    const r = await cli('suspend', 'urn:uuid:00000000-0000-4000-8000-000000000000', '--server', server.url);
    process.env.TESSERA_API_KEY = apiKey;
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/TESSERA_API_KEY/);
  });

  it('an unreachable server is one line and exit 2', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const r = await cli('revoke', 'urn:uuid:00000000-0000-4000-8000-000000000000', '--server', url);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^tessera: FETCH_FAILED: cannot reach /);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('tessera revoke|suspend|reinstate usage', () => {
  it.each([
    [['revoke'], /exactly one credential id/],
    [['revoke', 'a', 'b', '--tenant', 'x'], /exactly one credential id/],
    [['suspend', 'not-a-uuid', '--tenant', 'x'], /urn:uuid:… or a UUID/],
    [['revoke', '00000000-0000-4000-8000-000000000000'], /--tenant SLUG is required/],
    [
      ['revoke', '00000000-0000-4000-8000-000000000000', '--server', 'http://x', '--tenant', 'y'],
      /--tenant is for the local store/,
    ],
    [['revoke', '00000000-0000-4000-8000-000000000000', '--server', 'ftp://x'], /http:\/\/ or https:\/\//],
    [['reinstate', '00000000-0000-4000-8000-000000000000', '--tenant', 'x', '--reason', ' '], /--reason/],
  ])('%j exits 2 with one line', async (argv, message) => {
    const r = await cli(...(argv as string[]));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it.each([['revoke'], ['suspend'], ['reinstate']])('%s --help prints usage and exits 0', async (name) => {
    const r = await cli(name, '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^tessera ${name} <credential-id>`));
  });
});

describe('tessera revoke|suspend|reinstate on the local store (--tenant)', () => {
  let server: ChildServer;
  let dir: string;
  let token: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tessera-status-local-'));
    const port = await freePort();
    // The CLI and the server share the data directory, database and public URL.
    Object.assign(process.env, {
      TESSERA_DATA_DIR: dir,
      TESSERA_DATABASE_URL: `sqlite:${join(dir, 'tessera.db')}`,
      TESSERA_PUBLIC_URL: `http://127.0.0.1:${port}`,
      TESSERA_DEV: '1',
    });
    delete process.env.TESSERA_MASTER_KEY;
    expect((await cli('tenant', 'create', '--slug', 'lab', '--name', 'Bench Lab')).code).toBe(0);
    const key = await cli('apikey', 'create', '--tenant', 'lab', '--scopes', 'issue,read');
    token = key.stdout.trim();
    server = new ChildServer(dir, port, `sqlite:${join(dir, 'tessera.db')}`);
    await server.start();
  });
  afterAll(async () => {
    await server.kill();
    for (const k of ['TESSERA_DATA_DIR', 'TESSERA_DATABASE_URL', 'TESSERA_PUBLIC_URL', 'TESSERA_DEV'])
      delete process.env[k];
  });

  it('revokes in the store: the running server serves the set bit at once and the credential fails STATUS_REVOKED', async () => {
    const vc = await issueOn(server, token);
    const r = await cli('revoke', vc.id, '--tenant', 'lab', '--reason', 'left the programme');
    expect(r).toMatchObject({ code: 0, stdout: `revoked ${vc.id} (changed)\n` });
    const entry = vc.credentialStatus.find((e: Vc) => e.statusPurpose === 'revocation');
    const list = (await (await fetch(entry.statusListCredential)).json()) as Vc;
    expect(readBit(decodeStatusList(list.credentialSubject.encodedList), Number(entry.statusListIndex))).toBe(
      true,
    );
    expect(await freshVerdict(server, vc)).toBe('STATUS_REVOKED');
    expect((await cli('revoke', vc.id, '--tenant', 'lab')).stdout).toMatch(/\(already revoked\)/);
    const final = await cli('reinstate', vc.id, '--tenant', 'lab');
    expect(final.code).toBe(1);
    expect(final.stderr).toMatch(/^tessera: STATUS_FINAL: /);
  });

  it('suspend then reinstate in the store: the credential verifies again', async () => {
    const vc = await issueOn(server, token);
    expect((await cli('suspend', vc.id, '--tenant', 'lab')).stdout).toBe(`suspended ${vc.id} (changed)\n`);
    expect(await freshVerdict(server, vc)).toBe('STATUS_SUSPENDED');
    expect((await cli('reinstate', vc.id, '--tenant', 'lab')).stdout).toBe(`reinstated ${vc.id} (changed)\n`);
    expect(await freshVerdict(server, vc)).toBe('ok');
  });

  it('a change made on the store is in the log: an audit of the server replays it and passes', async () => {
    const state = join(dir, 'audit.json');
    const r = await cli('audit', '--server', server.url, '--state', state);
    expect(r.stderr).toMatch(/first use/);
    expect(r.code).toBe(0);
    const statuses = JSON.parse(readFileSync(state, 'utf8')).statuses as {
      purpose: string;
      status: string;
    }[];
    expect(statuses.filter((s) => s.purpose === 'revocation').map((s) => s.status)).toEqual(['revoked']);
    expect(statuses.filter((s) => s.purpose === 'suspension').map((s) => s.status)).toEqual(['active']);
  });

  it('an unknown credential is NOT_FOUND (exit 1); an unknown tenant is NOT_FOUND (exit 2)', async () => {
    const id = 'urn:uuid:00000000-0000-4000-8000-000000000000';
    const credential = await cli('revoke', id, '--tenant', 'lab');
    expect(credential.code).toBe(1);
    expect(credential.stderr).toMatch(/^tessera: NOT_FOUND: no credential/);
    const tenant = await cli('revoke', id, '--tenant', 'nope');
    expect(tenant.code).toBe(2);
    expect(tenant.stderr).toMatch(/^tessera: NOT_FOUND: no tenant/);
  });
});
