import { changeStatus, type StatusChangeOutcome } from '@tessera/app';
import { isRecord, TesseraError } from '@tessera/core';
import { tenantBySlug, withAdmin } from '../admin-context.js';
import { type CliIo, type Command, optionalString, type ParsedArgs } from '../args.js';
import { parseServerUrl, readProblem, request, Unreachable } from '../http.js';

/**
 * `tessera revoke|suspend|reinstate <credential-id>`: one status change, through a server's
 * `POST /credentials/status` (--server, API key from TESSERA_API_KEY) or on the local store
 * (--tenant, the admin commands' environment) with the same use case the server runs.
 */
type Target = 'revoked' | 'suspended' | 'active';

const UUID = /^(?:urn:uuid:)?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/** Refusals about the credential itself: the command ran and the answer is no (exit 1). */
const REFUSED: Record<number, true> = { 401: true, 403: true, 404: true, 409: true };

const DONE: Record<Target, string> = { revoked: 'revoked', suspended: 'suspended', active: 'reinstated' };
const STATE: Record<Target, string> = { revoked: 'revoked', suspended: 'suspended', active: 'active' };

function statusCommand(name: string, target: Target, summary: string, what: string): Command {
  return {
    name,
    summary,
    usage: `tessera ${name} <credential-id> --server URL [--reason TEXT]
tessera ${name} <credential-id> --tenant SLUG [--reason TEXT]

${what}
The credential id is urn:uuid:… or the bare UUID. --reason is kept privately by
the issuer (never in the status list or the log). Prints one line:
"${DONE[target]} urn:uuid:… (changed)" or "(already ${STATE[target]})".

  --server URL     through a Tessera server (POST /credentials/status); the API
                   key (scope status) comes from TESSERA_API_KEY
  --tenant SLUG    without --server: on the local store, configured by the same
                   environment as the server and the admin commands
                   (TESSERA_DATABASE_URL, TESSERA_DATA_DIR, TESSERA_MASTER_KEY,
                   TESSERA_PUBLIC_URL). A running server on that store serves
                   the re-signed list at once (it reads lists from the store;
                   its own POST /credentials/verify may use a cached copy for
                   up to the list's ttl, 30 s); its checkpoint signer covers
                   the change on its next write, checkpoint request or start.
  --reason TEXT    why (at most 1000 characters)

Exit status: 0 done (or already so), 1 refused (NOT_FOUND, STATUS_FINAL: a
revoked credential stays revoked, AUTH_MISSING, AUTH_FORBIDDEN), 2 usage or the
server could not be reached.`,
    options: { server: { type: 'string' }, tenant: { type: 'string' }, reason: { type: 'string' } },
    allowPositionals: true,
    run: (args, io) => runStatusChange(name, target, args, io),
  };
}

export const revoke = statusCommand(
  'revoke',
  'revoked',
  'revoke a credential (final)',
  'Revokes a credential: its revocation bit is set and the change logged. Revocation is final.',
);
export const suspend = statusCommand(
  'suspend',
  'suspended',
  'suspend a credential (reinstate lifts it)',
  'Suspends a credential: its suspension bit is set and the change logged.',
);
export const reinstate = statusCommand(
  'reinstate',
  'active',
  'lift a suspension',
  'Reinstates a suspended credential: its suspension bit is cleared and the change\nlogged. A revoked credential cannot be reinstated (STATUS_FINAL).',
);

function describe(outcome: StatusChangeOutcome, target: Target): string {
  const id = `urn:uuid:${outcome.credentialId.replace(/^urn:uuid:/, '')}`;
  return `${DONE[target]} ${id} (${outcome.changed ? 'changed' : `already ${STATE[target]}`})\n`;
}

async function runStatusChange(name: string, target: Target, args: ParsedArgs, io: CliIo): Promise<number> {
  const see = `(see: tessera ${name} --help)`;
  if (args.positionals.length !== 1)
    throw new TesseraError('USAGE_INVALID', `name exactly one credential id ${see}`);
  const uuid = UUID.exec(args.positionals[0]!)?.[1]?.toLowerCase();
  if (!uuid)
    throw new TesseraError(
      'USAGE_INVALID',
      `the credential id must be urn:uuid:… or a UUID, not ${args.positionals[0]}`,
    );
  const reason = optionalString(args, 'reason')?.trim();
  if (reason !== undefined && (reason === '' || reason.length > 1000))
    throw new TesseraError('USAGE_INVALID', '--reason must be 1 to 1000 characters');
  const serverFlag = optionalString(args, 'server');
  const slug = optionalString(args, 'tenant');

  if (serverFlag === undefined) {
    if (!slug) throw new TesseraError('USAGE_INVALID', `without --server, --tenant SLUG is required ${see}`);
    // An unknown tenant stays a usage error (exit 2); a refusal about the credential is exit 1.
    const result = await withAdmin(async (deps) => {
      const tenant = await tenantBySlug(deps, slug);
      try {
        return { outcome: await changeStatus(deps, tenant, uuid, target, reason) };
      } catch (e) {
        if (e instanceof TesseraError && (e.code === 'NOT_FOUND' || e.code === 'STATUS_FINAL'))
          return { refused: e };
        throw e;
      }
    });
    if ('refused' in result) {
      io.stderr(`tessera: ${result.refused.code}: ${result.refused.message} (tenant ${slug})\n`);
      return 1;
    }
    io.stdout(describe(result.outcome, target));
    return 0;
  }

  if (slug !== undefined)
    throw new TesseraError(
      'USAGE_INVALID',
      '--tenant is for the local store; with --server the API key names the tenant',
    );
  const server = parseServerUrl(serverFlag);
  const apiKey = process.env.TESSERA_API_KEY;
  if (!apiKey)
    throw new TesseraError('USAGE_INVALID', `--server needs an API key with scope status in TESSERA_API_KEY`);
  const url = `${server}/credentials/status`;
  try {
    const response = await request(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        credentialId: `urn:uuid:${uuid}`,
        credentialStatus: [{ type: 'BitstringStatusListEntry', status: target }],
        ...(reason === undefined ? {} : { reason }),
      }),
    });
    if (response.status === 200) {
      const body: unknown = await response.json().catch(() => undefined);
      if (!isRecord(body) || typeof body.changed !== 'boolean' || typeof body.credentialId !== 'string') {
        io.stderr(`tessera: INTERNAL: ${url} answered 200 without { credentialId, status, changed }\n`);
        return 3;
      }
      io.stdout(describe({ credentialId: body.credentialId, status: target, changed: body.changed }, target));
      return 0;
    }
    const problem = await readProblem(url, response);
    io.stderr(`tessera: ${problem.code}: ${problem.detail}\n`);
    if (REFUSED[response.status]) return 1;
    return response.status >= 400 && response.status < 500 && response.status !== 429 ? 2 : 3;
  } catch (e) {
    if (!(e instanceof Unreachable)) throw e;
    io.stderr(`tessera: ${e.code}: ${e.message}\n`);
    return 2;
  }
}
