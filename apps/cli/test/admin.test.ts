import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from './run-cli.js';

/** Admin commands against a real SQLite store in a temporary data directory. */
const dataDir = mkdtempSync(join(tmpdir(), 'tessera-admin-'));
const saved = { ...process.env };

beforeAll(() => {
  Object.assign(process.env, {
    TESSERA_DATA_DIR: dataDir,
    TESSERA_DEV: '1',
    TESSERA_PUBLIC_URL: 'http://localhost:9999',
  });
  delete process.env.TESSERA_DATABASE_URL;
  delete process.env.TESSERA_MASTER_KEY;
});
afterAll(() => {
  process.env = saved;
});

describe('tessera admin commands', () => {
  it('migrate creates the schema', async () => {
    const r = await cli('migrate');
    expect(r.stderr).toMatch(/migrations applied/);
    expect(r.code).toBe(0);
  });

  it('tenant create makes a did:web tenant served by this host, and refuses a duplicate slug', async () => {
    const r = await cli('tenant', 'create', '--slug', 'bench-lab', '--name', 'Bench Lab');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).did).toBe('did:web:localhost%3A9999:tenants:bench-lab');
    const again = await cli('tenant', 'create', '--slug', 'bench-lab', '--name', 'Other');
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/CONFLICT/);
  });

  it('tenant create with --did-method key makes a did:key issuer', async () => {
    const r = await cli('tenant', 'create', '--slug', 'keyed', '--name', 'Keyed', '--did-method', 'key');
    expect(JSON.parse(r.stdout).did).toMatch(/^did:key:z6Mk/);
  });

  it('tenant list shows the tenants', async () => {
    expect((await cli('tenant', 'list')).stdout).toMatch(/bench-lab/);
  });

  it('apikey create prints a token once; apikey revoke revokes it; unknown scopes are refused', async () => {
    const r = await cli('apikey', 'create', '--tenant', 'bench-lab', '--scopes', 'issue,read');
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^tsk_[0-9a-f]{16}_/);
    const id = /API key (\S+)/.exec(r.stderr)![1]!;
    expect((await cli('apikey', 'revoke', '--tenant', 'bench-lab', id)).code).toBe(0);
    expect((await cli('apikey', 'revoke', '--tenant', 'bench-lab', id)).stderr).toMatch(/NOT_FOUND/);
    const bad = await cli('apikey', 'create', '--tenant', 'bench-lab', '--scopes', 'root');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/INPUT_INVALID: scopes must be/);
  });

  it('an unknown tenant is NOT_FOUND', async () => {
    expect((await cli('apikey', 'create', '--tenant', 'nope', '--scopes', 'read')).stderr).toMatch(
      /NOT_FOUND/,
    );
  });
});
