import type { Store } from '@tessera/app';
import { TesseraError } from '@tessera/core';
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, createHarness, type Harness, sampleCredential } from './support/harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

// biome-ignore lint/suspicious/noExplicitAny: response bodies are inspected loosely in tests
const expectProblem = (r: { status: number; body: any; res: Response }, status: number, code: string) => {
  expect(r.status).toBe(status);
  expect(r.res.headers.get('content-type')).toBe('application/problem+json');
  expect(r.body).toMatchObject({
    status,
    code,
    title: expect.any(String),
    detail: expect.any(String),
    type: expect.stringContaining(`#${code}`),
  });
};

describe('authentication and scopes', () => {
  it('answers 401 AUTH_MISSING without a key, with a malformed key, and with an unknown key', async () => {
    h = await createHarness();
    expectProblem(await h.json('GET', '/achievements'), 401, 'AUTH_MISSING');
    expectProblem(await h.json('GET', '/achievements', { key: 'nonsense' }), 401, 'AUTH_MISSING');
    expectProblem(
      await h.json('GET', '/achievements', { key: `tsk_0123456789abcdef_${'A'.repeat(43)}` }),
      401,
      'AUTH_MISSING',
    );
  });

  it('answers 403 AUTH_FORBIDDEN for a valid key that lacks the scope', async () => {
    h = await createHarness();
    const lab = await h.tenant('lab');
    const readOnly = await h.keyWith(lab.key, ['read']);
    expectProblem(
      await h.json('POST', '/credentials/issue', { key: readOnly, body: { credential: sampleCredential() } }),
      403,
      'AUTH_FORBIDDEN',
    );
    expectProblem(await h.json('POST', '/keys/rotate', { key: readOnly }), 403, 'AUTH_FORBIDDEN');
    const issueOnly = await h.keyWith(lab.key, ['issue']);
    expectProblem(await h.json('GET', '/achievements', { key: issueOnly }), 403, 'AUTH_FORBIDDEN');
  });

  it('answers 401 for tenant creation without the operator token, and with a tenant admin key', async () => {
    h = await createHarness();
    const lab = await h.tenant('lab');
    expectProblem(
      await h.json('POST', '/admin/tenants', { body: { slug: 'x', name: 'X' } }),
      401,
      'AUTH_MISSING',
    );
    expectProblem(
      await h.json('POST', '/admin/tenants', { key: lab.key, body: { slug: 'x', name: 'X' } }),
      401,
      'AUTH_MISSING',
    );
    expect(
      (await h.json('POST', '/admin/tenants', { key: ADMIN_TOKEN, body: { slug: 'x', name: 'X' } })).status,
    ).toBe(201);
  });
});

describe('request bodies', () => {
  it('answers 413 INPUT_TOO_LARGE over the body limit', async () => {
    h = await createHarness({ bodyLimitBytes: 4096 });
    const r = await h.json('POST', '/credentials/verify', {
      body: { verifiableCredential: 'x'.repeat(5000) },
    });
    expectProblem(r, 413, 'INPUT_TOO_LARGE');
  });

  it('answers 413 when a body without Content-Length streams past the limit', async () => {
    h = await createHarness({ bodyLimitBytes: 4096 });
    const chunk = new TextEncoder().encode(`{"verifiableCredential":"${'y'.repeat(8000)}"}`);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(chunk);
        controller.close();
      },
    });
    const res = await h.app.request('http://localhost/credentials/verify', {
      method: 'POST',
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
  });

  it('answers 400 INPUT_TOO_DEEP for JSON nested deeper than 64', async () => {
    h = await createHarness();
    const deep = `{"verifiableCredential":${'['.repeat(70)}${']'.repeat(70)}}`;
    expectProblem(await h.json('POST', '/credentials/verify', { raw: deep }), 400, 'INPUT_TOO_DEEP');
    const ok = `{"verifiableCredential":{"a":${'['.repeat(50)}${']'.repeat(50)}}}`;
    const shallow = await h.json('POST', '/credentials/verify', { raw: ok });
    expect(shallow.body.code).not.toBe('INPUT_TOO_DEEP');
  });

  it('answers 400 JSON_INVALID for malformed JSON and for an empty body', async () => {
    h = await createHarness();
    expectProblem(
      await h.json('POST', '/credentials/verify', { raw: '{"verifiableCredential":' }),
      400,
      'JSON_INVALID',
    );
    expectProblem(await h.json('POST', '/credentials/verify', { raw: '' }), 400, 'JSON_INVALID');
  });
});

describe('routing', () => {
  it('answers 404 NOT_FOUND problem for an unknown route', async () => {
    h = await createHarness();
    expectProblem(await h.json('GET', '/no/such/route'), 404, 'NOT_FOUND');
  });

  it('answers 405 with an Allow header for a known path and the wrong method', async () => {
    h = await createHarness();
    const r = await h.json('DELETE', '/keys/rotate');
    expect(r.status).toBe(405);
    expect(r.res.headers.get('allow')).toBe('POST');
    expect(r.res.headers.get('content-type')).toBe('application/problem+json');
    expect((await h.json('PATCH', '/achievements/abc')).res.headers.get('allow')).toBe('PUT, GET');
  });
});

describe('rate limit', () => {
  it('answers 429 RATE_LIMITED with Retry-After once a key spends its budget, without affecting other keys', async () => {
    h = await createHarness({ rateLimitPerMinute: 5 });
    const lab = await h.tenant('lab');
    const other = await h.tenant('other');
    for (let i = 0; i < 5; i++)
      expect((await h.call('GET', '/achievements', { key: lab.key })).status).toBe(200);
    const r = await h.json('GET', '/achievements', { key: lab.key });
    expectProblem(r, 429, 'RATE_LIMITED');
    expect(Number(r.res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await h.call('GET', '/achievements', { key: other.key })).status).toBe(200);
  });
});

describe('store outage', () => {
  /** A store whose reads fail as the adapter reports a lost database. */
  const down = (store: Store, state: { down: boolean }): Store =>
    new Proxy(store, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver);
        if (prop === 'ping' || prop === 'tenants' || prop === 'apiKeys') {
          if (typeof value === 'function') {
            return (...args: unknown[]) =>
              state.down
                ? Promise.reject(new TesseraError('UNAVAILABLE', 'database unreachable'))
                : value.apply(target, args);
          }
          return new Proxy(value as object, {
            get(t, p) {
              const f = Reflect.get(t, p);
              return (...args: unknown[]) =>
                state.down
                  ? Promise.reject(new TesseraError('UNAVAILABLE', 'database unreachable'))
                  : f.apply(t, args);
            },
          });
        }
        return value;
      },
    });

  it('answers 503 UNAVAILABLE with Retry-After from /readyz and from API routes, and recovers', async () => {
    const state = { down: false };
    h = await createHarness({ wrapStore: (s) => down(s, state) });
    const lab = await h.tenant('lab');
    state.down = true;
    const ready = await h.json('GET', '/readyz');
    expectProblem(ready, 503, 'UNAVAILABLE');
    expect(ready.res.headers.get('retry-after')).toBe('5');
    const api = await h.json('GET', '/achievements', { key: lab.key });
    expectProblem(api, 503, 'UNAVAILABLE');
    expect(api.res.headers.get('retry-after')).toBe('5');
    expect((await h.call('GET', '/healthz')).status).toBe(200);
    state.down = false;
    expect((await h.call('GET', '/readyz')).status).toBe(200);
    expect((await h.call('GET', '/achievements', { key: lab.key })).status).toBe(200);
  });
});
