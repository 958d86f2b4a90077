export * from './contexts/index.js';
export * from './issue/build-credential.js';
export * from './issue/create-presentation.js';
export * from './issue/issue-credential.js';
export * from './keys/key-pair.js';
export * from './keys/multikey.js';
export * from './log/events.js';
export * from './log/receipt.js';
export * from './model/index.js';
export * from './proofs/data-integrity.js';
export * from './proofs/formats.js';
export * from './proofs/vc-jwt.js';
export * from './rdf/index.js';
export * from './resolve/index.js';
export * from './status/index.js';
export { OB_CONTEXT, VC_V1_CONTEXT, VC_V2_CONTEXT } from './verify/context-check.js';
export type {
  CredentialCheckOptions,
  PresentationExpectations,
  StatusChecker,
  VerifierOptions,
} from './verify/options.js';
export * from './verify/report.js';
export * from './verify/verifier.js';
