/**
 * RFC 8785 JSON Canonicalization Scheme. ECMAScript's own number serialization is exactly the one
 * the RFC requires, and the default Array#sort compares UTF-16 code units, as section 3.2.3 asks.
 */

export function canonicalize(value: unknown): string {
  const out = serialize(value);
  // Strings are written by JSON.stringify, which escapes a lone surrogate as \uDxxx (ES2019)
  // where the RFC (section 3.2.2.2) requires refusing it. Scanning the output once is cheaper
  // than testing every string on the way; a hit (or a literal "\\uD…" text) walks the value.
  if (ESCAPED_SURROGATE.test(out)) assertNoLoneSurrogate(value);
  return out;
}

function serialize(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return serializeString(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('JCS cannot represent NaN or Infinity');
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out += ',';
          out += serialize(value[i]);
        }
        return `${out}]`;
      }
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record).sort();
      let out = '{';
      let first = true;
      for (const key of keys) {
        const v = record[key];
        if (v === undefined) continue;
        if (!first) out += ',';
        first = false;
        out += `${serializeString(key)}:${serialize(v)}`;
      }
      return `${out}}`;
    }
    default:
      throw new TypeError(`JCS cannot represent a value of type ${typeof value}`);
  }
}

// Lone surrogates cannot be encoded as UTF-8; the RFC (section 3.2.2.2) requires rejecting them.
const ESCAPED_SURROGATE = /\\u[dD][89a-fA-F]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function assertNoLoneSurrogate(value: unknown): void {
  if (typeof value === 'string') {
    if (LONE_SURROGATE.test(value))
      throw new TypeError('JCS cannot represent a string with a lone surrogate');
  } else if (Array.isArray(value)) {
    for (const v of value) assertNoLoneSurrogate(v);
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue;
      assertNoLoneSurrogate(k);
      assertNoLoneSurrogate(v);
    }
  }
}

const serializeString = (s: string): string => JSON.stringify(s);
