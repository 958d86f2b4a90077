import { sha256 } from '@noble/hashes/sha2.js';
import {
  base64Decode,
  base64Encode,
  bytesEqual,
  concatBytes,
  TesseraError,
  toHex,
  utf8Decode,
  utf8Encode,
} from '@tessera/core';

/**
 * C2SP signed notes (https://c2sp.org/signed-note), the envelope of tlog checkpoints: a text
 * body, a blank line, then one line per signature, `— <name> <base64(key id ‖ signature)>`.
 * Only Ed25519 (signature type 0x01) is produced and accepted; unknown signers are ignored.
 */
export interface NoteSigner {
  readonly name: string;
  readonly publicKey: Uint8Array;
  sign(message: Uint8Array): Uint8Array | Promise<Uint8Array>;
}

export interface NoteVerifier {
  readonly name: string;
  readonly publicKey: Uint8Array;
  verify(message: Uint8Array, signature: Uint8Array): boolean | Promise<boolean>;
}

const ED25519 = 0x01;
const invalid = (message: string) => new TesseraError('LOG_CHECKPOINT_INVALID', message);

/** Key names are non-empty, with no whitespace and no '+'. */
function checkName(name: string): void {
  if (name === '' || /[\s+]/u.test(name)) throw invalid(`invalid key name ${JSON.stringify(name)}`);
}

/** The 4-byte key id: SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)[:4], as golang.org/x/mod/sumdb/note. */
export function noteKeyId(name: string, publicKey: Uint8Array): Uint8Array {
  checkName(name);
  return sha256(concatBytes(utf8Encode(name), new Uint8Array([0x0a, ED25519]), publicKey)).subarray(0, 4);
}

/** The verifier key string `<name>+<hex key id>+<base64(0x01 ‖ public key)>` monitors are configured with. */
export function formatVerifierKey(name: string, publicKey: Uint8Array): string {
  return `${name}+${toHex(noteKeyId(name, publicKey))}+${base64Encode(concatBytes(new Uint8Array([ED25519]), publicKey))}`;
}

export function parseVerifierKey(text: string): { name: string; publicKey: Uint8Array } {
  // Names hold no '+', but the base64 key often does (sum.golang.org's has three): split twice.
  const first = text.indexOf('+');
  const second = first < 0 ? -1 : text.indexOf('+', first + 1);
  if (second < 0) throw invalid('a verifier key is <name>+<key id>+<key>');
  const [name, id, key] = [text.slice(0, first), text.slice(first + 1, second), text.slice(second + 1)];
  checkName(name);
  let raw: Uint8Array;
  try {
    raw = base64Decode(key);
  } catch {
    throw invalid('the verifier key is not base64');
  }
  if (raw.length !== 33 || raw[0] !== ED25519) throw invalid('only Ed25519 verifier keys are supported');
  const publicKey = raw.subarray(1);
  if (toHex(noteKeyId(name, publicKey)) !== id) throw invalid('the verifier key id does not match its key');
  return { name, publicKey };
}

const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f]/u;

/**
 * A note text ends with a newline and has no control characters. It may hold empty lines (C2SP:
 * the text is separated from the signatures by the last one), so any body round-trips.
 */
function checkBody(body: string): void {
  if (!body.endsWith('\n')) throw invalid('a note body ends with a newline');
  if (CONTROL.test(body)) throw invalid('a note body has no control characters');
}

/** Signs a body: returns the whole note text. */
export async function signNote(body: string, signers: readonly NoteSigner[]): Promise<string> {
  checkBody(body);
  const message = utf8Encode(body);
  let lines = '';
  for (const s of signers) {
    const signature = await s.sign(message);
    lines += `— ${s.name} ${base64Encode(concatBytes(noteKeyId(s.name, s.publicKey), signature))}\n`;
  }
  return `${body}\n${lines}`;
}

/**
 * Opens a note: splits body and signatures, verifies those of known signers, ignores the rest.
 * At least one known signature must verify and none may fail.
 */
export async function openNote(
  text: string,
  verifiers: readonly NoteVerifier[],
): Promise<{ body: string; verifiedBy: string[] }> {
  if (text.length > 1_000_000) throw invalid('the note is too large');
  // The whole note, signature lines included, is free of control characters (C2SP signed-note).
  if (CONTROL.test(text)) throw invalid('a note has no control characters');
  const split = text.lastIndexOf('\n\n');
  if (split < 0) throw invalid('the note has no signature block');
  const body = text.slice(0, split + 1);
  checkBody(body);
  const block = text.slice(split + 2);
  if (!block.endsWith('\n')) throw invalid('the signature block ends with a newline');
  const message = utf8Encode(body);
  const verifiedBy: string[] = [];
  const seen = new Set<string>();
  for (const line of block.slice(0, -1).split('\n')) {
    const m = /^— (\S+) (\S+)$/u.exec(line);
    if (!m) throw invalid(`malformed signature line ${JSON.stringify(line)}`);
    const [, name, b64] = m as unknown as [string, string, string];
    let raw: Uint8Array;
    try {
      raw = base64Decode(b64);
    } catch {
      throw invalid('a signature is not base64');
    }
    if (raw.length < 5) throw invalid('a signature is too short');
    // A key counts once however often its signature is repeated (as golang.org/x/mod/sumdb/note).
    const signer = `${name}+${toHex(raw.subarray(0, 4))}`;
    if (seen.has(signer)) continue;
    for (const v of verifiers) {
      if (v.name !== name || !bytesEqual(noteKeyId(v.name, v.publicKey), raw.subarray(0, 4))) continue;
      // Ed25519 signatures are 64 bytes; verifiers are not all made to be handed another length.
      if (raw.length !== 68 || !(await v.verify(message, raw.subarray(4))))
        throw invalid(`the signature of ${name} does not verify`);
      seen.add(signer);
      verifiedBy.push(name);
      break;
    }
  }
  if (verifiedBy.length === 0) throw invalid('no signature from a known key');
  return { body, verifiedBy };
}

/** A note as received: it must be UTF-8. */
export function decodeNoteText(bytes: Uint8Array): string {
  try {
    return utf8Decode(bytes);
  } catch {
    throw invalid('a note is UTF-8');
  }
}
