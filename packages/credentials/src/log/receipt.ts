import {
  base64Decode,
  base64Encode,
  base64urlDecode,
  bytesEqual,
  type CryptoProvider,
  type FieldError,
  isRecord,
  parseJson,
  TesseraError,
  toHex,
  verifyEd25519Strict,
} from '@tessera/core';
import {
  hashLeaf,
  type NoteVerifier,
  noteKeyId,
  openCheckpoint,
  parseVerifierKey,
  verifyInclusion,
} from '@tessera/tlog';
import { decodeEd25519PublicMultikey } from '../keys/multikey.js';
import type { PublicKey } from '../resolve/verification-method.js';
import { type Check, fail, failFrom, pass } from '../verify/report.js';
import {
  decodeLogEvent,
  type IssueEvent,
  issuanceCommitment,
  type KeyEvent,
  type LogEvent,
} from './events.js';

/**
 * The receipt a holder gets with a credential (`GET /credentials/{id}/receipt`): the salt that
 * opens the issuance leaf's commitment, a signed checkpoint, and inclusion proofs to that
 * checkpoint's tree of the issuance leaf and of the signing key's `added` (and, when logged
 * before the checkpoint, `retired`) events. Leaves and hashes are standard base64, as C2SP writes them.
 */
export interface ReceiptEntry {
  readonly leafIndex: number;
  /** The leaf's exact bytes (the JCS of a log event), standard base64. */
  readonly leaf: string;
  /** The RFC 9162 inclusion proof to the checkpoint's tree, standard base64 32-byte hashes. */
  readonly hashes: readonly string[];
}

export interface Receipt {
  readonly type: 'TesseraLogReceipt';
  readonly version: 1;
  readonly credentialId: string;
  /** base64url without padding, 32 bytes. */
  readonly salt: string;
  /** A C2SP signed note: the checkpoint every proof in the receipt is to. */
  readonly checkpoint: string;
  readonly issuance: ReceiptEntry;
  readonly keyEvents: readonly ReceiptEntry[];
}

export interface ReceiptCheckOptions {
  /** The secured credential as issued: the object (with its proof) or the compact JWT. */
  readonly credential: Record<string, unknown> | string;
  /** The credential's issuer DID (the log's tenant). */
  readonly issuer: string;
  /** The id of the verification method that signed the credential. */
  readonly verificationMethod: string;
  /** The public key that method resolved to; when given, the logged `added` event must be for it. */
  readonly publicKey?: PublicKey;
  /** The log's trusted note keys: verifiers, or `<name>+<key id>+<key>` strings. */
  readonly logKeys: readonly (NoteVerifier | string)[];
  /** The checkpoint origin the log must have. */
  readonly origin?: string;
}

/** Receipts are small: a checkpoint, a few leaves and their proofs. */
const RECEIPT_LIMITS = { maxLength: 1_000_000, maxDepth: 8 };
/** A proof in a tree of at most 2^53 leaves has at most 53 hashes. */
const MAX_PROOF_HASHES = 64;
const MAX_KEY_EVENTS = 64;
const RECEIPT_KEYS = ['type', 'version', 'credentialId', 'salt', 'checkpoint', 'issuance', 'keyEvents'];
const ENTRY_KEYS = ['leafIndex', 'leaf', 'hashes'];

interface DecodedEntry {
  readonly wire: ReceiptEntry;
  readonly leafIndex: number;
  readonly leaf: Uint8Array;
  readonly hashes: readonly Uint8Array[];
}

interface DecodedReceipt {
  readonly receipt: Receipt;
  readonly salt: Uint8Array;
  readonly issuance: DecodedEntry;
  readonly keyEvents: readonly DecodedEntry[];
}

/** Strict standard base64 (with padding): the canonical encoding only, so one text means one value. */
function strictBase64(text: string): Uint8Array | undefined {
  try {
    const bytes = base64Decode(text);
    return base64Encode(bytes) === text ? bytes : undefined;
  } catch {
    return undefined;
  }
}

function unknownMembers(
  value: Record<string, unknown>,
  allowed: readonly string[],
  at: string,
  errors: FieldError[],
) {
  for (const k of Object.keys(value))
    if (!allowed.includes(k))
      errors.push({
        pointer: `${at}/${k.replaceAll('~', '~0').replaceAll('/', '~1')}`,
        message: 'unknown member',
      });
}

