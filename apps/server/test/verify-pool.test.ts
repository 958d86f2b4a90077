import { execFile } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { TesseraError } from '@tessera/core';
import { createPresentation, generateDidKey } from '@tessera/credentials';
import { createNodeCrypto } from '@tessera/crypto-node';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { composeDeps } from '../src/compose.js';
import type { ServerDeps } from '../src/routes/route.js';
import { createVerifyPool, VERIFY_WORKER_URL, VerifyBusyError, workerExecArgv } from '../src/verify-pool.js';
import { ADMIN_TOKEN, createHarness, type Harness, PUBLIC_URL, sampleCredential } from './support/harness.js';

/**
 * The verify worker pool (built JS from dist: `npm test` runs `tsc -b` first). The same store
 * serves an in-process app (the harness) and a pooled app; every answer must be the same bytes.
 */
let h: Harness;
let pooled: ServerDeps;
let pooledApp: ReturnType<typeof createApp>;

const silent = pino({ level: 'silent' });
const noNetwork = async (url: string): Promise<never> => {
  throw new Error(`unexpected network fetch of ${url}`);
};

beforeAll(async () => {
  h = await createHarness();
  pooled = composeDeps({
    store: h.store,
    logger: silent,
    config: {
      publicUrl: PUBLIC_URL,
      masterKey: new Uint8Array(32).fill(7),
      adminToken: ADMIN_TOKEN,
      bodyLimitBytes: 1_048_576,
      rateLimitPerMinute: 0,
      verifyWorkers: 2,
      verifyQueue: 64,
    },
    remoteFetcher: noNetwork,
  });
  pooledApp = createApp(pooled);
});
afterAll(async () => {
  await pooled?.verification.close();
  await h?.close();
});

