import { deflateRawSync, deflateSync, gunzipSync, gzipSync } from 'node:zlib';
import { TesseraError } from '@tessera/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MAX_LIST_BYTES,
  decodeStatusList,
  encodeStatusList,
  MIN_STATUS_LIST_ENTRIES,
  readBit,
  readStatus,
} from '../src/index.js';

/**
 * W3C Bitstring Status List v1.0, §2.2 (BitstringStatusList) and §3 (algorithms), one test per rule.
 * node:zlib is the independent GZIP oracle; the module under test uses fflate.
 */
const MIN_BYTES = MIN_STATUS_LIST_ENTRIES / 8;
const u = (bytes: Uint8Array) => `u${Buffer.from(bytes).toString('base64url')}`;
/** The code a call fails with (undefined when it does not throw a TesseraError). */
function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof TesseraError ? e.code : `not a TesseraError: ${String(e)}`;
  }
  return undefined;
}
const sameBytes = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));
const withBits = (size: number, indexes: Iterable<number>) => {
  const bits = new Uint8Array(size);
  for (const i of indexes) bits[i >> 3]! |= 0x80 >> (i & 7);
  return bits;
};

describe('Bitstring Status List v1.0: bitstring layout', () => {
  it('bit order: index 0 is the left-most (most significant) bit of the first byte', () => {
    const bits = new Uint8Array([0b1000_0000, 0b0000_0001, 0]);
    expect(readBit(bits, 0)).toBe(true);
    for (let i = 1; i < 15; i++) expect(readBit(bits, i), `bit ${i}`).toBe(false);
    expect(readBit(bits, 15)).toBe(true);
    // The last index of the bitstring is its right-most bit.
    const full = withBits(MIN_BYTES, [MIN_STATUS_LIST_ENTRIES - 1]);
    expect(full[MIN_BYTES - 1]).toBe(0b0000_0001);
    expect(readBit(full, MIN_STATUS_LIST_ENTRIES - 1)).toBe(true);
    expect(readBit(full, MIN_STATUS_LIST_ENTRIES - 2)).toBe(false);
  });

  it('bit order survives encoding: setting index 0 sets the high bit of the first decoded byte', () => {
    const decoded = decodeStatusList(encodeStatusList(withBits(MIN_BYTES, [0, 23])));
    expect(decoded[0]).toBe(0x80);
    expect(decoded[2]).toBe(0x01);
    expect(gunzipSync(Buffer.from(encodeStatusList(withBits(MIN_BYTES, [9])).slice(1), 'base64url'))[1]).toBe(
      0x40,
    );
  });

  it('statusSize > 1: entry i is the statusSize bits from position i × statusSize, most significant first', () => {
    // statusSize 2: 01 10 11 00 → entries 0..3 are 1, 2, 3, 0.
    const two = new Uint8Array([0b01_10_11_00]);
    expect([0, 1, 2, 3].map((i) => readStatus(two, i, 2))).toEqual([1, 2, 3, 0]);
    // statusSize 3, entry 2 spans the byte boundary (bits 6, 7, 8): 1 0 1 = 5.
    const three = new Uint8Array([0b0000_0010, 0b1000_0000]);
    expect(readStatus(three, 2, 3)).toBe(5);
    expect(readStatus(three, 0, 3)).toBe(0);
    expect(readStatus(three, 1, 3)).toBe(0);
    // statusSize 8: the entry is the byte.
    expect(readStatus(new Uint8Array([7, 200, 255]), 1, 8)).toBe(200);
    // statusSize 1 is readBit.
    expect(readStatus(new Uint8Array([0x40]), 1)).toBe(1);
  });

  it('statusSize > 1 (property): every value written at entry i reads back, neighbours untouched', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.uniqueArray(fc.nat(255), { minLength: 1, maxLength: 20 }),
        fc.nat(),
        (size, indexes, seed) => {
          const bits = new Uint8Array(256);
          const values = new Map<number, number>();
          indexes.forEach((index, k) => {
            const value = (seed + k * 7919) % 2 ** size;
            values.set(index, value);
            for (let b = 0; b < size; b++)
              if ((value >> (size - 1 - b)) & 1) {
                const p = index * size + b;
                bits[p >> 3]! |= 0x80 >> (p & 7);
              }
          });
          const wrong: number[] = [];
          for (let i = 0; i < Math.floor((256 * 8) / size); i++)
            if (readStatus(bits, i, size) !== (values.get(i) ?? 0)) wrong.push(i);
          expect(wrong).toEqual([]);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('Bitstring Status List v1.0: encodedList', () => {
  it('encodedList is multibase base64url without padding (u…) of the GZIP-compressed bitstring', () => {
    const bits = withBits(MIN_BYTES, [3, 5000, 131_071]);
    const encoded = encodeStatusList(bits);
    expect(encoded.startsWith('u')).toBe(true);
    expect(encoded).toMatch(/^u[A-Za-z0-9_-]+$/); // base64url alphabet, no '=' padding
    const gz = Buffer.from(encoded.slice(1), 'base64url');
    expect([gz[0], gz[1], gz[2]]).toEqual([0x1f, 0x8b, 8]); // RFC 1952 ID1 ID2, CM = deflate
    expect(sameBytes(gunzipSync(gz), bits)).toBe(true);
  });

  it('a list GZIPped by another implementation (node:zlib) decodes', () => {
    const bits = withBits(MIN_BYTES, [0, 42, 131_071]);
    expect(sameBytes(decodeStatusList(u(gzipSync(bits, { level: 1 }))), bits)).toBe(true);
  });

  it('the uncompressed bitstring must be at least 16 KB (131,072 entries): smaller lists are refused', () => {
    expect(MIN_STATUS_LIST_ENTRIES).toBe(131_072);
    expect(codeOf(() => decodeStatusList(encodeStatusList(new Uint8Array(MIN_BYTES - 1))))).toBe(
      'STATUS_LIST_INVALID',
    );
    expect(codeOf(() => decodeStatusList(encodeStatusList(new Uint8Array(0))))).toBe('STATUS_LIST_INVALID');
    expect(decodeStatusList(encodeStatusList(new Uint8Array(MIN_BYTES)))).toHaveLength(MIN_BYTES);
    expect(decodeStatusList(encodeStatusList(new Uint8Array(MIN_BYTES + 1)))).toHaveLength(MIN_BYTES + 1);
  });

  it('encodedList in any other multibase encoding (or with none) is refused', () => {
    const gz = gzipSync(new Uint8Array(MIN_BYTES));
    const b64url = Buffer.from(gz).toString('base64url');
    for (const encoded of [
      b64url, // no multibase prefix (H4sI…)
      `U${Buffer.from(gz).toString('base64url')}=`, // 'U': base64url with padding
      `m${Buffer.from(gz).toString('base64')}`, // 'm': base64
      `f${Buffer.from(gz).toString('hex')}`, // 'f': base16
      'z3yMApqCuCjXDWPrbjfR5mjCPTHqFG8Pux1TxQrEM35jj', // 'z': base58btc
      '',
    ])
      expect(
        codeOf(() => decodeStatusList(encoded)),
        encoded.slice(0, 12),
      ).toBe('STATUS_LIST_INVALID');
    // The prefix alone decides: valid base64url GZIP behind any other multibase code is refused.
    for (const prefix of ['U', 'M', 'b', 'z', 'F', ' '])
      expect(() => decodeStatusList(`${prefix}${b64url}`), prefix).toThrow(/multibase base64url/);
    expect(decodeStatusList(`u${b64url}`)).toHaveLength(MIN_BYTES);
  });

  it("'u' with padding or characters outside the base64url alphabet is refused", () => {
    const gz = gzipSync(new Uint8Array(MIN_BYTES));
    let padded = `u${Buffer.from(gz).toString('base64url')}=`;
    while (padded.length % 4 !== 1) padded += '=';
    expect(codeOf(() => decodeStatusList(padded))).toBe('STATUS_LIST_INVALID');
    expect(codeOf(() => decodeStatusList(`u${Buffer.from(gz).toString('base64')}+/`))).toBe(
      'STATUS_LIST_INVALID',
    );
  });

  it('compression other than GZIP is refused (zlib, raw deflate, uncompressed, truncated GZIP)', () => {
    const bits = new Uint8Array(MIN_BYTES);
    const gz = gzipSync(bits);
    for (const [name, body] of [
      ['zlib (RFC 1950)', deflateSync(bits)],
      ['raw deflate (RFC 1951)', deflateRawSync(bits)],
      ['uncompressed', bits],
      ['GZIP cut inside the deflate data', gz.subarray(0, gz.length - 12)],
      ['GZIP followed by garbage', Buffer.concat([gz, Buffer.from('not a gzip member')])],
    ] as const)
      expect(
        codeOf(() => decodeStatusList(u(body))),
        name,
      ).toBe('STATUS_LIST_INVALID');
  });

  it('encode/decode round trip (property): any bitstring of at least 16 KB comes back bit for bit', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: MIN_BYTES, maxLength: MIN_BYTES + 512 }), (bits) => {
        expect(sameBytes(decodeStatusList(encodeStatusList(bits)), bits)).toBe(true);
      }),
      { numRuns: 25 },
    );
  });

  it('encode/decode round trip (property): the set indexes, and only they, read as set', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.nat(MIN_STATUS_LIST_ENTRIES - 1), { maxLength: 64 }), (indexes) => {
        const decoded = decodeStatusList(encodeStatusList(withBits(MIN_BYTES, indexes)));
        expect(indexes.filter((i) => !readBit(decoded, i))).toEqual([]);
        let count = 0;
        for (const byte of decoded) for (let b = byte; b; b &= b - 1) count++;
        expect(count).toBe(indexes.length);
      }),
      { numRuns: 25 },
    );
  });
});

