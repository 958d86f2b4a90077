import { isRecord, TesseraError } from '@tessera/core';

export type StatusPurposeName = 'revocation' | 'suspension' | 'refresh' | 'message';

/** One `BitstringStatusListEntry` as the credential carries it (W3C Bitstring Status List v1.0 §2.1). */
export interface StatusEntry {
  readonly id?: string;
  readonly statusPurpose: string;
  readonly statusListIndex: number;
  readonly statusListCredential: string;
  readonly statusSize: number;
}

const invalid = (message: string) => new TesseraError('STATUS_LIST_INVALID', message);
const isUrl = (v: unknown): v is string => {
  if (typeof v !== 'string') return false;
  try {
    new URL(v);
    return true;
  } catch {
    return false;
  }
};

/** The entry for index `index` of the list at `listUrl`; its id is `<list>#<index>`. */
export const buildStatusEntry = (options: { listUrl: string; purpose: string; index: number }) => ({
  id: `${options.listUrl}#${options.index}`,
  type: 'BitstringStatusListEntry',
  statusPurpose: options.purpose,
  statusListIndex: String(options.index),
  statusListCredential: options.listUrl,
});

/** An unsigned `BitstringStatusListCredential` (spec §2.2); the subject id is `<list>#list`. */
export function buildStatusListCredential(options: {
  id: string;
  issuer: string;
  statusPurpose: string;
  encodedList: string;
  ttl?: number;
  validFrom: string;
  validUntil?: string;
}): Record<string, unknown> {
  return {
    '@context': ['https://www.w3.org/ns/credentials/v2'],
    id: options.id,
    type: ['VerifiableCredential', 'BitstringStatusListCredential'],
    issuer: options.issuer,
    validFrom: options.validFrom,
    ...(options.validUntil ? { validUntil: options.validUntil } : {}),
    credentialSubject: {
      id: `${options.id}#list`,
      type: 'BitstringStatusList',
      statusPurpose: options.statusPurpose,
      encodedList: options.encodedList,
      ...(options.ttl !== undefined ? { ttl: options.ttl } : {}),
    },
  };
}

/** Reads a credential's `credentialStatus` (one entry or an array); other status types are refused. */
export function readStatusEntries(credentialStatus: unknown): StatusEntry[] {
  const list = Array.isArray(credentialStatus) ? credentialStatus : [credentialStatus];
  return list.map((raw, i) => {
    const at = Array.isArray(credentialStatus) ? `/credentialStatus/${i}` : '/credentialStatus';
    if (!isRecord(raw)) throw invalid(`${at}: must be an object`);
    if (raw.type !== 'BitstringStatusListEntry')
      throw new TesseraError(
        'STATUS_UNAVAILABLE',
        `${at}/type: ${String(raw.type)} is not a supported status type`,
      );
    if (typeof raw.statusPurpose !== 'string' || raw.statusPurpose === '')
      throw invalid(`${at}/statusPurpose: must be a string`);
    // The spec writes the index as a base-10 string; 1EdTech's OB 3.0 vectors (signed, so not
    // rewritable) write a JSON number. Both are read; a number must be a non-negative safe integer.
    const index = raw.statusListIndex;
    const indexOk =
      typeof index === 'string'
        ? /^(0|[1-9][0-9]*)$/.test(index)
        : typeof index === 'number' && Number.isSafeInteger(index) && index >= 0;
    if (!indexOk) throw invalid(`${at}/statusListIndex: must be a string of a non-negative integer`);
    if (!isUrl(raw.statusListCredential)) throw invalid(`${at}/statusListCredential: must be a URL`);
    const statusSize = raw.statusSize === undefined ? 1 : raw.statusSize;
    if (typeof statusSize !== 'number' || !Number.isInteger(statusSize) || statusSize < 1 || statusSize > 8)
      throw invalid(`${at}/statusSize: must be an integer from 1 to 8`);
    if (raw.id !== undefined && !isUrl(raw.id)) throw invalid(`${at}/id: must be a URL`);
    return {
      ...(typeof raw.id === 'string' ? { id: raw.id } : {}),
      statusPurpose: raw.statusPurpose,
      statusListIndex: Number(index),
      statusListCredential: raw.statusListCredential,
      statusSize,
    };
  });
}

export interface StatusListSubject {
  readonly issuer: string;
  readonly statusPurpose: readonly string[];
  readonly encodedList: string;
  /** Milliseconds; undefined when the list does not say. */
  readonly ttl?: number;
}

const issuerId = (issuer: unknown): string | undefined =>
  typeof issuer === 'string'
    ? issuer
    : isRecord(issuer) && typeof issuer.id === 'string'
      ? issuer.id
      : undefined;

/** Checks a status list credential's shape (type, subject type, purpose, encodedList, ttl). */
export function readStatusListCredential(vc: Record<string, unknown>): StatusListSubject {
  const types = Array.isArray(vc.type) ? vc.type : [vc.type];
  if (!types.includes('BitstringStatusListCredential'))
    throw invalid('the status list is not a BitstringStatusListCredential');
  const subject = vc.credentialSubject;
  if (!isRecord(subject)) throw invalid('the status list has no credentialSubject object');
  if (subject.type !== 'BitstringStatusList')
    throw invalid('credentialSubject.type must be BitstringStatusList');
  const purposes = Array.isArray(subject.statusPurpose) ? subject.statusPurpose : [subject.statusPurpose];
  if (purposes.length === 0 || !purposes.every((p) => typeof p === 'string'))
    throw invalid('credentialSubject.statusPurpose must be a string or strings');
  if (typeof subject.encodedList !== 'string')
    throw invalid('credentialSubject.encodedList must be a string');
  if (subject.ttl !== undefined && (typeof subject.ttl !== 'number' || !(subject.ttl >= 0)))
    throw invalid('credentialSubject.ttl must be a non-negative number of milliseconds');
  const issuer = issuerId(vc.issuer);
  if (!issuer) throw invalid('the status list names no issuer');
  return {
    issuer,
    statusPurpose: purposes as string[],
    encodedList: subject.encodedList,
    ...(typeof subject.ttl === 'number' ? { ttl: subject.ttl } : {}),
  };
}

export { issuerId as statusIssuerId };
