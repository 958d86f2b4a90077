import {
  type AchievementRecord,
  type ApiKeyRecord,
  type CreateTenantInput,
  createAchievement,
  createApiKey,
  createTenant,
  type IssuerKeyRecord,
  issuerProfile,
  rotateKey,
  SCOPES,
  type TenantRecord,
  timestamp,
  updateAchievement,
} from '@tessera/app';
import { TesseraError } from '@tessera/core';
import { zodToError } from '../body.js';
import {
  AchievementQuerySchema,
  AchievementRequestSchema,
  CreateApiKeyRequestSchema,
  CreateTenantRequestSchema,
} from '../schemas.js';
import { type AnyRoute, OPERATOR, route, scope, tenantOf } from './route.js';

// Representations: never the sealed secret key, never a token hash.
export const tenantJson = (t: TenantRecord, publicUrl: string) => ({
  ...t,
  profile: issuerProfile(t),
  ...(t.didMethod === 'web' ? { didDocument: `${publicUrl}/tenants/${t.slug}/did.json` } : {}),
});
const keyJson = (k: IssuerKeyRecord) => ({
  id: k.id,
  verificationMethod: k.verificationMethod,
  publicKeyMultibase: k.publicKeyMultibase,
  status: k.status,
  createdAt: k.createdAt,
  ...(k.retiredAt !== undefined ? { retiredAt: k.retiredAt } : {}),
});
const apiKeyJson = (k: ApiKeyRecord) => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  scopes: k.scopes,
  createdAt: k.createdAt,
  ...(k.revokedAt !== undefined ? { revokedAt: k.revokedAt } : {}),
});
const achievementJson = (a: AchievementRecord) => ({
  id: a.id,
  version: a.version,
  createdAt: a.createdAt,
  achievement: a.achievement,
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Ids that cannot exist are the same 404 as ids of another tenant: the caller learns nothing. */
const ownedId = (value: string | undefined, what: string): string => {
  if (!value || !UUID.test(value)) throw new TesseraError('NOT_FOUND', `no ${what} ${value ?? ''}`);
  return value.toLowerCase();
};

export const adminRoutes: AnyRoute[] = [
  route({
    method: 'post',
    path: '/admin/tenants',
    tag: 'Admin',
    summary:
      'Create a tenant, its first signing key and an API key with every scope (shown once). Operator token only.',
    access: OPERATOR,
    body: CreateTenantRequestSchema,
    responses: {
      201: '{ tenant, keys, apiKey: { …, token } }',
      401: 'No or wrong operator token',
      409: 'Slug taken',
    },
    async handler(ctx) {
      // zod leaves absent optionals as undefined; the use case wants them absent (exactOptionalPropertyTypes).
      const input = Object.fromEntries(
        Object.entries(ctx.body).filter(([, v]) => v !== undefined),
      ) as unknown as CreateTenantInput;
      const { tenant, key } = await createTenant(ctx.deps.app, input);
      const { record, token } = await createApiKey(ctx.deps.app, tenant.id, {
        name: 'bootstrap admin',
        scopes: SCOPES,
      });
      return ctx.c.json(
        {
          tenant: tenantJson(tenant, ctx.deps.app.publicUrl),
          keys: [keyJson(key)],
          apiKey: { ...apiKeyJson(record), token },
        },
        201,
      );
    },
  }),
  route({
    method: 'get',
    path: '/admin/tenant',
    tag: 'Admin',
    summary: "The calling key's tenant (issuer Profile and DID).",
    access: scope('read'),
    responses: { 200: 'The tenant' },
    handler: (ctx) => ctx.c.json(tenantJson(tenantOf(ctx), ctx.deps.app.publicUrl)),
  }),
  route({
    method: 'post',
    path: '/achievements',
    tag: 'Achievements',
    summary: 'Create an OB 3.0 Achievement (version 1).',
    access: scope('admin'),
    body: AchievementRequestSchema,
    responses: { 201: 'The achievement record', 400: 'Invalid achievement fields' },
    async handler(ctx) {
      const record = await createAchievement(ctx.deps.app, tenantOf(ctx), ctx.body);
      return ctx.c.json(achievementJson(record), 201);
    },
  }),
  route({
    method: 'put',
    path: '/achievements/:id',
    tag: 'Achievements',
    summary: 'Update an achievement as a new immutable version.',
    access: scope('admin'),
    body: AchievementRequestSchema,
    owned: { param: 'id', resource: 'achievement' },
    responses: { 200: 'The new version', 404: 'No such achievement of this tenant' },
    async handler(ctx) {
      const record = await updateAchievement(
        ctx.deps.app,
        tenantOf(ctx),
        ownedId(ctx.params.id, 'achievement'),
        ctx.body,
      );
      return ctx.c.json(achievementJson(record), 200);
    },
  }),
  route({
    method: 'get',
    path: '/achievements',
    tag: 'Achievements',
    summary: 'The latest version of each achievement.',
    access: scope('read'),
    responses: { 200: '{ achievements: [...] }' },
    async handler(ctx) {
      const list = await ctx.deps.app.store.achievements.list(tenantOf(ctx).id);
      return ctx.c.json({ achievements: list.map(achievementJson) });
    },
  }),
  route({
    method: 'get',
    path: '/achievements/:id',
    tag: 'Achievements',
    summary: 'An achievement: the latest version, or `?version=N`.',
    access: scope('read'),
    owned: { param: 'id', resource: 'achievement' },
    query: { version: 'integer ≥ 1: a specific version' },
    responses: { 200: 'The achievement record', 404: 'No such achievement (or version) of this tenant' },
    async handler(ctx) {
      const tenant = tenantOf(ctx);
      const id = ownedId(ctx.params.id, 'achievement');
      const query = AchievementQuerySchema.safeParse(Object.fromEntries(ctx.query));
      if (!query.success) throw zodToError(query.error);
      const { version } = query.data;
      const store = ctx.deps.app.store.achievements;
      const record =
        version === undefined
          ? await store.latest(tenant.id, id)
          : await store.version(tenant.id, id, version);
      if (!record)
        throw new TesseraError(
          'NOT_FOUND',
          `no achievement ${id}${version === undefined ? '' : ` version ${version}`}`,
        );
      return ctx.c.json(achievementJson(record));
    },
  }),
  route({
    method: 'get',
    path: '/keys',
    tag: 'Keys',
    summary: "The tenant's signing keys, active and retired (public parts only).",
    access: scope('read'),
    responses: { 200: '{ keys: [...] }' },
    async handler(ctx) {
      return ctx.c.json({ keys: (await ctx.deps.app.store.keys.list(tenantOf(ctx).id)).map(keyJson) });
    },
  }),
  route({
    method: 'post',
    path: '/keys/rotate',
    tag: 'Keys',
    summary: 'Rotate: a new key signs from now on; the old one is retired and stays in the DID document.',
    access: scope('admin'),
    responses: { 201: 'The new key', 409: 'A did:key tenant cannot rotate' },
    async handler(ctx) {
      const tenant = tenantOf(ctx);
      const key = await rotateKey(ctx.deps.app, tenant);
      ctx.deps.dids.invalidate(tenant.slug);
      return ctx.c.json(keyJson(key), 201);
    },
  }),
  route({
    method: 'post',
    path: '/api-keys',
    tag: 'API keys',
    summary: 'Create an API key; its token is in this response only.',
    access: scope('admin'),
    body: CreateApiKeyRequestSchema,
    responses: { 201: 'The key with its token' },
    async handler(ctx) {
      const { record, token } = await createApiKey(ctx.deps.app, tenantOf(ctx).id, ctx.body);
      return ctx.c.json({ ...apiKeyJson(record), token }, 201);
    },
  }),
  route({
    method: 'get',
    path: '/api-keys',
    tag: 'API keys',
    summary: "The tenant's API keys (never their tokens).",
    access: scope('admin'),
    responses: { 200: '{ apiKeys: [...] }' },
    async handler(ctx) {
      return ctx.c.json({
        apiKeys: (await ctx.deps.app.store.apiKeys.list(tenantOf(ctx).id)).map(apiKeyJson),
      });
    },
  }),
  route({
    method: 'delete',
    path: '/api-keys/:id',
    tag: 'API keys',
    summary: 'Revoke an API key at once.',
    access: scope('admin'),
    owned: { param: 'id', resource: 'apiKey' },
    responses: { 204: 'Revoked', 404: 'No such active key of this tenant' },
    async handler(ctx) {
      const tenant = tenantOf(ctx);
      const id = ownedId(ctx.params.id, 'API key');
      const at = timestamp(ctx.deps.app.now());
      const revoked = await ctx.deps.app.store.transaction((tx) => tx.apiKeys.revoke(tenant.id, id, at), {
        tenantId: tenant.id,
      });
      if (!revoked) throw new TesseraError('NOT_FOUND', `no active API key ${id}`);
      return ctx.c.body(null, 204);
    },
  }),
];
