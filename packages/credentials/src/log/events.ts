import {
  base64urlEncode,
  type CryptoProvider,
  canonicalize,
  concatBytes,
  isRecord,
  parseJson,
  TesseraError,
  utf8Decode,
  utf8Encode,
} from '@tessera/core';

/**
 * What the transparency log records, one event per leaf. A leaf's bytes are the RFC 8785 (JCS)
 * serialization of the event, UTF-8: anyone can re-derive them and so recompute the tree.
 * No personal data: an issuance is a salted commitment to the credential's digest, and the
 * holder (who receives the salt in the receipt) is the only one who can open it.
 * `docs/data-model.md` specifies the encoding with test vectors.
 */

export type StatusPurpose = 'revocation' | 'suspension';
/** What a credential's status is: revocation is final, suspension can be lifted. */
export type CredentialStatusValue = 'active' | 'suspended' | 'revoked';

export interface StatusRef {
  readonly purpose: StatusPurpose;
  /** The status list credential's URL. */
  readonly list: string;
  readonly index: number;
}

interface EventBase {
  readonly v: 1;
  /** The issuer's DID. */
  readonly tenant: string;
  /** RFC 3339 UTC, milliseconds. */
  readonly time: string;
}

export interface IssueEvent extends EventBase {
  readonly type: 'issue';
  /** base64url(SHA-256(salt ‖ SHA-256(credential bytes))): the salted commitment. */
  readonly credential: string;
  /** The verification method that signed it. */
  readonly key: string;
  readonly status: readonly StatusRef[];
}

export interface StatusEvent extends EventBase {
  readonly type: 'status';
  readonly list: string;
  readonly index: number;
  readonly purpose: StatusPurpose;
  readonly status: CredentialStatusValue;
}

export interface KeyEvent extends EventBase {
  readonly type: 'key';
  readonly key: string;
  readonly publicKeyMultibase: string;
  readonly event: 'added' | 'retired';
}

export type LogEvent = IssueEvent | StatusEvent | KeyEvent;

export const encodeLogEvent = (event: LogEvent): Uint8Array => utf8Encode(canonicalize(event));

const PURPOSES: readonly string[] = ['revocation', 'suspension'];
const STATUSES: readonly string[] = ['active', 'revoked', 'suspended'];
const RFC3339_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

const bad = (message: string) => new TesseraError('INPUT_INVALID', `log leaf: ${message}`);
const str = (o: Record<string, unknown>, k: string): string => {
  const v = o[k];
  if (typeof v !== 'string' || v === '') throw bad(`${k} must be a non-empty string`);
  return v;
};
const index = (o: Record<string, unknown>, k: string): number => {
  const v = o[k];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0)
    throw bad(`${k} must be a non-negative integer`);
  return v;
};
const oneOf = <T extends string>(o: Record<string, unknown>, k: string, allowed: readonly string[]): T => {
  const v = str(o, k);
  if (!allowed.includes(v)) throw bad(`${k} must be one of ${allowed.join(', ')}`);
  return v as T;
};

/**
 * Reads a leaf back into an event. Strict: the bytes must be exactly the JCS form of a known
 * event (so two different byte strings never mean the same event).
 */
export function decodeLogEvent(bytes: Uint8Array): LogEvent {
  let value: unknown;
  try {
    value = parseJson(utf8Decode(bytes), { maxLength: 65_536, maxDepth: 8 });
  } catch (e) {
    throw bad(`not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (!isRecord(value)) throw bad('not a JSON object');
  if (value.v !== 1) throw bad('unknown version');
  const base = { v: 1 as const, tenant: str(value, 'tenant'), time: str(value, 'time') };
  if (!RFC3339_MS.test(base.time)) throw bad('time must be RFC 3339 UTC with milliseconds');
  let event: LogEvent;
  switch (value.type) {
    case 'issue': {
      const status = value.status;
      if (!Array.isArray(status)) throw bad('status must be an array');
      event = {
        ...base,
        type: 'issue',
        credential: str(value, 'credential'),
        key: str(value, 'key'),
        status: status.map((s) => {
          if (!isRecord(s)) throw bad('status entries must be objects');
          return {
            purpose: oneOf<StatusPurpose>(s, 'purpose', PURPOSES),
            list: str(s, 'list'),
            index: index(s, 'index'),
          };
        }),
      };
      break;
    }
    case 'status':
      event = {
        ...base,
        type: 'status',
        list: str(value, 'list'),
        index: index(value, 'index'),
        purpose: oneOf<StatusPurpose>(value, 'purpose', PURPOSES),
        status: oneOf<CredentialStatusValue>(value, 'status', STATUSES),
      };
      break;
    case 'key':
      event = {
        ...base,
        type: 'key',
        key: str(value, 'key'),
        publicKeyMultibase: str(value, 'publicKeyMultibase'),
        event: oneOf<'added' | 'retired'>(value, 'event', ['added', 'retired']),
      };
      break;
    default:
      throw bad('unknown event type');
  }
  if (utf8Decode(encodeLogEvent(event)) !== utf8Decode(bytes))
    throw bad('not in canonical form (JCS, no unknown members)');
  return event;
}

/** The bytes a credential's digest is taken over: JCS of a JSON credential, the JWT's ASCII. */
export const credentialBytes = (secured: Record<string, unknown> | string): Uint8Array =>
  utf8Encode(typeof secured === 'string' ? secured : canonicalize(secured));

/** The commitment an issuance leaf carries: base64url(SHA-256(salt ‖ SHA-256(credential bytes))). */
export async function issuanceCommitment(
  crypto: CryptoProvider,
  salt: Uint8Array,
  secured: Record<string, unknown> | string,
): Promise<string> {
  if (salt.length !== 32) throw new TesseraError('INPUT_INVALID', 'the commitment salt must be 32 bytes');
  const digest = await crypto.sha256(credentialBytes(secured));
  return base64urlEncode(await crypto.sha256(concatBytes(salt, digest)));
}

/**
 * `issuanceCommitment` over `credentialBytes(secured)`, with a synchronous SHA-256: the issuing
 * path computes it inside its transaction.
 */
export function commitmentOfBytes(
  sha256: (data: Uint8Array) => Uint8Array,
  salt: Uint8Array,
  bytes: Uint8Array,
): string {
  if (salt.length !== 32) throw new TesseraError('INPUT_INVALID', 'the commitment salt must be 32 bytes');
  return base64urlEncode(sha256(concatBytes(salt, sha256(bytes))));
}

/** The salt as receipts carry it: base64url without padding. */
export const encodeSalt = base64urlEncode;

/** Log time: RFC 3339 UTC with milliseconds, the one form leaves accept. */
export const logTime = (at: Date): string => at.toISOString();
