import { base64urlEncode, bytesEqual, fromHex, TesseraError, toHex, utf8Encode } from '@tessera/core';
import { type AppDeps, timestamp } from './deps.js';
import { newId } from './ids.js';
import { type ApiKeyRecord, SCOPES, type Scope } from './ports.js';

/**
 * API keys are `tsk_<prefix>_<secret>`: the prefix finds the row, the SHA-256 of the whole token
 * is all that is stored, and the token is shown once. A 256-bit random secret needs no slow hash.
 */
const TOKEN = /^tsk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export interface Principal {
  readonly tenantId: string;
  readonly apiKeyId: string;
  readonly scopes: readonly Scope[];
}

export function parseScopes(value: readonly string[]): Scope[] {
  const bad = value.filter((s) => !SCOPES.includes(s as Scope));
  if (bad.length > 0 || value.length === 0) {
    throw new TesseraError(
      'INPUT_INVALID',
      `scopes must be a non-empty subset of ${SCOPES.join(', ')}${bad.length ? `; unknown: ${bad.join(', ')}` : ''}`,
    );
  }
  return [...new Set(value)] as Scope[];
}

const hashToken = async (deps: AppDeps, token: string) => toHex(await deps.crypto.sha256(utf8Encode(token)));

export async function createApiKey(
  deps: AppDeps,
  tenantId: string,
  input: { name: string; scopes: readonly string[] },
): Promise<{ record: ApiKeyRecord; token: string }> {
  const scopes = parseScopes(input.scopes);
  const prefix = toHex(deps.crypto.randomBytes(8));
  const token = `tsk_${prefix}_${base64urlEncode(deps.crypto.randomBytes(32))}`;
  const record: ApiKeyRecord = {
    id: newId(deps),
    tenantId,
    name: input.name,
    prefix,
    tokenHash: await hashToken(deps, token),
    scopes,
    createdAt: timestamp(deps.now()),
  };
  await deps.store.transaction((tx) => tx.apiKeys.insert(record), { tenantId });
  return { record, token };
}

/** Who is calling: AUTH_MISSING for no or a malformed, unknown or revoked token (never which). */
export async function authenticate(deps: AppDeps, token: string | undefined): Promise<Principal> {
  const match = token ? TOKEN.exec(token) : null;
  if (!token || !match)
    throw new TesseraError('AUTH_MISSING', 'a valid API key is required (Authorization: Bearer tsk_…)');
  const record = await deps.store.apiKeys.byPrefix(match[1]!);
  const hash = await hashToken(deps, token);
  if (!record || record.revokedAt !== undefined || !bytesEqual(fromHex(record.tokenHash), fromHex(hash))) {
    throw new TesseraError('AUTH_MISSING', 'the API key is not valid');
  }
  return { tenantId: record.tenantId, apiKeyId: record.id, scopes: record.scopes };
}

export function requireScope(principal: Principal, scope: Scope): void {
  if (!principal.scopes.includes(scope))
    throw new TesseraError('AUTH_FORBIDDEN', `this API key lacks the "${scope}" scope`);
}
