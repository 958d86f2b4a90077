import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Store } from '@tessera/app';
import { OB_CONTEXT, VC_V2_CONTEXT } from '@tessera/credentials';
import { openStore } from '@tessera/store';
import { pino } from 'pino';
import { createApp } from '../../src/app.js';
import { composeDeps } from '../../src/compose.js';
import { loadLogKey } from '../../src/log-service.js';
import type { ServerDeps } from '../../src/routes/route.js';

export const PUBLIC_URL = 'https://badges.lab.example';
export const ADMIN_TOKEN = 'tadm_test-operator-token-0123456789abcdefghij';
export const HOLDER = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK';

export interface Harness {
  readonly deps: ServerDeps;
  readonly store: Store;
  readonly app: ReturnType<typeof createApp>;
  /** The SQLite file behind the store (for tests that tamper with it as its owner could). */
  readonly dbPath: string;
  call(
    method: string,
    path: string,
    options?: { key?: string; body?: unknown; raw?: string; headers?: Record<string, string> },
  ): Promise<Response>;
  json(
    method: string,
    path: string,
    options?: { key?: string; body?: unknown; raw?: string; headers?: Record<string, string> },
    // biome-ignore lint/suspicious/noExplicitAny: response bodies are inspected loosely in tests
  ): Promise<{ status: number; body: any; res: Response }>;
  /** Creates a tenant through the API; returns its id, slug and all-scopes API key. */
  tenant(slug: string): Promise<{ id: string; slug: string; did: string; key: string }>;
  /** Issues a sample credential with this key (expects 201); returns the secured credential. */
  // biome-ignore lint/suspicious/noExplicitAny: credentials are inspected loosely in tests
  issue(key: string, format?: string): Promise<any>;
  /** An API key of the tenant with exactly these scopes. */
  keyWith(adminKey: string, scopes: string[]): Promise<string>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  rateLimitPerMinute?: number;
  bodyLimitBytes?: number;
  /** Wraps the store (e.g. to simulate an outage). */
  wrapStore?: (store: Store) => Store;
}

/** An app on a fresh SQLite file in a temp directory, with a silent logger. */
export async function createHarness(options: HarnessOptions = {}): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-server-test-'));
  const dbPath = join(dir, 'tessera.db');
  const real = await openStore(`sqlite:${dbPath}`);
  const store = options.wrapStore ? options.wrapStore(real) : real;
  const masterKey = new Uint8Array(32).fill(7);
  const deps = composeDeps({
    store,
    logIdentity: await loadLogKey(store, { masterKey, publicUrl: PUBLIC_URL }),
    logger: pino({ level: 'silent' }),
    config: {
      publicUrl: PUBLIC_URL,
      masterKey,
      adminToken: ADMIN_TOKEN,
      bodyLimitBytes: options.bodyLimitBytes ?? 1_048_576,
      rateLimitPerMinute: options.rateLimitPerMinute ?? 0,
    },
    // No test may touch the network: every DID here is this server's or a did:key.
    remoteFetcher: async (url) => {
      throw new Error(`unexpected network fetch of ${url}`);
    },
  });
  const app = createApp(deps);
  const call: Harness['call'] = (method, path, o = {}) => {
    const headers: Record<string, string> = { ...o.headers };
    if (o.key) headers.authorization = `Bearer ${o.key}`;
    let body: string | undefined = o.raw;
    if (o.body !== undefined) body = JSON.stringify(o.body);
    if (body !== undefined) headers['content-type'] ??= 'application/json';
    return Promise.resolve(
      app.request(`http://localhost${path}`, { method, headers, ...(body !== undefined ? { body } : {}) }),
    );
  };
  const json: Harness['json'] = async (method, path, o = {}) => {
    const res = await call(method, path, o);
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined, res };
  };
  return {
    deps,
    store,
    app,
    dbPath,
    call,
    json,
    async tenant(slug) {
      const r = await json('POST', '/admin/tenants', {
        key: ADMIN_TOKEN,
        body: { slug, name: `Lab ${slug}` },
      });
      if (r.status !== 201) throw new Error(`tenant ${slug}: ${JSON.stringify(r.body)}`);
      return { id: r.body.tenant.id, slug, did: r.body.tenant.did, key: r.body.apiKey.token };
    },
    async issue(key, format = 'eddsa-jcs-2022') {
      const r = await json('POST', '/credentials/issue', {
        key,
        body: { credential: sampleCredential(), options: { format } },
      });
      if (r.status !== 201) throw new Error(`issue: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body.verifiableCredential;
    },
    async keyWith(adminKey, scopes) {
      const r = await json('POST', '/api-keys', {
        key: adminKey,
        body: { name: `scopes ${scopes.join(',')}`, scopes },
      });
      if (r.status !== 201) throw new Error(JSON.stringify(r.body));
      return r.body.token;
    },
    async close() {
      await deps.log.close();
      await deps.verification.close();
      await real.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** An unsigned OB 3.0 credential as a client would send it. */
export function sampleCredential(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    '@context': [VC_V2_CONTEXT, OB_CONTEXT],
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    name: 'SMD soldering',
    credentialSubject: {
      id: HOLDER,
      type: ['AchievementSubject'],
      achievement: {
        id: 'https://example.org/achievements/smd',
        type: ['Achievement'],
        name: 'SMD soldering',
        description: 'Solders 0603 passives.',
        criteria: { narrative: 'Passes inspection.' },
      },
    },
    ...extra,
  };
}

export const ACHIEVEMENT = {
  achievementType: 'Competency',
  name: 'Oscilloscope probe compensation',
  description: 'Compensates a 10x passive probe.',
  criteria: { narrative: 'Flat square wave at the calibrator.' },
};
