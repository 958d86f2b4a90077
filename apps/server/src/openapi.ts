import { z } from 'zod';
import type { AnyRoute } from './routes/route.js';

const ProblemSchema = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail', 'code'],
  properties: {
    type: { type: 'string', format: 'uri' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    code: { type: 'string' },
    errors: {
      type: 'array',
      items: { type: 'object', properties: { pointer: { type: 'string' }, message: { type: 'string' } } },
    },
    report: { type: 'object', description: 'The verification report, for failed verifications' },
  },
};

/**
 * A zod schema as an OpenAPI 3.1 schema: named schemas (`.meta({ id })`) move to
 * components.schemas and their `$defs` references are rewritten to point there.
 */
function schemaOf(schema: z.ZodType, components: Record<string, unknown>): unknown {
  const {
    $schema: _,
    $defs,
    ...rest
  } = z.toJSONSchema(schema, { unrepresentable: 'any' }) as Record<string, unknown>;
  const rewrite = (v: unknown) =>
    JSON.parse(JSON.stringify(v).replaceAll('"#/$defs/', '"#/components/schemas/'));
  for (const [name, def] of Object.entries(($defs ?? {}) as Record<string, unknown>))
    components[name] = rewrite(def);
  return rewrite(rest);
}

const toOpenApiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/** OpenAPI 3.1 from the route table: request schemas are the zod schemas that validate requests. */
export function buildOpenApi(routes: readonly AnyRoute[], publicUrl: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const components: Record<string, unknown> = { Problem: ProblemSchema };
  for (const r of routes) {
    const params = [...r.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    const query = Object.entries(r.query ?? {}).map(([name, description]) => ({
      name,
      in: 'query',
      required: false,
      description,
      schema: { type: 'string' },
    }));
    const responses: Record<string, unknown> = {};
    for (const [status, description] of Object.entries(r.responses)) {
      const problem = Number(status) >= 400;
      responses[status] = {
        description,
        ...(Number(status) === 204
          ? {}
          : {
              content: {
                [problem ? 'application/problem+json' : 'application/json']: {
                  schema: problem ? { $ref: '#/components/schemas/Problem' } : {},
                },
              },
            }),
      };
    }
    if (r.access.kind !== 'public') {
      responses['401'] ??= {
        description: 'No valid credentials (AUTH_MISSING)',
        content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
      };
    }
    if (r.access.kind === 'scope') {
      responses['403'] ??= {
        description: `The key lacks the "${r.access.scope}" scope`,
        content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
      };
      responses['429'] ??= {
        description: 'Rate limited; see Retry-After',
        content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
      };
    }
    const path = toOpenApiPath(r.path);
    paths[path] ??= {};
    paths[path][r.method] = {
      tags: [r.tag],
      summary: r.summary,
      ...(r.access.kind === 'public'
        ? { security: [] }
        : { security: [{ [r.access.kind === 'operator' ? 'operatorToken' : 'apiKey']: [] }] }),
      ...(r.access.kind === 'scope' ? { 'x-tessera-scope': r.access.scope } : {}),
      ...(params.length + query.length > 0 ? { parameters: [...params, ...query] } : {}),
      ...((r.body ?? r.textBody)
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: schemaOf(r.body ?? r.textBody, components) } },
            },
          }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Tessera issuer service',
      version: '0.1.0',
      description: 'Open Badges 3.0 issuance and verification (W3C VC-API), multi-tenant.',
    },
    servers: [{ url: publicUrl }],
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'A tenant API key, tsk_…' },
        operatorToken: {
          type: 'http',
          scheme: 'bearer',
          description: 'The operator token (TESSERA_ADMIN_TOKEN)',
        },
      },
      schemas: components,
    },
    paths,
  };
}
