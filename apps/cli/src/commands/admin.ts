import { createApiKey, createTenant, type DidMethod } from '@tessera/app';
import { TesseraError } from '@tessera/core';
import { tenantBySlug, withAdmin } from '../admin-context.js';
import { type Command, optionalString, requireString } from '../args.js';

const ENV_NOTE = `Works on the store named by TESSERA_DATABASE_URL (default sqlite:./data/tessera.db),
with the master key of TESSERA_MASTER_KEY (or <data dir>/master-key in development).`;

export const migrate: Command = {
  name: 'migrate',
  summary: 'create or upgrade the database schema',
  usage: `tessera migrate

Applies every pending migration (the server also migrates on start).
${ENV_NOTE}`,
  options: {},
  async run(_args, io) {
    await withAdmin(async () => undefined);
    io.stderr('migrations applied\n');
    return 0;
  },
};

export const tenantCreate: Command = {
  name: 'tenant create',
  summary: 'create an issuer tenant with its DID and first key',
  usage: `tessera tenant create --slug SLUG --name NAME [options]

  --slug SLUG            URL name: did:web:<host>:tenants:SLUG
  --name NAME            the issuer Profile's name
  --url URL  --email EMAIL  --description TEXT  --image URL
  --did-method web|key   did:web served by Tessera (default) or a did:key
${ENV_NOTE}`,
  options: {
    slug: { type: 'string' },
    name: { type: 'string' },
    url: { type: 'string' },
    email: { type: 'string' },
    description: { type: 'string' },
    image: { type: 'string' },
    'did-method': { type: 'string' },
  },
  async run(args, io) {
    const didMethod = optionalString(args, 'did-method') ?? 'web';
    if (didMethod !== 'web' && didMethod !== 'key')
      throw new TesseraError('USAGE_INVALID', '--did-method must be web or key');
    const input = {
      slug: requireString(args, 'slug', 'tenant create'),
      name: requireString(args, 'name', 'tenant create'),
      didMethod: didMethod as DidMethod,
      ...Object.fromEntries(
        ['url', 'email', 'description', 'image'].flatMap((k) =>
          optionalString(args, k) ? [[k, optionalString(args, k)]] : [],
        ),
      ),
    };
    const { tenant, key } = await withAdmin((deps) => createTenant(deps, input));
    io.stdout(`${JSON.stringify({ ...tenant, verificationMethod: key.verificationMethod }, null, 2)}\n`);
    return 0;
  },
};

export const tenantList: Command = {
  name: 'tenant list',
  summary: 'list tenants',
  usage: `tessera tenant list\n\n${ENV_NOTE}`,
  options: {},
  async run(_args, io) {
    const tenants = await withAdmin((deps) => deps.store.tenants.list());
    for (const t of tenants) io.stdout(`${t.slug.padEnd(24)} ${t.did}  ${t.name}\n`);
    return 0;
  },
};

export const apikeyCreate: Command = {
  name: 'apikey create',
  summary: 'create an API key for a tenant (shown once)',
  usage: `tessera apikey create --tenant SLUG --scopes issue,status,admin,read [--name NAME]

Prints the token once; only its hash is stored.
${ENV_NOTE}`,
  options: { tenant: { type: 'string' }, scopes: { type: 'string' }, name: { type: 'string' } },
  async run(args, io) {
    const slug = requireString(args, 'tenant', 'apikey create');
    const scopes = requireString(args, 'scopes', 'apikey create')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const name = optionalString(args, 'name') ?? 'cli';
    const { record, token } = await withAdmin(async (deps) =>
      createApiKey(deps, (await tenantBySlug(deps, slug)).id, { name, scopes }),
    );
    io.stderr(
      `API key ${record.id} for ${slug} with scopes ${record.scopes.join(',')}; the token is shown once:\n`,
    );
    io.stdout(`${token}\n`);
    return 0;
  },
};

export const apikeyRevoke: Command = {
  name: 'apikey revoke',
  summary: 'revoke an API key at once',
  usage: `tessera apikey revoke --tenant SLUG ID\n\n${ENV_NOTE}`,
  options: { tenant: { type: 'string' } },
  allowPositionals: true,
  async run(args, io) {
    const slug = requireString(args, 'tenant', 'apikey revoke');
    const id = args.positionals[0];
    if (!id || args.positionals.length > 1)
      throw new TesseraError('USAGE_INVALID', 'name exactly one API key id');
    const revoked = await withAdmin(async (deps) => {
      const tenant = await tenantBySlug(deps, slug);
      return deps.store.transaction((tx) => tx.apiKeys.revoke(tenant.id, id, new Date().toISOString()), {
        tenantId: tenant.id,
      });
    });
    if (!revoked) throw new TesseraError('NOT_FOUND', `no active API key ${id} for ${slug}`);
    io.stderr(`revoked ${id}\n`);
    return 0;
  },
};