const post = async (app: ReturnType<typeof createApp>, path: string, body: unknown, key?: string) => {
  const res = await app.request(`http://localhost${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify(body),
  });
  return {
    status: res.status,
    contentType: res.headers.get('content-type'),
    retryAfter: res.headers.get('retry-after'),
    text: await res.text(),
  };
};

/** A verify request body as the pool receives it: the text, not yet parsed. */
const request = (verifiableCredential: unknown) => JSON.stringify({ verifiableCredential });

/** Verifies through both apps and expects the same status, type and bytes. */
async function sameAnswer(path: string, body: unknown): Promise<{ status: number; text: string }> {
  const inProcess = await post(h.app, path, body);
  const viaPool = await post(pooledApp, path, body);
  expect(viaPool.text).toBe(inProcess.text);
  expect(viaPool.status).toBe(inProcess.status);
  expect(viaPool.contentType).toBe(inProcess.contentType);
  return viaPool;
}

/** A did:key tenant's eddsa-jcs-2022 credential, issued in-process (no fetch to verify it). */
async function didKeyCredential(slug: string, name: string) {
  const lab = await h.json('POST', '/admin/tenants', {
    key: ADMIN_TOKEN,
    body: { slug, name, didMethod: 'key' },
  });
  const issued = await post(
    h.app,
    '/credentials/issue',
    { credential: sampleCredential(), options: { format: 'eddsa-jcs-2022' } },
    lab.body.apiKey.token,
  );
  return JSON.parse(issued.text).verifiableCredential;
}

describe('issuance signed in the worker pool', () => {
  it('issues through the pooled app in every format: the worker signed, the credential verifies in-process', async () => {
    const web = await h.tenant('pool-sign');
    for (const format of ['eddsa-rdfc-2022', 'eddsa-jcs-2022', 'vc-jwt']) {
      const r = await post(
        pooledApp,
        '/credentials/issue',
        { credential: sampleCredential(), options: { format } },
        web.key,
      );
      expect(r.status).toBe(201);
      const vc = JSON.parse(r.text).verifiableCredential;
      if (format !== 'vc-jwt') expect(vc.proof.cryptosuite).toBe(format);
      const check = await post(h.app, '/credentials/verify', { verifiableCredential: vc });
      expect(check.status).toBe(200);
    }
  });

  it('a credential the engine refuses to sign fails in the worker with the code it has in-process', async () => {
    const web = await h.tenant('pool-sign-bad');
    const bad = { ...sampleCredential(), validFrom: 'yesterday' };
    const viaPool = await post(pooledApp, '/credentials/issue', { credential: bad }, web.key);
    const inProcess = await post(h.app, '/credentials/issue', { credential: bad }, web.key);
    expect(viaPool.status).toBe(400);
    // The engine's own field check (the request's shape was fine): it ran where the signing did.
    expect(JSON.parse(viaPool.text).detail).toContain('validFrom');
    expect(JSON.parse(viaPool.text).code).toBe(JSON.parse(inProcess.text).code);
    expect(typeof pooled.verification.signCredential).toBe('function');
    expect(h.deps.verification.signCredential).toBeUndefined();
  });
});

describe('verification in the worker pool', () => {
  it('answers byte-identically to in-process verification: every format, did:web and did:key, failures too', async () => {
    const web = await h.tenant('pool-web');
    const keyTenant = await h.json('POST', '/admin/tenants', {
      key: ADMIN_TOKEN,
      body: { slug: 'pool-key', name: 'Key Lab', didMethod: 'key' },
    });
    const credentials: unknown[] = [];
    for (const key of [web.key, keyTenant.body.apiKey.token as string]) {
      for (const format of ['eddsa-rdfc-2022', 'eddsa-jcs-2022', 'vc-jwt']) {
        const r = await post(
          h.app,
          '/credentials/issue',
          { credential: sampleCredential(), options: { format } },
          key,
        );
        expect(r.status).toBe(201);
        credentials.push(JSON.parse(r.text).verifiableCredential);
      }
    }
    for (const vc of credentials) {
      const r = await sameAnswer('/credentials/verify', { verifiableCredential: vc });
      expect(r.status).toBe(200);
    }

    // Tampered (422), unreadable (400), an unknown remote issuer (the injected fetcher refuses).
    const tampered = structuredClone(credentials[1]) as Record<string, unknown>;
    tampered.name = 'Something else';
    expect((await sameAnswer('/credentials/verify', { verifiableCredential: tampered })).status).toBe(422);
    expect(
      (await sameAnswer('/credentials/verify', { verifiableCredential: 'not a credential' })).status,
    ).toBe(400);
    const foreign = structuredClone(credentials[1]) as Record<string, unknown>;
    const proof = foreign.proof as Record<string, unknown>;
    foreign.issuer = 'did:web:elsewhere.example';
    proof.verificationMethod = 'did:web:elsewhere.example#key-1';
    const remote = await sameAnswer('/credentials/verify', { verifiableCredential: foreign });
    expect(remote.status).toBe(422);
    expect(remote.text).toContain('unexpected network fetch');
    const noTenant = structuredClone(credentials[1]) as Record<string, unknown>;
    (noTenant.proof as Record<string, unknown>).verificationMethod =
      `${web.did.replace('pool-web', 'no-such-lab')}#key-1`;
    expect((await sameAnswer('/credentials/verify', { verifiableCredential: noTenant })).status).toBe(422);

    // A presentation, with the expected challenge and with another one.
    const crypto = createNodeCrypto();
    const holder = await generateDidKey(crypto);
    const vp = await createPresentation(
      { crypto },
      {
        key: holder,
        credentials: [credentials[0], credentials[2]],
        challenge: 'c-1',
        domain: 'employer.example',
        cryptosuite: 'eddsa-rdfc-2022',
      },
    );
    const options = { challenge: 'c-1', domain: 'employer.example' };
    expect((await sameAnswer('/presentations/verify', { verifiablePresentation: vp, options })).status).toBe(
      200,
    );
    expect(
      (
        await sameAnswer('/presentations/verify', {
          verifiablePresentation: vp,
          options: { ...options, challenge: 'other' },
        })
      ).status,
    ).toBe(422);
  });

  it('drops the workers’ copy of a tenant DID document on key rotation, so the new key verifies at once', async () => {
    const lab = await h.tenant('pool-rotate');
    const issue = async () =>
      JSON.parse(
        (
          await post(
            pooledApp,
            '/credentials/issue',
            { credential: sampleCredential(), options: { format: 'eddsa-jcs-2022' } },
            lab.key,
          )
        ).text,
      ).verifiableCredential;
    const before = await issue();
    // Both workers see (and cache) the document with only the first key.
    for (let i = 0; i < 4; i++)
      expect((await post(pooledApp, '/credentials/verify', { verifiableCredential: before })).status).toBe(
        200,
      );
    expect((await post(pooledApp, '/keys/rotate', {}, lab.key)).status).toBe(201);
    const after = await issue();
    for (let i = 0; i < 4; i++) {
      expect((await post(pooledApp, '/credentials/verify', { verifiableCredential: after })).status).toBe(
        200,
      );
      expect((await post(pooledApp, '/credentials/verify', { verifiableCredential: before })).status).toBe(
        200,
      );
    }
  });

  it('refuses with 503 and Retry-After when the queue is full', async () => {
    const deps = composeDeps({
      store: h.store,
      logger: silent,
      config: {
        publicUrl: PUBLIC_URL,
        masterKey: new Uint8Array(32).fill(7),
        adminToken: ADMIN_TOKEN,
        bodyLimitBytes: 1_048_576,
        rateLimitPerMinute: 0,
        verifyWorkers: 1,
        verifyQueue: 1,
      },
      remoteFetcher: noNetwork,
    });
    try {
      const app = createApp(deps);
      const lab = await h.tenant('pool-busy');
      const vc = JSON.parse(
        (
          await post(
            app,
            '/credentials/issue',
            { credential: sampleCredential(), options: { format: 'eddsa-rdfc-2022' } },
            lab.key,
          )
        ).text,
      ).verifiableCredential;
      const answers = await Promise.all(
        Array.from({ length: 12 }, () => post(app, '/credentials/verify', { verifiableCredential: vc })),
      );
      const busy = answers.filter((a) => a.status === 503);
      expect(answers.filter((a) => a.status === 200).length).toBeGreaterThanOrEqual(2);
      expect(busy.length).toBeGreaterThan(0);
      expect(busy[0]!.retryAfter).toBe('1');
      expect(JSON.parse(busy[0]!.text).code).toBe('UNAVAILABLE');
      // Once the burst is over, verification answers again.
      expect((await post(app, '/credentials/verify', { verifiableCredential: vc })).status).toBe(200);
    } finally {
      await deps.verification.close();
    }
  });

  it('admits perWorker per live worker plus the queue, whatever the dispatch depth', async () => {
    for (const dispatchDepth of [2, 8]) {
      const pool = createVerifyPool({
        size: 1,
        perWorker: 2,
        dispatchDepth,
        maxQueue: 3,
        publicUrl: PUBLIC_URL,
        bodyLimitBytes: 1_048_576,
        fetchLocal: pooled.dids.fetchLocal,
        fetchRemote: noNetwork,
        now: () => new Date(),
        logger: silent,
      });
      try {
        // All submitted in one turn, before any answer can come back: admission alone decides.
        const answers = await Promise.allSettled(
          Array.from({ length: 10 }, () => pool.verifyCredential(request({}))),
        );
        const busy = answers.filter((a) => a.status === 'rejected' && a.reason instanceof VerifyBusyError);
        expect(busy.length).toBe(5);
      } finally {
        await pool.close();
      }
    }
  });

  it('runs more requests than a chunk, and one waiting on a remote fetch holds back none of the others', async () => {
    const vc = await didKeyCredential('pool-chunks', 'Chunk Lab');
    const slow = structuredClone(vc);
    slow.issuer = 'did:web:slow.example';
    slow.proof.verificationMethod = 'did:web:slow.example#key-1';
    let fetched!: () => void;
    const asked = new Promise<void>((resolve) => {
      fetched = resolve;
    });
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const pool = createVerifyPool({
      size: 1,
      maxQueue: 16,
      dispatchDepth: 16,
      chunk: 3,
      publicUrl: PUBLIC_URL,
      bodyLimitBytes: 1_048_576,
      fetchLocal: pooled.dids.fetchLocal,
      fetchRemote: async (url) => {
        fetched();
        await released;
        throw new Error(`${url} is unreachable`);
      },
      now: () => new Date(),
      logger: silent,
    });
    try {
      // The slow one first, in the first chunk; then more than two further chunks' worth.
      const waiting = pool.verifyCredential(request(slow));
      const others = await Promise.all(Array.from({ length: 8 }, () => pool.verifyCredential(request(vc))));
      expect(others.map((r) => r.verified)).toEqual(Array(8).fill(true));
      await asked;
      release();
      const report = await waiting;
      expect(report.verified).toBe(false);
      expect(report.json).toContain('slow.example/.well-known/did.json is unreachable');
    } finally {
      await pool.close();
    }
  });

  it('restarts a worker that dies; the request it held gets 503, the next ones verify', async () => {
    // A worker that exits on a marker input, otherwise the real one. Static imports evaluate in
    // order, so the crashing listener is attached before the real worker's.
    const dataUrl = (code: string) => `data:text/javascript,${encodeURIComponent(code)}`;
    const crashOnMarker = dataUrl(
      `import { parentPort } from 'node:worker_threads';
       parentPort.on('message', (batch) => {
         if (batch.some((m) => m.t === 'verify' && m.text.includes('crash!'))) process.exit(3);
       });`,
    );
    const crashing = new URL(
      dataUrl(`import ${JSON.stringify(crashOnMarker)}; import ${JSON.stringify(VERIFY_WORKER_URL.href)};`),
    );
    const pool = createVerifyPool({
      size: 1,
      maxQueue: 8,
      publicUrl: PUBLIC_URL,
      bodyLimitBytes: 1_048_576,
      fetchLocal: pooled.dids.fetchLocal,
      fetchRemote: noNetwork,
      now: () => new Date(),
      logger: silent,
      workerUrl: crashing,
    });
    try {
      const vc = await didKeyCredential('pool-crash', 'Crash Lab');
      expect((await pool.verifyCredential(request(vc))).verified).toBe(true);
      const crashed = await pool.verifyCredential(request('crash!')).catch((e: unknown) => e);
      expect(crashed).toBeInstanceOf(TesseraError);
      expect((crashed as TesseraError).code).toBe('UNAVAILABLE');
      // Requests made while it restarts wait for the new worker.
      const again = await Promise.all([
        pool.verifyCredential(request(vc)),
        pool.verifyCredential(request(vc)),
      ]);
      expect(again.map((r) => r.verified)).toEqual([true, true]);
    } finally {
      await pool.close();
    }
    const closed = await pool.verifyCredential(request('x')).catch((e: unknown) => e);
    expect((closed as TesseraError).code).toBe('UNAVAILABLE');
  });
});

