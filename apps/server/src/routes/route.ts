import type { AppDeps, Principal, Scope, TenantRecord } from '@tessera/app';
import type { Verifier } from '@tessera/credentials';
import type { Context } from 'hono';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { LocalDids } from '../did-resolution.js';
import type { LogService } from '../log-service.js';
import type { Metrics } from '../metrics.js';
import type { RateLimiter } from '../rate-limit.js';
import type { Verification } from '../verification.js';

/** Everything the HTTP layer needs, built by the composition root (or a test). */
export interface ServerDeps {
  readonly app: AppDeps;
  /** In-process verifier (same resolver); the routes verify through `verification`. */
  readonly verifier: Verifier;
  /** The VC-API's verification: a worker pool, or in-process. Closed with the server. */
  readonly verification: Verification;
  readonly dids: LocalDids;
  /** The transparency log's checkpoint signer. */
  readonly log: LogService;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly rateLimiter: RateLimiter;
  readonly bodyLimitBytes: number;
  /** The operator token that may create tenants; undefined disables `POST /admin/tenants`. */
  readonly adminToken: string | undefined;
}

/**
 * Who may call a route: anyone, the operator (bootstrap token from config), or an API key
 * holding a scope. Scoped routes run as the key's tenant and see only its rows.
 */
export type Access =
  | { readonly kind: 'public' }
  | { readonly kind: 'operator' }
  | { readonly kind: 'scope'; readonly scope: Scope };

/** Kinds of tenant-owned rows a route addresses by id (the isolation tests are generated from these). */
export type OwnedResource = 'credential' | 'achievement' | 'apiKey';

export interface RouteContext<B> {
  readonly c: Context;
  readonly deps: ServerDeps;
  readonly body: B;
  /** The body's text as read (routes with `body` or `textBody`). */
  readonly bodyText: string | undefined;
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  /** The calling tenant; set on scoped routes only. */
  readonly tenant: TenantRecord | undefined;
  readonly principal: Principal | undefined;
  /** The whole route table (for /openapi.json and /docs). */
  readonly routes: readonly AnyRoute[];
}

export interface RouteSpec<S extends z.ZodType | undefined> {
  readonly method: 'get' | 'post' | 'put' | 'delete';
  /** Hono path template, e.g. `/achievements/:id`; also the metrics label. */
  readonly path: string;
  readonly tag: string;
  readonly summary: string;
  readonly access: Access;
  readonly body?: S;
  /**
   * A body read only as bounded text and parsed against this schema by whoever consumes it (a
   * verify worker): the main thread does not parse what it would only pass on. Documented like `body`.
   */
  readonly textBody?: z.ZodType;
  /** The path parameter naming a tenant-owned row: another tenant's id answers 404. */
  readonly owned?: { readonly param: string; readonly resource: OwnedResource };
  /** Documented responses: status → description. */
  readonly responses: Readonly<Record<number, string>>;
  readonly query?: Readonly<Record<string, string>>;
  readonly handler: (
    ctx: RouteContext<S extends z.ZodType ? z.output<S> : undefined>,
  ) => Promise<Response> | Response;
}

// biome-ignore lint/suspicious/noExplicitAny: the table holds routes of every body type
export type AnyRoute = RouteSpec<any>;

/** Declares a route with its body type inferred from its schema. */
export const route = <S extends z.ZodType | undefined = undefined>(spec: RouteSpec<S>): AnyRoute => spec;

/** Narrows the tenant of a scoped route (the router guarantees it; this keeps the types honest). */
export function tenantOf(ctx: { tenant: TenantRecord | undefined }): TenantRecord {
  if (!ctx.tenant) throw new Error('tenantOf used on a route without tenant access');
  return ctx.tenant;
}

export const scope = (s: Scope): Access => ({ kind: 'scope', scope: s });
export const PUBLIC: Access = { kind: 'public' };
export const OPERATOR: Access = { kind: 'operator' };
