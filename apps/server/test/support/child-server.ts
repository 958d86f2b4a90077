import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import pg from 'pg';

/** The built entry point `npm start` runs (`npm test` builds before testing). */
export const MAIN = resolve(__dirname, '../../dist/main.js');
export const PG_URL = process.env.TESSERA_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });
}

/** The real server in a child process, on loopback, with its own data directory. */
export class ChildServer {
  child: ChildProcess | undefined;
  constructor(
    readonly dataDir: string,
    readonly port: number,
    readonly databaseUrl: string,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.child = spawn(process.execPath, [MAIN], {
      env: {
        ...process.env,
        PORT: String(this.port),
        HOST: '127.0.0.1',
        TESSERA_DATA_DIR: this.dataDir,
        TESSERA_DATABASE_URL: this.databaseUrl,
        TESSERA_PUBLIC_URL: this.url,
        TESSERA_DEV: '1',
        TESSERA_LOG_LEVEL: 'silent',
        TESSERA_RATE_LIMIT: '0',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    this.child.stderr?.on('data', (d) => {
      stderr += d;
    });
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null)
        throw new Error(`server exited with ${this.child.exitCode}: ${stderr}`);
      const ok = await fetch(`${this.url}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`server did not start: ${stderr}`);
  }

  /** SIGKILL: no shutdown hook runs, whatever was in flight is cut. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }

  apiKey(): string {
    return readFileSync(join(this.dataDir, 'demo-api-key'), 'utf8').trim();
  }
}

/** A throwaway PostgreSQL database (created and dropped by the test), or undefined when unreachable. */
export async function scratchDatabase(
  name: string,
): Promise<{ url: string; drop: () => Promise<void> } | undefined> {
  const admin = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
  try {
    await admin.connect();
  } catch {
    if (process.env.CI === 'true') throw new Error(`PostgreSQL is unreachable at ${PG_URL}; CI requires it`);
    console.warn(`[postgres] ${PG_URL} unreachable: PostgreSQL crash tests skipped`);
    return undefined;
  }
  await admin.query(`drop database if exists ${name}`);
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}
