import { issueForTenant, securedJsonOf, securedOf } from '@tessera/app';
import { TesseraError } from '@tessera/core';
import { problemResponse } from '../problem.js';
import {
  IssueRequestSchema,
  VerifyCredentialRequestSchema,
  VerifyPresentationRequestSchema,
} from '../schemas.js';
import type { ReportText } from '../verification.js';
import { type AnyRoute, PUBLIC, type RouteContext, route, scope, tenantOf } from './route.js';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;
const UUID = /^(?:urn:uuid:)?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;
/** The UUID of a credential id given as `urn:uuid:…` or bare, lower-cased; undefined otherwise. */
export const credentialUuid = (id: string): string | undefined => UUID.exec(id)?.[1]?.toLowerCase();

/**
 * VC-API answers: 200 with the report when verified; 422 with the report inside a problem
 * document when the input was read but does not verify; 400 when it could not be read at all.
 * The report arrives serialized (from a verify worker, or in-process alike) and is sent as is.
 */
function reportResponse(
  ctx: RouteContext<unknown>,
  kind: 'credential' | 'presentation',
  report: ReportText,
): Response {
  const outcome = report.verified ? 'verified' : report.usable ? 'not_verified' : 'unusable';
  ctx.deps.metrics.countVerification(kind, outcome);
  if (report.verified) return ctx.c.body(report.json, 200, { 'content-type': 'application/json' });
  const failure = report.failure;
  const code = failure?.code ?? (kind === 'credential' ? 'CREDENTIAL_INVALID' : 'PRESENTATION_INVALID');
  const error = new TesseraError(
    code,
    `${kind === 'credential' ? 'the credential' : 'the presentation'} does not verify: ${failure?.check ?? 'checks'}: ${failure?.message ?? 'no signature was verified'}`,
  );
  return problemResponse(ctx.deps.app.publicUrl, error, {
    status: report.usable ? 422 : 400,
    extra: { report: JSON.parse(report.json) },
  });
}

export const vcApiRoutes: AnyRoute[] = [
  route({
    method: 'post',
    path: '/credentials/issue',
    tag: 'VC-API',
    summary:
      'Issue a credential as the calling tenant (the request issuer is replaced). An Idempotency-Key header makes retries safe.',
    access: scope('issue'),
    body: IssueRequestSchema,
    responses: {
      201: 'Issued and committed: { verifiableCredential }',
      400: 'Invalid input (ISSUER_INVALID for a null or non-URL issuer)',
      404: 'Unknown achievementId',
      409: 'Idempotency-Key reused with another body',
      422: 'Contexts refused',
    },
    async handler(ctx) {
      const key = ctx.c.req.header('idempotency-key');
      if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
        throw new TesseraError('INPUT_INVALID', 'Idempotency-Key must be 1-200 visible ASCII characters');
      }
      // The use case resolves only after the credential row committed: the 201 below is durable.
      const outcome = await issueForTenant(ctx.deps.app, tenantOf(ctx), ctx.body, key);
      ctx.deps.metrics.countIssuance(outcome.record.format, outcome.replayed);
      ctx.c.header('location', `/credentials/${outcome.record.id}`);
      if (outcome.replayed) ctx.c.header('idempotent-replayed', 'true');
      // The answer is built around the stored text rather than parsed and serialized again.
      return ctx.c.body(`{"verifiableCredential":${securedJsonOf(outcome.record)}}`, 201, {
        'content-type': 'application/json',
      });
    },
  }),
  route({
    method: 'post',
    path: '/credentials/verify',
    tag: 'VC-API',
    summary: 'Verify a credential (public, no API key): every check is reported with its reason.',
    access: PUBLIC,
    textBody: VerifyCredentialRequestSchema,
    responses: {
      200: 'Verified: the report',
      400: 'Not readable as a credential (problem with report)',
      422: 'Does not verify (problem with report)',
    },
    async handler(ctx) {
      return reportResponse(
        ctx,
        'credential',
        await ctx.deps.verification.verifyCredential(ctx.bodyText ?? ''),
      );
    },
  }),
  route({
    method: 'post',
    path: '/presentations/verify',
    tag: 'VC-API',
    summary: 'Verify a presentation for the expected challenge and domain, and every credential in it.',
    access: PUBLIC,
    textBody: VerifyPresentationRequestSchema,
    responses: {
      200: 'Verified: the report',
      400: 'Not readable as a presentation',
      422: 'Does not verify (problem with report)',
    },
    async handler(ctx) {
      const report = await ctx.deps.verification.verifyPresentation(ctx.bodyText ?? '');
      return reportResponse(ctx, 'presentation', report);
    },
  }),
  route({
    method: 'get',
    path: '/credentials/:id',
    tag: 'VC-API',
    summary: "One of the tenant's credentials by id (UUID or urn:uuid:…).",
    access: scope('read'),
    owned: { param: 'id', resource: 'credential' },
    responses: {
      200: '{ verifiableCredential, format, issuedAt, achievementId?, achievementVersion? }',
      404: 'No such credential of this tenant',
    },
    async handler(ctx) {
      const tenant = tenantOf(ctx);
      const id = credentialUuid(ctx.params.id ?? '');
      const record = id ? await ctx.deps.app.store.credentials.byId(tenant.id, id) : undefined;
      if (!record) throw new TesseraError('NOT_FOUND', `no credential ${ctx.params.id}`);
      return ctx.c.json({
        verifiableCredential: securedOf(record),
        format: record.format,
        issuedAt: record.issuedAt,
        ...(record.achievementId !== undefined
          ? { achievementId: record.achievementId, achievementVersion: record.achievementVersion }
          : {}),
      });
    },
  }),
];
