import { bytesEqual, TesseraError } from '@tessera/core';
import {
  CompactRange,
  consistencyProof,
  formatVerifierKey,
  type NodeId,
  type NodeReader,
  type NoteSigner,
  type NoteVerifier,
  peakIds,
  signCheckpoint,
  verifyConsistency,
} from '@tessera/tlog';
import { type AppDeps, timestamp } from './deps.js';
import { newId } from './ids.js';
import type { CheckpointRecord, LogState } from './ports.js';
import { sealSecret, unsealSecret } from './sealing.js';

/** The log's identity: the checkpoint origin and the Ed25519 key that signs its notes. */
export interface LogIdentity {
  /** C2SP origin line, e.g. `badges.lab.example/log` (the public URL's host and path). */
  readonly origin: string;
  readonly signer: NoteSigner;
  readonly verifier: NoteVerifier;
  /** `<name>+<key id>+<key>`: what witnesses and `tessera audit` are configured with. */
  readonly verifierKey: string;
}

/** The checkpoint origin of a deployment: its public URL without scheme, plus `/log`. */
export function logOrigin(publicUrl: string): string {
  const url = new URL(publicUrl);
  return `${url.host}${url.pathname.replace(/\/+$/, '')}/log`;
}

const SEAL_BINDING = 'transparency-log';

/**
 * Loads the log's signing key, creating it on first use. Two processes starting together race
 * on the insert; the loser reads the winner's key, so a deployment has exactly one log key.
 */
export async function loadLogIdentity(deps: AppDeps): Promise<LogIdentity> {
  let record = await deps.store.log.signingKey();
  if (!record) {
    const pair = await deps.crypto.ed25519Generate();
    const id = newId(deps);
    try {
      await deps.store.log.insertSigningKey({
        id,
        publicKey: pair.publicKey,
        sealedSecretKey: await sealSecret(deps.masterKey, pair.secretKey, `${SEAL_BINDING}/${id}`),
        createdAt: timestamp(deps.now()),
      });
    } catch (e) {
      if (!(e instanceof TesseraError && e.code === 'CONFLICT')) throw e;
    }
    record = await deps.store.log.signingKey();
    if (!record) throw new TesseraError('INTERNAL', 'the log key was not stored');
  }
  const secretKey = await unsealSecret(
    deps.masterKey,
    record.sealedSecretKey,
    `${SEAL_BINDING}/${record.id}`,
  );
  const origin = logOrigin(deps.publicUrl);
  const publicKey = record.publicKey;
  return {
    origin,
    signer: { name: origin, publicKey, sign: (message) => deps.crypto.ed25519Sign(secretKey, message) },
    verifier: {
      name: origin,
      publicKey,
      verify: (message, signature) => deps.crypto.ed25519Verify(publicKey, message, signature),
    },
    verifierKey: formatVerifierKey(origin, publicKey),
  };
}

/** The store's complete-subtree hashes as the reader tlog's proof builders need. */
export const storedNodeReader = (deps: AppDeps): NodeReader => ({
  getNodes: (ids) => deps.store.log.nodes(ids),
});

/**
 * Nodes of level ≥ 8 are kept in memory once read: a stored node never changes, and proofs share
 * the top of the tree. Level 8 is where C2SP tlog-tiles put their first tile boundary (tiles are
 * 8 levels high): the bottom tile of every proof (its leaf and seven sibling nodes) is read from
 * storage, the tiles above are served from memory. At a million leaves that is about 7,800 nodes
 * (~1 MB); the cache holds at most 65,536.
 */
const CACHED_LEVEL = 8;
const MAX_CACHED = 65_536;
const nodeCaches = new WeakMap<AppDeps, Map<string, Uint8Array>>();

/** `storedNodeReader` with the top of the tree cached (for serving proofs). */
export function nodeReader(deps: AppDeps): NodeReader {
  let cache = nodeCaches.get(deps);
  if (!cache) {
    cache = new Map();
    nodeCaches.set(deps, cache);
  }
  const known = cache;
  return {
    async getNodes(ids) {
      const key = (id: NodeId) => `${id.level}/${id.index}`;
      const missing = ids.filter((id) => id.level < CACHED_LEVEL || !known.has(key(id)));
      const read = missing.length > 0 ? await deps.store.log.nodes(missing) : [];
      missing.forEach((id, i) => {
        if (id.level < CACHED_LEVEL) return;
        if (known.size >= MAX_CACHED) known.delete(known.keys().next().value!);
        known.set(key(id), read[i]!);
      });
      const fresh = new Map(missing.map((id, i) => [key(id), read[i]!]));
      return ids.map((id) => fresh.get(key(id)) ?? known.get(key(id))!);
    },
  };
}

const rootOf = (state: LogState): Uint8Array => CompactRange.fromPeaks(state.size, state.peaks).root();

/**
 * Signs a checkpoint for the log's current head unless the newest stored one already covers it.
 * Storing is a compare-and-swap on the size, so concurrent signers (two servers) never make the
 * stored checkpoint shrink; the loser's note is dropped and the winner's returned.
 */
export async function signLatestCheckpoint(
  deps: AppDeps,
  identity: LogIdentity,
): Promise<CheckpointRecord | undefined> {
  const latest = await deps.store.log.latestCheckpoint();
  const head = await deps.store.log.state();
  if (latest && latest.size >= head.size) return latest;
  const rootHash = rootOf(head);
  const note = await signCheckpoint({ origin: identity.origin, size: head.size, rootHash }, [
    identity.signer,
  ]);
  const record: CheckpointRecord = { size: head.size, rootHash, note, createdAt: timestamp(deps.now()) };
  if (await deps.store.log.saveCheckpoint(record)) return record;
  return deps.store.log.latestCheckpoint();
}

/**
 * Proves, from storage, that the log still extends the last checkpoint it signed: the stored
 * nodes give that checkpoint's root again, the head's peaks are the stored nodes, and a
 * consistency proof built from them verifies. Run on start: a store whose history was
 * rewritten or truncated is refused before the server signs anything new.
 */
export async function proveLogConsistency(deps: AppDeps): Promise<{ from: number; to: number }> {
  const head = await deps.store.log.state();
  // From storage itself: this check is what finds a rewritten log at start-up.
  const reader = storedNodeReader(deps);
  const peaks = await reader.getNodes(peakIds(head.size));
  if (peaks.length !== head.peaks.length || peaks.some((p, i) => !bytesEqual(p, head.peaks[i]!)))
    throw new TesseraError('LOG_INCONSISTENT', 'the log head does not match its stored nodes');
  const latest = await deps.store.log.latestCheckpoint();
  // RFC 9162 defines no proof from the empty tree: every tree extends it.
  if (!latest || latest.size === 0) return { from: 0, to: head.size };
  if (latest.size > head.size)
    throw new TesseraError(
      'LOG_INCONSISTENT',
      `the log has ${head.size} leaves but signed a checkpoint of ${latest.size}`,
    );
  const oldPeaks = await reader.getNodes(peakIds(latest.size));
  if (!bytesEqual(CompactRange.fromPeaks(latest.size, oldPeaks).root(), latest.rootHash))
    throw new TesseraError(
      'LOG_INCONSISTENT',
      `the stored tree no longer has the root of checkpoint ${latest.size}`,
    );
  const proof = await consistencyProof(reader, latest.size, head.size);
  try {
    verifyConsistency(latest.size, head.size, proof, latest.rootHash, rootOf(head));
  } catch (e) {
    throw new TesseraError('LOG_INCONSISTENT', `the log does not extend checkpoint ${latest.size}`, {
      cause: e,
    });
  }
  return { from: latest.size, to: head.size };
}
