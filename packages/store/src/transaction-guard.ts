import { AsyncLocalStorage } from 'node:async_hooks';
import { TesseraError } from '@tessera/core';

/**
 * Marks the async context of a transaction callback. Inside it, reaching for the store itself
 * (instead of the `tx` repositories) would wait for the connection the transaction holds
 * (a deadlock on SQLite) or escape the transaction (PostgreSQL): fail loudly instead.
 */
const inside = new AsyncLocalStorage<true>();

export const runInTransactionContext = <T>(fn: () => Promise<T>): Promise<T> => inside.run(true, fn);

export function assertOutsideTransaction(): void {
  if (inside.getStore() === true) {
    throw new TesseraError(
      'INTERNAL',
      'the store was used inside its own transaction callback: use the repositories passed to the callback',
    );
  }
}
