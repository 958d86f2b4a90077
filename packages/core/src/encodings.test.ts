import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base58btcDecode, base58btcEncode } from './base58.js';
import { base64urlDecode, base64urlEncode } from './base64url.js';
import { fromHex, toHex } from './bytes.js';
import { decodeVarint, encodeVarint, multibaseDecode, multibaseEncode } from './multibase.js';

describe('encodings', () => {
  it('base64url round-trips every byte string and matches Node', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
        const text = base64urlEncode(bytes);
        expect(text).toBe(Buffer.from(bytes).toString('base64url'));
        expect(base64urlDecode(text)).toEqual(bytes);
      }),
    );
  });
  it('base64url rejects padding, foreign characters and non-canonical trailing bits', () => {
    expect(() => base64urlDecode('AA==')).toThrow();
    expect(() => base64urlDecode('A+')).toThrow();
    expect(() => base64urlDecode('AB')).toThrow(/non-canonical/);
    expect(() => base64urlDecode('A')).toThrow(/length/);
  });
  it('base58btc round-trips and keeps leading zero bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 70 }), (bytes) => {
        expect(base58btcDecode(base58btcEncode(bytes))).toEqual(bytes);
      }),
    );
    expect(base58btcEncode(Uint8Array.from([0, 0, 1]))).toBe('112');
  });
  it('base58btc decodes a known Multikey (W3C vc-di-eddsa key pair)', () => {
    const bytes = multibaseDecode('z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2');
    expect(toHex(bytes.subarray(0, 2))).toBe('ed01');
    expect(bytes.length).toBe(34);
  });
  it('multibase refuses unknown prefixes', () => {
    expect(() => multibaseDecode('f00')).toThrow(/prefix/);
    expect(multibaseDecode(multibaseEncode(fromHex('00ff'), 'base64url'))).toEqual(fromHex('00ff'));
  });
  it('varint round-trips multicodec values', () => {
    for (const v of [0, 0x7f, 0x80, 0xed, 0x1200, 0x1300]) {
      const enc = encodeVarint(v);
      expect(decodeVarint(enc)).toEqual({ value: v, length: enc.length });
    }
    expect(toHex(encodeVarint(0xed))).toBe('ed01');
  });
});
