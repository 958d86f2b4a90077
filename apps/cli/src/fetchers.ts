import { createGuardedFetcher, type Fetcher, offlineFetcher } from '@tessera/credentials';
import { isLoopbackHost } from './http.js';

/**
 * The CLI's one way to the network: the guarded fetcher (https only, no redirects, capped).
 * Development mode (`TESSERA_DEV=1`, as for the server) lets it reach a Tessera server on this
 * machine: plain http to loopback hosts, and loopback `https://` URLs (what did:web and the
 * server's own URLs say) fetched over http, since a development server has no TLS. Nothing that
 * leaves the machine is ever fetched over http.
 */
export function cliFetcher(options: { offline?: boolean; dev?: boolean } = {}): Fetcher {
  if (options.offline) return offlineFetcher;
  if (!options.dev) return createGuardedFetcher();
  const guarded = createGuardedFetcher({ allowLoopbackHttp: true });
  return (target, init) => {
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      return guarded(target, init);
    }
    if (url.protocol === 'https:' && isLoopbackHost(url.hostname)) url.protocol = 'http:';
    return guarded(url.href, init);
  };
}

/** Development mode for the CLI, read from the environment like the server's. */
export const devMode = (env: NodeJS.ProcessEnv = process.env): boolean =>
  env.TESSERA_DEV === '1' || env.TESSERA_DEV === 'true';
