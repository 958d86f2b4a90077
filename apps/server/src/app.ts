import type { IncomingMessage, ServerResponse } from 'node:http';
import { TesseraError, toTesseraError } from '@tessera/core';
import { type Context, Hono } from 'hono';
import { authorize, type Caller } from './auth.js';
import { readBodyText, readJsonBody } from './body.js';
import { problemResponse } from './problem.js';
import { ROUTES } from './routes/index.js';
import type { AnyRoute, ServerDeps } from './routes/route.js';

type Env = { Variables: { route: string } };
type NodeBindings = { incoming?: IncomingMessage; outgoing?: ServerResponse } | undefined;
/** On a socket, @hono/node-server passes the Node request: bodies are read from it directly. */
const incomingOf = (c: Context<Env>) => (c.env as NodeBindings)?.incoming;

const NOSNIFF = 'nosniff';
const DEFAULT_CSP = "default-src 'none'; frame-ancestors 'none'";
/** Public routes have no caller; they skip reading the Authorization header at all. */
const NO_CALLER: Caller = Object.freeze({});

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
    const outgoing = (c.env as NodeBindings)?.outgoing;
    // On a socket the fixed headers go on the Node response up front: headers a route passes to
    // `writeHead` take precedence (its own CSP wins), and the route's plain header object stays
    // plain. Touching `c.res.headers` afterwards would make @hono/node-server build a Headers
    // object and convert it back for every response.
    if (outgoing) {
      outgoing.setHeader('x-content-type-options', NOSNIFF);
      outgoing.setHeader('content-security-policy', DEFAULT_CSP);
    }
    await next();
    if (!outgoing) {
      // `app.request()` (tests): set on the response's own headers; `c.header()` after the
      // handler would rebuild the response around a body stream.
      const headers = c.res.headers;
      headers.set('x-content-type-options', NOSNIFF);
      if (!headers.has('content-security-policy')) headers.set('content-security-policy', DEFAULT_CSP);
    }
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
        const caller =
          r.access.kind === 'public'
            ? NO_CALLER
            : await authorize(deps, r.access, c.req.header('authorization'));
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