function readEntry(value: unknown, at: string, errors: FieldError[]): DecodedEntry | undefined {
  if (!isRecord(value)) {
    errors.push({ pointer: at, message: 'must be an object with leafIndex, leaf and hashes' });
    return undefined;
  }
  const before = errors.length;
  unknownMembers(value, ENTRY_KEYS, at, errors);
  const { leafIndex, leaf, hashes } = value;
  if (typeof leafIndex !== 'number' || !Number.isSafeInteger(leafIndex) || leafIndex < 0)
    errors.push({ pointer: `${at}/leafIndex`, message: 'must be a non-negative integer' });
  const leafBytes = typeof leaf === 'string' && leaf !== '' ? strictBase64(leaf) : undefined;
  if (!leafBytes)
    errors.push({ pointer: `${at}/leaf`, message: 'must be the leaf bytes in standard base64' });
  const proof: Uint8Array[] = [];
  const texts: string[] = [];
  if (!Array.isArray(hashes) || hashes.length > MAX_PROOF_HASHES)
    errors.push({
      pointer: `${at}/hashes`,
      message: `must be an array of at most ${MAX_PROOF_HASHES} hashes`,
    });
  else
    hashes.forEach((h, i) => {
      const bytes = typeof h === 'string' ? strictBase64(h) : undefined;
      if (bytes?.length === 32) {
        proof.push(bytes);
        texts.push(h as string);
      } else
        errors.push({ pointer: `${at}/hashes/${i}`, message: 'must be a 32-byte hash in standard base64' });
    });
  if (errors.length > before) return undefined;
  const index = leafIndex as number;
  return {
    wire: { leafIndex: index, leaf: leaf as string, hashes: texts },
    leafIndex: index,
    leaf: leafBytes!,
    hashes: proof,
  };
}

function decodeReceipt(value: unknown): DecodedReceipt {
  if (typeof value === 'string') {
    try {
      value = parseJson(value, RECEIPT_LIMITS);
    } catch (e) {
      throw new TesseraError(
        'INPUT_INVALID',
        `the receipt is not JSON: ${e instanceof Error ? e.message : String(e)}`,
        {
          fields: [{ pointer: '', message: 'not JSON' }],
        },
      );
    }
  }
  if (!isRecord(value))
    throw new TesseraError('INPUT_INVALID', 'the receipt is not a JSON object', {
      fields: [{ pointer: '', message: 'must be a JSON object' }],
    });
  const errors: FieldError[] = [];
  unknownMembers(value, RECEIPT_KEYS, '', errors);
  if (value.type !== 'TesseraLogReceipt')
    errors.push({ pointer: '/type', message: 'must be "TesseraLogReceipt"' });
  if (value.version !== 1) errors.push({ pointer: '/version', message: 'must be 1' });
  if (typeof value.credentialId !== 'string' || value.credentialId === '')
    errors.push({ pointer: '/credentialId', message: 'must be a non-empty string' });
  let salt: Uint8Array | undefined;
  try {
    if (typeof value.salt === 'string') salt = base64urlDecode(value.salt);
  } catch {
    salt = undefined;
  }
  if (salt?.length !== 32)
    errors.push({ pointer: '/salt', message: 'must be 32 bytes in base64url without padding' });
  if (
    typeof value.checkpoint !== 'string' ||
    value.checkpoint === '' ||
    value.checkpoint.length > RECEIPT_LIMITS.maxLength
  )
    errors.push({ pointer: '/checkpoint', message: 'must be a signed checkpoint note' });
  const issuance = readEntry(value.issuance, '/issuance', errors);
  const keyEvents: DecodedEntry[] = [];
  if (!Array.isArray(value.keyEvents) || value.keyEvents.length > MAX_KEY_EVENTS)
    errors.push({ pointer: '/keyEvents', message: `must be an array of at most ${MAX_KEY_EVENTS} entries` });
  else
    value.keyEvents.forEach((e, i) => {
      const entry = readEntry(e, `/keyEvents/${i}`, errors);
      if (entry) keyEvents.push(entry);
    });
  if (errors.length > 0) {
    throw new TesseraError(
      'INPUT_INVALID',
      `the receipt is malformed: ${errors.map((f) => `${f.pointer || '/'} ${f.message}`).join('; ')}`,
      { fields: errors },
    );
  }
  const receipt: Receipt = {
    type: 'TesseraLogReceipt',
    version: 1,
    credentialId: value.credentialId as string,
    salt: value.salt as string,
    checkpoint: value.checkpoint as string,
    issuance: issuance!.wire,
    keyEvents: keyEvents.map((e) => e.wire),
  };
  return { receipt, salt: salt!, issuance: issuance!, keyEvents };
}

