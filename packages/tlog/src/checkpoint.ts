import { base64Decode, base64Encode, TesseraError } from '@tessera/core';
import { type NoteSigner, type NoteVerifier, openNote, signNote } from './note.js';

/** A C2SP tlog checkpoint (https://c2sp.org/tlog-checkpoint): origin, size, root hash, extensions. */
export interface Checkpoint {
  readonly origin: string;
  readonly size: number;
  readonly rootHash: Uint8Array;
  readonly extensions?: readonly string[];
}

const invalid = (message: string) => new TesseraError('LOG_CHECKPOINT_INVALID', message);

export function formatCheckpoint(cp: Checkpoint): string {
  if (cp.origin === '' || cp.origin.includes('\n')) throw invalid('the origin is one non-empty line');
  if (!Number.isSafeInteger(cp.size) || cp.size < 0) throw invalid('the size is a non-negative integer');
  if (cp.rootHash.length !== 32) throw invalid('the root hash is 32 bytes');
  const ext = (cp.extensions ?? []).map((line) => {
    if (line === '' || line.includes('\n')) throw invalid('extension lines are non-empty single lines');
    return `${line}\n`;
  });
  return `${cp.origin}\n${cp.size}\n${base64Encode(cp.rootHash)}\n${ext.join('')}`;
}

export function parseCheckpoint(body: string): Checkpoint {
  const lines = body.split('\n');
  if (lines.length < 4 || lines[lines.length - 1] !== '')
    throw invalid('a checkpoint body has at least three lines');
  const [origin, sizeText, rootText] = lines as [string, string, string];
  if (origin === '') throw invalid('the origin line is empty');
  if (!/^(0|[1-9][0-9]*)$/.test(sizeText) || !Number.isSafeInteger(Number(sizeText)))
    throw invalid('the size is a decimal integer without leading zeros');
  let rootHash: Uint8Array;
  try {
    rootHash = base64Decode(rootText);
  } catch {
    throw invalid('the root hash is not base64');
  }
  if (rootHash.length !== 32 || base64Encode(rootHash) !== rootText)
    throw invalid('the root hash is not 32 bytes in base64');
  const extensions = lines.slice(3, -1);
  if (extensions.includes('')) throw invalid('extension lines are non-empty');
  return { origin, size: Number(sizeText), rootHash, extensions };
}

export const signCheckpoint = (cp: Checkpoint, signers: readonly NoteSigner[]): Promise<string> =>
  signNote(formatCheckpoint(cp), signers);

/** Verifies a checkpoint note against the log's key(s) and, when given, its expected origin. */
export async function openCheckpoint(
  text: string,
  verifiers: readonly NoteVerifier[],
  expectedOrigin?: string,
): Promise<Checkpoint> {
  const { body } = await openNote(text, verifiers);
  const cp = parseCheckpoint(body);
  if (expectedOrigin !== undefined && cp.origin !== expectedOrigin)
    throw invalid(`the checkpoint is for ${cp.origin}, not ${expectedOrigin}`);
  return cp;
}
