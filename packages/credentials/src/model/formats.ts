/**
 * Lexical checks for the scalar formats the VC 2.0 / OB 3.0 data models use. Hand-written and
 * allocation-light because they run on every verification (see check-kit.ts).
 */

/*
 * An absolute URI/IRI: an RFC 3986 scheme, `:`, then at least one character with no whitespace,
 * controls or the characters RFC 3987 never allows unescaped. Non-ASCII is allowed because `type`
 * and `id` values are IRIs. Deliberately not a full RFC 3986 parser: relative references are the
 * mistake worth catching ("example.com/x", a bare "z6Mk…" key), and JSON-LD processing rejects
 * the rest later. A regex without captures: measured twice as fast as a charCodeAt loop (~60 ns
 * for a 90-character URL), and a credential has dozens of URIs.
 */
const URI = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>"{}|\\^`\u0000-\u001f\u007f]+$/;

/** An absolute URI or IRI: `scheme:rest` (https URLs, `did:`, `urn:uuid:`, `data:` …). */
export const isUri = (v: unknown): v is string => typeof v === 'string' && URI.test(v);

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function validDay(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  if (month === 2 && day === 29) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return day <= DAYS_IN_MONTH[month - 1]!;
}

/** Two decimal digits at `i` as a number, or -1. Past the end charCodeAt gives NaN, hence -1. */
function twoDigits(s: string, i: number): number {
  const a = s.charCodeAt(i) - 0x30;
  const b = s.charCodeAt(i + 1) - 0x30;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/** `YYYY-MM-DD` at the start of `s`, calendar-checked. */
function datePart(s: string): boolean {
  const century = twoDigits(s, 0);
  const yy = twoDigits(s, 2);
  if (century < 0 || yy < 0 || s.charCodeAt(4) !== 0x2d || s.charCodeAt(7) !== 0x2d) return false;
  return validDay(century * 100 + yy, twoDigits(s, 5), twoDigits(s, 8));
}

/*
 * XML Schema dateTime restricted to what the VC data models use: four-digit year, seconds
 * required, optional fraction, and (for dateTimeStamp) a mandatory `Z` or `±hh:mm` offset with
 * hh ≤ 14. Hand-parsed: a regex with captures allocated and cost a fifth of a whole validation.
 */
function checkDateTime(v: unknown, requireZone: boolean): boolean {
  if (typeof v !== 'string' || v.length < 19 || !datePart(v)) return false;
  if (v.charCodeAt(10) !== 0x54 || v.charCodeAt(13) !== 0x3a || v.charCodeAt(16) !== 0x3a) return false;
  const hour = twoDigits(v, 11);
  const minute = twoDigits(v, 14);
  const second = twoDigits(v, 17);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return false;
  const n = v.length;
  let i = 19;
  if (v.charCodeAt(i) === 0x2e) {
    const start = ++i;
    while (i < n && isDigit(v.charCodeAt(i))) i++;
    if (i === start) return false;
  }
  if (i === n) return !requireZone;
  const c = v.charCodeAt(i);
  if (c === 0x5a) return i + 1 === n;
  if ((c !== 0x2b && c !== 0x2d) || i + 6 !== n || v.charCodeAt(i + 3) !== 0x3a) return false;
  const zh = twoDigits(v, i + 1);
  const zm = twoDigits(v, i + 4);
  return zh >= 0 && zm >= 0 && zm <= 59 && (zh < 14 || (zh === 14 && zm === 0));
}

/**
 * XML Schema `dateTimeStamp` (`YYYY-MM-DDThh:mm:ss(.fraction)?(Z|±hh:mm)`), the type of VC 2.0
 * `validFrom`/`validUntil`, VC 1.1 `issuanceDate`/`expirationDate` and OB 3.0 `DateTimeZ`.
 * Calendar-checked: 2023-02-29 and 24:00:00 are refused.
 */
export const isDateTimeStamp = (v: unknown): v is string => checkDateTime(v, true);

/** XML Schema `dateTime` with an optional timezone (OB 3.0 `DateTime`, e.g. `activityStartDate`). */
export const isDateTime = (v: unknown): v is string => checkDateTime(v, false);

/** ISO 8601 calendar date `YYYY-MM-DD` (OB 3.0 `Date`, e.g. `dateOfBirth`). */
export const isDate = (v: unknown): v is string => typeof v === 'string' && v.length === 10 && datePart(v);

/** Compact JWS (RFC 7515): three base64url segments, the payload may be empty (OB 3.0 `CompactJws`). */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+$/;
export const isCompactJws = (v: unknown): v is string => typeof v === 'string' && COMPACT_JWS.test(v);
