import { describe, expect, it } from 'vitest';
import {
  checkFetchPolicy,
  createGuardedFetcher,
  createKeyResolver,
  didWebToUrl,
  encodeEd25519PublicMultikey,
  type Fetcher,
  parseTrustStore,
  urlToDidWeb,
} from '../src/index.js';
import { newIssuerKey } from './support.js';

const json = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
/** A fetcher that answers from a map on this machine: real resolver code, no network. */
const localFetcher =
  (docs: Record<string, unknown>, seen: string[] = []): Fetcher =>
  async (url) => {
    seen.push(url);
    if (!(url in docs)) throw Object.assign(new Error(`404 ${url}`), { code: 'FETCH_FAILED' });
    return { url, contentType: 'application/json', body: json(docs[url]) };
  };

describe('did:web', () => {
  it('maps DIDs to URLs as the did:web spec says (port, path, well-known)', () => {
    expect(didWebToUrl('did:web:example.com')).toBe('https://example.com/.well-known/did.json');
    expect(didWebToUrl('did:web:example.com%3A8443:tenants:lab')).toBe(
      'https://example.com:8443/tenants/lab/did.json',
    );
    expect(urlToDidWeb('https://example.com:8443', ['tenants', 'lab'])).toBe(
      'did:web:example.com%3A8443:tenants:lab',
    );
  });
  it('refuses path traversal and hosts with URL syntax', () => {
    expect(() => didWebToUrl('did:web:example.com:..:x')).toThrow(/path segment/);
    expect(() => didWebToUrl('did:web:evil.com%2Fx')).toThrow(/host/);
  });
  it('resolves an assertion method of a did:web document through the injected fetcher, once per document', async () => {
    const key = await newIssuerKey();
    const did = 'did:web:lab.example:tenants:demo';
    const mb = encodeEd25519PublicMultikey(key.publicKey);
    const doc = {
      id: did,
      verificationMethod: [{ id: '#key-1', type: 'Multikey', controller: did, publicKeyMultibase: mb }],
      assertionMethod: ['#key-1'],
    };
    const seen: string[] = [];
    const resolver = createKeyResolver({
      fetcher: localFetcher({ 'https://lab.example/tenants/demo/did.json': doc }, seen),
    });
    const m = await resolver.resolve(`${did}#key-1`);
    expect(m.controller).toBe(did);
    expect(m.purposes).toEqual(['assertionMethod']);
    await resolver.resolve(`${did}#key-1`);
    expect(seen).toHaveLength(1);
  });
  it('a method listed only under authentication is not an assertion method', async () => {
    const key = await newIssuerKey();
    const did = 'did:web:lab.example';
    const doc = {
      id: did,
      verificationMethod: [
        {
          id: `${did}#k`,
          type: 'Multikey',
          controller: did,
          publicKeyMultibase: encodeEd25519PublicMultikey(key.publicKey),
        },
      ],
      authentication: [`${did}#k`],
    };
    const resolver = createKeyResolver({
      fetcher: localFetcher({ 'https://lab.example/.well-known/did.json': doc }),
    });
    expect((await resolver.resolve(`${did}#k`)).purposes).toEqual(['authentication']);
  });
  it('without a cache of its own, reads each body the fetcher hands out once, and a new body anew', async () => {
    // The server's resolver for its own tenants runs with cacheTtlMs 0 over a fetcher that
    // caches bytes: the same bytes object must not be parsed per verification, and a new one
    // (after a rotation) must be read, not served from the old parse.
    const did = 'did:web:lab.example';
    const docWith = async (fragment: string) => {
      const mb = encodeEd25519PublicMultikey((await newIssuerKey()).publicKey);
      return {
        id: did,
        verificationMethod: [{ id: fragment, type: 'Multikey', controller: did, publicKeyMultibase: mb }],
        assertionMethod: [fragment],
      };
    };
    let body = json(await docWith('#key-1'));
    const resolver = createKeyResolver({
      cacheTtlMs: 0,
      fetcher: async (url) => ({ url, contentType: 'application/did+json', body }),
    });
    expect((await resolver.resolve(`${did}#key-1`)).id).toBe(`${did}#key-1`);
    // The same object, its bytes blanked in place (no longer JSON): the parse made before serves.
    body.fill(0x20);
    expect((await resolver.resolve(`${did}#key-1`)).id).toBe(`${did}#key-1`);
    // A new object is read: the new key resolves, the old one no longer does.
    body = json(await docWith('#key-2'));
    expect((await resolver.resolve(`${did}#key-2`)).id).toBe(`${did}#key-2`);
    await expect(resolver.resolve(`${did}#key-1`)).rejects.toThrow(/key-1/);
  });
  it('refuses a DID document whose id is another DID', async () => {
    const resolver = createKeyResolver({
      fetcher: localFetcher({ 'https://lab.example/.well-known/did.json': { id: 'did:web:evil.example' } }),
    });
    await expect(resolver.resolve('did:web:lab.example#k')).rejects.toMatchObject({
      code: 'DID_RESOLUTION_FAILED',
    });
  });
});

