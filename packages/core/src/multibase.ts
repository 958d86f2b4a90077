import { base58btcDecode, base58btcEncode } from './base58.js';
import { base64urlDecode, base64urlEncode } from './base64url.js';

/** Multibase with the two bases the VC specs use: 'z' (base58btc) and 'u' (base64url, no padding). */
export type MultibaseBase = 'base58btc' | 'base64url';

export function multibaseEncode(bytes: Uint8Array, base: MultibaseBase = 'base58btc'): string {
  return base === 'base58btc' ? `z${base58btcEncode(bytes)}` : `u${base64urlEncode(bytes)}`;
}

export function multibaseDecode(text: string): Uint8Array {
  const prefix = text[0];
  if (prefix === 'z') return base58btcDecode(text.slice(1));
  if (prefix === 'u') return base64urlDecode(text.slice(1));
  throw new TypeError(`unsupported multibase prefix ${JSON.stringify(prefix ?? '')}`);
}

/** Unsigned LEB128 varint, as multicodec prefixes use. */
export function encodeVarint(value: number): Uint8Array {
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  out.push(v);
  return Uint8Array.from(out);
}

export function decodeVarint(bytes: Uint8Array): { value: number; length: number } {
  let value = 0;
  for (let i = 0; i < Math.min(bytes.length, 4); i++) {
    const b = bytes[i] as number;
    value |= (b & 0x7f) << (7 * i);
    if ((b & 0x80) === 0) return { value, length: i + 1 };
  }
  throw new TypeError('invalid varint');
}
