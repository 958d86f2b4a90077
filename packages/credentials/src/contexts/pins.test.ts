import { createWebCrypto } from '@tessera/core';
import { describe, expect, it } from 'vitest';
import { CONTEXTS } from './context-urls.js';
import { bundledContextRegistry, createContextRegistry, verifyContextPins } from './registry.js';

const crypto = createWebCrypto();

describe('bundled, hash-pinned JSON-LD contexts', () => {
  const registry = bundledContextRegistry();

  it('every bundled context hashes to its pin', async () => {
    await expect(verifyContextPins(registry, crypto)).resolves.toBeUndefined();
  });

  it('bundles the contexts OB 3.0 credentials and our proofs use', () => {
    for (const url of Object.values(CONTEXTS)) expect(registry.has(url), url).toBe(true);
    expect(registry.has('https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json')).toBe(true);
    expect(registry.has('https://www.w3.org/ns/credentials/v2')).toBe(true);
  });

  it('refuses a bundled context whose content changed (e.g. after a dependency upgrade)', async () => {
    const url = 'https://www.w3.org/ns/credentials/v2';
    const tampered = new Map(registry.urls().map((u) => [u, registry.get(u)]));
    tampered.set(url, {
      '@context': {
        ...(registry.get(url) as { '@context': object })['@context'],
        evil: 'https://evil.example/',
      },
    });
    await expect(verifyContextPins(createContextRegistry(tampered), crypto)).rejects.toMatchObject({
      code: 'CONTEXT_INVALID',
      message: expect.stringContaining(url),
    });
  });

  it('refuses a context that was added without a pin', async () => {
    const extra = new Map(registry.urls().map((u) => [u, registry.get(u)]));
    extra.set('https://example.org/unpinned', { '@context': {} });
    await expect(verifyContextPins(createContextRegistry(extra), crypto)).rejects.toMatchObject({
      code: 'CONTEXT_INVALID',
    });
  });

  it('knows no URL outside the bundle', () => {
    expect(registry.has('https://evil.example/context.jsonld')).toBe(false);
    expect(registry.get('https://evil.example/context.jsonld')).toBeUndefined();
  });
});
