import type { CryptoProvider } from '@tessera/core';
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
  /** Told after a transaction appended to the transparency log (the checkpoint signer wakes). */
  readonly onLogAppend?: () => void;
}

/** ISO-8601 UTC with milliseconds: the storage form of times. */
export const timestamp = (d: Date): string => d.toISOString();
