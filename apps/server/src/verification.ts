import type { CredentialSigner, SignedCredential } from '@tessera/app';
import { TesseraError } from '@tessera/core';
import {
  type Check,
  firstFailure,
  type ProofFormat,
  type SigningKey,
  type VerificationReport,
  type Verifier,
} from '@tessera/credentials';
import { parseJsonBody } from './body.js';
import { VerifyCredentialRequestSchema, VerifyPresentationRequestSchema } from './schemas.js';

/**
 * A verification report as the HTTP layer sends it: serialized once, where it was produced (in a
 * worker or in-process), with the few facts the route needs to pick a status. The JSON text is
 * `JSON.stringify(report)`, so a pooled and an in-process answer are the same bytes.
 */
export interface ReportText {
  readonly verified: boolean;
  readonly usable: boolean;
  readonly failure: Check | undefined;
  readonly json: string;
}

/**
 * What the VC-API routes verify with: in-process or a worker pool. Each takes the request body's
 * text, read within the body limit but not parsed: whoever verifies parses it (bounded size and
 * depth, then the schema), so a pooled request is parsed once, in the worker.
 */
export interface Verification {
  verifyCredential(bodyText: string): Promise<ReportText>;
  verifyPresentation(bodyText: string): Promise<ReportText>;
  /** Signs on a worker thread (the pool only; in-process verification has no signer). */
  readonly signCredential?: CredentialSigner;
  /** Forgets cached DID documents of this server's tenants (after a key rotation). */
  invalidate(): void;
  close(): Promise<void>;
}

export const toReportText = (report: VerificationReport): ReportText => ({
  verified: report.verified,
  usable: report.usable,
  failure: firstFailure(report.checks),
  json: JSON.stringify(report),
});

/** The verifier's per-credential options from a VC-API verify request (a receipt, when sent). */
export const credentialOptions = (body: { options?: { receipt?: unknown } | undefined }) =>
  body.options?.receipt === undefined ? undefined : { receipt: body.options.receipt };

/** Verification on the calling thread (`TESSERA_VERIFY_WORKERS=0`, tests). */
export function inProcessVerification(verifier: Verifier, bodyLimitBytes: number): Verification {
  return {
    async verifyCredential(text) {
      const body = parseJsonBody(text, VerifyCredentialRequestSchema, bodyLimitBytes);
      return toReportText(
        await verifier.verifyCredential(body.verifiableCredential, credentialOptions(body)),
      );
    },
    async verifyPresentation(text) {
      const body = parseJsonBody(text, VerifyPresentationRequestSchema, bodyLimitBytes);
      return toReportText(await verifier.verifyPresentation(body.verifiablePresentation, body.options));
    },
    invalidate: () => {},
    close: async () => {},
  };
}

// ---- The pool's message protocol (main thread ⇄ verify worker; each postMessage carries an array) ----

export interface WorkerInit {
  readonly publicUrl: string;
  /** The body limit the request was read with (the worker parses within it). */
  readonly bodyLimitBytes: number;
  /** This server's transparency-log verifier key: receipts are checked against it. */
  readonly logVerifierKey?: string;
  /** Tasks a worker starts together (see the worker's `drain`). */
  readonly chunk: number;
}

/** Main → worker. */
export type ToWorker =
  | {
      /** Sign a credential (issuance): `issueCredential` with this key, on the worker's thread. */
      readonly t: 'sign';
      readonly id: number;
      readonly key: SigningKey;
      readonly credential: Record<string, unknown>;
      readonly format: ProofFormat;
      /** The issuance time (ms since the epoch): the proof's `created`. */
      readonly now: number;
    }
  | {
      readonly t: 'verify';
      readonly id: number;
      readonly kind: 'credential' | 'presentation';
      /** The request body's text, read within the limit; the worker parses and validates it. */
      readonly text: string;
      /** The main thread's clock (ms since the epoch) when the request was dispatched. */
      readonly now: number;
    }
  | {
      readonly t: 'fetched';
      readonly id: number;
      readonly ok: true;
      readonly contentType: string;
      readonly body: Uint8Array;
    }
  | { readonly t: 'fetched'; readonly id: number; readonly ok: false; readonly error: SentError }
  | { readonly t: 'invalidate' };

/** Worker → main. */
export type FromWorker =
  | { readonly t: 'ready' }
  | { readonly t: 'done'; readonly id: number; readonly report: ReportText }
  | { readonly t: 'signed'; readonly id: number; readonly signed: SignedCredential }
  | { readonly t: 'failed'; readonly id: number; readonly error: SentError }
  | {
      readonly t: 'fetch';
      readonly id: number;
      readonly scope: 'local' | 'remote';
      readonly url: string;
      readonly accept: string | undefined;
    };

/** An error crossing the thread boundary: a TesseraError keeps its code and fields, anything else its message. */
export type SentError = {
  readonly code: TesseraError['code'] | undefined;
  readonly message: string;
  readonly fields?: TesseraError['fields'];
};

export const sendError = (e: unknown): SentError =>
  e instanceof TesseraError
    ? { code: e.code, message: e.message, ...(e.fields.length > 0 ? { fields: e.fields } : {}) }
    : { code: undefined, message: e instanceof Error ? e.message : String(e) };

export const receiveError = (e: SentError): Error =>
  e.code === undefined
    ? new Error(e.message)
    : new TesseraError(e.code, e.message, e.fields ? { fields: e.fields } : {});
