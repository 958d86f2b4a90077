import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { startServer } from '../src/server.js';
import { ADMIN_TOKEN, sampleCredential } from './support/harness.js';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'tessera-listen-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

describe('a real listening server', () => {
  it('issues over a socket on an ephemeral port and verifies the result through its own did:web', async () => {
    const port = await freePort();
    const dir = tempDir();
    const config = loadConfig({
      PORT: String(port),
      HOST: '127.0.0.1',
      TESSERA_DATA_DIR: dir,
      TESSERA_ADMIN_TOKEN: ADMIN_TOKEN,
      TESSERA_DEV: '1',
    });
    const server = await startServer(config, { logger: pino({ level: 'silent' }) });
    try {
      const post = (path: string, body: unknown, key?: string) =>
        fetch(`${server.url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
          body: JSON.stringify(body),
        });
      const created = await (
        await post('/admin/tenants', { slug: 'sock', name: 'Socket Lab' }, ADMIN_TOKEN)
      ).json();
      const issued = await post(
        '/credentials/issue',
        { credential: sampleCredential(), options: { format: 'eddsa-rdfc-2022' } },
        created.apiKey.token,
      );
      expect(issued.status).toBe(201);
      const { verifiableCredential } = await issued.json();
      const verified = await post('/credentials/verify', { verifiableCredential });
      expect(verified.status).toBe(200);
      expect((await verified.json()).issuer).toBe(`did:web:localhost%3A${port}:tenants:sock`);
      const big = await fetch(`${server.url}/credentials/verify`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: 'x'.repeat(1_100_000),
      });
      expect(big.status).toBe(413);
      // On a socket the fixed headers are set on the Node response: a route's own CSP still wins.
      expect(verified.headers.get('x-content-type-options')).toBe('nosniff');
      expect(verified.headers.get('content-security-policy')).toBe(
        "default-src 'none'; frame-ancestors 'none'",
      );
      const docs = await fetch(`${server.url}/docs`);
      await docs.arrayBuffer();
      expect(docs.headers.get('x-content-type-options')).toBe('nosniff');
      expect(docs.headers.get('content-security-policy')).toMatch(/style-src 'sha256-/);
    } finally {
      await server.close();
    }
  });
});

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

/** Runs the `npm start` entry point until it prints its curl line; returns the output and the process. */
function startMain(env: Record<string, string>): Promise<{ child: ChildProcess; out: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN], {
      env: { ...process.env, ...env, NODE_ENV: 'development' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`main did not start:\n${out}`)), 20_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('curl -sS')) {
        clearTimeout(timer);
        resolve({ child, out: () => out });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`main exited with ${code}:\n${out}`)));
  });
}

const stop = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? (signal as unknown as number)));
    child.kill('SIGTERM');
  });

describe('the npm start entry point (dist/main.js, built by tsc -b)', () => {
  it('on an empty data dir seeds the demo tenant, prints a key that issues, and reuses that key on restart', async () => {
    const dir = join(tempDir(), 'data');
    const port = await freePort();
    const env = { PORT: String(port), TESSERA_DATA_DIR: dir, TESSERA_LOG_LEVEL: 'warn' };
    const first = await startMain(env);
    const key = /Demo API key[^:]*: (tsk_\S+)/.exec(first.out())?.[1];
    const achievementId = /"achievementId":"([0-9a-f-]+)"/.exec(first.out())?.[1];
    expect(key).toBeDefined();
    expect(readFileSync(join(dir, 'demo-api-key'), 'utf8').trim()).toBe(key);
    expect(statSync(join(dir, 'demo-api-key')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'master-key')).mode & 0o777).toBe(0o600);
    const base = `http://localhost:${port}`;
    const issued = await fetch(`${base}/credentials/issue`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({
        credential: {
          ...sampleCredential(),
          credentialSubject: { id: 'did:example:holder', type: ['AchievementSubject'] },
        },
        options: { format: 'vc-jwt', achievementId },
      }),
    });
    expect(issued.status).toBe(201);
    const { verifiableCredential } = await issued.json();
    const verified = await fetch(`${base}/credentials/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ verifiableCredential }),
    });
    expect(verified.status).toBe(200);
    expect(await stop(first.child)).toBe(0);

    const second = await startMain(env);
    expect(second.out()).toContain(key);
    expect(second.out()).not.toContain('was created');
    expect(await stop(second.child)).toBe(0);
  });

  it('exits with code 2 and one clear line on bad configuration', async () => {
    const child = spawn(process.execPath, [MAIN], {
      env: { ...process.env, PORT: 'eighty', TESSERA_DATA_DIR: tempDir() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (c: Buffer) => {
      err += c.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(err).toMatch(/^tessera-server: configuration: PORT/);
  });
});
