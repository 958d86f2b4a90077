import { changeStatus, STATUS_LIST_TTL_SECONDS } from '@tessera/app';
import { TesseraError } from '@tessera/core';
import { tenantStatusList } from '../did-resolution.js';
import { UpdateStatusRequestSchema } from '../schemas.js';
import { type AnyRoute, PUBLIC, route, scope, tenantOf } from './route.js';
import { credentialUuid } from './vc-api.js';

export const statusRoutes: AnyRoute[] = [
  route({
    method: 'get',
    path: '/status/:tenant/:list',
    tag: 'Status',
    summary:
      'A signed Bitstring Status List credential (revocation-N or suspension-N). Cacheable for its ttl; ETag and If-None-Match give 304.',
    access: PUBLIC,
    responses: { 200: 'The BitstringStatusListCredential', 304: 'Not modified', 404: 'No such list' },
    async handler(ctx) {
      const list = await tenantStatusList(ctx.deps.app, ctx.params.tenant ?? '', ctx.params.list ?? '');
      if (!list)
        throw new TesseraError('NOT_FOUND', `no status list ${ctx.params.tenant}/${ctx.params.list}`);
      // The version moves on every change, so the ETag is exact and cheap (no hashing per request).
      const etag = `"${list.id}.${list.version}"`;
      const headers = {
        etag,
        'cache-control': `public, max-age=${STATUS_LIST_TTL_SECONDS}`,
        'last-modified': new Date(list.updatedAt).toUTCString(),
      };
      const match = ctx.c.req.header('if-none-match');
      if (match?.split(',').some((t) => t.trim().replace(/^W\//, '') === etag))
        return ctx.c.body(null, 304, headers);
      return ctx.c.body(list.document, 200, { ...headers, 'content-type': 'application/vc' });
    },
  }),
  route({
    method: 'post',
    path: '/credentials/status',
    tag: 'VC-API',
    summary:
      'Revoke (final), suspend or reinstate one of the tenant’s credentials. The list is re-signed and the change logged in the same transaction; the reason stays private.',
    access: scope('status'),
    body: UpdateStatusRequestSchema,
    responses: {
      200: '{ credentialId, status, changed }: changed is false when it already had this status',
      404: 'No such credential of this tenant',
      409: 'STATUS_FINAL: the credential is revoked',
    },
    async handler(ctx) {
      const tenant = tenantOf(ctx);
      const id = credentialUuid(ctx.body.credentialId);
      if (!id) throw new TesseraError('NOT_FOUND', `no credential ${ctx.body.credentialId}`);
      const outcome = await changeStatus(
        ctx.deps.app,
        tenant,
        id,
        ctx.body.credentialStatus[0]!.status,
        ctx.body.reason,
      );
      // This server's own verifiers must see the change at once, not after the list's ttl.
      if (outcome.changed) ctx.deps.dids.invalidate(tenant.slug);
      return ctx.c.json({ credentialId: `urn:uuid:${id}`, status: outcome.status, changed: outcome.changed });
    },
  }),
];
