import { base64urlDecode, base64urlEncode, TesseraError } from '@tessera/core';
import { Gunzip, gzipSync } from 'fflate';

/** The spec's minimum list length in entries (16 KB): small lists would single holders out. */
export const MIN_STATUS_LIST_ENTRIES = 131_072;
/** Default cap on a decompressed list: 16 MiB is 128 Mi entries, far past any real list. */
export const DEFAULT_MAX_LIST_BYTES = 16 * 1024 * 1024;

/** Bit `index` of a bitstring: index 0 is the most significant bit of the first byte (spec §3.2). */
export const readBit = (bits: Uint8Array, index: number): boolean =>
  ((bits[index >> 3]! >> (7 - (index & 7))) & 1) === 1;

/** The `statusSize`-bit value at entry `index` (multi-bit status messages), most significant bit first. */
export function readStatus(bits: Uint8Array, index: number, statusSize = 1): number {
  let value = 0;
  for (let i = 0; i < statusSize; i++) value = value * 2 + (readBit(bits, index * statusSize + i) ? 1 : 0);
  return value;
}

/** `encodedList`: GZIP of the bitstring, then multibase base64url without padding (`u…`). */
export function encodeStatusList(bits: Uint8Array): string {
  // Level 6 is gzip's default; a 16 KB list compresses in well under a millisecond.
  return `u${base64urlEncode(gzipSync(bits, { level: 6 }))}`;
}

/**
 * Decodes `encodedList`, refusing to inflate past `maxBytes`: the output is counted chunk by
 * chunk and decompression stops at the first chunk over the cap, so a gzip bomb costs at most
 * `maxBytes` plus one chunk of memory and the time to produce them.
 */
export function decodeStatusList(
  encodedList: string,
  options: { maxBytes?: number; minEntries?: number; onOutput?: (bytes: number) => void } = {},
): Uint8Array {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_LIST_BYTES;
  if (!encodedList.startsWith('u'))
    throw new TesseraError('STATUS_LIST_INVALID', 'encodedList must be multibase base64url (u…)');
  let compressed: Uint8Array;
  try {
    compressed = base64urlDecode(encodedList.slice(1));
  } catch {
    throw new TesseraError('STATUS_LIST_INVALID', 'encodedList is not valid base64url');
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  let over = false;
  const gunzip = new Gunzip((chunk) => {
    // Every chunk inflated is reported, kept or not, so `onOutput` shows when inflating stopped.
    options.onOutput?.(chunk.length);
    if (over) return;
    total += chunk.length;
    if (total > maxBytes) over = true;
    else chunks.push(chunk);
  });
  try {
    // Feed the input in small slices so an over-cap stream is noticed early.
    for (let at = 0; at < compressed.length && !over; at += 4096)
      gunzip.push(compressed.subarray(at, at + 4096), at + 4096 >= compressed.length);
  } catch (e) {
    throw new TesseraError('STATUS_LIST_INVALID', `encodedList is not valid GZIP: ${(e as Error).message}`);
  }
  if (over)
    throw new TesseraError(
      'STATUS_LIST_TOO_LARGE',
      `the status list decompresses to more than ${maxBytes} bytes`,
    );
  const bits = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    bits.set(c, at);
    at += c.length;
  }
  const minEntries = options.minEntries ?? MIN_STATUS_LIST_ENTRIES;
  if (bits.length * 8 < minEntries)
    throw new TesseraError(
      'STATUS_LIST_INVALID',
      `the status list has ${bits.length * 8} entries; at least ${minEntries} are required`,
    );
  return bits;
}
