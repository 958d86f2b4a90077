import type { IncomingMessage } from 'node:http';
import { TesseraError, toTesseraError } from '@tessera/core';
import { type Context, Hono } from 'hono';
import { authorize } from './auth.js';
import { readBodyText, readJsonBody } from './body.js';
import { problemResponse } from './problem.js';
import { ROUTES } from './routes/index.js';
import type { AnyRoute, ServerDeps } from './routes/route.js';

type Env = { Variables: { route: string } };
/** On a socket, @hono/node-server passes the Node request: bodies are read from it directly. */
const incomingOf = (c: Context<Env>) => (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;

const templateRegex = (path: string) =>
  new RegExp(`^${path.replace(/[.]/g, '\\.').replace(/:[A-Za-z0-9_]+/g, '[^/]+')}$`);

/**
 * The HTTP app: one table of routes, each wrapped in the same pipeline (auth → rate limit →
 * scope → bounded body parse → handler) with errors mapped once to problem+json. Testable with
 * `app.request()`; `startServer` puts it on a socket.
 */
export function createApp(deps: ServerDeps, routes: readonly AnyRoute[] = ROUTES): Hono<Env> {
  const app = new Hono<Env>();
  const publicUrl = deps.app.publicUrl;
  const templates = routes.map((r) => ({ route: r, regex: templateRegex(r.path) }));

  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    // Set on the response's own headers: `c.header()` after the handler would rebuild the
    // response around a body stream (on @hono/node-server, a slow path for every request).
    const headers = c.res.headers;
    headers.set('x-content-type-options', 'nosniff');
    if (!headers.has('content-security-policy'))
      headers.set('content-security-policy', "default-src 'none'; frame-ancestors 'none'");
    const route = c.get('route') ?? 'unmatched';
    const ms = performance.now() - started;
    deps.metrics.observeRequest(c.req.method, route, c.res.status, ms / 1000);
    // One line per request: route template, not the raw URL; never headers (API keys) or bodies.
    deps.logger.info(
      { method: c.req.method, route, status: c.res.status, ms: Math.round(ms * 10) / 10 },
      'request',
    );
  });

  const fail = (c: Context<Env>, e: unknown): Response => {
    const error = toTesseraError(e);
    if (error.code === 'INTERNAL') deps.logger.error({ err: e, route: c.get('route') }, 'internal error');
    else if (error.code === 'UNAVAILABLE')
      deps.logger.warn({ detail: error.message, route: c.get('route') }, 'store unavailable');
    return problemResponse(publicUrl, error);
  };

  for (const r of routes) {
    app.on(r.method.toUpperCase(), r.path, async (c) => {
      c.set('route', r.path);
      try {
        const caller = await authorize(deps, r.access, c.req.header('authorization'));
        // Bodies are read here, bounded in bytes and depth: Hono never parses untrusted JSON itself.
        const read = r.body
          ? await readJsonBody(c.req.raw, r.body, deps.bodyLimitBytes, incomingOf(c))
          : r.textBody
            ? { value: undefined, text: await readBodyText(c.req.raw, deps.bodyLimitBytes, incomingOf(c)) }
            : undefined;
        return await r.handler({
          c,
          deps,
          body: read?.value,
          bodyText: read?.text,
          params: c.req.param() as Record<string, string>,
          query: new URL(c.req.url).searchParams,
          tenant: caller.tenant,
          principal: caller.principal,
          routes,
        });
      } catch (e) {
        return fail(c, e);
      }
    });
  }

  app.notFound((c) => {
    const path = new URL(c.req.url).pathname;
    const allowed = templates.filter((t) => t.regex.test(path)).map((t) => t.route.method.toUpperCase());
    if (allowed.length > 0) {
      c.set('route', templates.find((t) => t.regex.test(path))!.route.path);
      const error = new TesseraError(
        'METHOD_NOT_ALLOWED',
        `${c.req.method} is not allowed on ${path}; use ${allowed.join(', ')}`,
      );
      return problemResponse(publicUrl, error, { headers: { allow: allowed.join(', ') } });
    }
    return problemResponse(publicUrl, new TesseraError('NOT_FOUND', `no route ${c.req.method} ${path}`));
  });
  app.onError((e, c) => fail(c, e));
  return app;
}
