import { isRecord, parseJson, TesseraError, toTesseraError, utf8Decode } from '@tessera/core';
import type { Fetcher } from '../resolve/fetcher.js';
import type { StatusChecker } from '../verify/options.js';
import { type Check, fail, firstFailure, pass, type VerificationReport } from '../verify/report.js';
import { DEFAULT_MAX_LIST_BYTES, decodeStatusList, readStatus } from './bitstring.js';
import { readStatusEntries, readStatusListCredential, statusIssuerId } from './list-credential.js';

export interface StatusCheckerOptions {
  /** The only way lists are fetched (the guarded fetcher, or the server's local one). */
  readonly fetcher: Fetcher;
  /** Verifies the list credential itself (signature, issuer key); its status is not checked. */
  readonly verifyList: (listCredential: Record<string, unknown>) => Promise<VerificationReport>;
  readonly now?: () => number;
  /** Cap on a list's decompressed size (default 16 MiB). */
  readonly maxDecompressedBytes?: number;
  /** Cache time when a list states no `ttl` (spec default: 300,000 ms). */
  readonly defaultTtlMs?: number;
  /**
   * When a list cannot be fetched, a cached copy up to this age (ms) is used instead and the
   * check says so. Default 0: an unreachable list fails with STATUS_UNAVAILABLE.
   */
  readonly maxStaleMs?: number;
}

interface CachedList {
  readonly bits: Uint8Array;
  readonly issuer: string;
  readonly purposes: readonly string[];
  readonly fetchedAt: number;
  readonly expires: number;
}

const SPEC_DEFAULT_TTL_MS = 300_000;

/**
 * A status checker for `BitstringStatusListEntry` (W3C Bitstring Status List v1.0 §3.2): fetches
 * each list through the injected fetcher, verifies the list credential, caches the decoded bits
 * for the list's `ttl` (one fetch per URL at a time), and reads the credential's entry.
 */
export function createStatusChecker(options: StatusCheckerOptions): StatusChecker {
  const now = options.now ?? Date.now;
  const maxBytes = options.maxDecompressedBytes ?? DEFAULT_MAX_LIST_BYTES;
  const cache = new Map<string, CachedList>();
  const inflight = new Map<string, Promise<CachedList>>();

  async function load(url: string): Promise<CachedList> {
    const resource = await options.fetcher(url, { accept: 'application/vc+ld+json, application/json' });
    let vc: unknown;
    try {
      vc = parseJson(utf8Decode(resource.body), { maxLength: resource.body.length + 1, maxDepth: 32 });
    } catch (e) {
      throw new TesseraError('STATUS_LIST_INVALID', `the status list at ${url} is not JSON`, { cause: e });
    }
    if (!isRecord(vc))
      throw new TesseraError('STATUS_LIST_INVALID', `the status list at ${url} is not an object`);
    const subject = readStatusListCredential(vc);
    const report = await options.verifyList(vc);
    if (!report.verified) {
      const failure = firstFailure(report.checks);
      throw new TesseraError(
        'STATUS_LIST_INVALID',
        `the status list at ${url} does not verify: ${failure ? `${failure.check}: ${failure.message}` : 'no signature verified'}`,
      );
    }
    const bits = decodeStatusList(subject.encodedList, { maxBytes });
    const fetchedAt = now();
    const entry: CachedList = {
      bits,
      issuer: subject.issuer,
      purposes: subject.statusPurpose,
      fetchedAt,
      expires: fetchedAt + (subject.ttl ?? options.defaultTtlMs ?? SPEC_DEFAULT_TTL_MS),
    };
    if (cache.size > 1000) cache.clear();
    cache.set(url, entry);
    return entry;
  }

  async function list(url: string): Promise<{ list: CachedList; staleMs?: number }> {
    const hit = cache.get(url);
    if (hit && hit.expires > now()) return { list: hit };
    let pending = inflight.get(url);
    if (!pending) {
      pending = load(url).finally(() => inflight.delete(url));
      inflight.set(url, pending);
    }
    try {
      return { list: await pending };
    } catch (e) {
      const error = toTesseraError(e, 'STATUS_UNAVAILABLE');
      const age = hit ? now() - hit.fetchedAt : Number.POSITIVE_INFINITY;
      // Only an unreachable list may fall back to the cache; an invalid one never does.
      const unreachable =
        error.code.startsWith('FETCH_') || error.code === 'OFFLINE' || error.code === 'STATUS_UNAVAILABLE';
      if (hit && unreachable && age <= (options.maxStaleMs ?? 0)) return { list: hit, staleMs: age };
      if (error.code === 'STATUS_LIST_INVALID' || error.code === 'STATUS_LIST_TOO_LARGE') throw error;
      throw new TesseraError(
        'STATUS_UNAVAILABLE',
        `the status list at ${url} is unavailable: ${error.message}`,
        {
          cause: e,
        },
      );
    }
  }

  return async (credential): Promise<Check> => {
    let entries: ReturnType<typeof readStatusEntries>;
    try {
      entries = readStatusEntries(credential.credentialStatus);
    } catch (e) {
      const error = toTesseraError(e, 'STATUS_LIST_INVALID');
      return fail('status', error.code, error.message);
    }
    const issuer = statusIssuerId(credential.issuer);
    const notes: string[] = [];
    for (const entry of entries) {
      let loaded: { list: CachedList; staleMs?: number };
      try {
        loaded = await list(entry.statusListCredential);
      } catch (e) {
        const error = toTesseraError(e, 'STATUS_UNAVAILABLE');
        return fail('status', error.code, error.message);
      }
      const { list: l, staleMs } = loaded;
      if (l.issuer !== issuer)
        return fail(
          'status',
          'STATUS_LIST_INVALID',
          `the status list is issued by ${l.issuer}, not by ${issuer}`,
        );
      if (!l.purposes.includes(entry.statusPurpose))
        return fail(
          'status',
          'STATUS_LIST_INVALID',
          `the entry's purpose ${entry.statusPurpose} is not the list's (${l.purposes.join(', ')})`,
        );
      if ((entry.statusListIndex + 1) * entry.statusSize > l.bits.length * 8)
        return fail(
          'status',
          'STATUS_LIST_INVALID',
          `index ${entry.statusListIndex} is outside the status list`,
        );
      const value = readStatus(l.bits, entry.statusListIndex, entry.statusSize);
      const stale =
        staleMs === undefined
          ? ''
          : ` (from a cached list ${Math.round(staleMs / 1000)} s old: the list was unreachable)`;
      if (entry.statusPurpose === 'revocation' && value !== 0)
        return fail(
          'status',
          'STATUS_REVOKED',
          `revoked (${entry.statusListCredential} index ${entry.statusListIndex})${stale}`,
        );
      if (entry.statusPurpose === 'suspension' && value !== 0)
        return fail(
          'status',
          'STATUS_SUSPENDED',
          `suspended (${entry.statusListCredential} index ${entry.statusListIndex})${stale}`,
        );
      notes.push(`${entry.statusPurpose}: ${value === 0 ? 'not set' : `status ${value}`}${stale}`);
    }
    return pass('status', notes.join('; '));
  };
}