describe('Bitstring Status List v1.0: decompressed-size cap (GZIP bombs)', () => {
  // fflate is fed 4 KiB slices; deflate expands at most ~1032:1, so one slice inflates to ≤ ~4.2 MB.
  const MAX_CHUNK = 4096 * 1032 + 32 * 1024;
  const MiB = 2 ** 20;
  const liveBytes = () => {
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  /** Decodes, counting inflated output and the largest live-memory growth seen while it ran. */
  function decodeMeasured(encoded: string, options: { maxBytes?: number } = {}) {
    const base = liveBytes();
    let total = 0;
    let largestChunk = 0;
    let peak = 0;
    const code = codeOf(() =>
      decodeStatusList(encoded, {
        ...options,
        onOutput: (bytes) => {
          total += bytes;
          largestChunk = Math.max(largestChunk, bytes);
          peak = Math.max(peak, liveBytes() - base);
        },
      }),
    );
    peak = Math.max(peak, liveBytes() - base);
    return { code, total, largestChunk, peak };
  }

  it('the default cap is 16 MiB', () => {
    expect(DEFAULT_MAX_LIST_BYTES).toBe(16 * MiB);
  });

  it('a list at the cap decodes; one byte over is refused with STATUS_LIST_TOO_LARGE', () => {
    const cap = 64 * 1024;
    expect(decodeStatusList(encodeStatusList(new Uint8Array(cap)), { maxBytes: cap })).toHaveLength(cap);
    expect(codeOf(() => decodeStatusList(encodeStatusList(new Uint8Array(cap + 1)), { maxBytes: cap }))).toBe(
      'STATUS_LIST_TOO_LARGE',
    );
  });

  it('a 64 MiB GZIP bomb (~64 KB compressed) is refused with STATUS_LIST_TOO_LARGE, inflating little past the cap', () => {
    const bombSize = 64 * MiB;
    const encoded = u(gzipSync(Buffer.alloc(bombSize), { level: 9 }));
    expect(encoded.length).toBeLessThan(100_000);
    const r = decodeMeasured(encoded);
    expect(r.code).toBe('STATUS_LIST_TOO_LARGE');
    // Stopped early: at most one chunk past the cap, nowhere near the bomb's size.
    expect(r.largestChunk).toBeLessThanOrEqual(MAX_CHUNK);
    expect(r.total).toBeGreaterThan(DEFAULT_MAX_LIST_BYTES);
    expect(r.total).toBeLessThanOrEqual(DEFAULT_MAX_LIST_BYTES + 2 * MAX_CHUNK);
    expect(r.peak).toBeLessThan(bombSize);
  });

  it('a 1 GiB multi-member GZIP bomb is refused: the cap counts across members', () => {
    // RFC 1952 §2.2: a GZIP file is a series of members; each here is 16 MiB of zeros (~16 KB).
    const member = gzipSync(Buffer.alloc(16 * MiB), { level: 9 });
    const bombSize = 64 * 16 * MiB;
    const encoded = u(Buffer.concat(Array.from({ length: 64 }, () => member)));
    const r = decodeMeasured(encoded);
    expect(r.code).toBe('STATUS_LIST_TOO_LARGE');
    expect(r.total).toBeLessThanOrEqual(DEFAULT_MAX_LIST_BYTES + 2 * MAX_CHUNK);
    // Rough, GC-dependent: the cap plus fflate's working buffers, far below the bomb.
    expect(r.peak).toBeLessThan(bombSize / 8);
  });

  it('a smaller cap (maxBytes) stops a bomb correspondingly earlier', () => {
    const encoded = u(gzipSync(Buffer.alloc(8 * MiB), { level: 9 }));
    const r = decodeMeasured(encoded, { maxBytes: 256 * 1024 });
    expect(r.code).toBe('STATUS_LIST_TOO_LARGE');
    expect(r.total).toBeLessThanOrEqual(256 * 1024 + 2 * MAX_CHUNK);
    expect(r.total).toBeLessThan(8 * MiB);
  });
});
