import { type ErrorCode, isRecord } from '@tessera/core';
import type { Verifier } from '@tessera/credentials';
import type { NoteVerifier } from '@tessera/tlog';
import { bodyText, readProblem, request, Unreachable } from './http.js';

/**
 * What \`tessera audit\`'s parts share: the finding it reports (an AuditFailure: exit 1), the
 * server's resources fetched for it (an error answer is exit 2, not a finding), and the run's context.
 */
export class AuditFailure extends Error {
  override readonly name = 'AuditFailure';
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** GET a resource; an error answer means the audit could not be done (exit 2), not a finding. */
export async function get(url: string, accept: string): Promise<string> {
  const response = await request(url, { headers: { accept } });
  if (response.status !== 200) {
    const problem = await readProblem(url, response);
    throw new Unreachable(
      'FETCH_FAILED',
      `GET ${url} answered ${response.status}: ${problem.code}: ${problem.detail}`,
    );
  }
  return bodyText(url, response);
}

export async function getJson(
  url: string,
  malformed: (why: string) => AuditFailure,
): Promise<Record<string, unknown>> {
  const text = await get(url, 'application/json');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw malformed('not JSON');
  }
  if (!isRecord(value)) throw malformed('not a JSON object');
  return value;
}

export interface AuditContext {
  readonly server: string;
  readonly verifier: NoteVerifier;
  /** The origin every checkpoint must have, once one has been trusted. */
  origin: string | undefined;
  lists?: Verifier;
}
