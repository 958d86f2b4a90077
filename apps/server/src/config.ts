import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { base64urlDecode, base64urlEncode } from '@tessera/core';
import { z } from 'zod';

/**
 * The server's configuration, parsed once from the environment (only apps read env). Anything
 * invalid is a `ConfigError`: `main.ts` prints its one line and exits with code 2.
 */
export interface ServerConfig {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly databaseUrl: string;
  readonly publicUrl: string;
  readonly masterKey: Uint8Array;
  /** Operator token allowed to create tenants (`POST /admin/tenants`); absent disables the route. */
  readonly adminToken: string | undefined;
  readonly dev: boolean;
  readonly bodyLimitBytes: number;
  /** Requests per minute per API key (token bucket, burst of the same size); 0 disables. */
  readonly rateLimitPerMinute: number;
  /** Verify worker threads (default: the available parallelism); 0 verifies on the event loop. */
  readonly verifyWorkers: number;
  /** Verifications waiting for a worker before requests are refused with 503 (default 256). */
  readonly verifyQueue: number;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const positiveInt = (fallback: number) => z.coerce.number().int().min(0).default(fallback);

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default('0.0.0.0'),
  TESSERA_DATA_DIR: z.string().min(1).default('./data'),
  TESSERA_DATABASE_URL: z
    .string()
    .regex(/^(sqlite:|postgres:\/\/|postgresql:\/\/)/, 'must start with sqlite: or postgres://')
    .optional(),
  TESSERA_PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  TESSERA_MASTER_KEY: z.string().optional(),
  TESSERA_ADMIN_TOKEN: z.string().min(32, 'must be at least 32 characters').optional(),
  TESSERA_DEV: z.enum(['0', '1', 'true', 'false']).optional(),
  NODE_ENV: z.string().optional(),
  TESSERA_BODY_LIMIT: positiveInt(1_048_576).refine((n) => n >= 1024, 'must be at least 1024 bytes'),
  TESSERA_RATE_LIMIT: positiveInt(600),
  TESSERA_VERIFY_WORKERS: positiveInt(availableParallelism()).refine((n) => n <= 64, 'must be at most 64'),
  TESSERA_VERIFY_QUEUE: positiveInt(256).refine((n) => n >= 1, 'must be at least 1'),
  TESSERA_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

/** Reads a file holding a secret, or creates it (mode 0600) with `make()`: development keys survive restarts. */
function fileSecret(path: string, make: () => string): string {
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  writeFileSync(path, `${make()}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
  return readFileSync(path, 'utf8').trim();
}

function decodeMasterKey(text: string, where: string): Uint8Array {
  let key: Uint8Array;
  try {
    key = base64urlDecode(text);
  } catch {
    throw new ConfigError(`${where} is not base64url`);
  }
  if (key.length !== 32) throw new ConfigError(`${where} must decode to 32 bytes, not ${key.length}`);
  return key;
}

/**
 * Parses the environment. In development (TESSERA_DEV=1 or NODE_ENV unset/development) a missing
 * master key or admin token is generated into the data directory and reused on later starts; in
 * production a missing master key is an error, since losing it makes every issuer key unreadable.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): ServerConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`${issue.path.join('.') || 'environment'}: ${issue.message}`);
  }
  const e = parsed.data;
  const dev =
    e.TESSERA_DEV !== undefined
      ? e.TESSERA_DEV === '1' || e.TESSERA_DEV === 'true'
      : e.NODE_ENV === undefined || e.NODE_ENV === 'development' || e.NODE_ENV === 'test';
  const dataDir = resolve(e.TESSERA_DATA_DIR);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });

  let masterKey: Uint8Array;
  if (e.TESSERA_MASTER_KEY !== undefined)
    masterKey = decodeMasterKey(e.TESSERA_MASTER_KEY, 'TESSERA_MASTER_KEY');
  else if (dev) {
    const path = join(dataDir, 'master-key');
    masterKey = decodeMasterKey(
      fileSecret(path, () => base64urlEncode(randomBytes(32))),
      path,
    );
  } else throw new ConfigError('TESSERA_MASTER_KEY is required outside development (base64url, 32 bytes)');

  const adminToken =
    e.TESSERA_ADMIN_TOKEN ??
    (dev
      ? fileSecret(join(dataDir, 'admin-token'), () => `tadm_${base64urlEncode(randomBytes(32))}`)
      : undefined);

  const publicUrl = (e.TESSERA_PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir,
    databaseUrl: e.TESSERA_DATABASE_URL ?? `sqlite:${join(dataDir, 'tessera.db')}`,
    publicUrl,
    masterKey,
    adminToken,
    dev,
    bodyLimitBytes: e.TESSERA_BODY_LIMIT,
    rateLimitPerMinute: e.TESSERA_RATE_LIMIT,
    verifyWorkers: e.TESSERA_VERIFY_WORKERS,
    verifyQueue: e.TESSERA_VERIFY_QUEUE,
    logLevel: e.TESSERA_LOG_LEVEL,
  };
}
