import { isRecord, TesseraError } from '@tessera/core';
import { type PublicKey, publicKeyOf, type ResolvedMethod, splitMethodId } from './verification-method.js';

/**
 * Pinned issuer keys: verification method id → public key, so a verifier can work fully offline.
 * The operator who pins a key vouches for it, so pinned methods count as assertion methods of their
 * controller (explicit, or the method id without its fragment).
 *
 * File format: `{ "keys": [ { "id", "type": "Multikey", "publicKeyMultibase", "controller"? } ] }`
 * (or `publicKeyJwk` with type JsonWebKey), or a bare array of such entries.
 */
export interface TrustStore {
  get(methodId: string): ResolvedMethod | undefined;
  readonly size: number;
}

export function createTrustStore(
  entries: readonly { id: string; controller?: string; key: PublicKey }[],
): TrustStore {
  const map = new Map<string, ResolvedMethod>();
  for (const e of entries) {
    map.set(e.id, {
      id: e.id,
      controller: e.controller ?? splitMethodId(e.id).document,
      purposes: ['assertionMethod', 'authentication'],
      key: e.key,
      source: 'trust-store',
    });
  }
  return { get: (id) => map.get(id), size: map.size };
}

export function parseTrustStore(value: unknown): TrustStore {
  const list = Array.isArray(value) ? value : isRecord(value) ? value.keys : undefined;
  if (!Array.isArray(list)) {
    throw new TesseraError(
      'INPUT_INVALID',
      'trust file must be {"keys": [...]} or an array of verification methods',
    );
  }
  const fields: { pointer: string; message: string }[] = [];
  const entries: { id: string; controller?: string; key: PublicKey }[] = [];
  list.forEach((entry, i) => {
    const pointer = Array.isArray(value) ? `/${i}` : `/keys/${i}`;
    if (!isRecord(entry) || typeof entry.id !== 'string') {
      fields.push({ pointer, message: 'entry needs a string "id" (the verification method id)' });
      return;
    }
    try {
      const key = publicKeyOf({ type: entry.type ?? 'Multikey', ...entry });
      entries.push(
        typeof entry.controller === 'string'
          ? { id: entry.id, controller: entry.controller, key }
          : { id: entry.id, key },
      );
    } catch (e) {
      fields.push({ pointer, message: (e as Error).message });
    }
  });
  if (fields.length > 0) {
    throw new TesseraError(
      'INPUT_INVALID',
      `trust file has ${fields.length} invalid entr${fields.length === 1 ? 'y' : 'ies'}: ${fields[0]!.message}`,
      { fields },
    );
  }
  return createTrustStore(entries);
}
