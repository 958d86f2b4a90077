import type { IncomingMessage } from 'node:http';
import { type FieldError, parseJson, readStreamCapped, TesseraError } from '@tessera/core';
import type { z } from 'zod';

/** JSON nesting accepted in request bodies (DESIGN: 64), checked before anything recursive runs. */
export const MAX_BODY_DEPTH = 64;

/** Strict UTF-8 (no streaming state, so one decoder serves every request). */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

const tooLarge = (declared: number, limit: number) =>
  new TesseraError('INPUT_TOO_LARGE', `the body is ${declared} bytes; the limit is ${limit}`);
const overLimit = (limit: number) =>
  new TesseraError('INPUT_TOO_LARGE', `the body exceeds the ${limit}-byte limit`);

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return UTF8.decode(bytes);
  } catch (e) {
    throw new TesseraError('JSON_INVALID', 'the body is not valid UTF-8', { cause: e });
  }
}

/**
 * Reads a request body within `limit` bytes without trusting Content-Length: the stream is cut
 * as soon as it passes the limit, so an oversized body costs at most `limit` bytes of memory.
 * Given the Node request under it (a real socket), reads that directly: no web stream per request.
 */
export async function readBodyText(
  request: Request,
  limit: number,
  incoming?: IncomingMessage,
): Promise<string> {
  if (incoming && !incoming.readableDidRead) return decodeUtf8(await readIncoming(incoming, limit));
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (declared > limit) throw tooLarge(declared, limit);
  const bytes = await readStreamCapped(request.body, limit, () => overLimit(limit));
  return decodeUtf8(bytes);
}

function readIncoming(incoming: IncomingMessage, limit: number): Promise<Uint8Array> {
  const declared = Number(incoming.headers['content-length'] ?? Number.NaN);
  if (declared > limit) return Promise.reject(tooLarge(declared, limit));
  return new Promise<Uint8Array>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const done = () => {
      incoming.off('data', onData);
      incoming.off('end', onEnd);
      incoming.off('error', onError);
      incoming.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      total += chunk.byteLength;
      if (total > limit) {
        done();
        // As the web-stream path does when it cancels: stop reading this body at all.
        incoming.destroy();
        reject(overLimit(limit));
      } else chunks.push(chunk);
    };
    const onEnd = () => {
      done();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total));
    };
    const onError = (e: Error) => {
      done();
      reject(e);
    };
    const onClose = () => {
      done();
      reject(new Error('the client closed the connection before the body was complete'));
    };
    incoming.on('data', onData);
    incoming.on('end', onEnd);
    incoming.on('error', onError);
    incoming.on('close', onClose);
  });
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

/** Bounded parse (size, depth) → schema validation of a body's text; every failure is coded. */
export function parseJsonBody<S extends z.ZodType>(text: string, schema: S, limit: number): z.output<S> {
  if (text.trim() === '') throw new TesseraError('JSON_INVALID', 'a JSON request body is required');
  const value = parseJson(text, { maxLength: limit, maxDepth: MAX_BODY_DEPTH });
  const result = schema.safeParse(value);
  if (!result.success) throw zodToError(result.error);
  return result.data;
}

/**
 * Bounded read → bounded parse (size, depth) → schema validation; every failure is coded. The
 * text comes back too: a verify worker re-reads the same body from it rather than from a copy.
 */
export async function readJsonBody<S extends z.ZodType>(
  request: Request,
  schema: S,
  limit: number,
  incoming?: IncomingMessage,
): Promise<{ value: z.output<S>; text: string }> {
  const text = await readBodyText(request, limit, incoming);
  return { value: parseJsonBody(text, schema, limit), text };
}