/**
 * Reads a receipt (an object or its JSON text). Strict: exactly the members of version 1, every
 * leaf and hash canonical standard base64, a 32-byte salt. Throws INPUT_INVALID with one field
 * error (JSON pointer) per bad member.
 */
export const parseReceipt = (value: unknown): Receipt => decodeReceipt(value).receipt;

/**
 * Reads `<name>+<hex key id>+<base64(0x01 ‖ key)>`. The base64 key may itself contain '+', so only
 * the first two '+' separate fields, as golang.org/x/mod/sumdb/note reads them (tlog's
 * parseVerifierKey splits on every '+', so it refuses about half of all keys).
 */
function readVerifierKey(text: string): { name: string; publicKey: Uint8Array } {
  const first = text.indexOf('+');
  const second = first < 0 ? -1 : text.indexOf('+', first + 1);
  if (second < 0) return parseVerifierKey(text); // its error names the expected form
  const name = text.slice(0, first);
  const raw = strictBase64(text.slice(second + 1));
  if (raw?.length !== 33 || raw[0] !== 0x01)
    throw new TesseraError('LOG_CHECKPOINT_INVALID', 'only Ed25519 verifier keys are supported');
  const publicKey = raw.subarray(1);
  // noteKeyId also enforces the name rules (non-empty, no whitespace, no '+').
  if (toHex(noteKeyId(name, publicKey)) !== text.slice(first + 1, second))
    throw new TesseraError('LOG_CHECKPOINT_INVALID', 'the verifier key id does not match its key');
  return { name, publicKey };
}

/** A note verifier for a log key string (`<name>+<key id>+<key>`), checking signatures strictly. */
export function logKeyVerifier(crypto: CryptoProvider, key: NoteVerifier | string): NoteVerifier {
  if (typeof key !== 'string') return key;
  const { name, publicKey } = readVerifierKey(key.trim());
  return {
    name,
    publicKey,
    verify: async (message, signature) =>
      (await verifyEd25519Strict(crypto, publicKey, message, signature)) === 'valid',
  };
}

const LOG = 'log';

/** Why a proven key event does not belong to this key, or undefined when it does. */
function keyEventProblem(event: LogEvent, options: ReceiptCheckOptions): string | undefined {
  if (event.type !== 'key') return `is a ${event.type} event, not a key event`;
  if (event.key !== options.verificationMethod)
    return `is about ${event.key}, not ${options.verificationMethod}`;
  if (event.tenant !== options.issuer) return `is for ${event.tenant}, not the issuer ${options.issuer}`;
  return undefined;
}

function samePublicKey(event: KeyEvent, key: PublicKey): boolean {
  if (key.kind !== 'Ed25519') return false;
  try {
    return bytesEqual(decodeEd25519PublicMultikey(event.publicKeyMultibase), key.publicKey);
  } catch {
    return false;
  }
}

/**
 * The `log` check: the receipt's checkpoint is signed by a trusted log key; it includes this
 * credential's issuance (the salted commitment opens to it, for this issuer and signing key);
 * and the key was added before the issuance and not retired before it, as far as the key
 * events in the receipt show. Never throws: every problem is a failed check with its code.
 */
