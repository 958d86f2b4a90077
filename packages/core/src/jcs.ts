/**
 * RFC 8785 JSON Canonicalization Scheme. ECMAScript's own number serialization is exactly the one
 * the RFC requires, and the default Array#sort compares UTF-16 code units, as section 3.2.3 asks.
 */

export function canonicalize(value: unknown): string {
  return serialize(value);
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
const ANY_SURROGATE = /[\uD800-\uDFFF]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function serializeString(s: string): string {
  // The cheap test first: most strings have no surrogate at all, and the lookaround regex is slower.
  if (ANY_SURROGATE.test(s) && LONE_SURROGATE.test(s))
    throw new TypeError('JCS cannot represent a string with a lone surrogate');
  return JSON.stringify(s);
}
