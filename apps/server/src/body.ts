import { type FieldError, parseJson, TesseraError } from '@tessera/core';
import type { z } from 'zod';

/** JSON nesting accepted in request bodies (DESIGN: 64), checked before anything recursive runs. */
export const MAX_BODY_DEPTH = 64;

/**
 * Reads a request body within `limit` bytes without trusting Content-Length: the stream is cut
 * as soon as it passes the limit, so an oversized body costs at most `limit` bytes of memory.
 */
export async function readBodyText(request: Request, limit: number): Promise<string> {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (declared > limit)
    throw new TesseraError('INPUT_TOO_LARGE', `the body is ${declared} bytes; the limit is ${limit}`);
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => undefined);
      throw new TesseraError('INPUT_TOO_LARGE', `the body exceeds the ${limit}-byte limit`);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    bytes.set(c, offset);
    offset += c.byteLength;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (e) {
    throw new TesseraError('JSON_INVALID', 'the body is not valid UTF-8', { cause: e });
  }
}

const pointerOf = (path: readonly PropertyKey[]): string =>
  path.map((p) => `/${String(p).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');

/** Every zod issue as a field error with its JSON pointer, in one INPUT_INVALID. */
export function zodToError(error: z.ZodError): TesseraError {
  const fields: FieldError[] = error.issues.map((i) => ({ pointer: pointerOf(i.path), message: i.message }));
  const first = fields[0];
  const summary = first ? `${first.pointer || '/'}: ${first.message}` : 'invalid';
  return new TesseraError(
    'INPUT_INVALID',
    `the request body has ${fields.length} invalid field${fields.length === 1 ? '' : 's'}: ${summary}`,
    { fields },
  );
}

/** Bounded read → bounded parse (size, depth) → schema validation; every failure is coded. */
export async function readJsonBody<S extends z.ZodType>(
  request: Request,
  schema: S,
  limit: number,
): Promise<z.output<S>> {
  const text = await readBodyText(request, limit);
  if (text.trim() === '') throw new TesseraError('JSON_INVALID', 'a JSON request body is required');
  const value = parseJson(text, { maxLength: limit, maxDepth: MAX_BODY_DEPTH });
  const result = schema.safeParse(value);
  if (!result.success) throw zodToError(result.error);
  return result.data;
}