describe('https verification methods (OB 3.0 issuer profiles publishing keys)', () => {
  it('resolves a key listed in the issuer profile document', async () => {
    const key = await newIssuerKey();
    const profile = 'https://lab.example/issuers/1';
    const doc = {
      id: profile,
      type: 'Profile',
      verificationMethod: [
        {
          id: `${profile}#key-1`,
          type: 'Multikey',
          controller: profile,
          publicKeyMultibase: encodeEd25519PublicMultikey(key.publicKey),
        },
      ],
      assertionMethod: [`${profile}#key-1`],
    };
    const m = await createKeyResolver({ fetcher: localFetcher({ [profile]: doc }) }).resolve(
      `${profile}#key-1`,
    );
    expect(m.source).toBe('https');
    expect(m.controller).toBe(profile);
  });
  it('is OFFLINE without a fetcher, and says so', async () => {
    await expect(createKeyResolver().resolve('https://lab.example/issuers/1#key-1')).rejects.toMatchObject({
      code: 'OFFLINE',
    });
  });
});

describe('did:key', () => {
  it('resolves bare and fragment forms to the same key, and refuses another fragment', async () => {
    const key = await newIssuerKey();
    const r = createKeyResolver();
    expect((await r.resolve(key.controller)).id).toBe(key.id);
    expect((await r.resolve(key.id)).controller).toBe(key.controller);
    await expect(r.resolve(`${key.controller}#other`)).rejects.toMatchObject({
      code: 'VERIFICATION_METHOD_UNRESOLVABLE',
    });
  });
  it('refuses a did:key that encodes a small-order point', async () => {
    const weak = `did:key:${encodeEd25519PublicMultikey(new Uint8Array(32))}`;
    await expect(createKeyResolver().resolve(weak)).rejects.toMatchObject({ code: 'KEY_INVALID' });
  });
  it('reports other DID methods as unsupported', async () => {
    await expect(createKeyResolver().resolve('did:example:123#k')).rejects.toMatchObject({
      code: 'DID_METHOD_UNSUPPORTED',
    });
  });
});

describe('trust store', () => {
  it('pins keys by verification method id; the controller defaults to the id without its fragment', async () => {
    const key = await newIssuerKey();
    const store = parseTrustStore({
      keys: [{ id: 'https://x.example/i#k', publicKeyMultibase: encodeEd25519PublicMultikey(key.publicKey) }],
    });
    const m = await createKeyResolver({ trustStore: store }).resolve('https://x.example/i#k');
    expect(m).toMatchObject({ controller: 'https://x.example/i', source: 'trust-store' });
  });
  it('lists every bad entry with its JSON pointer', () => {
    try {
      parseTrustStore({ keys: [{ id: 'a', publicKeyMultibase: 'zBad' }, { nope: 1 }] });
      expect.unreachable();
    } catch (e) {
      expect((e as { fields: { pointer: string }[] }).fields.map((f) => f.pointer)).toEqual([
        '/keys/0',
        '/keys/1',
      ]);
    }
  });
});

describe('guarded fetcher', () => {
  it('allows only https, and plain http to loopback only when development enables it', () => {
    expect(() => checkFetchPolicy('http://example.com/x')).toThrow(/https/);
    expect(() => checkFetchPolicy('ftp://example.com/x')).toThrow(/https/);
    expect(() => checkFetchPolicy('https://127.0.0.1/x')).toThrow(/private/);
    expect(() => checkFetchPolicy('https://10.1.2.3/x')).toThrow(/private/);
    expect(() => checkFetchPolicy('https://[::1]/x')).toThrow(/private/);
    expect(() => checkFetchPolicy('https://user:pw@example.com/')).toThrow(/credentials/);
    expect(checkFetchPolicy('http://127.0.0.1:8080/x', { allowLoopbackHttp: true }).port).toBe('8080');
    expect(() => checkFetchPolicy('https://a.example/', { allowHosts: ['b.example'] })).toThrow(/allow-list/);
  });
  it('does not follow redirects', async () => {
    const f = createGuardedFetcher({
      fetch: async () =>
        new Response(null, { status: 302, headers: { location: 'https://169.254.169.254/' } }),
    });
    await expect(f('https://a.example/')).rejects.toMatchObject({ code: 'FETCH_BLOCKED' });
  });
  it('caps the body size, whether or not Content-Length tells the truth', async () => {
    const big = new Uint8Array(300_000);
    const f = createGuardedFetcher({ maxBytes: 1000, fetch: async () => new Response(big) });
    await expect(f('https://a.example/')).rejects.toMatchObject({ code: 'FETCH_TOO_LARGE' });
    const stream = new ReadableStream({
      pull(c) {
        c.enqueue(new Uint8Array(600));
      },
    });
    const g = createGuardedFetcher({ maxBytes: 1000, fetch: async () => new Response(stream) });
    await expect(g('https://a.example/')).rejects.toMatchObject({ code: 'FETCH_TOO_LARGE' });
  });
  it('gives up after the time cap', async () => {
    const f = createGuardedFetcher({
      timeoutMs: 50,
      fetch: (_u, init) =>
        new Promise((_, reject) =>
          init?.signal?.addEventListener('abort', () => reject(new Error('aborted'))),
        ),
    });
    await expect(f('https://a.example/')).rejects.toMatchObject({ code: 'FETCH_TIMEOUT' });
  });
});
