import { readStreamCapped, TesseraError } from '@tessera/core';

/**
 * The one door to the network for verification: DID documents, key documents and (later) status
 * lists all come through a Fetcher. The guarded fetcher enforces the policy; tests and the server
 * inject fetchers that answer locally.
 */
export interface FetchedResource {
  readonly url: string;
  readonly contentType: string;
  readonly body: Uint8Array;
}

export type Fetcher = (url: string, init?: { accept?: string }) => Promise<FetchedResource>;

export interface GuardedFetcherOptions {
  /** The transport; defaults to the global fetch. */
  fetch?: typeof globalThis.fetch;
  /** Largest body accepted, in bytes (default 256 KiB). */
  maxBytes?: number;
  /** Whole-request time cap in milliseconds (default 5000). */
  timeoutMs?: number;
  /** When set, only these host names may be fetched. */
  allowHosts?: readonly string[];
  /** Development only: plain http to loopback hosts (127.0.0.0/8, ::1, localhost). */
  allowLoopbackHttp?: boolean;
}

const isLoopbackHost = (host: string): boolean =>
  host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);

/** IP literals that name this machine or a private network; never fetched over https by a verifier. */
function isPrivateAddress(host: string): boolean {
  if (isLoopbackHost(host)) return true;
  const v4 = /^(\d{1,3})\.(\d{1,3})\.\d{1,3}\.\d{1,3}$/.exec(host);
  if (v4) {
    const a = Number(v4[1]);
    const b = Number(v4[2]);
    return (
      a === 0 ||
      a === 10 ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 100 && b >= 64 && b <= 127)
    );
  }
  if (host.startsWith('[')) {
    const h = host.toLowerCase();
    return (
      h === '[::]' ||
      h.startsWith('[fc') ||
      h.startsWith('[fd') ||
      h.startsWith('[fe80') ||
      h.startsWith('[::ffff:')
    );
  }
  return false;
}

/** Checks a URL against the policy and returns it parsed; throws FETCH_BLOCKED otherwise. */
export function checkFetchPolicy(url: string, options: GuardedFetcherOptions = {}): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TesseraError('FETCH_BLOCKED', `not a URL: ${url}`);
  }
  const host = parsed.hostname;
  if (parsed.protocol === 'http:') {
    if (!(options.allowLoopbackHttp && isLoopbackHost(host))) {
      throw new TesseraError('FETCH_BLOCKED', `only https URLs are fetched: ${url}`);
    }
  } else if (parsed.protocol !== 'https:') {
    throw new TesseraError('FETCH_BLOCKED', `only https URLs are fetched: ${url}`);
  } else if (isPrivateAddress(host) && !(options.allowLoopbackHttp && isLoopbackHost(host))) {
    throw new TesseraError('FETCH_BLOCKED', `private and loopback addresses are not fetched: ${url}`);
  }
  if (parsed.username || parsed.password)
    throw new TesseraError('FETCH_BLOCKED', 'URLs with credentials are refused');
  if (options.allowHosts && !options.allowHosts.includes(host)) {
    throw new TesseraError('FETCH_BLOCKED', `host ${host} is not on the allow-list`);
  }
  return parsed;
}

async function readCapped(response: Response, maxBytes: number, url: string): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) {
    throw new TesseraError('FETCH_TOO_LARGE', `${url} is ${declared} bytes; the cap is ${maxBytes}`);
  }
  return readStreamCapped(
    response.body,
    maxBytes,
    () => new TesseraError('FETCH_TOO_LARGE', `${url} exceeds the ${maxBytes}-byte cap`),
  );
}

/** https only, no redirects, bounded size and time, optional host allow-list. */
export function createGuardedFetcher(options: GuardedFetcherOptions = {}): Fetcher {
  const transport = options.fetch ?? globalThis.fetch;
  const maxBytes = options.maxBytes ?? 256 * 1024;
  const timeoutMs = options.timeoutMs ?? 5000;
  return async (url, init = {}) => {
    checkFetchPolicy(url, options);
    const signal = AbortSignal.timeout(timeoutMs);
    let response: Response;
    try {
      response = await transport(url, {
        redirect: 'manual',
        signal,
        headers: { accept: init.accept ?? 'application/json' },
      });
    } catch (e) {
      if (signal.aborted)
        throw new TesseraError('FETCH_TIMEOUT', `${url} did not answer within ${timeoutMs} ms`);
      throw new TesseraError('FETCH_FAILED', `${url}: ${(e as Error).message}`, { cause: e });
    }
    // Redirects could lead anywhere (including private addresses): none are followed.
    if (response.status >= 300 && response.status < 400) {
      throw new TesseraError('FETCH_BLOCKED', `${url} redirects; redirects are not followed`);
    }
    if (!response.ok) throw new TesseraError('FETCH_FAILED', `${url} answered HTTP ${response.status}`);
    try {
      const body = await readCapped(response, maxBytes, url);
      return { url, contentType: response.headers.get('content-type') ?? '', body };
    } catch (e) {
      if (signal.aborted)
        throw new TesseraError('FETCH_TIMEOUT', `${url} did not finish within ${timeoutMs} ms`);
      throw e;
    }
  };
}

/** A fetcher that refuses everything: the verifier works from did:key and pinned keys only. */
export const offlineFetcher: Fetcher = async (url) => {
  throw new TesseraError('OFFLINE', `offline: ${url} was not fetched`);
};
