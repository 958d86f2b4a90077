import { ERROR_CODES } from '@tessera/core';
import type { AnyRoute } from './routes/route.js';

/** Inline CSS, allowed by hash in the CSP: the page loads nothing else. */
export const DOCS_CSS = `body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1d2430}
h1{font-size:1.6rem}h2{margin-top:2rem;border-bottom:1px solid #dde}code{background:#f2f3f7;padding:0 .25em;border-radius:3px}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #e5e7ef;padding:.3rem .5rem;text-align:left;vertical-align:top}
.m{font-weight:600;font-family:monospace;text-transform:uppercase}.s{color:#56607a;font-size:.9em}`;

const accessText = (r: AnyRoute) =>
  r.access.kind === 'public'
    ? 'public'
    : r.access.kind === 'operator'
      ? 'operator token'
      : `API key, scope ${r.access.scope}`;

/** The API reference: server-rendered from the route table, every string escaped by JSX. */
export function DocsPage(props: { routes: readonly AnyRoute[]; publicUrl: string }) {
  const tags = [...new Set(props.routes.map((r) => r.tag))];
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>Tessera API reference</title>
        <style>{DOCS_CSS}</style>
      </head>
      <body>
        <h1>Tessera API reference</h1>
        <p>
          Base URL <code>{props.publicUrl}</code>. Machine-readable: <a href="/openapi.json">/openapi.json</a>
          . Authenticate with <code>Authorization: Bearer tsk_…</code> (a tenant API key). Creating tenants
          needs the operator token. Errors are <code>application/problem+json</code> with a stable{' '}
          <code>code</code> (below).
        </p>
        {tags.map((tag) => (
          <section>
            <h2>{tag}</h2>
            <table>
              <tbody>
                {props.routes
                  .filter((r) => r.tag === tag)
                  .map((r) => (
                    <tr>
                      <td class="m">{r.method}</td>
                      <td>
                        <code>{r.path}</code>
                        <div>{r.summary}</div>
                        <div class="s">
                          {accessText(r)} ·{' '}
                          {Object.entries(r.responses)
                            .map(([s, d]) => `${s} ${d}`)
                            .join(' · ')}
                        </div>
                      </td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </section>
        ))}
        <h2>Error codes</h2>
        <table>
          <tbody>
            {Object.entries(ERROR_CODES).map(([code, info]) => (
              <tr id={code}>
                <td>
                  <code>{code}</code>
                </td>
                <td>{info.status}</td>
                <td>{info.title}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </body>
    </html>
  );
}