describe('worker flags', () => {
  it('inherits the process flags unless the source condition must go (Node refuses heap flags listed explicitly)', () => {
    expect(workerExecArgv(['--max-old-space-size=4096', '--enable-source-maps'])).toBeUndefined();
    expect(workerExecArgv(['--conditions', '@tessera/source', '--max-old-space-size=64'])).toEqual([
      '--max-old-space-size=64',
    ]);
    expect(workerExecArgv(['-C=@tessera/source', '--conditions=other'])).toEqual(['--conditions=other']);
  });

  it('starts its workers in a process run with --max-old-space-size', async () => {
    const pool = new URL('../dist/verify-pool.js', import.meta.url).href;
    const script = `
      import { pino } from 'pino';
      const { createVerifyPool } = await import(${JSON.stringify(pool)});
      const none = async () => { throw new Error('no fetches here'); };
      const p = createVerifyPool({ size: 1, maxQueue: 1, publicUrl: 'http://localhost', bodyLimitBytes: 1000,
        fetchLocal: none, fetchRemote: none, now: () => new Date(), logger: pino({ level: 'silent' }) });
      const r = await p.verifyCredential('{"verifiableCredential":{}}');
      console.log(JSON.stringify({ usable: r.usable }));
      await p.close();
    `;
    // A module file (not -e, whose flags a worker would inherit too) in this package, for `pino`.
    const file = new URL(`../dist/.flags-test-${process.pid}.mjs`, import.meta.url);
    await writeFile(file, script);
    try {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ['--max-old-space-size=256', file.pathname],
        {
          timeout: 20_000,
        },
      );
      expect(JSON.parse(stdout)).toEqual({ usable: false });
    } finally {
      await rm(file, { force: true });
    }
  });
});
