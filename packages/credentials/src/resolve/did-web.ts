import { TesseraError } from '@tessera/core';

/**
 * did:web method spec section 3.2: `did:web:example.com%3A8443:tenants:lab` →
 * `https://example.com:8443/tenants/lab/did.json`; no path → `/.well-known/did.json`.
 */
export function didWebToUrl(did: string, options: { scheme?: 'https' | 'http' } = {}): string {
  if (!did.startsWith('did:web:'))
    throw new TesseraError('DID_METHOD_UNSUPPORTED', `${did} is not a did:web`);
  const parts = did.slice('did:web:'.length).split(':');
  const host = decodeURIComponent(parts[0] ?? '');
  if (!host || /[/?#@\s]/.test(host))
    throw new TesseraError('VERIFICATION_METHOD_INVALID', `${did} has an invalid host`);
  const path = parts.slice(1).map((p) => {
    const segment = decodeURIComponent(p);
    if (!segment || segment === '.' || segment === '..' || segment.includes('/')) {
      throw new TesseraError('VERIFICATION_METHOD_INVALID', `${did} has an invalid path segment`);
    }
    return encodeURIComponent(segment);
  });
  const base = `${options.scheme ?? 'https'}://${host}`;
  return path.length === 0 ? `${base}/.well-known/did.json` : `${base}/${path.join('/')}/did.json`;
}

/** The did:web DID for a host (with optional port) and path segments. */
export function urlToDidWeb(origin: string, pathSegments: readonly string[] = []): string {
  const url = new URL(origin);
  const host = url.port ? `${url.hostname}%3A${url.port}` : url.hostname;
  return ['did:web', host, ...pathSegments.map(encodeURIComponent)].join(':');
}
