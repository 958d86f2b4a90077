import { base64Encode, TesseraError } from '@tessera/core';
import { encodeSalt, type Receipt, type ReceiptEntry } from '@tessera/credentials';
import { consistencyProof, inclusionProof } from '@tessera/tlog';
import type { AppDeps } from './deps.js';
import { sequenceLog } from './log-append.js';
import { type LogIdentity, nodeReader, signLatestCheckpoint } from './log-checkpoints.js';
import type { TenantRecord } from './ports.js';

/** A proof as served: hashes in standard base64 (as C2SP and transparency-dev write them). */
export interface ProofDocument {
  readonly leafIndex?: number;
  readonly treeSize: number;
  readonly hashes: string[];
}

/** The largest page `GET /log/entries` answers: bounded so a page costs bounded work. */
export const MAX_ENTRIES_PAGE = 1000;

const bad = (message: string) => new TesseraError('INPUT_INVALID', message);

// The largest log size seen, per deps: the head only grows, so a size within it needs no read.
const knownSizes = new WeakMap<AppDeps, number>();

async function checkSize(deps: AppDeps, size: number, what: string): Promise<void> {
  if (size <= (knownSizes.get(deps) ?? 0)) return;
  const head = await deps.store.log.state();
  knownSizes.set(deps, Math.max(head.size, knownSizes.get(deps) ?? 0));
  if (size > head.size) throw bad(`${what} ${size} is larger than the log (${head.size} leaves)`);
}

/** Inclusion proof of the leaf with this RFC 9162 leaf hash in the tree of `treeSize` leaves. */
export async function inclusionProofFor(
  deps: AppDeps,
  leafHash: Uint8Array,
  treeSize: number,
): Promise<ProofDocument> {
  if (leafHash.length !== 32) throw bad('leaf must be a 32-byte leaf hash');
  await checkSize(deps, treeSize, 'size');
  const leafIndex = await deps.store.log.indexOfHash(leafHash);
  if (leafIndex === undefined) throw new TesseraError('NOT_FOUND', 'no leaf with this hash is in the log');
  if (leafIndex >= treeSize)
    throw bad(`the leaf is at index ${leafIndex}, outside a tree of ${treeSize} leaves`);
  const hashes = await inclusionProof(nodeReader(deps), leafIndex, treeSize);
  return { leafIndex, treeSize, hashes: hashes.map(base64Encode) };
}

export async function consistencyProofFor(deps: AppDeps, from: number, to: number): Promise<ProofDocument> {
  if (from > to) throw bad(`from (${from}) must not be larger than to (${to})`);
  await checkSize(deps, to, 'to');
  const hashes = await consistencyProof(nodeReader(deps), from, to);
  return { treeSize: to, hashes: hashes.map(base64Encode) };
}

/** Leaves [start, end) with their exact bytes, so anyone can recompute the tree. */
export async function logEntries(
  deps: AppDeps,
  start: number,
  end: number,
): Promise<{ start: number; entries: { index: number; leaf: string }[] }> {
  if (end <= start) throw bad('end must be larger than start');
  if (end - start > MAX_ENTRIES_PAGE) throw bad(`a page holds at most ${MAX_ENTRIES_PAGE} entries`);
  await checkSize(deps, end, 'end');
  const leaves = await deps.store.log.leaves(start, end);
  return { start, entries: leaves.map((l) => ({ index: l.index, leaf: base64Encode(l.leaf) })) };
}

/** What `GET /credentials/{id}/receipt` answers: the verifier's own receipt type. */
export type LogReceipt = Receipt;

/**
 * The issuance of one of the tenant's credentials, proven included in a signed checkpoint, with
 * the events that show its key was valid then. When the newest checkpoint predates the
 * issuance (it is at most a second old), one is signed now rather than making the caller wait.
 */
export async function credentialReceipt(
  deps: AppDeps,
  identity: LogIdentity,
  tenant: TenantRecord,
  credentialId: string,
): Promise<LogReceipt> {
  const credential = await deps.store.credentials.byId(tenant.id, credentialId);
  const issuance = credential?.issuance;
  // A credential issued before the log existed has no leaf, hence no receipt.
  if (!credential || !issuance) throw new TesseraError('NOT_FOUND', `no credential ${credentialId}`);
  const keyHashes = (await deps.store.log.keyEvents(credential.verificationMethod)).map((e) => e.leafHash);
  const indexesOf = () =>
    Promise.all([issuance.leafHash, ...keyHashes].map((h) => deps.store.log.indexOfHash(h)));
  let indexes = await indexesOf();
  let checkpoint = await deps.store.log.latestCheckpoint();
  // The issuance or a key event (a retirement just made) may still be queued, or newer than
  // the last checkpoint (at most a second old): sequence and sign now rather than leave it out.
  if (!indexes.every((i) => i !== undefined && checkpoint !== undefined && i < checkpoint.size)) {
    await sequenceLog(deps);
    indexes = await indexesOf();
    checkpoint = await signLatestCheckpoint(deps, identity);
  }
  const [leafIndex, ...keyIndexes] = indexes;
  if (leafIndex === undefined || !checkpoint || checkpoint.size <= leafIndex)
    throw new TesseraError('UNAVAILABLE', 'the issuance is not in a signed checkpoint yet');
  const size = checkpoint.size;
  const reader = nodeReader(deps);
  const entry = async (index: number): Promise<ReceiptEntry> => {
    const [leaf] = await deps.store.log.leaves(index, index + 1);
    if (!leaf) throw new TesseraError('INTERNAL', `the log has no leaf ${index}`);
    const hashes = await inclusionProof(reader, index, size);
    return { leafIndex: index, leaf: base64Encode(leaf.leaf), hashes: hashes.map(base64Encode) };
  };
  // Key events logged after the checkpoint (a retirement just made) are not in it: left out.
  const keyEventIndexes = keyIndexes.filter((i): i is number => i !== undefined && i < size);
  return {
    type: 'TesseraLogReceipt',
    version: 1,
    credentialId: `urn:uuid:${credentialId}`,
    salt: encodeSalt(issuance.salt),
    checkpoint: checkpoint.note,
    issuance: await entry(leafIndex),
    keyEvents: await Promise.all(keyEventIndexes.sort((a, b) => a - b).map(entry)),
  };
}
