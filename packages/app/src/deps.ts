import { sha256 } from '@noble/hashes/sha2.js';
import type { CryptoProvider } from '@tessera/core';
import { credentialBytes, issueCredential, type ProofFormat, type SigningKey } from '@tessera/credentials';
import { createTreeHasher, type TreeHasher } from '@tessera/tlog';
import type { Store } from './ports.js';

/** Everything a use case needs, passed in: no singletons, no environment, no I/O of its own. */
export interface AppDeps {
  readonly store: Store;
  readonly crypto: CryptoProvider;
  /** 32-byte key that seals issuer secret keys at rest (AES-256-GCM). */
  readonly masterKey: Uint8Array;
  /** Base of every URL and did:web the service writes, e.g. `https://badges.lab.example`. */
  readonly publicUrl: string;
  readonly now: () => Date;
  /**
   * Synchronous SHA-256 for the hot hashing (log leaves and nodes, status index permutation):
   * node:crypto's in the server; noble's (the isomorphic default) when absent.
   */
  readonly sha256Sync?: (data: Uint8Array) => Uint8Array;
  /** Told after a transaction appended to the transparency log (the checkpoint signer wakes). */
  readonly onLogAppend?: () => void;
  /**
   * Signs a credential (validation included, as `issueCredential`): the server passes one that
   * runs in its worker threads, so signing takes no time on the event loop. Absent: in-process.
   */
  readonly signCredential?: CredentialSigner;
}

/**
 * `issueCredential` for a key, a credential, a format and the issuance time (the proof's
 * `created`), answering the secured credential as stored and its `credentialBytes` (what the log
 * commitment digests), both computed where the signing ran.
 */
export type CredentialSigner = (
  key: SigningKey,
  credential: Record<string, unknown>,
  format: ProofFormat,
  at: Date,
) => Promise<SignedCredential>;

/**
 * A secured credential as text (a compact JWT, or the JSON of a Data Integrity credential: what
 * the store keeps and the API answers) with its commitment bytes. Text, not the object: a signer
 * on a worker thread hands back one string, which crosses the thread boundary far cheaper than
 * a cloned object tree, and the event loop never serializes it again.
 */
export interface SignedCredential {
  readonly document: string;
  readonly bytes: Uint8Array;
}

/** What a signer answers for a secured credential (wherever it ran). */
export const signedCredential = (secured: Record<string, unknown> | string): SignedCredential => ({
  document: typeof secured === 'string' ? secured : JSON.stringify(secured),
  bytes: credentialBytes(secured),
});

/** The JSON text of a stored document's secured credential: the JWT as a JSON string, or the JSON itself. */
export const securedJsonOf = (record: { format: ProofFormat; document: string }): string =>
  record.format === 'vc-jwt' ? JSON.stringify(record.document) : record.document;

/** The secured credential a stored document holds: the JWT itself, or the parsed JSON. */
export const securedOf = (record: {
  format: ProofFormat;
  document: string;
}): Record<string, unknown> | string =>
  record.format === 'vc-jwt' ? record.document : (JSON.parse(record.document) as Record<string, unknown>);

/** The signer on the calling thread (the default when `signCredential` is absent). */
export const inProcessSigner =
  (crypto: CryptoProvider): CredentialSigner =>
  async (key, credential, format, at) =>
    signedCredential(await issueCredential({ crypto, now: () => at }, key, credential, { format }));

/** ISO-8601 UTC with milliseconds: the storage form of times. */
export const timestamp = (d: Date): string => d.toISOString();

/** The deps' synchronous SHA-256, or noble's. */
export const syncSha256 = (deps: Pick<AppDeps, 'sha256Sync'>): ((data: Uint8Array) => Uint8Array) =>
  deps.sha256Sync ?? sha256;

// One tree hasher per hash function: the hasher keeps a scratch buffer, so it is not rebuilt per call.
const hashers = new WeakMap<(data: Uint8Array) => Uint8Array, TreeHasher>();
/** The RFC 9162 tree hasher over the deps' SHA-256. */
export function treeHasher(deps: Pick<AppDeps, 'sha256Sync'>): TreeHasher {
  const hash = syncSha256(deps);
  let hasher = hashers.get(hash);
  if (!hasher) {
    hasher = createTreeHasher(hash);
    hashers.set(hash, hasher);
  }
  return hasher;
}