export async function verifyReceipt(
  crypto: CryptoProvider,
  receipt: unknown,
  options: ReceiptCheckOptions,
): Promise<Check> {
  let decoded: DecodedReceipt;
  try {
    decoded = decodeReceipt(receipt);
  } catch (e) {
    return failFrom(LOG, e, 'INPUT_INVALID');
  }
  // 1. The checkpoint: signed by a key we trust, for the expected origin.
  if (options.logKeys.length === 0)
    return fail(LOG, 'LOG_CHECKPOINT_INVALID', 'no trusted log key is configured');
  let checkpoint: Awaited<ReturnType<typeof openCheckpoint>>;
  try {
    const verifiers = options.logKeys.map((k) => logKeyVerifier(crypto, k));
    checkpoint = await openCheckpoint(decoded.receipt.checkpoint, verifiers, options.origin);
  } catch (e) {
    return failFrom(LOG, e, 'LOG_CHECKPOINT_INVALID');
  }
  const { size, rootHash, origin } = checkpoint;
  const at = decoded.issuance.leafIndex;
  // 2. The issuance leaf is in the checkpoint's tree.
  try {
    verifyInclusion(hashLeaf(decoded.issuance.leaf), at, size, decoded.issuance.hashes, rootHash);
  } catch (e) {
    return failFrom(LOG, e, 'LOG_PROOF_INVALID');
  }
  // 3. That leaf is this credential's issuance, by this issuer, signed with this key.
  const notThis = (why: string) =>
    fail(LOG, 'LOG_ENTRY_MISSING', `the log's issuance entry is not this credential: ${why}`);
  let issue: IssueEvent;
  try {
    const event = decodeLogEvent(decoded.issuance.leaf);
    if (event.type !== 'issue') return notThis(`leaf ${at} is a ${event.type} event`);
    issue = event;
  } catch (e) {
    return notThis(`leaf ${at} is not a log event (${e instanceof Error ? e.message : String(e)})`);
  }
  const credentialId = isRecord(options.credential) ? options.credential.id : undefined;
  if (typeof credentialId === 'string' && credentialId !== decoded.receipt.credentialId)
    return notThis(`the receipt is for ${decoded.receipt.credentialId}, the credential is ${credentialId}`);
  if (issue.tenant !== options.issuer)
    return notThis(`it was issued by ${issue.tenant}, not ${options.issuer}`);
  if (issue.key !== options.verificationMethod)
    return notThis(`it was signed with ${issue.key}, not ${options.verificationMethod}`);
  let commitment: string;
  try {
    commitment = await issuanceCommitment(crypto, decoded.salt, options.credential);
  } catch (e) {
    return failFrom(LOG, e, 'LOG_ENTRY_MISSING');
  }
  if (commitment !== issue.credential)
    return notThis('the salted commitment does not open to this credential');
  // 4. The key's history up to the checkpoint: every key event given must be proven and be this key's.
  const notValid = (why: string) => fail(LOG, 'LOG_KEY_NOT_VALID', why);
  const events: { leafIndex: number; event: KeyEvent }[] = [];
  for (const entry of decoded.keyEvents) {
    try {
      verifyInclusion(hashLeaf(entry.leaf), entry.leafIndex, size, entry.hashes, rootHash);
    } catch (e) {
      return notValid(
        `the key event at leaf ${entry.leafIndex} is not in the checkpoint's tree (${e instanceof Error ? e.message : String(e)})`,
      );
    }
    let event: LogEvent;
    try {
      event = decodeLogEvent(entry.leaf);
    } catch (e) {
      return notValid(
        `leaf ${entry.leafIndex} is not a log event (${e instanceof Error ? e.message : String(e)})`,
      );
    }
    const problem = keyEventProblem(event, options);
    if (problem) return notValid(`the key event at leaf ${entry.leafIndex} ${problem}`);
    events.push({ leafIndex: entry.leafIndex, event: event as KeyEvent });
  }
  const added = events
    .filter((e) => e.event.event === 'added' && e.leafIndex < at)
    .sort((a, b) => a.leafIndex - b.leafIndex)[0];
  if (!added) {
    const later = events.find((e) => e.event.event === 'added');
    return notValid(
      later
        ? `${options.verificationMethod} was added at leaf ${later.leafIndex}, after the issuance at leaf ${at}`
        : `the receipt does not show ${options.verificationMethod} added to the log before the issuance at leaf ${at}`,
    );
  }
  if (options.publicKey && !samePublicKey(added.event, options.publicKey))
    return notValid(
      `the log added ${options.verificationMethod} at leaf ${added.leafIndex} with another public key`,
    );
  const retired = events.filter((e) => e.event.event === 'retired').sort((a, b) => a.leafIndex - b.leafIndex);
  const retiredBefore = retired.find((e) => e.leafIndex < at);
  if (retiredBefore)
    return notValid(
      `the credential (issuance at leaf ${at}) was signed after the key was retired at leaf ${retiredBefore.leafIndex}`,
    );
  const retirement = retired[0]
    ? `retired at leaf ${retired[0].leafIndex}, after issuance`
    : 'no retirement before issuance in the receipt';
  return pass(
    LOG,
    `issuance logged at leaf ${at} of ${size} (checkpoint origin ${origin}); key added at leaf ${added.leafIndex}, ${retirement}`,
  );
}
