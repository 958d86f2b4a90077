import { TesseraError } from './errors.js';

/** Limits on untrusted JSON: checked before parsing so a hostile input costs little. */
export interface JsonLimits {
  /** Maximum size in UTF-16 code units of the text (a safe proxy for bytes at these sizes). */
  readonly maxLength: number;
  /** Maximum nesting depth of arrays and objects. */
  readonly maxDepth: number;
}

export const DEFAULT_JSON_LIMITS: JsonLimits = { maxLength: 1_000_000, maxDepth: 64 };

/**
 * Depth of the deepest array/object nesting, scanning outside strings; stops early past `limit`.
 * Linear and allocation-free, so a 10,000-deep input is refused before any recursive code sees it.
 */
export function jsonDepth(text: string, limit = Number.POSITIVE_INFINITY): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > max) {
        max = depth;
        if (max > limit) return max;
      }
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return max;
}

/**
 * Parses untrusted JSON text within limits; every failure is a coded error. The size is checked
 * first; depth after parsing, on the parsed value (V8's JSON.parse is iterative, so a deep input
 * cannot overflow the stack there, and walking the value is cheaper than scanning the text).
 */
export function parseJson(text: string, limits: JsonLimits = DEFAULT_JSON_LIMITS): unknown {
  if (text.length > limits.maxLength) {
    throw new TesseraError(
      'INPUT_TOO_LARGE',
      `input is ${text.length} characters; the limit is ${limits.maxLength}`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    // An engine whose parser recurses may overflow on deep input: report that as depth, not syntax.
    if (e instanceof RangeError || jsonDepth(text, limits.maxDepth) > limits.maxDepth) {
      throw new TesseraError('INPUT_TOO_DEEP', `input nests deeper than ${limits.maxDepth} levels`);
    }
    throw new TesseraError('JSON_INVALID', `not valid JSON: ${(e as Error).message}`, { cause: e });
  }
  if (valueDepth(value, limits.maxDepth) > limits.maxDepth) {
    throw new TesseraError('INPUT_TOO_DEEP', `input nests deeper than ${limits.maxDepth} levels`);
  }
  return value;
}

/** Depth of an already-parsed value, stopping past `limit` (for inputs that arrive as objects). */
export function valueDepth(value: unknown, limit: number): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    const depth = d + 1;
    if (depth > max) {
      max = depth;
      if (max > limit) return max;
    }
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth]);
    }
  }
  return max;
}

export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
