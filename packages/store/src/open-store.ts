import type { Store } from '@tessera/app';
import { TesseraError } from '@tessera/core';
import { openPostgresStore, type PostgresStoreOptions } from './postgres-store.js';
import { openSqliteStore, type SqliteStoreOptions } from './sqlite-store.js';

export type OpenStoreOptions = SqliteStoreOptions & PostgresStoreOptions;

export type StoreLocation =
  | { readonly dialect: 'sqlite'; readonly path: string }
  | { readonly dialect: 'postgres'; readonly url: string };

/**
 * Reads a database URL: `sqlite:<path>` (relative or absolute; `sqlite::memory:` for a
 * throw-away database; `sqlite:///abs/path` also accepted) or `postgres://…`/`postgresql://…`.
 */
export function parseStoreUrl(url: string): StoreLocation {
  if (url.startsWith('sqlite:')) {
    let path = url.slice('sqlite:'.length);
    if (path.startsWith('//')) path = path.slice(2);
    if (path === '') throw new TesseraError('INPUT_INVALID', 'the sqlite: database URL has no path');
    return { dialect: 'sqlite', path };
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return { dialect: 'postgres', url };
  throw new TesseraError(
    'INPUT_INVALID',
    'the database URL must start with sqlite:, postgres:// or postgresql://',
  );
}

/** Opens the store a URL names, migrating it first unless `migrate: false`. */
export async function openStore(url: string, options: OpenStoreOptions = {}): Promise<Store> {
  const location = parseStoreUrl(url);
  return location.dialect === 'sqlite'
    ? openSqliteStore(location.path, options)
    : openPostgresStore(location.url, options);
}

/** `tessera migrate`: applies pending migrations and closes the database again. */
export async function migrateDatabase(
  url: string,
  options: Omit<OpenStoreOptions, 'migrate'> = {},
): Promise<void> {
  const store = await openStore(url, { ...options, migrate: true });
  await store.close();
}
