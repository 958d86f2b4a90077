import { createHash, timingSafeEqual } from 'node:crypto';
import { authenticate, type Principal, requireScope, type TenantRecord } from '@tessera/app';
import { TesseraError } from '@tessera/core';
import type { Access, ServerDeps } from './routes/route.js';

export interface Caller {
  readonly principal?: Principal;
  readonly tenant?: TenantRecord;
}

/** A 429 that knows when to come back (sent as Retry-After). */
export class RateLimitedError extends TesseraError {
  constructor(readonly retryAfterSeconds: number) {
    super('RATE_LIMITED', `rate limit exceeded for this API key; retry in ${retryAfterSeconds} s`);
  }
}

function limit(deps: ServerDeps, key: string): void {
  const wait = deps.rateLimiter.take(key);
  if (wait > 0) throw new RateLimitedError(wait);
}

const bearer = (header: string | undefined): string | undefined => {
  const match = header ? /^Bearer[ ]+(\S+)$/i.exec(header) : null;
  return match?.[1];
};

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * Authenticates and authorizes a request for a route's access rule. 401 without valid
 * credentials, 403 for a key lacking the scope; the rate limit (429) applies per key, after
 * authentication so one tenant cannot exhaust another's budget.
 */
export async function authorize(
  deps: ServerDeps,
  access: Access,
  authorization: string | undefined,
): Promise<Caller> {
  if (access.kind === 'public') return {};
  const token = bearer(authorization);
  if (access.kind === 'operator') {
    // Compare digests in constant time: the operator token is a long-lived secret.
    if (!deps.adminToken || !token || !timingSafeEqual(digest(token), digest(deps.adminToken))) {
      throw new TesseraError(
        'AUTH_MISSING',
        deps.adminToken
          ? 'the operator token is required (Authorization: Bearer …)'
          : 'tenant creation is disabled: no operator token is configured (TESSERA_ADMIN_TOKEN)',
      );
    }
    limit(deps, 'operator');
    return {};
  }
  const principal = await authenticate(deps.app, token);
  // Counted before the scope check, so probing with a wrong-scope key also spends the budget.
  limit(deps, principal.apiKeyId);
  const tenant = await deps.app.store.tenants.byId(principal.tenantId);
  if (!tenant) throw new TesseraError('AUTH_MISSING', 'the API key is not valid');
  requireScope(principal, access.scope);
  return { principal, tenant };
}
