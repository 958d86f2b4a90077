import type { JsonLimits, TesseraError } from '@tessera/core';
import type { NoteVerifier } from '@tessera/tlog';
import { bundledContextRegistry, type ContextRegistry } from '../contexts/index.js';
import { logKeyVerifier } from '../log/receipt.js';
import type { ProofDeps } from '../proofs/data-integrity.js';
import { DEFAULT_ALLOWED_SUITES, type VerifiableSuite } from '../proofs/formats.js';
import { VERIFIABLE_JWT_ALGS } from '../proofs/vc-jwt.js';
import { createKeyResolver } from '../resolve/resolver.js';
import type { KeyResolver } from '../resolve/verification-method.js';
import type { VerifierOptions } from './options.js';
import { fail, type VerificationReport } from './report.js';

/** The settled, defaulted configuration a verification runs with. */
export interface VerifierContext extends ProofDeps {
  readonly resolver: KeyResolver;
  readonly contexts: ContextRegistry;
  readonly allowedSuites: readonly VerifiableSuite[];
  readonly allowedJwtAlgs: readonly string[];
  readonly clockSkewSeconds: number;
  readonly now: () => Date;
  readonly limits: JsonLimits;
  readonly statusChecker: VerifierOptions['statusChecker'];
  /** Trusted log keys (parsed) and origin, for receipts. */
  readonly log: { readonly keys: readonly NoteVerifier[]; readonly origin?: string };
}

export function settle(options: VerifierOptions): VerifierContext {
  return {
    crypto: options.crypto,
    resolver: options.resolver ?? createKeyResolver(),
    contexts: options.contexts ?? bundledContextRegistry(),
    allowedSuites: options.allowedSuites ?? DEFAULT_ALLOWED_SUITES,
    allowedJwtAlgs: options.allowedJwtAlgs ?? VERIFIABLE_JWT_ALGS,
    clockSkewSeconds: options.clockSkewSeconds ?? 60,
    now: options.now ?? (() => new Date()),
    limits: options.limits ?? { maxLength: 1_000_000, maxDepth: 64 },
    statusChecker: options.statusChecker,
    // Key strings are parsed once, here: a malformed one is a configuration error.
    log: {
      keys: (options.log?.keys ?? []).map((k) => logKeyVerifier(options.crypto, k)),
      ...(options.log?.origin !== undefined ? { origin: options.log.origin } : {}),
    },
  };
}

export const unusable = (code: TesseraError['code'], message: string): VerificationReport => ({
  verified: false,
  usable: false,
  checks: [fail('input', code, message)],
});
