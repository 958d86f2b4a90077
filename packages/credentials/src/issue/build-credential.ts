import { uuidv7 } from '@tessera/core';
import { OB_CONTEXT, VC_V2_CONTEXT } from '../verify/context-check.js';
import { isoSeconds } from './issue-credential.js';

export interface IssuerProfileInput {
  id: string;
  name?: string;
  url?: string;
  email?: string;
  description?: string;
  image?: unknown;
}

export interface BuildCredentialInput {
  issuer: IssuerProfileInput;
  /** An OB 3.0 Achievement object (validated when the credential is issued). */
  achievement: Record<string, unknown>;
  subjectId: string;
  results?: readonly Record<string, unknown>[];
  evidence?: readonly Record<string, unknown>[];
  validFrom?: Date;
  validUntil?: Date;
  /** Credential name; defaults to the achievement's. */
  name?: string;
  /** Injected for determinism in tests. */
  now?: () => Date;
  randomBytes?: (n: number) => Uint8Array;
}

/** Assembles an unsigned OpenBadgeCredential (OB 3.0, VC 2.0) with a `urn:uuid` UUIDv7 id. */
export function buildOpenBadgeCredential(input: BuildCredentialInput): Record<string, unknown> {
  const now = (input.now ?? (() => new Date()))();
  const random = (input.randomBytes ?? ((n: number) => globalThis.crypto.getRandomValues(new Uint8Array(n))))(
    10,
  );
  const subject: Record<string, unknown> = {
    id: input.subjectId,
    type: ['AchievementSubject'],
    achievement: input.achievement,
  };
  if (input.results && input.results.length > 0) subject.result = input.results;
  const { id, ...profile } = input.issuer;
  const credential: Record<string, unknown> = {
    '@context': [VC_V2_CONTEXT, OB_CONTEXT],
    id: `urn:uuid:${uuidv7(now.getTime(), random)}`,
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    name: input.name ?? (typeof input.achievement.name === 'string' ? input.achievement.name : 'Open Badge'),
    issuer: { id, type: ['Profile'], ...profile },
    validFrom: isoSeconds(input.validFrom ?? now),
    credentialSubject: subject,
  };
  if (input.validUntil) credential.validUntil = isoSeconds(input.validUntil);
  if (input.evidence && input.evidence.length > 0) credential.evidence = input.evidence;
  return credential;
}
