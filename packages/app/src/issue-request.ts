import { isRecord, TesseraError } from '@tessera/core';
import { credentialClass, isProofFormat, PROOF_FORMATS, type ProofFormat } from '@tessera/credentials';
import type { AppDeps } from './deps.js';
import { newId } from './ids.js';
import type { TenantRecord } from './ports.js';
import { issuerProfile } from './tenants.js';

export interface IssueRequest {
  credential: unknown;
  options?: { format?: unknown; achievementId?: unknown } | undefined;
}

const fieldError = (
  pointer: string,
  message: string,
  code: 'INPUT_INVALID' | 'ISSUER_INVALID' = 'INPUT_INVALID',
) => new TesseraError(code, `${pointer}: ${message}`, { fields: [{ pointer, message }] });

function isUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    new URL(value);
    return /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(value);
  } catch {
    return false;
  }
}

/** Checks a VC-API issue request's shape: what it asks for, before anything is read or written. */
export function checkIssueRequest(request: IssueRequest): {
  format: ProofFormat;
  input: Record<string, unknown>;
} {
  const format = request.options?.format ?? 'eddsa-rdfc-2022';
  if (!isProofFormat(format))
    throw fieldError('/options/format', `must be one of ${PROOF_FORMATS.join(', ')}`);
  if (!isRecord(request.credential)) throw fieldError('/credential', 'must be a JSON object');
  const input = request.credential;
  // The engine also signs plain VCs (status lists); the VC-API issues Open Badges only.
  if (credentialClass(input) !== 'OpenBadgeCredential')
    throw fieldError('/credential/type', 'must include OpenBadgeCredential (or AchievementCredential)');
  if ('credentialStatus' in input)
    throw fieldError('/credential/credentialStatus', 'is assigned by the service; leave it out');
  if ('issuer' in input) {
    const issuer = input.issuer;
    if (!(isUrl(issuer) || (isRecord(issuer) && isUrl(issuer.id))))
      throw fieldError(
        '/credential/issuer',
        'must be a URL or a Profile whose id is a URL',
        'ISSUER_INVALID',
      );
  }

  return { format, input };
}

/** A credential ready to sign: the tenant's issuer, its id and dates assigned, its achievement filled in. */
export interface PreparedCredential {
  readonly credential: Record<string, unknown>;
  /** UUIDv7; the credential's id is `urn:uuid:<id>`. */
  readonly id: string;
  readonly now: Date;
  readonly subjectId: string;
  readonly achievementId?: string;
  readonly achievementVersion?: number;
}

/**
 * The service's own part of a credential: the request's issuer replaced by the tenant's
 * Profile, the id assigned (`urn:uuid:<UUIDv7>`), validFrom defaulted to now, the stored
 * achievement (by `options.achievementId`) put in, its name the credential's default name.
 */
export async function prepareCredential(
  deps: AppDeps,
  tenant: TenantRecord,
  input: Record<string, unknown>,
  options: IssueRequest['options'],
): Promise<PreparedCredential> {
  const credential: Record<string, unknown> = { ...input };
  let achievementId: string | undefined;
  let achievementVersion: number | undefined;
  const requested = options?.achievementId;
  if (requested !== undefined) {
    if (typeof requested !== 'string') throw fieldError('/options/achievementId', 'must be a string');
    const stored = await deps.store.achievements.latest(tenant.id, requested);
    if (!stored) throw new TesseraError('NOT_FOUND', `no achievement ${requested}`);
    if (!isRecord(credential.credentialSubject))
      throw fieldError('/credential/credentialSubject', 'must be an object');
    credential.credentialSubject = { ...credential.credentialSubject, achievement: stored.achievement };
    achievementId = stored.id;
    achievementVersion = stored.version;
  }
  // OB 3.0 requires a credential name; the achievement's is the natural default.
  const achievement = isRecord(credential.credentialSubject)
    ? credential.credentialSubject.achievement
    : undefined;
  if (credential.name === undefined && isRecord(achievement) && typeof achievement.name === 'string')
    credential.name = achievement.name;
  const id = newId(deps);
  credential.id = `urn:uuid:${id}`;
  credential.issuer = issuerProfile(tenant);
  const now = deps.now();
  if (credential.validFrom === undefined && credential.issuanceDate === undefined)
    credential.validFrom = `${now.toISOString().slice(0, 19)}Z`;

  const subject = isRecord(credential.credentialSubject) ? credential.credentialSubject.id : undefined;
  return {
    credential,
    id,
    now,
    subjectId: typeof subject === 'string' ? subject : '',
    ...(achievementId !== undefined ? { achievementId } : {}),
    ...(achievementVersion !== undefined ? { achievementVersion } : {}),
  };
}
