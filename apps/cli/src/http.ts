import { isRecord, TesseraError } from '@tessera/core';

/**
 * Talking to a Tessera server: the --server flag, requests with a time cap, and problem
 * documents read back into one coded line. A server that cannot be reached is `Unreachable`
 * (exit 2): the command could not do its work, which is not the same as a refusal.
 */
export class Unreachable extends Error {
  override readonly name = 'Unreachable';
  constructor(
    readonly code: 'FETCH_FAILED' | 'FETCH_TIMEOUT',
    message: string,
  ) {
    super(message);
  }
}

/** The --server URL, checked: http(s), no credentials, no query; trailing slashes dropped. */
export function parseServerUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TesseraError(
      'USAGE_INVALID',
      `--server must be a URL such as http://localhost:8080, not ${value}`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new TesseraError('USAGE_INVALID', '--server must be an http:// or https:// URL');
  if (url.username || url.password || url.search || url.hash)
    throw new TesseraError('USAGE_INVALID', '--server takes no credentials, query or fragment');
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** localhost, 127.0.0.0/8 and [::1]: the only hosts plain http is accepted for when verifying. */
export const isLoopbackHost = (hostname: string): boolean =>
  hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);

const TIMEOUT_MS = 30_000;

/** One request; no redirects followed. Network failures and timeouts become `Unreachable`. */
export async function request(url: string, init: RequestInit = {}): Promise<Response> {
  const signal = AbortSignal.timeout(TIMEOUT_MS);
  try {
    return await fetch(url, { redirect: 'manual', ...init, signal });
  } catch (e) {
    if (signal.aborted)
      throw new Unreachable('FETCH_TIMEOUT', `${url} did not answer within ${TIMEOUT_MS / 1000} s`);
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    throw new Unreachable(
      'FETCH_FAILED',
      `cannot reach ${url}: ${cause?.code ?? cause?.message ?? (e as Error).message}`,
    );
  }
}

/** Reads a body, mapping a connection cut mid-body to `Unreachable` as well. */
export async function bodyText(url: string, response: Response): Promise<string> {
  try {
    return await response.text();
  } catch (e) {
    throw new Unreachable('FETCH_FAILED', `${url}: the answer was cut off (${(e as Error).message})`);
  }
}

/** The stable code and detail of an error answer (RFC 9457 problem), or the HTTP status when it has none. */
export async function readProblem(
  url: string,
  response: Response,
): Promise<{ code: string; detail: string }> {
  const text = await bodyText(url, response);
  try {
    const problem: unknown = JSON.parse(text);
    if (isRecord(problem) && typeof problem.code === 'string')
      return {
        code: problem.code,
        detail:
          typeof problem.detail === 'string' ? problem.detail : String(problem.title ?? response.statusText),
      };
  } catch {
    // not a problem document: fall through
  }
  return {
    code: `HTTP_${response.status}`,
    detail: `${url} answered ${response.status} ${response.statusText}`.trim(),
  };
}
