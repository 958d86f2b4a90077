import { describe, expect, it } from 'vitest';
import { isCompactJws, isDate, isDateTime, isDateTimeStamp, isUri } from './formats.js';

describe('isDateTimeStamp (validFrom, validUntil, issuanceDate, expirationDate)', () => {
  it.each([
    '2010-01-01T00:00:00Z',
    '2022-11-10T07:38:00-08:00',
    '2024-02-29T23:59:59.123456+14:00',
    '1999-12-31T23:59:59.5Z',
  ])('accepts %s', (v) => expect(isDateTimeStamp(v)).toBe(true));

  it.each([
    ['no timezone', '2010-01-01T00:00:00'],
    ['no seconds', '2010-01-01T00:00Z'],
    ['a space for T', '2010-01-01 00:00:00Z'],
    ['lower-case z', '2010-01-01T00:00:00z'],
    ['lower-case t', '2010-01-01t00:00:00Z'],
    ['a date only', '2010-01-01'],
    ['month 13', '2010-13-01T00:00:00Z'],
    ['day 0', '2010-01-00T00:00:00Z'],
    ['31 April', '2010-04-31T00:00:00Z'],
    ['29 February of a common year', '2023-02-29T00:00:00Z'],
    ['29 February 1900', '1900-02-29T00:00:00Z'],
    ['hour 24', '2010-01-01T24:00:00Z'],
    ['minute 60', '2010-01-01T00:60:00Z'],
    ['second 60', '2010-01-01T00:00:60Z'],
    ['offset beyond 14:00', '2010-01-01T00:00:00+14:30'],
    ['offset minutes 60', '2010-01-01T00:00:00+01:60'],
    ['offset without colon', '2010-01-01T00:00:00+0100'],
    ['an empty fraction', '2010-01-01T00:00:00.Z'],
    ['a five-digit year', '12010-01-01T00:00:00Z'],
    ['trailing text', '2010-01-01T00:00:00Zjunk'],
    ['a number', 1262304000],
  ])('refuses %s', (_why, v) => expect(isDateTimeStamp(v)).toBe(false));

  it('accepts 29 February in leap years 2000 and 2024', () => {
    expect(isDateTimeStamp('2000-02-29T00:00:00Z')).toBe(true);
    expect(isDateTimeStamp('2024-02-29T00:00:00Z')).toBe(true);
  });
});

describe('isDateTime and isDate (OB 3.0 DateTime and Date)', () => {
  it('lets DateTime omit the timezone but not the seconds', () => {
    expect(isDateTime('2010-01-01T00:00:00')).toBe(true);
    expect(isDateTime('2010-01-01T00:00:00+02:00')).toBe(true);
    expect(isDateTime('2010-01-01T00:00')).toBe(false);
  });
  it('checks Date against the calendar', () => {
    expect(isDate('2004-02-29')).toBe(true);
    expect(isDate('2005-02-29')).toBe(false);
    expect(isDate('2005-02-28T00:00:00Z')).toBe(false);
  });
});

describe('isUri', () => {
  it.each([
    'https://example.com/issuers/876543',
    'did:key:z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi',
    'did:web:dc.1edtech.org:wellspring2022',
    'urn:uuid:280c19b6-9680-4a37-ba84-e38b1a4e4584',
    'data:image/png;base64,iVBORw0KGgo=',
    'https://例え.jp/パス',
  ])('accepts %s', (v) => expect(isUri(v)).toBe(true));

  it.each([
    ['no scheme', 'example.com/issuers/1'],
    ['a bare multibase key', 'z6MkrvfzkMnvCroEUP2DVc9SHPE48CRsvHiVSusHioxTYu1x'],
    ['a scheme only', 'https:'],
    ['a space', 'https://example.com/a b'],
    ['a scheme starting with a digit', '1http://example.com'],
    ['an empty string', ''],
    ['a non-string', 42],
  ])('refuses %s', (_why, v) => expect(isUri(v)).toBe(false));
});

describe('isCompactJws', () => {
  it('accepts three base64url segments, the payload possibly empty', () => {
    expect(isCompactJws('eyJhbGciOiJFZERTQSJ9.eyJ4IjoxfQ.c2ln')).toBe(true);
    expect(isCompactJws('eyJhbGciOiJFZERTQSJ9..c2ln')).toBe(true);
  });
  it('refuses other shapes', () => {
    expect(isCompactJws('a.b')).toBe(false);
    expect(isCompactJws('a.b.c.d')).toBe(false);
    expect(isCompactJws('a+.b.c')).toBe(false);
  });
});
