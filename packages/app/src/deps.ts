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
 * `created`), answering the secured credential with its `credentialBytes` (what the log
 * commitment digests), computed where the signing ran.
 */
export type CredentialSigner = (
  key: SigningKey,
  credential: Record<string, unknown>,
  format: ProofFormat,
  at: Date,
) => Promise<SignedCredential>;

export interface SignedCredential {
  readonly secured: Record<string, unknown> | string;
  readonly bytes: Uint8Array;
}

/** The signer on the calling thread (the default when `signCredential` is absent). */
export const inProcessSigner =
  (crypto: CryptoProvider): CredentialSigner =>
  async (key, credential, format, at) => {
    const secured = await issueCredential({ crypto, now: () => at }, key, credential, { format });
    return { secured, bytes: credentialBytes(secured) };
  };

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
