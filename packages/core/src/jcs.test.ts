import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HAVE_VECTORS, readVector, vectorPath } from '../../../test-support/vectors.js';
import { canonicalize } from './jcs.js';

describe.runIf(HAVE_VECTORS)('RFC 8785 JCS upstream vectors (cyberphone/json-canonicalization)', () => {
  const names = HAVE_VECTORS ? readdirSync(vectorPath('jcs', 'input')) : [];
  it.each(names)('canonicalizes %s to the expected bytes', (name) => {
    const input = JSON.parse(readVector('jcs', 'input', name));
    const expected = readVector('jcs', 'output', name);
    expect(canonicalize(input)).toBe(expected);
    const hex = readVector('jcs', 'outhex', name.replace('.json', '.txt')).replace(/\s+/g, '');
    expect(Buffer.from(canonicalize(input), 'utf8').toString('hex')).toBe(hex);
  });
});

describe('JCS rules', () => {
  it('sorts keys by UTF-16 code units, not by code points', () => {
    // U+1F600 (surrogates D83D DE00) sorts before U+FB33 in UTF-16 order.
    expect(canonicalize({ '\uFB33': 1, '\u{1F600}': 2 })).toBe('{"\u{1F600}":2,"\uFB33":1}');
  });
  it('serializes numbers the ECMAScript way', () => {
    expect(canonicalize([1e21, 1e-7, -0, 0.1 + 0.2])).toBe('[1e+21,1e-7,0,0.30000000000000004]');
  });
  it('rejects values JSON cannot carry', () => {
    expect(() => canonicalize(Number.NaN)).toThrow(/NaN/);
    expect(() => canonicalize({ a: () => 1 })).toThrow(/function/);
    expect(() => canonicalize('\uD800')).toThrow(/surrogate/);
  });
  it('rejects a lone surrogate wherever it is (member name, nested value, array), accepts pairs and look-alike text', () => {
    expect(() => canonicalize({ a: [{ b: 'x\uDC00' }] })).toThrow(/surrogate/);
    expect(() => canonicalize({ 'k\uD83D': 1 })).toThrow(/surrogate/);
    expect(() => canonicalize(['\uDBFF'])).toThrow(/surrogate/);
    // A well-formed pair, and the six characters "\uD800" as text, are ordinary strings.
    expect(canonicalize({ a: '\uD83D\uDE00' })).toBe('{"a":"\uD83D\uDE00"}');
    expect(canonicalize({ a: '\\uD800' })).toBe('{"a":"\\\\uD800"}');
  });
  it('omits undefined members as JSON.stringify does', () => {
    expect(canonicalize({ b: undefined, a: 1 })).toBe('{"a":1}');
  });
});
