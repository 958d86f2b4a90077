import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  AchievementRecord,
  ApiKeyRecord,
  CredentialRecord,
  IssuerKeyRecord,
  Store,
  TenantRecord,
} from '@tessera/app';
import pg from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';
import { openStore } from '../src/index.js';

export const PG_URL = process.env.TESSERA_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function probePostgres(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  } finally {
    await client.end().catch(() => {});
  }
}

const pgProblem = await probePostgres();
if (pgProblem !== undefined) {
  // Under CI the PostgreSQL half is mandatory: a missing server must fail the run, not shrink it.
  if (process.env.CI === 'true')
    throw new Error(`PostgreSQL at ${PG_URL} is required under CI=true: ${pgProblem}`);
  console.warn(
    `[store tests] PostgreSQL at ${PG_URL} is unreachable (${pgProblem}); skipping the PostgreSQL half`,
  );
}
export const postgresAvailable = pgProblem === undefined;

/** A database both halves can open, reopen and throw away. */
export interface Target {
  readonly name: 'sqlite' | 'postgres';
  readonly open: () => Promise<Store>;
  /** The location, for tests that reopen it or inspect it with the raw driver. */
  readonly location: string;
}

export function sqliteTarget(): Target & { cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-store-'));
  const file = join(dir, 'tessera.db');
  return {
    name: 'sqlite',
    location: file,
    open: () => openStore(`sqlite:${file}`),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export function postgresTarget(): Target & { cleanup(): Promise<void> } {
  const schema = `tessera_test_${randomBytes(6).toString('hex')}`;
  return {
    name: 'postgres',
    location: schema,
    open: () => openStore(PG_URL, { schema, maxConnections: 4 }),
    cleanup: async () => {
      await withOwner(async (c) => {
        await c.query(`drop schema if exists ${schema} cascade`);
      });
    },
  };
}

/** Runs `fn` on a raw connection as the owner (postgres), outside the store. */
export async function withOwner<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export interface ContractContext {
  readonly target: Target;
  /** The store opened for this suite (fresh database, migrated). */
  store(): Store;
}

/**
 * Declares a contract suite once and runs it on SQLite (a temp file) and on PostgreSQL (a
 * random schema, dropped afterwards). The PostgreSQL half is skipped, with a notice, when the
 * server is unreachable outside CI.
 */
export function describeContract(title: string, body: (ctx: ContractContext) => void): void {
  for (const name of ['sqlite', 'postgres'] as const) {
    describe.skipIf(name === 'postgres' && !postgresAvailable)(`${title} [${name}]`, () => {
      const target = name === 'sqlite' ? sqliteTarget() : postgresTarget();
      let opened: Store | undefined;
      beforeAll(async () => {
        opened = await target.open();
      });
      afterAll(async () => {
        await opened?.close();
        await target.cleanup();
      });
      body({
        target,
        store: () => {
          if (opened === undefined) throw new Error('store not opened');
          return opened;
        },
      });
    });
  }
}

// Fixtures: every call makes fresh ids so tests in one suite never collide.

const iso = (ms = Date.now()) => new Date(ms).toISOString();

export function aTenant(overrides: Partial<TenantRecord> = {}): TenantRecord {
  const id = randomUUID();
  const slug = `t-${id.slice(0, 8)}`;
  return {
    id,
    slug,
    name: `Tenant ${slug}`,
    didMethod: 'web',
    did: `did:web:example.org:tenants:${slug}`,
    createdAt: iso(),
    ...overrides,
  };
}

export function aKey(tenantId: string, overrides: Partial<IssuerKeyRecord> = {}): IssuerKeyRecord {
  const id = randomUUID();
  return {
    id,
    tenantId,
    verificationMethod: `did:web:example.org#key-${id}`,
    publicKeyMultibase: `z6Mk${id.replaceAll('-', '')}`,
    sealedSecretKey: randomBytes(60).toString('base64url'),
    status: 'active',
    createdAt: iso(),
    ...overrides,
  };
}

export function anAchievement(
  tenantId: string,
  overrides: Partial<AchievementRecord> = {},
): AchievementRecord {
  const id = overrides.id ?? randomUUID();
  return {
    id,
    tenantId,
    version: 1,
    achievement: {
      id: `https://example.org/achievements/${id}`,
      type: ['Achievement'],
      name: 'SMD soldering',
      tags: ['ü', 'x'],
    },
    createdAt: iso(),
    ...overrides,
  };
}

export function anApiKey(tenantId: string, overrides: Partial<ApiKeyRecord> = {}): ApiKeyRecord {
  return {
    id: randomUUID(),
    tenantId,
    name: 'ci',
    prefix: randomBytes(6).toString('hex'),
    tokenHash: randomBytes(32).toString('hex'),
    scopes: ['issue', 'read'],
    createdAt: iso(),
    ...overrides,
  };
}

export function aCredential(tenantId: string, overrides: Partial<CredentialRecord> = {}): CredentialRecord {
  const id = randomUUID();
  return {
    id,
    tenantId,
    subjectId: 'did:example:learner',
    format: 'eddsa-jcs-2022',
    document: JSON.stringify({ id: `urn:uuid:${id}`, proof: { proofValue: 'z…' } }),
    verificationMethod: 'did:web:example.org#key-1',
    issuedAt: iso(),
    ...overrides,
  };
}

/** Inserts a fresh tenant and returns it. */
export async function seedTenant(store: Store): Promise<TenantRecord> {
  const tenant = aTenant();
  await store.tenants.insert(tenant);
  return tenant;
}
