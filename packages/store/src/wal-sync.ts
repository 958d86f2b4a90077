import { type FileHandle, open } from 'node:fs/promises';

/**
 * Makes committed SQLite transactions durable without blocking the event loop.
 *
 * better-sqlite3 is synchronous: with `synchronous=FULL` every COMMIT fsyncs the WAL on the
 * calling thread, and the whole server stalls for the disk (measured: ~45% of the event loop
 * under issuance load). Instead the connection runs `synchronous=NORMAL` (COMMIT writes the WAL
 * frames to the OS, SQLite still syncs around checkpoints) and nothing is acknowledged until
 * `durable()` has fdatasync'ed the WAL file from libuv's thread pool. fsync applies to the file,
 * not the descriptor, so a sync begun after a COMMIT returned covers that commit and every one
 * before it: the same guarantee as FULL, paid once per group of commits and off the main thread.
 */
export interface WalSync {
  /** Resolves once every transaction committed before the call is on stable storage. */
  durable(): Promise<void>;
  close(): Promise<void>;
}

/** `syncFile` is the fdatasync itself; tests replace it to observe ordering. */
export function createWalSync(
  walPath: string,
  syncFile: (file: FileHandle) => Promise<void> = (file) => file.datasync(),
): WalSync {
  let handle: Promise<FileHandle> | undefined;
  // One fsync runs at a time; callers arriving meanwhile share the next one (their commits may
  // have landed after the running sync began, so it cannot count for them).
  let running: Promise<void> | undefined;
  let next: Promise<void> | undefined;

  const file = () => {
    handle ??= open(walPath, 'r');
    handle.catch(() => {
      handle = undefined;
    });
    return handle;
  };
  const syncOnce = async () => {
    await syncFile(await file());
  };

  return {
    durable() {
      if (!running) {
        running = syncOnce().finally(() => {
          running = undefined;
        });
        return running;
      }
      next ??= running
        .catch(() => {})
        .then(() => {
          next = undefined;
          running = syncOnce().finally(() => {
            running = undefined;
          });
          return running;
        });
      return next;
    },
    async close() {
      await running?.catch(() => {});
      await next?.catch(() => {});
      const h = handle;
      handle = undefined;
      if (h) await (await h.catch(() => undefined))?.close();
    },
  };
}
