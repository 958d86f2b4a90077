import { AsyncLocalStorage } from 'node:async_hooks';
import { TesseraError } from '@tessera/core';

/**
 * Marks the async context of a transaction callback. Inside it, reaching for the store itself
 * (instead of the `tx` repositories) would wait for the connection the transaction holds
 * (a deadlock on SQLite) or escape the transaction (PostgreSQL): fail loudly instead.
 *
 * The mark is an AsyncLocalStorage, which on Node 20 hooks every promise the process creates
 * once it is first used (about 5% of the server's event loop under load). A store opened with
 * the guard off never touches it, so a process whose stores are all unguarded pays nothing.
 */
export interface TransactionGuard {
  run<T>(fn: () => Promise<T>): Promise<T>;
  assertOutside(): void;
}

let inside: AsyncLocalStorage<true> | undefined;

const guarded: TransactionGuard = {
  run: (fn) => {
    inside ??= new AsyncLocalStorage<true>();
    return inside.run(true, fn);
  },
  assertOutside() {
    if (inside?.getStore() === true) {
      throw new TesseraError(
        'INTERNAL',
        'the store was used inside its own transaction callback: use the repositories passed to the callback',
      );
    }
  },
};

const unguarded: TransactionGuard = { run: (fn) => fn(), assertOutside: () => {} };

/** The guard a store's options ask for: on unless `guardTransactions` is false. */
export const transactionGuard = (options: GuardOptions): TransactionGuard =>
  options.guardTransactions === false ? unguarded : guarded;

export interface GuardOptions {
  /**
   * Fail with INTERNAL when the store itself is used inside its own transaction callback
   * (default true). The server turns it off outside development: see `TransactionGuard`.
   */
  readonly guardTransactions?: boolean;
}
