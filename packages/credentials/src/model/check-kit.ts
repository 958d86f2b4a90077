/**
 * A tiny internal kit for hand-written validators. No schema library: verification budgets are
 * tens of microseconds, so checks read properties directly, allocate only when reporting, and
 * build pointers by concatenation. Pointer tokens here are spec property names (none contains
 * `~` or `/`) and array indices, so RFC 6901 escaping never changes them; a caller passing an
 * arbitrary key must escape it with `pointerToken` from @tessera/core.
 */
import type { FieldError } from '@tessera/core';
import { isDate, isDateTime, isDateTimeStamp, isUri } from './formats.js';
import type { Vocabulary } from './value-sets.js';

/** Stop collecting past this many errors: a hostile 10,000-element array must not build 10,000. */
export const MAX_ERRORS = 100;
/**
 * How many Profile/EndorsementCredential levels may nest (parentOrg, creator, endorsement,
 * endorsement issuer …). The only recursive edges of the model; everything else has fixed depth,
 * so the validator's stack is bounded whatever the input.
 */
export const MAX_NESTING = 8;

export type Obj = Record<string, unknown>;

export interface Ctx {
  readonly errors: FieldError[];
  /** Current Profile/EndorsementCredential nesting. */
  depth: number;
  /** Set once MAX_ERRORS is reached; loops check it to stop early. */
  full: boolean;
}

export const newCtx = (): Ctx => ({ errors: [], depth: 0, full: false });

export function report(ctx: Ctx, pointer: string, message: string): void {
  if (ctx.full) return;
  if (ctx.errors.length >= MAX_ERRORS) {
    ctx.full = true;
    ctx.errors.push({ pointer: '', message: `more than ${MAX_ERRORS} problems; stopped reporting` });
    return;
  }
  ctx.errors.push({ pointer, message });
}

export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reports a value that is not a JSON object; returns whether it is one. */
export function expectObject(ctx: Ctx, v: unknown, ptr: string): v is Obj {
  if (isObj(v)) return true;
  report(ctx, ptr, v === undefined ? 'is required' : 'must be an object');
  return false;
}

/**
 * `type` is one IRI or a non-empty array of them, and `name` must be among them; with `alt`,
 * either satisfies (OpenBadgeCredential or AchievementCredential). Two fixed parameters rather
 * than a rest array keep the hot path allocation-free.
 */
export function checkType(ctx: Ctx, o: Obj, ptr: string, name: string, alt?: string): void {
  const t = o.type;
  if (typeof t === 'string') {
    if (t !== name && t !== alt) report(ctx, `${ptr}/type`, mustInclude(name, alt));
    return;
  }
  if (!Array.isArray(t) || t.length === 0) {
    report(
      ctx,
      `${ptr}/type`,
      t === undefined
        ? `is required and ${mustInclude(name, alt)}`
        : 'must be a string or a non-empty array of strings',
    );
    return;
  }
  let found = false;
  for (let i = 0; i < t.length; i++) {
    const item: unknown = t[i];
    if (typeof item !== 'string') report(ctx, `${ptr}/type/${i}`, 'must be a string');
    else if (item === name || item === alt) found = true;
  }
  if (!found) report(ctx, `${ptr}/type`, mustInclude(name, alt));
}

const mustInclude = (name: string, alt: string | undefined): string =>
  alt === undefined ? `must include '${name}'` : `must include '${name}' or '${alt}'`;

/**
 * A credential's `type`: includes 'VerifiableCredential' and `name` (or `alt`). What is missing
 * is reported once, in one message, at `<ptr>/type`.
 */
export function checkCredentialType(ctx: Ctx, o: Obj, ptr: string, name: string, alt?: string): void {
  const t = o.type;
  const cls = alt === undefined ? `'${name}'` : `'${name}' or '${alt}'`;
  if (typeof t !== 'string' && !(Array.isArray(t) && t.length > 0)) {
    const shape =
      t === undefined ? 'is required and' : 'must be a string or a non-empty array of strings that';
    report(ctx, `${ptr}/type`, `${shape} must include 'VerifiableCredential' and ${cls}`);
    return;
  }
  if (Array.isArray(t)) {
    for (let i = 0; i < t.length; i++)
      if (typeof t[i] !== 'string') report(ctx, `${ptr}/type/${i}`, 'must be a string');
  }
  const hasVc = hasType(t, 'VerifiableCredential');
  const hasClass = hasType(t, name) || (alt !== undefined && hasType(t, alt));
  if (hasVc && hasClass) return;
  report(
    ctx,
    `${ptr}/type`,
    `must include ${hasVc ? cls : hasClass ? "'VerifiableCredential'" : `'VerifiableCredential' and ${cls}`}`,
  );
}

/** A `type` that must be present (one IRI or a non-empty array) but need not name a class. */
export function checkTypePresent(ctx: Ctx, o: Obj, ptr: string): void {
  const t = o.type;
  if (typeof t === 'string') return;
  if (!Array.isArray(t) || t.length === 0) {
    report(
      ctx,
      `${ptr}/type`,
      t === undefined ? 'is required' : 'must be a string or a non-empty array of strings',
    );
    return;
  }
  for (let i = 0; i < t.length; i++)
    if (typeof t[i] !== 'string') report(ctx, `${ptr}/type/${i}`, 'must be a string');
}

