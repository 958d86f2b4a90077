import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { createRateLimiter } from '../src/rate-limit.js';
import { storeOptions } from '../src/server.js';

const dir = mkdtempSync(join(tmpdir(), 'tessera-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('loadConfig', () => {
  it('defaults: port 8080, sqlite in the data dir, public URL from the port, 1 MB bodies, 600 req/min', () => {
    const c = loadConfig({ TESSERA_DATA_DIR: join(dir, 'a') });
    expect(c.port).toBe(8080);
    expect(c.databaseUrl).toBe(`sqlite:${join(dir, 'a', 'tessera.db')}`);
    expect(c.publicUrl).toBe('http://localhost:8080');
    expect(c.bodyLimitBytes).toBe(1_048_576);
    expect(c.rateLimitPerMinute).toBe(600);
  });

  it('in development generates a master key into the data dir with mode 0600 and reuses it', () => {
    const first = loadConfig({ TESSERA_DATA_DIR: join(dir, 'b') });
    const path = join(dir, 'b', 'master-key');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8').trim()).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(loadConfig({ TESSERA_DATA_DIR: join(dir, 'b') }).masterKey).toEqual(first.masterKey);
  });

  it('refuses to start in production without a master key, and with one that is not 32 bytes', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', TESSERA_DATA_DIR: join(dir, 'c') })).toThrow(
      ConfigError,
    );
    expect(() => loadConfig({ TESSERA_MASTER_KEY: 'AAAA', TESSERA_DATA_DIR: join(dir, 'c') })).toThrow(
      /32 bytes/,
    );
  });

  it('guards store transactions in development only: the guard hooks every promise of the process', () => {
    const key = Buffer.alloc(32, 7).toString('base64url');
    const dev = loadConfig({ TESSERA_DATA_DIR: join(dir, 'd') });
    const production = loadConfig({ NODE_ENV: 'production', TESSERA_MASTER_KEY: key, TESSERA_DATA_DIR: dir });
    expect(storeOptions(dev).guardTransactions).toBe(true);
    expect(storeOptions(production).guardTransactions).toBe(false);
  });

  it('reports the offending variable for bad values', () => {
    expect(() => loadConfig({ PORT: '99999', TESSERA_DATA_DIR: dir })).toThrow(/^PORT/);
    expect(() => loadConfig({ TESSERA_DATABASE_URL: 'mysql://x', TESSERA_DATA_DIR: dir })).toThrow(
      /TESSERA_DATABASE_URL/,
    );
    expect(() => loadConfig({ TESSERA_PUBLIC_URL: 'ftp://x', TESSERA_DATA_DIR: dir })).toThrow(
      /TESSERA_PUBLIC_URL/,
    );
  });
});

describe('rate limiter', () => {
  it('allows a burst of the per-minute budget, then asks to wait until a token refills', () => {
    let now = 0;
    const limiter = createRateLimiter(60, () => now);
    for (let i = 0; i < 60; i++) expect(limiter.take('k')).toBe(0);
    expect(limiter.take('k')).toBe(1);
    now += 1000;
    expect(limiter.take('k')).toBe(0);
    expect(limiter.take('other')).toBe(0);
  });
});
