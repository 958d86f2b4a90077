import { createHash } from 'node:crypto';
import { TesseraError } from '@tessera/core';
import { tenantDidDocument } from '../did-resolution.js';
import { DOCS_CSS, DocsPage } from '../docs-page.js';
import { buildOpenApi } from '../openapi.js';
import { type AnyRoute, PUBLIC, route } from './route.js';

const DOCS_CSP = `default-src 'none'; style-src 'sha256-${createHash('sha256').update(DOCS_CSS).digest('base64')}'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`;

// Generated once per app instance (the table and public URL never change while it runs).
const openApiCache = new WeakMap<object, string>();

export const publicRoutes: AnyRoute[] = [
  route({
    method: 'get',
    path: '/tenants/:slug/did.json',
    tag: 'Identity',
    summary: "A tenant's did:web DID document: every key, active and retired, for verifying what it signed.",
    access: PUBLIC,
    responses: { 200: 'The DID document', 404: 'No such did:web tenant' },
    async handler(ctx) {
      const doc = await tenantDidDocument(ctx.deps.app, ctx.params.slug ?? '');
      if (!doc) throw new TesseraError('NOT_FOUND', `no tenant ${ctx.params.slug}`);
      ctx.c.header('cache-control', 'public, max-age=60');
      return ctx.c.body(JSON.stringify(doc), 200, { 'content-type': 'application/did+json' });
    },
  }),
  route({
    method: 'get',
    path: '/healthz',
    tag: 'Operations',
    summary: 'Liveness: the process answers.',
    access: PUBLIC,
    responses: { 200: '{ status: "ok" }' },
    handler: (ctx) => ctx.c.json({ status: 'ok' }),
  }),
  route({
    method: 'get',
    path: '/readyz',
    tag: 'Operations',
    summary: 'Readiness: the database is reachable.',
    access: PUBLIC,
    responses: { 200: '{ status: "ready" }', 503: 'The database is unreachable (Retry-After)' },
    async handler(ctx) {
      try {
        await ctx.deps.app.store.ping();
      } catch (e) {
        throw e instanceof TesseraError
          ? e
          : new TesseraError('UNAVAILABLE', 'the database is unreachable', { cause: e });
      }
      return ctx.c.json({ status: 'ready', database: ctx.deps.app.store.dialect });
    },
  }),
  route({
    method: 'get',
    path: '/metrics',
    tag: 'Operations',
    summary:
      'Prometheus metrics: requests and latencies per route and status, verification outcomes, issuance counts.',
    access: PUBLIC,
    responses: { 200: 'Prometheus text format 0.0.4' },
    handler: (ctx) =>
      ctx.c.body(ctx.deps.metrics.render(), 200, {
        'content-type': 'text/plain; version=0.0.4; charset=utf-8',
      }),
  }),
  route({
    method: 'get',
    path: '/openapi.json',
    tag: 'Operations',
    summary: 'This API as OpenAPI 3.1, generated from the schemas that validate requests.',
    access: PUBLIC,
    responses: { 200: 'OpenAPI document' },
    handler(ctx) {
      let text = openApiCache.get(ctx.deps);
      if (text === undefined) {
        text = JSON.stringify(buildOpenApi(ctx.routes, ctx.deps.app.publicUrl));
        openApiCache.set(ctx.deps, text);
      }
      return ctx.c.body(text, 200, { 'content-type': 'application/json' });
    },
  }),
  route({
    method: 'get',
    path: '/docs',
    tag: 'Operations',
    summary: 'A readable API reference (this page).',
    access: PUBLIC,
    responses: { 200: 'HTML' },
    handler(ctx) {
      ctx.c.header('content-security-policy', DOCS_CSP);
      return ctx.c.html(
        `<!doctype html>${(<DocsPage routes={ctx.routes} publicUrl={ctx.deps.app.publicUrl} />).toString()}`,
      );
    },
  }),
];
