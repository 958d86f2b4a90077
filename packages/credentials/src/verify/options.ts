import type { CryptoProvider, JsonLimits } from '@tessera/core';
import type { NoteVerifier } from '@tessera/tlog';
import type { ContextRegistry } from '../contexts/index.js';
import type { VerifiableSuite } from '../proofs/formats.js';
import type { JwtAlg } from '../proofs/vc-jwt.js';
import type { KeyResolver } from '../resolve/verification-method.js';
import type { StatusCheckerOptions } from '../status/checker.js';
import type { Check } from './report.js';

/**
 * Checks a credential's status (Bitstring Status List, later). Until one is plugged in the status
 * check is reported as skipped, never as passed.
 */
export type StatusChecker = (credential: Record<string, unknown>) => Promise<Check>;

export interface VerifierOptions {
  crypto: CryptoProvider;
  /** Resolves verification methods; defaults to did:key only (no network). */
  resolver?: KeyResolver;
  /** Bundled contexts; defaults to the built-in pinned set. */
  contexts?: ContextRegistry;
  allowedSuites?: readonly VerifiableSuite[];
  allowedJwtAlgs?: readonly JwtAlg[];
  /** Accepted disagreement between clocks, in seconds (default 60). */
  clockSkewSeconds?: number;
  now?: () => Date;
  statusChecker?: StatusChecker;
  /**
   * Bitstring Status List checking through this fetcher (list credentials are verified with the
   * same settings). Ignored when `statusChecker` is given.
   */
  status?: Omit<StatusCheckerOptions, 'verifyList'>;
  /** Limits on string inputs (default 1 MB, depth 64). */
  limits?: JsonLimits;
  /**
   * The transparency log a receipt's checkpoint must be signed by: its note keys (verifiers or
   * `<name>+<key id>+<key>` strings) and, optionally, its checkpoint origin. Without it a
   * receipt's `log` check fails (no trusted log key).
   */
  log?: { keys: readonly (NoteVerifier | string)[]; origin?: string };
}

/** What a single credential verification may be given besides the credential. */
export interface CredentialCheckOptions {
  /**
   * The credential's log receipt (object or JSON text): adds a `log` check showing the issuance
   * is in the log and the signing key was valid then. Without it the report has no `log` check.
   */
  receipt?: unknown;
}

export interface PresentationExpectations {
  challenge: string;
  domain: string;
}