/** Whether a `type` value (string or array) names `name`, without reporting. */
export const hasType = (t: unknown, name: string): boolean =>
  t === name || (Array.isArray(t) && t.includes(name));

export function reqString(ctx: Ctx, o: Obj, key: string, ptr: string): void {
  const v = o[key];
  if (typeof v !== 'string')
    report(ctx, `${ptr}/${key}`, v === undefined ? 'is required' : 'must be a string');
}

export function optString(ctx: Ctx, o: Obj, key: string, ptr: string): void {
  const v = o[key];
  if (v !== undefined && typeof v !== 'string') report(ctx, `${ptr}/${key}`, 'must be a string');
}

/** Optional strings in one pass: the common case of many plain-text properties. */
export function optStrings(ctx: Ctx, o: Obj, keys: readonly string[], ptr: string): void {
  for (let i = 0; i < keys.length; i++) optString(ctx, o, keys[i]!, ptr);
}

export function optNumber(ctx: Ctx, o: Obj, key: string, ptr: string): void {
  const v = o[key];
  if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v)))
    report(ctx, `${ptr}/${key}`, 'must be a number');
}

export function reqNumber(ctx: Ctx, o: Obj, key: string, ptr: string): void {
  if (o[key] === undefined) report(ctx, `${ptr}/${key}`, 'is required');
  else optNumber(ctx, o, key, ptr);
}

export function reqBoolean(ctx: Ctx, o: Obj, key: string, ptr: string): void {
  const v = o[key];
  if (typeof v !== 'boolean')
    report(ctx, `${ptr}/${key}`, v === undefined ? 'is required' : 'must be true or false');
}

const URI_MESSAGE = 'must be an absolute URI (scheme:…)';

/** A required URI, or a URI-valued string already known to be present. */
export function checkUri(ctx: Ctx, v: unknown, ptr: string): void {
  if (!isUri(v)) report(ctx, ptr, v === undefined ? 'is required' : URI_MESSAGE);
}

export function reqUri(ctx: Ctx, o: Obj, key: string, ptr: string): void {
  checkUri(ctx, o[key], `${ptr}/${key}`);
}

export function optUri(ctx: Ctx, o: Obj, key: string, ptr: string): void {
  const v = o[key];
  if (v !== undefined && !isUri(v)) report(ctx, `${ptr}/${key}`, URI_MESSAGE);
}

export const DATE_TIME_STAMP_MESSAGE =
  'must be a date-time with a timezone: YYYY-MM-DDThh:mm:ss(.fraction)?(Z|±hh:mm)';

/** `DateTimeZ` / XML Schema dateTimeStamp. */
export function optDateTimeStamp(ctx: Ctx, o: Obj, key: string, ptr: string): void {
  const v = o[key];
  if (v !== undefined && !isDateTimeStamp(v)) report(ctx, `${ptr}/${key}`, DATE_TIME_STAMP_MESSAGE);
}

export function reqDateTimeStamp(ctx: Ctx, o: Obj, key: string, ptr: string): void {
  if (o[key] === undefined) report(ctx, `${ptr}/${key}`, 'is required');
  else optDateTimeStamp(ctx, o, key, ptr);
}

/** OB 3.0 `DateTime`: the timezone may be omitted. */
export function optDateTime(ctx: Ctx, o: Obj, key: string, ptr: string): void {
  const v = o[key];
  if (v !== undefined && !isDateTime(v)) {
    report(ctx, `${ptr}/${key}`, 'must be a date-time: YYYY-MM-DDThh:mm:ss(.fraction)?(Z|±hh:mm)?');
  }
}

export function optDate(ctx: Ctx, o: Obj, key: string, ptr: string): void {
  const v = o[key];
  if (v !== undefined && !isDate(v)) report(ctx, `${ptr}/${key}`, 'must be a date: YYYY-MM-DD');
}

export function optVocabulary(ctx: Ctx, o: Obj, key: string, ptr: string, vocab: Vocabulary<string>): void {
  const v = o[key];
  if (v !== undefined && !vocab.has(v)) {
    report(
      ctx,
      `${ptr}/${key}`,
      `must be a ${vocab.name} term${vocab.extensible ? " or an 'ext:' extension term" : ''}`,
    );
  }
}

export type ItemCheck = (ctx: Ctx, item: unknown, ptr: string) => void;

/** An optional array property whose items `check` validates. */
export function optArray(ctx: Ctx, o: Obj, key: string, ptr: string, check: ItemCheck): void {
  const v = o[key];
  if (v === undefined) return;
  const p = `${ptr}/${key}`;
  if (!Array.isArray(v)) {
    report(ctx, p, 'must be an array');
    return;
  }
  for (let i = 0; i < v.length && !ctx.full; i++) check(ctx, v[i], `${p}/${i}`);
}

/** An optional property holding one value or an array of them (VC 2.0 style). */
export function optOneOrMany(ctx: Ctx, o: Obj, key: string, ptr: string, check: ItemCheck): void {
  const v = o[key];
  if (v === undefined) return;
  const p = `${ptr}/${key}`;
  if (!Array.isArray(v)) {
    check(ctx, v, p);
    return;
  }
  for (let i = 0; i < v.length && !ctx.full; i++) check(ctx, v[i], `${p}/${i}`);
}

export const stringItem: ItemCheck = (ctx, item, ptr) => {
  if (typeof item !== 'string') report(ctx, ptr, 'must be a string');
};
