import {
  consistencyProofFor,
  credentialReceipt,
  inclusionProofFor,
  logEntries,
  MAX_ENTRIES_PAGE,
} from '@tessera/app';
import { base64Decode, TesseraError } from '@tessera/core';
import type { z } from 'zod';
import { zodToError } from '../body.js';
import { ConsistencyQuerySchema, EntriesQuerySchema, InclusionQuerySchema } from '../schemas.js';
import { type AnyRoute, PUBLIC, type RouteContext, route, scope, tenantOf } from './route.js';
import { credentialUuid } from './vc-api.js';

/** Proofs and entries below a signed size never change: caches may keep them forever. */
const IMMUTABLE = { 'cache-control': 'public, max-age=31536000, immutable' };

function queryOf<S extends z.ZodType>(ctx: RouteContext<unknown>, schema: S): z.output<S> {
  const parsed = schema.safeParse(Object.fromEntries(ctx.query));
  if (!parsed.success) throw zodToError(parsed.error);
  return parsed.data;
}

export const logRoutes: AnyRoute[] = [
  route({
    method: 'get',
    path: '/log/checkpoint',
    tag: 'Transparency log',
    summary:
      'The newest signed checkpoint (C2SP tlog-checkpoint in a signed note: origin, size, root hash, Ed25519 signature).',
    access: PUBLIC,
    responses: { 200: 'text/plain signed note' },
    async handler(ctx) {
      const checkpoint = await ctx.deps.log.checkpointNow();
      if (!checkpoint) throw new TesseraError('UNAVAILABLE', 'no checkpoint has been signed yet');
      return ctx.c.body(checkpoint.note, 200, {
        'content-type': 'text/plain; charset=utf-8',
        'cache-control': 'no-cache',
      });
    },
  }),
  route({
    method: 'get',
    path: '/log/key',
    tag: 'Transparency log',
    summary: 'The log’s note verifier key (`<origin>+<key id>+<key>`), for witnesses and `tessera audit`.',
    access: PUBLIC,
    responses: { 200: 'text/plain verifier key' },
    async handler(ctx) {
      const identity = await ctx.deps.log.identity();
      return ctx.c.body(`${identity.verifierKey}\n`, 200, { 'content-type': 'text/plain; charset=utf-8' });
    },
  }),
  route({
    method: 'get',
    path: '/log/proof/inclusion',
    tag: 'Transparency log',
    summary: 'Inclusion proof of a leaf (by its RFC 9162 leaf hash) in the tree of `size` leaves.',
    access: PUBLIC,
    query: { leaf: 'base64 leaf hash (32 bytes)', size: 'tree size' },
    responses: { 200: '{ leafIndex, treeSize, hashes: [base64…] }', 400: 'Bad query', 404: 'No such leaf' },
    async handler(ctx) {
      const q = queryOf(ctx, InclusionQuerySchema);
      let hash: Uint8Array;
      try {
        // A '+' in a query string arrives as a space.
        hash = base64Decode(q.leaf.replaceAll(' ', '+'));
      } catch {
        throw new TesseraError('INPUT_INVALID', 'leaf must be a base64 leaf hash');
      }
      return ctx.c.json(await inclusionProofFor(ctx.deps.app, hash, q.size), 200, IMMUTABLE);
    },
  }),
  route({
    method: 'get',
    path: '/log/proof/consistency',
    tag: 'Transparency log',
    summary: 'Consistency proof from the tree of `from` leaves to the tree of `to` leaves.',
    access: PUBLIC,
    query: { from: 'older tree size', to: 'newer tree size' },
    responses: { 200: '{ treeSize, hashes: [base64…] }', 400: 'Bad query' },
    async handler(ctx) {
      const q = queryOf(ctx, ConsistencyQuerySchema);
      return ctx.c.json(await consistencyProofFor(ctx.deps.app, q.from, q.to), 200, IMMUTABLE);
    },
  }),
  route({
    method: 'get',
    path: '/log/entries',
    tag: 'Transparency log',
    summary: `Leaves [start, end) with their exact bytes in base64 (at most ${MAX_ENTRIES_PAGE} a page), to recompute the tree.`,
    access: PUBLIC,
    query: { start: 'first index', end: 'one past the last index' },
    responses: { 200: '{ start, entries: [{ index, leaf }] }', 400: 'Bad range' },
    async handler(ctx) {
      const q = queryOf(ctx, EntriesQuerySchema);
      return ctx.c.json(await logEntries(ctx.deps.app, q.start, q.end), 200, IMMUTABLE);
    },
  }),
  route({
    method: 'get',
    path: '/credentials/:id/receipt',
    tag: 'Transparency log',
    summary:
      'The issuance receipt: the log leaf, its inclusion proof to a signed checkpoint, the commitment salt, and the signing key’s log events.',
    access: scope('read'),
    owned: { param: 'id', resource: 'credential' },
    responses: { 200: 'TesseraLogReceipt', 404: 'No such credential of this tenant' },
    async handler(ctx) {
      const tenant = tenantOf(ctx);
      const id = credentialUuid(ctx.params.id ?? '');
      if (!id) throw new TesseraError('NOT_FOUND', `no credential ${ctx.params.id}`);
      const identity = await ctx.deps.log.identity();
      // Private (behind an API key); any receipt stays valid, a later one may cite a newer checkpoint.
      return ctx.c.json(await credentialReceipt(ctx.deps.app, identity, tenant, id), 200, {
        'cache-control': 'private, max-age=3600',
      });
    },
  }),
];
