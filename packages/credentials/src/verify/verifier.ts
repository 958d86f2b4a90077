import { createStatusChecker } from '../status/checker.js';
import type { CredentialCheckOptions, PresentationExpectations, VerifierOptions } from './options.js';
import type { PresentationReport, VerificationReport } from './report.js';
import { settle, verifyCredentialWith } from './verify-credential.js';
import { verifyPresentationWith } from './verify-presentation.js';

export interface Verifier {
  /**
   * Verifies a credential (object, JSON text, compact JWT or enveloped credential); with a
   * receipt, also its transparency log entry (the `log` check). Never throws on bad input.
   */
  verifyCredential(input: unknown, options?: CredentialCheckOptions): Promise<VerificationReport>;
  /** Verifies a presentation for the expected challenge and domain, and every credential in it. */
  verifyPresentation(input: unknown, expected: PresentationExpectations): Promise<PresentationReport>;
}

/** Resolve-then-verify: all I/O goes through the injected resolver; the checks themselves do none. */
export function createVerifier(options: VerifierOptions): Verifier {
  let statusChecker = options.statusChecker;
  if (!statusChecker && options.status) {
    // The list credential is verified like any credential, except for its own status.
    const { status, ...rest } = options;
    const lists = createVerifier(rest);
    statusChecker = createStatusChecker({
      ...(options.now ? { now: () => options.now!().getTime() } : {}),
      ...status,
      verifyList: (vc) => lists.verifyCredential(vc),
    });
  }
  const ctx = settle(statusChecker ? { ...options, statusChecker } : options);
  return {
    verifyCredential: (input, checkOptions) => verifyCredentialWith(ctx, input, checkOptions),
    verifyPresentation: (input, expected) => verifyPresentationWith(ctx, input, expected),
  };
}
