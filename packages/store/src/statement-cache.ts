import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

/**
 * The database handle Kysely's SqliteDialect drives, with prepared statements reused.
 *
 * Kysely prepares every query anew; on the hot paths (API-key lookup, credential insert) the
 * prepare costs as much as running the statement. Statements are cached by SQL text, least
 * recently used evicted past `max`; a statement still being iterated is never handed out twice.
 */
export function cachingDatabase(raw: BetterSqlite3.Database, max = 256): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => raw.close(),
    prepare(sqlText: string) {
      const cached = cache.get(sqlText);
      if (cached && !cached.busy) {
        // Re-insert to mark it most recently used (Map keeps insertion order).
        cache.delete(sqlText);
        cache.set(sqlText, cached);
        return cached;
      }
      const statement = raw.prepare(sqlText);
      if (!cached) {
        if (cache.size >= max) cache.delete(cache.keys().next().value as string);
        cache.set(sqlText, statement);
      }
      return statement;
    },
  };
}
