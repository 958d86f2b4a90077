import { TesseraError } from '@tessera/core';
import { type Check, firstFailure, type VerificationReport, type Verifier } from '@tessera/credentials';
import type { z } from 'zod';
import type { VerifyCredentialRequestSchema, VerifyPresentationRequestSchema } from './schemas.js';

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
 * A validated verify request body, with the text it was parsed from: a worker parses the text
 * again (the same bounded parse and schema), which costs less than copying the object over.
 */
export interface VerifyRequest<B> {
  readonly body: B;
  readonly text: string;
}
export type VerifyCredentialBody = z.output<typeof VerifyCredentialRequestSchema>;
export type VerifyPresentationBody = z.output<typeof VerifyPresentationRequestSchema>;

/** What the VC-API routes verify with: in-process or a worker pool. */
export interface Verification {
  verifyCredential(request: VerifyRequest<VerifyCredentialBody>): Promise<ReportText>;
  verifyPresentation(request: VerifyRequest<VerifyPresentationBody>): Promise<ReportText>;
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

/** Verification on the calling thread (`TESSERA_VERIFY_WORKERS=0`, tests). */
export function inProcessVerification(verifier: Verifier): Verification {
  return {
    verifyCredential: async ({ body }) =>
      toReportText(await verifier.verifyCredential(body.verifiableCredential)),
    verifyPresentation: async ({ body }) =>
      toReportText(await verifier.verifyPresentation(body.verifiablePresentation, body.options)),
    invalidate: () => {},
    close: async () => {},
  };
}

// ---- The pool's message protocol (main thread ⇄ verify worker; each postMessage carries an array) ----

export interface WorkerInit {
  readonly publicUrl: string;
  /** The body limit the request was read with (its parse is repeated in the worker). */
  readonly bodyLimitBytes: number;
}

/** Main → worker. */
export type ToWorker =
  | {
      readonly t: 'verify';
      readonly id: number;
      readonly kind: 'credential' | 'presentation';
      /** The request body's text, already validated on the main thread. */
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
