import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, isErrorCode, TesseraError, toTesseraError } from './errors.js';

describe('error codes', () => {
  const doc = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');

  it.each(Object.entries(ERROR_CODES))(
    'docs/errors.md documents %s with its HTTP status and exit code',
    (code, info) => {
      // Table rows, however a formatter pads them: | `CODE` | meaning | status | exit |
      const cells = doc
        .split('\n')
        .map((l) => l.split('|').map((c) => c.trim()))
        .find((c) => c[1] === `\`${code}\``);
      expect(cells, `no row for ${code}`).toBeDefined();
      expect(cells![3]).toBe(String(info.status));
      expect(cells![4]).toBe(String(info.exit));
    },
  );

  it('wraps foreign errors as INTERNAL but keeps coded ones', () => {
    const coded = new TesseraError('NOT_FOUND', 'x');
    expect(toTesseraError(coded)).toBe(coded);
    expect(toTesseraError(new Error('boom')).code).toBe('INTERNAL');
    expect(isErrorCode('NOT_FOUND')).toBe(true);
    expect(isErrorCode('toString')).toBe(false);
  });
});
