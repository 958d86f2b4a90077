import type { PresentationExpectations, VerifierOptions } from './options.js';
import type { PresentationReport, VerificationReport } from './report.js';
import { settle, verifyCredentialWith } from './verify-credential.js';
import { verifyPresentationWith } from './verify-presentation.js';

export interface Verifier {
  /** Verifies a credential (object, JSON text, compact JWT or enveloped credential). Never throws on bad input. */
  verifyCredential(input: unknown): Promise<VerificationReport>;
  /** Verifies a presentation for the expected challenge and domain, and every credential in it. */
  verifyPresentation(input: unknown, expected: PresentationExpectations): Promise<PresentationReport>;
}

/** Resolve-then-verify: all I/O goes through the injected resolver; the checks themselves do none. */
export function createVerifier(options: VerifierOptions): Verifier {
  const ctx = settle(options);
  return {
    verifyCredential: (input) => verifyCredentialWith(ctx, input),
    verifyPresentation: (input, expected) => verifyPresentationWith(ctx, input, expected),
  };
}
